// The guest-time discontinuity at a resume point (docs/format.md#64-resume-points-and-the-guest-time-line):
// how far the guest counter is from what
// the VM's policy expects, in ticks and in time at the guest's frequency. Shared by inlay hints,
// code lenses and the timeline.
import type { Analysis } from '../analysis';
import type { EventOf } from '../replay/events';
import type { ModelState } from '../replay/state';
import { abs, signedDiff } from '../values/u64';
import { ticksIn } from '../values/units';
import { signedDuration, signedTicks, ticksWord } from '../values/format';
import { nsOfTicks } from '../values/units';
import { parseInstanceKey } from '../../../protocol/instanceKey';

export interface Discontinuity {
  line: number;
  vm: string;
  host: string;
  instance: string;
  vcpu: number;
  counterName: 'CNTVCT' | 'TSC';
  policy: 'advance' | 'freeze';
  stopLine: number;
  stopKind: 'pause' | 'migrate' | 'snapshot';
  downtimeNs: bigint;
  gBefore: bigint;
  gAfter: bigint;
  expected: bigint;
  /** Guest counter frequency as the guest knew it before the stop. */
  freq: bigint;
  /** gAfter - expected, signed ticks, and as ns at `freq`. */
  deviation: bigint;
  deviationNs: bigint;
  withinTolerance: boolean;
  /** `Δ -14999750 ticks (-599.99 ms) vs policy advance` */
  label: string;
}

export function discontinuityOf(e: EventOf<'resumePoint'>, state: ModelState): Discontinuity {
  const { host, vm } = parseInstanceKey(e.inst);
  const policy = state.guests.get(vm)?.policy ?? 'advance';
  const deviation = signedDiff(e.gAfter, e.expected);
  const deviationNs = nsOfTicks(deviation, e.freqBefore);
  return {
    line: state.line,
    vm,
    host,
    instance: e.inst,
    vcpu: e.vcpu,
    counterName: e.counterName,
    policy,
    stopLine: e.stop.at.line,
    stopKind: e.stop.kind,
    downtimeNs: state.time - e.stop.time,
    gBefore: e.gBefore,
    gAfter: e.gAfter,
    expected: e.expected,
    freq: e.freqBefore,
    deviation,
    deviationNs,
    withinTolerance: abs(deviation) <= ticksIn(state.tolerance, e.freqBefore),
    label: `Δ ${signedTicks(deviation)} ${ticksWord(deviation)} (${signedDuration(deviationNs)}) vs policy ${policy}`,
  };
}

/** Every resume point of lines `from`..`to` (inclusive). */
export function discontinuities(analysis: Analysis, from: number, to: number): Discontinuity[] {
  const out: Discontinuity[] = [];
  analysis.replayRange(from, to, (_line, state, events) => {
    for (const e of events) if (e.kind === 'resumePoint') out.push(discontinuityOf(e, state));
  });
  return out;
}
