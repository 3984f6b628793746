// arm64 generic timers (docs/reference/kvm-timers.md#1-arm64-the-generic-timer-as-kvm-emulates-it): guest writes of CTL/CVAL/TVAL, the VMM's
// KVM_SET_ONE_REG restore, and KVM's own save/restore records (`kvm timer_state`).
import { add64 } from '../../values/u64';
import { CTL_ISTATUS, signExtend32, type TimerField, type TimerName } from '../../uapi/timers';
import { timerCounter } from './deadline';
import { before, timerOf, update, type TimerCtx } from './model';

/**
 * Sets CTL and/or CVAL of an arm64 timer. ISTATUS is dropped as KVM drops it
 * (`timer_set_ctl(timer, val & ~ARCH_TIMER_CTRL_IT_STAT)`, arch_timer_set_user).
 */
export function setArm64Timer(tc: TimerCtx, name: TimerName, values: { ctl?: bigint; cval?: bigint }): void {
  const ts = timerOf(tc.vt, name);
  const b = before(ts);
  if (values.ctl !== undefined) ts.ctl = values.ctl & ~CTL_ISTATUS;
  if (values.cval !== undefined) ts.cmp = values.cval;
  update(tc, ts, { cmp: values.cval !== undefined, ...b });
}

/**
 * A guest write of CNT{V,P,HV,HP}_{CTL,CVAL,TVAL}. TVAL sets `CVAL = counter now + (s32)TVAL`
 * (kvm_arm_timer_write: `timer_set_cval(timer, kvm_phys_timer_read() - timer_get_offset(timer) + (s32)val)`).
 */
export function guestTimerWrite(tc: TimerCtx, name: TimerName, field: TimerField, value: bigint): void {
  if (field === 'ctl') return setArm64Timer(tc, name, { ctl: value });
  if (field === 'cval') return setArm64Timer(tc, name, { cval: value });
  const now = timerCounter(tc.step.host, tc.v, name, tc.t);
  setArm64Timer(tc, name, { cval: add64(now, signExtend32(value)) });
}

/**
 * `kvm timer_state TIMER ctl= cval=`: what KVM saved or loaded is the truth; it arms the timer only
 * where it differs from the model (a trapped guest write the trace did not record).
 */
export function timerStateRecord(tc: TimerCtx, name: TimerName, ctl: bigint, cval: bigint): void {
  const ts = timerOf(tc.vt, name);
  // A saved or loaded CTL without ISTATUS (or disabled, or masked) shows the timer's output low: the
  // guest took the last interrupt and re-armed. KVM's recorded level stays 1 until the next
  // kvm_timer_update_irq (docs/reference/kvm-timers.md#15-lifecycle-load-run-put-block and docs/reference/kvm-timers.md#16-interrupt-delivery-kvm_timer_update_irq-and-irq-numbers), so the next level=1 is a new edge, not a load
  // re-evaluating a line that stayed high.
  if ((ctl & 7n) !== 5n) ts.lineHigh = false;
  const c = ctl & ~CTL_ISTATUS;
  if (ts.ctl === c && ts.cmp === cval) return;
  setArm64Timer(tc, name, { ctl: c, cval: ts.cmp === cval ? undefined : cval });
}
