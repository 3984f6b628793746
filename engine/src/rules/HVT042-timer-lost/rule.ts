// HVT042 timer-lost (docs/timers.md#t3-diagnostics): an armable timer's deadline passed by more than the lost
// tolerance while the vCPU entered the guest after it, and no interrupt came (only for timers the
// trace records deliveries of: the model gates it); or an x86 deadline KVM dropped because LVTT was
// not in TSC-deadline mode when it was written — restored before KVM_SET_LAPIC (kata-containers
// #13798) or written by a guest in another mode. Reported on the statement that armed it.
import { isNvTimer } from '../../uapi/timers';
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';
import {
  at,
  compareName,
  deadlineAfterLapicFix,
  hex32,
  lvttModeName,
  rememberDeadlineWrite,
  timerOf,
} from '../timerWords';

export default defineRule({
  meta: {
    code: 'HVT042',
    name: 'timer-lost',
    defaultSeverity: 'error',
    summary: 'An armed timer never fires although the vCPU runs after its deadline, or KVM drops the deadline write.',
    messages: {
      lost: '{timer} armed here never fires: its {cmpName} {cmp} was reached at {deadline}{resumed}, the vCPU entered the guest after that, and no interrupt came within {tolerance}',
      dropped:
        'KVM drops this IA32_TSC_DEADLINE={value} of {vcpu}: LVTT {lvtt} is in {mode} mode, not TSC-deadline mode, so nothing is armed (kvm_set_lapic_tscdeadline_msr returns without an error)',
      droppedBeforeLapic:
        'KVM drops this IA32_TSC_DEADLINE={value} of {vcpu}: LVTT is still at its reset value {lvtt} (one-shot, masked) until the KVM_SET_LAPIC on line {lapicLine}, which then clears the deadline as it enters TSC-deadline mode; the restored timer is lost. Restore the LAPIC first',
    },
  },
  on: {
    msrWrite: rememberDeadlineWrite,
    timerLost: (e, ctx) => {
      if (isNvTimer(e.timer)) return;
      const entries = e.entries.map((r, i) => ({
        at: r,
        message:
          i === 0
            ? 'the vCPU entered the guest here, after the deadline, and KVM did not inject the timer'
            : 'and here',
      }));
      ctx.report({
        at: e.armedAt,
        messageId: 'lost',
        data: {
          timer: timerOf(e.timer, vcpuName(e.inst, e.vcpu)),
          cmpName: compareName(e.timer, e.byTime),
          cmp: e.byTime ? at(e.cmp) : String(e.cmp),
          deadline: at(e.deadline),
          resumed: e.from !== e.deadline ? ` (the vCPU ran again only at ${at(e.from)})` : '',
          tolerance: formatDuration(e.tolNs),
        },
        related: [
          ...entries,
          ...(e.evidenceAt
            ? [{ at: e.evidenceAt, message: "the trace records this timer's interrupts (first here)" }]
            : []),
        ],
      });
    },
    timerDeadlineDropped: (e, ctx) => {
      const vcpu = vcpuName(e.inst, e.vcpu);
      if (e.reason === 'mode') {
        ctx.report({
          at: e.at,
          messageId: 'dropped',
          data: { value: e.value, vcpu, lvtt: hex32(e.lvtt), mode: lvttModeName(e.lvtt) },
        });
        return;
      }
      const fixes = e.host ? deadlineAfterLapicFix(ctx, e.inst, e.vcpu, e.at.line, e.value) : [];
      ctx.report({
        at: e.at,
        messageId: 'droppedBeforeLapic',
        data: { value: e.value, vcpu, lvtt: hex32(e.lvtt), lapicLine: (e.lapicAt?.line ?? ctx.line) + 1 },
        related: e.lapicAt
          ? [{ at: e.lapicAt, message: 'KVM_SET_LAPIC puts LVTT in TSC-deadline mode only here' }]
          : [],
        fixes,
      });
    },
  },
});
