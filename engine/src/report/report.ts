// The report of a whole trace ("Replay trace" and "Export report"): its findings placed in time,
// and per VM the instances it ran on (how long running and paused), its migrations and restores,
// and per vCPU the final and the worst guest clock error and the stolen time. Built from the
// timeline index and the diagnostics, after the replay of the whole document.
import type { Diagnostic } from '../analysis';
import type { ModelState } from '../replay/state';
import { abs } from '../values/u64';
import type { Report, ReportInstance, ReportVcpu, ReportVm, TimelineRow } from '../../../protocol/views';
import type { TimelineIndex } from '../timeline/timelineIndex';
import { countBySeverity } from '../timeline/overview';

function phaseTotal(row: TimelineRow, phase: 'running' | 'paused'): bigint {
  return row.intervals.filter((i) => i.phase === phase).reduce((sum, i) => sum + BigInt(i.toNs) - BigInt(i.fromNs), 0n);
}

/** `items` grouped by `key`, each group in the order of `items` (one pass, not a filter per group). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function instanceOf(vcpuRows: Map<string, TimelineRow[]>, row: TimelineRow): ReportInstance {
  const first = row.intervals[0];
  const last = row.intervals.at(-1);
  return {
    key: row.instance,
    host: row.host,
    origin: row.origin,
    firstNs: first?.fromNs ?? '0',
    lastNs: last?.toNs ?? first?.fromNs ?? '0',
    runningNs: phaseTotal(row, 'running').toString(),
    pausedNs: phaseTotal(row, 'paused').toString(),
    vcpus: (vcpuRows.get(row.instance) ?? []).map((r) => r.vcpu!),
  };
}

function vcpusOf(series: Map<string, TimelineIndex['series'][number][]>, vm: string, ids: number[]): ReportVcpu[] {
  return ids.map((vcpu) => {
    const s = series.get(`${vm}/${vcpu}`)?.[0];
    const clock = s?.clockError ?? [];
    const worstPoint = clock.reduce<(typeof clock)[number] | undefined>(
      (w, p) => (!w || abs(p.errorNs) > abs(w.errorNs) ? p : w),
      undefined,
    );
    const stolen = s?.stolen.at(-1);
    return {
      vcpu,
      counterName: s?.counterName ?? 'CNTVCT',
      finalErrorNs: clock.at(-1)?.errorNs.toString() ?? null,
      worstErrorNs: worstPoint?.errorNs.toString() ?? null,
      worstErrorLine: worstPoint?.line ?? null,
      stolenNs: stolen?.stolen.toString() ?? null,
      waitedNs: stolen?.waited.toString() ?? null,
    };
  });
}

export function report(
  index: TimelineIndex,
  diagnostics: readonly Diagnostic[],
  state: ModelState,
  name: string,
): Report {
  const vmNames = [...new Set([...state.guests.keys(), ...index.rows.map((r) => r.vm)])];
  // Grouped once: a trace may name a new VM on every line (issue #15).
  const rowsOf = groupBy(index.rows, (r) => r.vm);
  const vcpuRows = groupBy(
    index.rows.filter((r) => r.kind === 'vcpu'),
    (r) => r.instance,
  );
  const handoffsOf = groupBy(index.handoffs, (h) => h.vm);
  const series = groupBy(index.series, (s) => `${s.vm}/${s.vcpu}`);
  const vms: ReportVm[] = vmNames.map((vm) => {
    const rows = rowsOf.get(vm) ?? [];
    const handoffs = handoffsOf.get(vm) ?? [];
    const ids = [...new Set(rows.filter((r) => r.kind === 'vcpu').map((r) => r.vcpu!))].sort((a, b) => a - b);
    return {
      name: vm,
      policy: state.guests.get(vm)?.policy ?? 'advance',
      instances: rows.filter((r) => r.kind === 'instance').map((r) => instanceOf(vcpuRows, r)),
      migrations: handoffs.filter((h) => h.kind === 'migrate').length,
      restores: handoffs.filter((h) => h.kind === 'restore').length,
      vcpus: vcpusOf(series, vm, ids),
    };
  });
  const start = index.startNs;
  const end = index.endNs;
  return {
    name,
    lineCount: index.lineCount,
    extent:
      start === null || end === null
        ? null
        : {
            startNs: start.toString(),
            endNs: end.toString(),
            firstLine: index.lines[0],
            lastLine: index.lines[index.statementCount - 1],
          },
    vms,
    vcpuCount: vms.reduce((n, v) => n + v.vcpus.length, 0),
    migrationCount: vms.reduce((n, v) => n + v.migrations, 0),
    findings: diagnostics.map((d) => {
      const t = index.timeOfLine(d.range.start.line);
      return {
        code: d.code,
        severity: d.severity,
        message: d.message,
        line: d.range.start.line,
        timeNs: t === null ? null : t.toString(),
      };
    }),
    findingsBySeverity: countBySeverity(diagnostics),
  };
}
