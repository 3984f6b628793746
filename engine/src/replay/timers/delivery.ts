// Deliveries (docs/timers.md#t2-model "Delivery"): which `kvm timer_irq` records are interrupt edges, how
// early or late each is against the compare value in force, `kvm wait_lapic_expire` as the x86
// delivery's exact error, and the run state around them (`kvm entry` / `kvm exit`, `sched wait`).
import { ticksIn } from '../../values/units';
import { lvttMode, type TimerName } from '../../uapi/timers';
import { ceilNsOfTicks, ticksUntil, timerCounter, timerRate } from './deadline';
import {
  compareValue,
  enterGuest,
  isBlocked,
  isByTime,
  nextPeriod,
  noteEvidence,
  openEpisode,
  timerOf,
  touch,
  type TimerCtx,
} from './model';
import { earlyTolerance, lateTolerance } from './tolerance';
import type { TimerDelivery } from './events';
import type { DeliveryRecord, TimerState } from './state';

const MAX_WAITS = 64;

/** Run-queue wait that overlaps [from, to] (a `sched wait D` at t is the interval [t − D, t]). */
export function waitWithin(waits: readonly [bigint, bigint][], from: bigint, to: bigint): bigint {
  let sum = 0n;
  for (const [s, e] of waits) {
    const a = s > from ? s : from;
    const b = e < to ? e : to;
    if (b > a) sum += b - a;
  }
  return sum;
}

export function schedWait(tc: TimerCtx, duration: bigint): void {
  tc.vt.waits.push([tc.t - duration, tc.t]);
  if (tc.vt.waits.length > MAX_WAITS) tc.vt.waits.shift();
}

export function kvmEntry(tc: TimerCtx): void {
  enterGuest(tc);
}

/** `kvm exit REASON`: an IRQ exit means KVM may re-raise a level that is already high (kvm_arch_timer_handler). */
export function kvmExit(tc: TimerCtx, reason: string): void {
  tc.vt.inGuest = false;
  tc.vt.lastExit = { time: tc.t, reason, at: tc.ref };
  if (reason === 'IRQ') for (const ts of Object.values(tc.vt.timers)) if (ts.name !== 'lapic') ts.reRaised = true;
}

/** `kvm timer_expire TIMER`: KVM's hrtimer for an emulated timer ran out (kvm_hrtimer_expire re-raises the line). */
export function timerExpire(tc: TimerCtx, name: TimerName): void {
  timerOf(tc.vt, name).reRaised = true;
}

/**
 * `kvm timer_irq TIMER level=L`. An arm64 level=1 is a delivery when it raises the line (it was low,
 * or this instance has not set it yet) or KVM re-raised it since the last level=1 (a timer_expire or
 * an `exit IRQ`); a vcpu_load re-evaluating a high line is not (docs/reference/kvm-timers.md#15-lifecycle-load-run-put-block). Every LAPIC
 * record is an injection (kvm_apic_accept_irq).
 */
export function timerIrq(tc: TimerCtx, name: TimerName, level: boolean): void {
  noteEvidence(tc.model, tc.vt.vm, tc.v.id, name, tc.ref, tc.step.emit);
  const ts = timerOf(tc.vt, name);
  if (name !== 'lapic') {
    if (!level) {
      ts.lineHigh = false;
      return;
    }
    const edge = !ts.lineHigh || ts.reRaised;
    ts.lineHigh = true;
    ts.reRaised = false;
    if (!edge) return;
  }
  const e = deliver(tc, ts);
  if (name === 'lapic') tc.vt.lapicDelivered = { early: e.early?.exceeds ?? false, late: e.late?.exceeds ?? false };
  tc.step.emit(e);
}

/** Judges a delivery, closes the deadline it answers and consumes a LAPIC deadline as KVM does. */
function deliver(tc: TimerCtx, ts: TimerState): TimerDelivery {
  const { t } = tc;
  const byTime = isByTime(ts);
  const hz = byTime ? 1_000_000_000n : timerRate(tc.step.host, tc.v, ts.name);
  const cmp = compareValue(ts);
  const tolerances = tc.model.tolerances;
  let counter: bigint | undefined;
  let early: TimerDelivery['early'];
  if (cmp !== undefined) {
    counter = byTime ? t : timerCounter(tc.step.host, tc.v, ts.name, t);
    const ahead = byTime ? (cmp > t ? cmp - t : undefined) : ticksUntil(cmp, counter);
    if (ahead !== undefined) {
      const tol = earlyTolerance(tolerances, ts.name, hz);
      early = {
        ticks: ahead,
        ns: ceilNsOfTicks(ahead, hz),
        tolTicks: tol.ticks,
        tolNs: tol.ns,
        exceeds: ahead > tol.ticks,
      };
    }
  }
  const ep = ts.episode;
  const first = ep !== undefined && !ep.delivered && !ep.suspended && ep.cmp === cmp;
  let late: TimerDelivery['late'];
  if (first && t >= ep.from) {
    const ns = t - ep.from;
    const waitNs = waitWithin(tc.vt.waits, ep.from, t);
    const blocked = ep.passed ? ep.blocked : isBlocked(tc.vt);
    const tolNs = lateTolerance(tolerances, blocked);
    late = {
      deadline: ep.deadline,
      from: ep.from,
      resumed: ep.from !== ep.deadline,
      ns,
      waitNs,
      tolNs,
      blocked,
      exceeds: !ep.lost && ns - waitNs > tolNs,
    };
  }
  const refire = cmp !== undefined && ts.refireCmp === cmp && early === undefined;
  ts.refireCmp = cmp !== undefined && early === undefined ? cmp : undefined;
  if (first) ep.delivered = true;
  const verdict: DeliveryRecord['verdict'] = early?.exceeds ? 'early' : late?.exceeds ? 'late' : 'on-time';
  ts.lastDelivery = {
    at: tc.ref,
    time: t,
    latenessNs: late ? late.ns - late.waitNs : undefined,
    earlyNs: early?.ns,
    verdict,
  };
  const event: TimerDelivery = {
    kind: 'timerDelivery',
    inst: tc.inst.key,
    vcpu: tc.v.id,
    timer: ts.name,
    time: t,
    hz,
    cmp,
    counter,
    early,
    late,
    first,
    refire,
    lostAlready: first && ep.lost,
    armedAt: first ? ep.armedAt : ts.armedAt,
    periodic: ts.periodNs !== undefined,
    byTime,
    afterExit: tc.vt.inGuest ? undefined : tc.vt.lastExit?.reason,
  };
  if (ts.name === 'lapic') consumeDelivered(tc, ts);
  return event;
}

/**
 * After an injection KVM consumes a TSC-deadline or one-shot timer (tscdeadline = 0,
 * kvm_apic_inject_pending_timer_irqs); a periodic one moves on to its next target
 * (advance_periodic_target_expiration), which is watched as a new deadline.
 */
function consumeDelivered(tc: TimerCtx, ts: TimerState): void {
  const mode = ts.ctl === undefined ? 'tscdeadline' : lvttMode(ts.ctl);
  touch(tc.model);
  if (mode === 'periodic' && ts.target !== undefined && ts.periodNs) {
    ts.target = nextPeriod(ts.target, ts.periodNs, tc.t);
    ts.deadline = ts.target;
    openEpisode(tc, ts, ts.armedAt ?? tc.ref);
    return;
  }
  if (mode === 'tscdeadline') ts.cmp = 0n;
  else ts.target = undefined;
  ts.deadline = undefined;
}

/**
 * `kvm wait_lapic_expire delta=N`: guest TSC − deadline at entry (docs/reference/kvm-timers.md#25-timer-advance-lapic_timer_advance-and-kvm_wait_lapic_expire). Late when
 * delta exceeds the late tolerance in cycles (after run-queue waits); early when −delta exceeds the
 * early tolerance at a PREEMPTION_TIMER exit or for a TSC-deadline timer. KVM only waits for an
 * injected timer interrupt, so without a `timer_irq lapic` before it, it is the delivery itself.
 */
export function waitLapicExpire(tc: TimerCtx, delta: bigint): void {
  noteEvidence(tc.model, tc.vt.vm, tc.v.id, 'lapic', tc.ref, tc.step.emit);
  const ts = timerOf(tc.vt, 'lapic');
  const { vt, t } = tc;
  const hz = timerRate(tc.step.host, tc.v, 'lapic');
  const blocked = isBlocked(vt);
  const lateTolNs = lateTolerance(tc.model.tolerances, blocked);
  const lateTolCycles = ticksIn(lateTolNs, hz);
  const lateNs = delta > 0n ? ceilNsOfTicks(delta, hz) : 0n;
  const waitNs = delta > 0n ? waitWithin(vt.waits, t - lateNs, t) : 0n;
  const waitCycles = ticksIn(waitNs, hz);
  const earlyTol = earlyTolerance(tc.model.tolerances, 'lapic', hz).ticks;
  const preemption = !vt.inGuest && vt.lastExit?.reason === 'PREEMPTION_TIMER';
  const deadlineMode = ts.ctl !== undefined && lvttMode(ts.ctl) === 'tscdeadline' && ts.armedAt !== undefined;
  const earlyContext = preemption
    ? ('PREEMPTION_TIMER' as const)
    : deadlineMode
      ? ('tsc-deadline' as const)
      : undefined;
  const judgedByDelivery = vt.lapicDelivered;
  const late = delta - waitCycles > lateTolCycles;
  const early = earlyContext !== undefined && delta < -earlyTol;
  const armedAt = ts.episode?.armedAt ?? ts.armedAt;
  if (!judgedByDelivery) {
    // The injection this wait is for: close the deadline it answers.
    const ep = ts.episode;
    if (ep && !ep.delivered && !ep.suspended) ep.delivered = true;
    ts.lastDelivery = {
      at: tc.ref,
      time: t,
      latenessNs: delta > 0n ? lateNs - waitNs : undefined,
      earlyNs: delta < 0n ? ceilNsOfTicks(-delta, hz) : undefined,
      verdict: early ? 'early' : late ? 'late' : 'on-time',
    };
    consumeDelivered(tc, ts);
  }
  vt.lapicDelivered = undefined;
  tc.step.emit({
    kind: 'lapicExpireWait',
    inst: tc.inst.key,
    vcpu: tc.v.id,
    delta,
    hz,
    earlyTolCycles: earlyTol,
    lateTolCycles,
    lateTolNs,
    waitNs,
    waitCycles,
    blocked,
    earlyContext,
    early,
    late,
    judgedByDelivery,
    armedAt,
  });
}
