// x86 local-APIC timer (docs/reference/kvm-timers.md#2-x86-the-local-apic-timer-in-kvm-archx86kvmlapicc, arch/x86/kvm/lapic.c): LVTT / TMICT / TDCR writes,
// IA32_TSC_DEADLINE (kvm_set_lapic_tscdeadline_msr), and KVM_SET_LAPIC (kvm_apic_set_state).
import type { LapicTimerRegs } from '../../syntax/ast';
import {
  LVTT_MODE_SHIFT,
  LVTT_RESET,
  LVT_MASKED,
  MIN_TIMER_PERIOD_NS,
  lvttMode,
  tdcrDivisor,
  tmictToNs,
  type LapicMode,
  type LapicRegister,
} from '../../uapi/timers';
import { before, timerOf, update, type TimerCtx } from './model';
import type { TimerState } from './state';

const lapicOf = (tc: TimerCtx): TimerState => timerOf(tc.vt, 'lapic');

/** limit_periodic_timer_frequency: a periodic timer runs at most every min_timer_period_us. */
const clampPeriod = (mode: LapicMode, ns: bigint): bigint =>
  mode === 'periodic' && ns > 0n && ns < MIN_TIMER_PERIOD_NS ? MIN_TIMER_PERIOD_NS : ns;

/**
 * set_target_expiration: a one-shot or periodic timer expires `count` × divisor ns from now (the
 * period itself for TMICT; the remaining count for KVM_SET_LAPIC's TMCCT). Nothing without TMICT.
 */
function startCountdown(tc: TimerCtx, ts: TimerState, mode: LapicMode, remaining: bigint | 'period'): void {
  const period = clampPeriod(mode, tmictToNs(ts.tmict, ts.tdcr));
  ts.target = undefined;
  ts.periodNs = undefined;
  if (period === 0n) return;
  let ns = remaining === 'period' ? period : remaining;
  // 8e6ed96cdd50: an expired count restarts a periodic timer and fires a one-shot one at once;
  // a count above TMICT starts from TMICT.
  if (ns <= 0n) ns = mode === 'periodic' ? period : 0n;
  else if (ns > period) ns = period;
  ts.target = tc.t + ns;
  if (mode === 'periodic') ts.periodNs = period;
}

/**
 * apic_update_lvtt: entering or leaving TSC-deadline mode cancels the timer and clears TMICT, the
 * period and the deadline. Returns whether it did.
 */
function switchMode(ts: TimerState, lvtt: bigint): boolean {
  const old = ts.ctl;
  ts.ctl = lvtt;
  if (old === undefined) return false;
  if ((lvttMode(old) === 'tscdeadline') === (lvttMode(lvtt) === 'tscdeadline')) return false;
  ts.tmict = 0n;
  ts.target = undefined;
  ts.periodNs = undefined;
  ts.cmp = 0n;
  return true;
}

/**
 * A deadline write in a trace that never stated LVTT was taken as TSC-deadline mode. A later
 * KVM_SET_LAPIC of a vCPU created on this instance that has never entered the guest shows that
 * LVTT was still at its reset value: KVM dropped the write (the Kata #13798 order).
 */
function refuteAssumedMode(tc: TimerCtx, ts: TimerState): void {
  const by = ts.lvttAssumedBy;
  // A vCPU that ran may have had LVTT programmed by its guest (untraced): the assumption stands.
  if (!by || tc.v.created === undefined || tc.v.everRan) return;
  // A dropped write of 0 (disarm) loses nothing.
  if (ts.cmp)
    tc.step.emit({
      kind: 'timerDeadlineDropped',
      inst: tc.inst.key,
      vcpu: tc.v.id,
      at: by,
      value: ts.cmp,
      lvtt: LVTT_RESET,
      host: ts.hostDeadline?.at.line === by.line,
      reason: 'before-set-lapic',
      lapicAt: tc.ref,
    });
  const b = before(ts);
  ts.ctl = LVTT_RESET;
  ts.cmp = 0n;
  ts.lvttAssumedBy = undefined;
  update(tc, ts, { cmp: false, ...b });
}

/** The guest (or the VMM) writes one LAPIC timer register: xAPIC APIC_LVTT/TMICT/TDCR or the x2APIC MSRs. */
export function writeLapicRegister(tc: TimerCtx, reg: LapicRegister, value: bigint): void {
  const ts = lapicOf(tc);
  if (reg === 'lvtt') refuteAssumedMode(tc, ts);
  const b = before(ts);
  switch (reg) {
    case 'lvtt':
      switchMode(ts, value);
      ts.lvttKnown = true;
      ts.lvttAssumedBy = undefined;
      break;
    case 'tmict': {
      // Ignored in TSC-deadline mode; else cancel_apic_timer, store, start_apic_timer.
      const mode = ts.ctl === undefined ? 'oneshot' : lvttMode(ts.ctl);
      if (mode === 'tscdeadline') return;
      ts.tmict = value;
      startCountdown(tc, ts, mode, 'period');
      break;
    }
    case 'tdcr': {
      // TDCR keeps bits 0, 1, 3; a new divisor rescales the remaining time (update_target_expiration).
      const oldDiv = tdcrDivisor(ts.tdcr);
      ts.tdcr = value & 0xbn;
      const newDiv = tdcrDivisor(ts.tdcr);
      if (newDiv !== oldDiv && ts.target !== undefined) {
        const mode = ts.ctl === undefined ? 'oneshot' : lvttMode(ts.ctl);
        const remaining = ts.target > tc.t ? ts.target - tc.t : 0n;
        ts.target = tc.t + (remaining * newDiv) / oldDiv;
        if (ts.periodNs !== undefined) ts.periodNs = clampPeriod(mode, tmictToNs(ts.tmict, ts.tdcr));
      }
      break;
    }
    case 'tmcct':
      return; // read-only
  }
  update(tc, ts, { cmp: reg !== 'lvtt', ...b });
}

/**
 * IA32_TSC_DEADLINE = V (guest wrmsr or KVM_SET_MSRS): arms (V ≠ 0) or disarms the timer, only in
 * TSC-deadline mode; otherwise KVM drops the write and still reports success (docs/reference/kvm-timers.md#22-tsc-deadline-msr-0x6e0).
 */
export function writeTscDeadline(tc: TimerCtx, value: bigint, host: boolean): void {
  const ts = lapicOf(tc);
  if (host && value !== 0n) ts.hostDeadline = { at: tc.ref, value };
  const b = before(ts);
  const mode = ts.ctl === undefined ? undefined : lvttMode(ts.ctl);
  if (mode !== 'tscdeadline') {
    if (ts.lvttKnown && ts.ctl !== undefined) {
      if (value !== 0n)
        tc.step.emit({
          kind: 'timerDeadlineDropped',
          inst: tc.inst.key,
          vcpu: tc.v.id,
          at: tc.ref,
          value,
          lvtt: ts.ctl,
          host,
          reason: 'mode',
        });
      return;
    }
    // The trace never stated LVTT: take the guest's LAPIC as being in TSC-deadline mode, unmasked.
    ts.ctl = ((ts.ctl ?? 0n) & ~(3n << LVTT_MODE_SHIFT) & ~LVT_MASKED) | (2n << LVTT_MODE_SHIFT);
    ts.lvttAssumedBy = tc.ref;
  }
  ts.cmp = value;
  update(tc, ts, { cmp: true, ...b });
}

/**
 * KVM_SET_LAPIC (kvm_apic_set_state): cancel the timer, copy the registers, apic_update_lvtt (a
 * switch into or out of TSC-deadline mode clears TMICT and the deadline), update_divide_count, then
 * __start_apic_timer(apic, APIC_TMCCT): one-shot/periodic from the remaining count, TSC-deadline by
 * re-arming the deadline it kept against the guest TSC now.
 */
export function setLapic(tc: TimerCtx, regs: LapicTimerRegs): void {
  const ts = lapicOf(tc);
  refuteAssumedMode(tc, ts);
  const b = before(ts);
  const previous = ts.ctl;
  const lvtt = regs.lvtt.value;
  ts.tmict = regs.tmict?.value ?? 0n;
  ts.tdcr = (regs.tdcr?.value ?? 0n) & 0xbn;
  const cleared = switchMode(ts, lvtt);
  if (cleared && lvttMode(lvtt) === 'tscdeadline' && ts.hostDeadline && previous !== undefined) {
    tc.step.emit({
      kind: 'timerDeadlineCleared',
      inst: tc.inst.key,
      vcpu: tc.v.id,
      deadlineAt: ts.hostDeadline.at,
      value: ts.hostDeadline.value,
      lvtt,
      previousLvtt: previous,
    });
  }
  ts.lvttKnown = true;
  ts.lvttAssumedBy = undefined;
  ts.hostDeadline = undefined;
  const mode = lvttMode(lvtt);
  if (mode === 'tscdeadline') {
    ts.target = undefined;
    ts.periodNs = undefined;
  } else startCountdown(tc, ts, mode, tmictToNs(regs.tmcct?.value ?? 0n, ts.tdcr));
  update(tc, ts, { cmp: true, ...b });
}

/** KVM_GET_LAPIC: the saved registers tell LVTT, TMICT and TDCR where the trace had not. */
export function getLapic(tc: TimerCtx, regs: Partial<LapicTimerRegs>): void {
  const ts = lapicOf(tc);
  if (ts.lvttKnown || !regs.lvtt) return;
  const b = before(ts);
  ts.ctl = regs.lvtt.value;
  if (regs.tmict) ts.tmict = regs.tmict.value;
  if (regs.tdcr) ts.tdcr = regs.tdcr.value & 0xbn;
  ts.lvttKnown = true;
  ts.lvttAssumedBy = undefined;
  update(tc, ts, { cmp: false, ...b });
}
