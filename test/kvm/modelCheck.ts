// The model against a real kernel: imports a capture `hvtimer record` made of the test VMM, replays
// it, and lines up every value the kernel recorded (each kvm_write_tsc_offset's prev and next,
// kvm_track_tsc, kvm_update_master_clock, kvm_pvclock_update, every KVM_GET_* result) with what the
// model predicts. What differs is either a value PVM fakes (./pvmFakes.ts, only on a capture whose
// recorder found the kvm_pvm vendor module) or a model bug. Used by the kvm layer (live recordings,
// kvm.test.ts), by test/unit/recorded-captures.test.ts (the committed fixtures) and by compare.ts
// (the kernel-vs-model offsets table of FINDINGS.md).
import { Analysis, type Diagnostic } from '../../engine/src/analysis';
import { importCaptures } from '../../engine/src/import/index';
import type { ReplayEvent } from '../../engine/src/replay/events';
import type { ModelState, VcpuState } from '../../engine/src/replay/state';
import { guestTsc, timeOfHostCounter } from '../../engine/src/replay/clock';
import type { LineNode } from '../../engine/src/syntax/ast';
import { nrVcpusMatchedTsc } from '../../engine/src/replay/captureClock';
import { ticksIn } from '../../engine/src/values/units';
import { classify, PVM_CPUID_REWRITE, type FakeId } from './pvmFakes';

/** One value the trace recorded that the model predicted differently (beyond the tolerance). */
export interface Disagreement {
  /** 0-based line of the imported .hvtrace, and its text. */
  line: number;
  text: string;
  /** What differs: a quantity of an observation (`TSC`, `tsc_offset`, `kvmclock`, …), `prev` (a
   * kvm_write_tsc_offset's previous offset), or `problem` (a check the replay made itself, e.g.
   * kvm_track_tsc's count). */
  what: string;
  /** Who recorded it: `ioctl` (a GET result), `kvm` (a tracepoint), `guest`. */
  source: string;
  vcpu?: number;
  observed?: bigint;
  predicted?: bigint;
  /** For an ioctl with took=: the prediction at the end of the call. */
  latest?: bigint;
  /** The vCPU's TSC offset in the model when the value was predicted (and before the previous statement). */
  offset?: bigint;
  offsetBeforePrevious?: bigint;
  /** The statement before this one on the same vCPU (what caused a kernel event). */
  previous?: string;
  /** The tolerance the comparison used (ticks, ns, or 0 for exact values). */
  tolerance: bigint;
  message?: string;
  /** The PVM fake that explains it, if the capture is PVM's and one does. */
  fake?: FakeId;
}

/** One kvm_write_tsc_offset beside the model (a row of the FINDINGS table). */
export interface OffsetRow {
  line: number;
  /** ns after the capture's first KVM_CREATE_VM. */
  ms: number;
  vm: string;
  vcpu: number;
  /** The statement that caused it (the ioctl or guest write just before it on the vCPU). */
  cause: string;
  kernelPrev: bigint;
  kernelNext: bigint;
  /** The model's offset for the vCPU once the cause was replayed. */
  model: bigint;
  /** kvm_track_tsc's offsetmatched/nr_online right after it, and the model's count then. */
  kernelMatched?: string;
  modelMatched?: string;
}

export interface ModelCheck {
  name: string;
  vendor?: string;
  pvm: boolean;
  hvtrace: string;
  diagnostics: Diagnostic[];
  disagreements: Disagreement[];
  offsets: OffsetRow[];
  /** The KVM_SET_CPUID2 statements the check replayed with PVM's CPUID (tsc_adjust=1), by line. */
  cpuidRewritten: number[];
  /** Values the model checked and agreed with (counts by kind), for the report. */
  agreed: Map<string, number>;
}

/** The KVM vendor module the recorder found (its `hvtrace: # … KVM vendor module NAME` marker). */
export const vendorOf = (capture: string): string | undefined =>
  /hvtrace: # hvtimer record: .*\bKVM vendor module (\w+)/.exec(capture)?.[1];

const signed = (x: bigint): bigint => BigInt.asIntN(64, x);
const vcpuKey = (inst: string, vcpu: number): string => `${inst}/${vcpu}`;

/** HVT093's comparison (engine/src/rules/HVT093-model-disagreement): the distance beyond the window, and the tolerance. */
function distance(e: Extract<ReplayEvent, { kind: 'observation' }>, tolerance: bigint): { delta: bigint; tol: bigint } {
  const tol = e.exact ? 0n : e.hz !== undefined ? ticksIn(tolerance, e.hz) : tolerance;
  const early = e.exact ? e.observed - e.predicted : signed(e.observed - e.predicted);
  const late = e.latest === undefined ? undefined : signed(e.observed - e.latest);
  const delta = late === undefined || early < 0n ? early : late > 0n ? late : 0n;
  return { delta, tol };
}

/**
 * Imports and replays one capture and lines up the kernel's values with the model's. On a kvm_pvm
 * capture the check replays KVM_SET_CPUID2 with the CPUID PVM really gives the vCPU (PVM rewrites
 * leaf 7's EBX with the host's, so TSC_ADJUST is always advertised: pvmFakes.ts, PVM_CPUID_REWRITE)
 * and names the fake that explains each remaining difference.
 */
export function checkCapture(
  name: string,
  capture: string,
  options: { pvmRewrite?: boolean; vmmOutput?: string } = {},
): ModelCheck {
  const imported = importCaptures([{ name, text: capture }]);
  if (!imported.ok) throw new Error(`${name}: ${imported.error}`);
  const vendor = vendorOf(capture);
  const pvm = vendor === 'kvm_pvm';
  let text = imported.value.text;
  const cpuidRewritten: number[] = [];
  if (pvm && options.pvmRewrite !== false) {
    text = text
      .split('\n')
      .map((l, i) => {
        if (!PVM_CPUID_REWRITE.test(l)) return l;
        cpuidRewritten.push(i);
        return l.replace(PVM_CPUID_REWRITE, '$1tsc_adjust=1');
      })
      .join('\n');
  }
  const analysis = new Analysis(text);
  const diagnostics = analysis.diagnostics();
  const lines = text.split('\n');
  const disagreements: Disagreement[] = [];
  const offsets: OffsetRow[] = [];
  const agreed = new Map<string, number>();
  const agree = (k: string): void => {
    agreed.set(k, (agreed.get(k) ?? 0) + 1);
  };

  // The model's offsets after the previous line and the one before it; each vCPU's last statement.
  let before = new Map<string, bigint>();
  let beforePrevious = new Map<string, bigint>();
  const lastStatement = new Map<string, { line: number; text: string; offsetBefore?: bigint }>();
  const firstWriteSeen = new Set<string>();
  let createdAt: bigint | undefined;
  // Each statement line's time and the model's vCPUs after it (for the guest's own reads below).
  const snapshots: { time: bigint; line: number; vcpus: Map<string, VcpuState> }[] = [];

  analysis.replayRange(
    0,
    lines.length - 1,
    (line: number, state: ModelState, events: ReplayEvent[], node: LineNode) => {
      const stmt = node.kind === 'statement' ? node.statement : undefined;
      const inst = stmt?.where.vm ? `${stmt.where.host.value}/${stmt.where.vm.value}` : undefined;
      const vcpu = stmt?.where.vcpu?.value;
      const key = inst !== undefined && vcpu !== undefined ? vcpuKey(inst, vcpu) : undefined;
      const prevStmt = key ? lastStatement.get(key) : undefined;
      if (stmt && createdAt === undefined && stmt.body.type === 'create_vm') createdAt = stmt.time.value;
      const base = (what: string, source: string, extra: Partial<Disagreement>): Disagreement => ({
        line,
        text: lines[line],
        what,
        source,
        vcpu,
        offset: key ? before.get(key) : undefined,
        offsetBeforePrevious: key && prevStmt ? beforePrevious.get(key) : undefined,
        previous: prevStmt?.text,
        tolerance: 0n,
        ...extra,
      });
      for (const e of events) {
        if (e.kind === 'observation') {
          const { delta, tol } = distance(e, state.tolerance);
          const k = `${e.source} ${e.quantity}`;
          if (delta <= tol && delta >= -tol) {
            agree(k);
            continue;
          }
          disagreements.push(
            base(e.quantity, e.source, {
              observed: e.observed,
              predicted: e.predicted,
              latest: e.latest,
              tolerance: tol,
              vcpu: e.vcpu,
              offset: e.vcpu !== undefined && e.inst ? before.get(vcpuKey(e.inst, e.vcpu)) : undefined,
            }),
          );
        } else if (e.kind === 'problem' && e.code === 'HVT093') {
          disagreements.push(base('problem', stmt?.actor.value ?? '', { message: e.message }));
        }
      }
      if (stmt?.body.type === 'write_tsc_offset' && key && inst && vcpu !== undefined) {
        const v = state.instances.get(inst)?.vcpus.get(vcpu);
        const model = before.get(key) ?? v?.tscOffset ?? 0n;
        // KVM traces l1_tsc_offset before the write: 0 for a vCPU's first write (a new vCPU's is 0),
        // else the offset it had, which the model knows.
        const expectedPrev = firstWriteSeen.has(key) ? model : 0n;
        const prev = stmt.body.prev.value;
        if (firstWriteSeen.has(key) && prev !== expectedPrev) {
          disagreements.push(base('prev', 'kvm', { observed: prev, predicted: expectedPrev, tolerance: 0n }));
        } else agree('kvm prev');
        firstWriteSeen.add(key);
        const row: OffsetRow = {
          line,
          ms: createdAt === undefined ? 0 : Number(stmt.time.value - createdAt) / 1e6,
          vm: stmt.where.vm!.value,
          vcpu,
          cause: prevStmt ? prevStmt.text.replace(/^\S+ \S+ /, '') : '(none)',
          kernelPrev: prev,
          kernelNext: stmt.body.next.value,
          model: model,
        };
        offsets.push(row);
        if (!events.some((e) => e.kind === 'observation' && e.quantity === 'tsc_offset')) {
          // The replay compares next only when prev is not the model's offset; the table compares always.
          const tol = ticksIn(state.tolerance, state.hosts.get(stmt.where.host.value)!.freq);
          const d = signed(row.kernelNext - row.model);
          if (d > tol || d < -tol)
            disagreements.push(
              base('tsc_offset', 'kvm', { observed: row.kernelNext, predicted: row.model, tolerance: tol }),
            );
          else agree('kvm tsc_offset');
        }
      }
      if (stmt?.body.type === 'track_tsc' && inst) {
        // kvm_track_tsc follows the kvm_write_tsc_offset of a host write (kvm_synchronize_tsc);
        // a guest write's offset change has none.
        const last = offsets.at(-1);
        const row =
          last && last.vcpu === vcpu && last.vm === stmt.where.vm?.value && last.kernelMatched === undefined
            ? last
            : undefined;
        const m = nrVcpusMatchedTsc(state.instances.get(inst)!);
        if (row) {
          row.kernelMatched = `${stmt.body.offsetmatched.value}/${stmt.body.nrOnline.value}`;
          row.modelMatched = m ? `${m.matched}/${m.online}` : '?';
        }
        if (m && m.matched === stmt.body.offsetmatched.value && m.online === stmt.body.nrOnline.value)
          agree('kvm track_tsc');
      }
      if (stmt?.body.type === 'update_master_clock' && events.every((e) => e.kind !== 'problem'))
        agree('kvm update_master_clock');
      if (stmt) {
        const vcpus = new Map<string, VcpuState>();
        for (const i of state.instances.values())
          for (const v of i.vcpus.values()) vcpus.set(vcpuKey(i.key, v.id), { ...v });
        snapshots.push({ time: stmt.time.value, line, vcpus });
      }
      // Remember what the model had, for the next line's comparisons.
      beforePrevious = before;
      before = new Map(before);
      for (const i of state.instances.values())
        for (const v of i.vcpus.values()) before.set(vcpuKey(i.key, v.id), v.tscOffset);
      if (
        key &&
        stmt &&
        stmt.body.type !== 'write_tsc_offset' &&
        stmt.body.type !== 'track_tsc' &&
        stmt.body.type !== 'pvclock_update'
      ) {
        lastStatement.set(key, { line, text: lines[line] });
      }
      if (stmt && inst && vcpu === undefined && stmt.body.type === 'create_vcpu') {
        lastStatement.set(vcpuKey(inst, stmt.body.id.value), { line, text: lines[line] });
      }
    },
  );
  // The guest's RDTSC is not in the capture (no tracepoint sees it); the test VMM prints it with the
  // host TSC it read around the KVM_RUN that executed it: compared with the model over that run.
  const host = [...analysis.stateAfter(lines.length - 1).hosts.values()][0];
  for (const r of options.vmmOutput && host ? guestReadsOf(options.vmmOutput) : []) {
    const [a, b] = r.bracket.map((c) => timeOfHostCounter(host, c));
    // The model as the run left it: the guest program may write an MSR before its rdtsc (cpuid-tsc-adjust).
    const snap = [...snapshots].reverse().find((s) => s.time <= b);
    const entry = snap && [...snap.vcpus].find(([k]) => k.endsWith(`/${r.vcpu}`));
    if (!snap || !entry) continue;
    const v = entry[1];
    const lo = guestTsc(host, v, a),
      hi = guestTsc(host, v, b);
    const tol = ticksIn(analysis.stateAfter(lines.length - 1).tolerance, host.freq);
    if (signed(r.tsc - lo) >= -tol && signed(hi - r.tsc) >= -tol) {
      agree('guest TSC');
      continue;
    }
    disagreements.push({
      line: snap.line,
      text: `guest vcpu${r.vcpu} rdtsc=${r.tsc} (the test VMM's output; the KVM_RUN at host TSC ${r.bracket[0]}..${r.bracket[1]})`,
      what: 'TSC',
      source: 'guest',
      vcpu: r.vcpu,
      observed: r.tsc,
      predicted: lo,
      latest: hi,
      offset: v.tscOffset,
      tolerance: tol,
    });
  }
  for (const d of disagreements) if (pvm) d.fake = classify(d);
  return { name, vendor, pvm, hvtrace: text, diagnostics, disagreements, offsets, cpuidRewritten, agreed };
}

/** `-3330687783364` for a u64 offset. */
export const signedText = (x: bigint): string => signed(x).toString();

/**
 * The guest TSC reads the test VMM printed (`guest vcpuN rdtsc=V`), each with the host TSC bracket of
 * the KVM_RUN that executed the guest's `rdtsc`: the guest program is `rdtsc; out 0x10; out 0x11;
 * hlt` (vmm.c), so the read happened in the KVM_RUN before the one whose exit completed the value.
 */
export function guestReadsOf(vmmOutput: string): { vcpu: number; tsc: bigint; bracket: [bigint, bigint] }[] {
  const out: { vcpu: number; tsc: bigint; bracket: [bigint, bigint] }[] = [];
  const runs = new Map<number, [bigint, bigint][]>();
  for (const l of vmmOutput.split('\n')) {
    const run = /^\d+ KVM_RUN vcpu(\d+) .*host_tsc=(\d+)\.\.(\d+)$/.exec(l);
    if (run) {
      const list = runs.get(Number(run[1])) ?? [];
      list.push([BigInt(run[2]), BigInt(run[3])]);
      runs.set(Number(run[1]), list);
      continue;
    }
    const g = /^\d+ guest vcpu(\d+) rdtsc=(\d+)$/.exec(l);
    const list = g ? runs.get(Number(g[1])) : undefined;
    if (g && list && list.length >= 2)
      out.push({ vcpu: Number(g[1]), tsc: BigInt(g[2]), bracket: list[list.length - 2] });
  }
  return out;
}
