// The timeline of a whole document at a glance (protocol `TimelineOverview`): its time extent, one
// row per instance and vCPU with their phases, the handoffs, the chart series, the timer tracks and a
// line↔time index.
// Built from the timeline index, so it costs nothing like a replay and stays small however long the
// trace: rows and handoffs grow with the VMs, not with the lines.
import type { Diagnostic } from '../analysis';
import { LINE_INDEX_LIMIT } from '../../../protocol/requests';
import type { FindingSeverity, TimelineOverview } from '../../../protocol/views';
import type { TimelineIndex } from './timelineIndex';
import { TIMER_LABELS } from './timerRows';

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<FindingSeverity, number> {
  const out: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diagnostics) out[d.severity]++;
  return out;
}

/** Statement lines and times: all of them, or `limit` spread evenly (the first and last included). */
function lineIndex(index: TimelineIndex, limit: number): TimelineOverview['lineIndex'] {
  const n = index.statementCount;
  const pick = (i: number): { line: number; timeNs: string } => ({
    line: index.lines[i],
    timeNs: index.times[i].toString(),
  });
  if (n <= limit) return Array.from({ length: n }, (_, i) => pick(i));
  return Array.from({ length: limit }, (_, k) => pick(Math.round((k * (n - 1)) / (limit - 1))));
}

export function timelineOverview(
  index: TimelineIndex,
  diagnostics: readonly Diagnostic[],
  name: string,
  limit = LINE_INDEX_LIMIT,
): TimelineOverview {
  const start = index.startNs;
  const end = index.endNs;
  return {
    name,
    lineCount: index.lineCount,
    statementCount: index.statementCount,
    extent:
      start === null || end === null
        ? null
        : {
            startNs: start.toString(),
            endNs: end.toString(),
            firstLine: index.lines[0],
            lastLine: index.lines[index.statementCount - 1],
          },
    hosts: [...index.hosts],
    rows: [...index.rows],
    handoffs: [...index.handoffs],
    series: index.series.map((s) => ({
      id: s.id,
      vm: s.vm,
      vcpu: s.vcpu,
      counterName: s.counterName,
      clockError: s.clockError.length > 0,
      stolen: s.stolen.length > 0,
    })),
    lineIndex: lineIndex(index, limit),
    findings: countBySeverity(diagnostics),
    timers: index.timers.tracks.map((tr) => ({
      id: tr.info.id,
      vcpuRow: tr.info.vcpuRow,
      timer: tr.info.timer,
      label: TIMER_LABELS[tr.info.timer],
      series: tr.info.series,
      counts: {
        armed: tr.armed.length,
        deliveries: tr.deliveries.length,
        early: tr.deliveries.filter((d) => d.verdict === 'early').length,
        late: tr.deliveries.filter((d) => d.verdict === 'late').length,
        lost: tr.losses.length,
      },
    })),
    runRows: [...index.timers.runs.keys()],
    lateness: [...index.timers.lateness.keys()].map((id) => {
      const tr = index.timers.tracks.find((x) => x.info.series === id)!;
      return { id, vm: tr.info.vm, vcpu: tr.info.vcpu, timer: tr.info.timer };
    }),
  };
}
