// The timer model's core (docs/timers.md#t2-model): per vCPU and timer, whether it is armable, its deadline
// t_d in reference time, and the deadline being watched — when it passes, whether the vCPU was
// blocked then, the guest entries after it, and when it counts as lost.
import type { StepContext } from '../context';
import type { InstanceState, ModelState, Ref, VcpuState } from '../state';
import type { ReplayEvent } from '../events';
import { CTL_ENABLE, LVTT_RESET, ctlCanFire, lvttMasked, lvttMode, type TimerName } from '../../uapi/timers';
import { timeReached } from './deadline';
import { lostTolerance } from './tolerance';
import { evidenceKey, vcpuKey, type Episode, type TimerModel, type TimerState, type VcpuTimers } from './state';

/** Everything a timer operation needs at the current statement. */
export interface TimerCtx {
  step: StepContext;
  inst: InstanceState;
  v: VcpuState;
  vt: VcpuTimers;
  model: TimerModel;
  t: bigint;
  ref: Ref;
}

const EL1_TIMERS: readonly TimerName[] = ['vtimer', 'ptimer'];

const blockingExit = (reason: string): boolean => /^(WFx|WFI|WFE|WFIT|HLT)$/i.test(reason);

/** Blocked (docs/timers.md#t2-model): the last `kvm exit` was WFx or HLT, with no entry since. */
export const isBlocked = (vt: VcpuTimers): boolean =>
  !vt.inGuest && vt.lastExit !== undefined && blockingExit(vt.lastExit.reason);

function newTimer(name: TimerName, created: boolean): TimerState {
  const ts: TimerState = { name, tmict: 0n, tdcr: 0n, lvttKnown: false, lineHigh: false, reRaised: false };
  // Reset state of a created vCPU (docs/timers.md#t2-model): arm64 CTL 0, CVAL 0; x86 LVTT 0x10000, deadline 0.
  if (created) {
    ts.ctl = name === 'lapic' ? LVTT_RESET : 0n;
    ts.cmp = 0n;
  }
  return ts;
}

/** The timers a vCPU of `arch` starts with: the reset state when the trace created it, else unknown. */
export function freshTimers(arch: 'arm64' | 'x86_64', created: boolean): VcpuTimers['timers'] {
  const timers: VcpuTimers['timers'] = {};
  // The NV EL2 timers appear only when the trace names them (timerOf).
  for (const name of arch === 'arm64' ? EL1_TIMERS : ['lapic' as const]) timers[name] = newTimer(name, created);
  return timers;
}

/** The vCPU's timers, created with the reset state the first time the model needs them. */
export function vcpuTimers(model: TimerModel, inst: InstanceState, v: VcpuState, arch: 'arm64' | 'x86_64'): VcpuTimers {
  const key = vcpuKey(inst.key, v.id);
  let vt = model.vcpus.get(key);
  if (!vt) {
    // A vCPU that already ran (KVM_RUN) is taken to be in the guest until the trace shows an exit.
    vt = {
      inst: inst.key,
      vcpu: v.id,
      vm: inst.vm,
      timers: freshTimers(arch, v.created !== undefined),
      running: v.running,
      inGuest: v.running,
      waits: [],
    };
    model.vcpus.set(key, vt);
  }
  return vt;
}

/** A timer of another architecture named in a statement is created on demand (and shown), never reset-known. */
export function timerOf(vt: VcpuTimers, name: TimerName): TimerState {
  let ts = vt.timers[name];
  if (!ts) {
    ts = newTimer(name, false);
    vt.timers[name] = ts;
  }
  return ts;
}

/** One-shot / periodic LAPIC timers compare a reference time, not a counter. */
export const isByTime = (ts: TimerState): boolean =>
  ts.name === 'lapic' && ts.ctl !== undefined && lvttMode(ts.ctl) !== 'tscdeadline';

/** The value the timer fires at: CVAL, the TSC deadline D, or a one-shot/periodic target time. */
export function compareValue(ts: TimerState): bigint | undefined {
  if (ts.name !== 'lapic') return ts.ctl !== undefined && (ts.ctl & CTL_ENABLE) !== 0n ? ts.cmp : undefined;
  if (ts.ctl === undefined) return ts.cmp !== undefined && ts.cmp !== 0n ? ts.cmp : undefined;
  if (lvttMode(ts.ctl) === 'tscdeadline') return ts.cmp !== undefined && ts.cmp !== 0n ? ts.cmp : undefined;
  return ts.target;
}

/** Armable (docs/timers.md#t2-model): arm64 `(ctl & 3) == 1`; x86 LVTT unmasked and the mode's compare value non-zero. */
export function armable(ts: TimerState): boolean {
  if (ts.name !== 'lapic') return ts.ctl !== undefined && ts.cmp !== undefined && ctlCanFire(ts.ctl);
  return ts.ctl !== undefined && !lvttMasked(ts.ctl) && compareValue(ts) !== undefined;
}

/** t_d of the compare value in force, from now (docs/timers.md#t2-model "Deadline"). */
export function computeDeadline(tc: TimerCtx, ts: TimerState): bigint | undefined {
  const cmp = compareValue(ts);
  if (cmp === undefined) return undefined;
  if (isByTime(ts)) return cmp > tc.t ? cmp : tc.t;
  return timeReached(tc.step.host, tc.v, ts.name, cmp, tc.t);
}

/** What the timers' counters depend on: arm64 the two offsets, x86 the TSC offset and scaling. */
export type OffsetKey = [bigint, bigint, boolean];
export const offsetSignature = (v: VcpuState, arch: 'arm64' | 'x86_64'): OffsetKey =>
  arch === 'arm64' ? [v.voffset, v.poffset, false] : [v.tscOffset, v.virtualKhz ?? -1n, v.scaled];
export const sameOffsets = (a: OffsetKey | undefined, b: OffsetKey): boolean =>
  a !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** The next statement at or after `t` must look at the watched deadlines again. */
export const touch = (model: TimerModel): void => {
  model.nextCheck = 0n;
};

/**
 * Brings a timer's deadline and watched episode up to date after a statement changed its control or
 * compare value. `wrote` says the statement set the compare value or made the timer armable, which
 * makes it the timer's arming statement (HVT042's location).
 */
export function update(
  tc: TimerCtx,
  ts: TimerState,
  wrote: { cmp: boolean; wasArmable: boolean; cmpBefore: bigint | undefined },
): void {
  const nowArmable = armable(ts);
  const cmp = compareValue(ts);
  // x86 converts the deadline to host time when it is armed (docs/reference/kvm-timers.md#23-comparing-the-deadline-with-the-guest-tsc, docs/format.md#2-values item 8): a change
  // that does not re-arm (a mask bit) keeps the conversion.
  const keep = ts.name === 'lapic' && !wrote.cmp && cmp === wrote.cmpBefore && ts.deadline !== undefined;
  ts.deadline = cmp === undefined ? undefined : keep ? ts.deadline : computeDeadline(tc, ts);
  if (ts.name === 'lapic' && !keep && cmp !== undefined) ts.armedOffset = offsetSignature(tc.v, 'x86_64');
  const ep = ts.episode;
  touch(tc.model);
  if (cmp !== wrote.cmpBefore || !nowArmable) ts.refireCmp = undefined; // re-armed or masked: no storm run
  if (!nowArmable) {
    if (ep && !ep.delivered) ep.suspended = true;
    else ts.episode = undefined;
    return;
  }
  if (!wrote.cmp && wrote.wasArmable && cmp === wrote.cmpBefore) return; // nothing the guest would notice
  ts.armedAt = tc.ref;
  const becameArmable = !wrote.wasArmable;
  if (ep && ep.cmp === cmp && !ep.delivered) {
    ep.armedAt = tc.ref;
    if (ts.deadline !== undefined && ts.deadline !== ep.deadline && !ep.lost) {
      // Re-armed with the same value (x86: against the TSC as it is now).
      ep.deadline = ts.deadline;
      ep.from = ts.deadline;
      ep.passed = false;
      ep.entries = [];
      ep.suspended = false;
    }
    if (ep.suspended) {
      // Armable again with the same compare value: lateness counts from now (docs/timers.md#t3-diagnostics HVT041).
      ep.suspended = false;
      ep.from = ts.deadline! > tc.t ? ts.deadline! : tc.t;
      ep.passed = false;
      ep.entries = [];
    }
    return;
  }
  if (ep && ep.cmp === cmp && ep.delivered && !becameArmable) return; // the same deadline already fired
  openEpisode(tc, ts, tc.ref);
}

export function openEpisode(tc: TimerCtx, ts: TimerState, armedAt: Ref): void {
  const cmp = compareValue(ts)!;
  const deadline = ts.deadline ?? tc.t;
  ts.episode = {
    cmp,
    deadline,
    from: deadline,
    armedAt,
    passed: false,
    blocked: false,
    entries: [],
    suspended: false,
    delivered: false,
    lost: false,
    byTime: isByTime(ts),
  };
  touch(tc.model);
  tc.step.emit({
    kind: 'timerArmed',
    inst: tc.inst.key,
    vcpu: tc.v.id,
    timer: ts.name,
    cmp,
    deadline,
    at: armedAt,
    byTime: ts.episode.byTime,
  });
}

/** Captures what `update` needs to know about a timer before a statement changes it. */
export const before = (ts: TimerState): { wasArmable: boolean; cmpBefore: bigint | undefined } => ({
  wasArmable: armable(ts),
  cmpBefore: compareValue(ts),
});

// ---- the vCPU entering the guest ----------------------------------------------------------------

/**
 * KVM_RUN or `kvm entry`: the vCPU enters the guest. A deadline that fell while it was not running
 * (paused, between instances) counts from here (docs/timers.md#t2-model "Deadlines while not running").
 */
export function enterGuest(tc: TimerCtx): void {
  const { vt, t } = tc;
  const resuming = !vt.running;
  vt.running = true;
  vt.inGuest = true;
  vt.lastEntry = { time: t, at: tc.ref };
  vt.lapicDelivered = undefined;
  const lapic = vt.timers.lapic;
  if (lapic) lapic.lvttAssumedBy = undefined; // the guest ran: its LVTT is what it programmed
  for (const ts of Object.values(vt.timers)) {
    const ep = ts.episode;
    if (!ep || ep.delivered || ep.suspended) continue;
    if (resuming && ep.from < t) {
      ep.from = t;
      ep.passed = true;
      ep.blocked = false;
      ep.entries = [];
    }
    if (t >= ep.from && ep.entries.length < 3) ep.entries.push({ time: t, at: tc.ref });
  }
  touch(tc.model);
}

/** The instance stopped (pause, migration, snapshot): its vCPUs are no longer running. */
export function stopVcpus(model: TimerModel, inst: string): void {
  for (const vt of model.vcpus.values())
    if (vt.inst === inst) {
      vt.running = false;
      vt.inGuest = false;
    }
}

// ---- watching deadlines, once per statement -------------------------------------------------------

const NOTHING = -1n;

/**
 * Before a statement at time t: deadlines that t has reached are marked passed (with the vCPU's
 * blocked state at that moment), masked LAPIC deadlines are consumed as KVM consumes them, and a
 * deadline that passed by more than the lost tolerance while the vCPU entered the guest, with no
 * delivery, is lost (docs/timers.md#t3-diagnostics HVT042). Cheap when nothing is due (nextCheck).
 */
export function watchDeadlines(state: ModelState, t: bigint, ref: Ref, emit: (e: ReplayEvent) => void): void {
  const model = state.timers;
  if (model.nextCheck === NOTHING || (model.nextCheck !== 0n && t < model.nextCheck)) return;
  let next = NOTHING;
  const later = (x: bigint): void => {
    if (next === NOTHING || x < next) next = x;
  };
  for (const vt of model.vcpus.values()) {
    for (const ts of Object.values(vt.timers)) {
      if (ts.name === 'lapic' && ts.deadline !== undefined && !armable(ts)) {
        if (t >= ts.deadline) consumeMasked(ts, t);
        if (ts.deadline !== undefined) later(ts.deadline);
      }
      const ep = ts.episode;
      if (!ep || ep.delivered || ep.suspended || ep.lost) continue;
      if (!ep.passed) {
        if (t < ep.from) {
          later(ep.from);
          continue;
        }
        ep.passed = true;
        ep.blocked = isBlocked(vt);
      }
      const tol = lostTolerance(model.tolerances, ep.blocked);
      const entry = ep.entries[0];
      if (!entry) continue; // looked at again when the vCPU enters the guest
      if (t >= ep.from + tol && entry.time < t) {
        ep.lost = true;
        determineLost(model, vt, ts.name, ep, tol, ref, t, emit);
      } else {
        later(ep.from + tol > entry.time ? ep.from + tol : entry.time + 1n);
      }
    }
  }
  model.nextCheck = next;
}

/** A masked LVTT: KVM still expires the timer and consumes the deadline, without an interrupt (docs/reference/kvm-timers.md#22-tsc-deadline-msr-0x6e0). */
function consumeMasked(ts: TimerState, t: bigint): void {
  if (ts.ctl !== undefined && lvttMode(ts.ctl) === 'periodic' && ts.target !== undefined && ts.periodNs) {
    ts.target = nextPeriod(ts.target, ts.periodNs, t);
    ts.deadline = ts.target;
    return;
  }
  if (ts.ctl !== undefined && lvttMode(ts.ctl) === 'tscdeadline') ts.cmp = 0n;
  else ts.target = undefined;
  ts.deadline = undefined;
  ts.episode = undefined;
}

function lostEvent(
  at: { inst: string; vcpu: number },
  timer: TimerName,
  ep: Episode,
  tol: bigint,
  evidenceAt?: Ref,
): ReplayEvent {
  return {
    kind: 'timerLost',
    inst: at.inst,
    vcpu: at.vcpu,
    timer,
    cmp: ep.cmp,
    deadline: ep.deadline,
    from: ep.from,
    armedAt: ep.armedAt,
    tolNs: tol,
    entries: ep.entries.map((e) => e.at),
    byTime: ep.byTime,
    evidenceAt,
  };
}

/** Reported at once when the trace has delivery records for this timer, else kept until it has (evidence gating). */
function determineLost(
  model: TimerModel,
  vt: VcpuTimers,
  timer: TimerName,
  ep: Episode,
  tol: bigint,
  ref: Ref,
  t: bigint,
  emit: (e: ReplayEvent) => void,
): void {
  const ek = evidenceKey(vt.vm, vt.vcpu, timer);
  if (model.evidence.has(ek)) {
    emit(lostEvent(vt, timer, ep, tol));
    return;
  }
  model.pendingLost.push({
    inst: vt.inst,
    vcpu: vt.vcpu,
    evidenceKey: ek,
    timer,
    episode: structuredClone(ep),
    tolNs: tol,
    determinedAt: ref,
    time: t,
  });
}

/** The trace records deliveries for this guest vCPU's timer: losses kept for lack of evidence are reported now. */
export function noteEvidence(
  model: TimerModel,
  vm: string,
  vcpu: number,
  timer: TimerName,
  at: Ref,
  emit: (e: ReplayEvent) => void,
): void {
  const ek = evidenceKey(vm, vcpu, timer);
  if (model.evidence.has(ek)) return;
  model.evidence.add(ek);
  const waiting = model.pendingLost.filter((p) => p.evidenceKey === ek);
  if (waiting.length === 0) return;
  model.pendingLost = model.pendingLost.filter((p) => p.evidenceKey !== ek);
  for (const p of waiting) emit(lostEvent(p, p.timer, p.episode, p.tolNs, at));
}

/** The first expiry of a periodic timer after `t` (KVM advances target_expiration by the period). */
export function nextPeriod(target: bigint, period: bigint, t: bigint): bigint {
  if (target > t) return target + period;
  return target + ((t - target) / period + 1n) * period;
}

// ---- offsets changing under an armed timer ------------------------------------------------------------

/**
 * arm64 KVM compares CVAL with the live counter, so an offset change moves t_d (docs/timers.md#t2-model): the
 * deadline is recomputed; one already passed after the change has t_d = now.
 */
export function rebaseArm64(tc: TimerCtx, ts: TimerState): { before: bigint; after: bigint } | undefined {
  const old = ts.deadline;
  if (old === undefined || ts.name === 'lapic') return undefined;
  const now = computeDeadline(tc, ts);
  if (now === undefined) return undefined;
  ts.deadline = now;
  const ep = ts.episode;
  if (ep && !ep.delivered && !ep.lost && ep.cmp === compareValue(ts)) {
    ep.deadline = now;
    ep.from = now;
    ep.passed = false;
    ep.entries = [];
    touch(tc.model);
  }
  return { before: old, after: now };
}
