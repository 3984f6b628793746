// Read-only views of the timer model for the editor, the timeline, the CLI and rules: for a vCPU at
// a line (the state after that line), each timer's control and compare value, whether it is
// armable, its deadline in reference time, the statement that armed it and its last delivery.
import type { ModelState, Ref } from '../state';
import type { TimerSnapshot } from '../../../../protocol/views';
import { instanceKey } from '../context';
import { LVTT_RESET, lvttMode, tdcrDivisor, type LapicMode, type TimerName } from '../../uapi/timers';
import { timeReached, timerRate } from './deadline';
import { armable, compareValue, freshTimers, isByTime } from './model';
import { vcpuKey, type DeliveryRecord, type TimerState } from './state';

/** One timer of one vCPU as the model has it. Counters are u64 bigints; times are reference ns. */
export interface TimerView {
  timer: TimerName;
  /** arm64 CTL (ENABLE=1, IMASK=2), x86 LVTT; undefined when the trace never established it. */
  ctl?: bigint;
  /** The compare value in force: arm64 CVAL, x86 TSC deadline (0 = none), or for a one-shot / periodic LAPIC timer its next expiry (reference ns). */
  cmp?: bigint;
  /** `cmp` is a reference time (one-shot / periodic LAPIC timer), not a counter value. */
  cmpIsTime: boolean;
  armable: boolean;
  /** t_d: when the guest counter reaches `cmp` (reference ns), while a compare value is set. */
  deadlineNs?: bigint;
  /** 0-based line of the statement that last set the compare value or made it armable. */
  armedAtLine?: number;
  armedAt?: Ref;
  /** The deadline being watched has been delivered. */
  delivered: boolean;
  lastDelivery?: DeliveryRecord;
  /** x86 only. */
  lapic?: {
    mode: LapicMode;
    masked: boolean;
    tmict: bigint;
    tdcr: bigint;
    divisor: bigint;
    periodNs?: bigint;
    lvttKnown: boolean;
    hvTimer?: boolean;
  };
}

function view(ts: TimerState, hvTimer: boolean | undefined): TimerView {
  const cmp = ts.name === 'lapic' && isByTime(ts) ? ts.target : ts.cmp;
  return {
    timer: ts.name,
    ctl: ts.ctl,
    cmp,
    cmpIsTime: isByTime(ts),
    armable: armable(ts),
    deadlineNs: compareValue(ts) === undefined ? undefined : ts.deadline,
    armedAtLine: ts.armedAt?.line,
    armedAt: ts.armedAt,
    delivered: ts.episode?.delivered ?? false,
    lastDelivery: ts.lastDelivery,
    lapic:
      ts.name === 'lapic'
        ? {
            mode: lvttMode(ts.ctl ?? LVTT_RESET),
            masked: ((ts.ctl ?? LVTT_RESET) & (1n << 16n)) !== 0n,
            tmict: ts.tmict,
            tdcr: ts.tdcr,
            divisor: tdcrDivisor(ts.tdcr),
            periodNs: ts.periodNs,
            lvttKnown: ts.lvttKnown,
            hvTimer,
          }
        : undefined,
  };
}

/**
 * The timers of vCPU `vcpu` of instance `inst` (`host/vm`) in `state` — e.g. `analysis.stateAfter(line)`:
 * arm64 vtimer, ptimer, hvtimer, hptimer; x86 lapic. Empty for a vCPU the instance does not have.
 */
export function timersOf(state: ModelState, inst: string, vcpu: number): TimerView[] {
  const vt = state.timers.vcpus.get(vcpuKey(inst, vcpu));
  if (vt) return Object.values(vt.timers).map((ts) => view(ts, vt.hvTimer));
  // Not touched yet: the reset state of a created vCPU (or unknown values for one the trace never created).
  const i = state.instances.get(inst);
  const v = i?.vcpus.get(vcpu);
  const h = i ? state.hosts.get(i.host) : undefined;
  if (!v || !h) return [];
  return Object.values(freshTimers(h.arch, v.created !== undefined)).map((ts) => view(ts, undefined));
}

/** The same for a guest by VM name: its current instance. */
export function guestTimersOf(state: ModelState, vm: string, vcpu: number): TimerView[] {
  const g = state.guests.get(vm);
  return g?.current ? timersOf(state, g.current, vcpu) : [];
}

/**
 * x86: where the vCPU's armed TSC deadline fires (kept in host time since it was armed) and where
 * the guest TSC, with the offset in force now, reaches it (for HVT020's "fires N late").
 */
export function lapicDeadlineDrift(
  state: ModelState,
  host: string,
  vm: string,
  vcpu: number,
): { firesAt: bigint; reachedAt: bigint; deadline: bigint; hz: bigint } | undefined {
  const h = state.hosts.get(host);
  const inst = state.instances.get(instanceKey(host, vm));
  const v = inst?.vcpus.get(vcpu);
  const ts = state.timers.vcpus.get(vcpuKey(instanceKey(host, vm), vcpu))?.timers.lapic;
  if (
    !h ||
    !v ||
    !ts ||
    ts.deadline === undefined ||
    ts.cmp === undefined ||
    ts.cmp === 0n ||
    ts.ctl === undefined ||
    lvttMode(ts.ctl) !== 'tscdeadline'
  )
    return undefined;
  const reachedAt = timeReached(h, v, 'lapic', ts.cmp, state.time);
  return reachedAt === undefined
    ? undefined
    : { firesAt: ts.deadline, reachedAt, deadline: ts.cmp, hz: timerRate(h, v, 'lapic') };
}

const str = (x: bigint | undefined): string | null => (x === undefined ? null : x.toString());

/** `replay --format json` (docs/cli.md): one object per timer. */
export function timersSnapshot(state: ModelState, inst: string, vcpu: number): Record<string, TimerSnapshot> {
  const out: Record<string, TimerSnapshot> = {};
  for (const t of timersOf(state, inst, vcpu)) {
    const d = t.lastDelivery;
    out[t.timer] = {
      ctl: str(t.ctl),
      cmp: str(t.cmp),
      cmp_is_time: t.cmpIsTime,
      armable: t.armable,
      deadline_ns: str(t.deadlineNs),
      armed_at_line: t.armedAtLine === undefined ? null : t.armedAtLine + 1,
      last_delivery: d
        ? {
            line: d.at.line + 1,
            time_ns: d.time.toString(),
            lateness_ns: str(d.latenessNs),
            early_ns: str(d.earlyNs),
            verdict: d.verdict,
          }
        : null,
      ...(t.lapic ? { mode: t.lapic.mode, tmict: t.lapic.tmict.toString(), tdcr: t.lapic.tdcr.toString() } : {}),
    };
  }
  return out;
}
