// HVT045 deadline-order (docs/timers.md#t3-diagnostics): an x86 restore sets IA32_TSC_DEADLINE with KVM_SET_MSRS
// before the KVM_SET_LAPIC that puts LVTT in TSC-deadline mode. Entering the mode clears the
// deadline (apic_update_lvtt), so the guest's timer is gone. Reported on the KVM_SET_LAPIC; the
// dropped write itself is HVT042's, the deadline-before-IA32_TSC order HVT020's.
import { defineRule } from '../rule';
import { vcpuName } from '../describe';
import { deadlineAfterLapicFix, hex32, lvttModeName, rememberDeadlineWrite } from '../timerWords';

export default defineRule({
  meta: {
    code: 'HVT045',
    name: 'deadline-order',
    defaultSeverity: 'warning',
    summary:
      'An x86 restore writes IA32_TSC_DEADLINE before the KVM_SET_LAPIC that enters TSC-deadline mode, which clears it.',
    messages: {
      cleared:
        'this KVM_SET_LAPIC puts LVTT of {vcpu} in TSC-deadline mode ({lvtt}, from {from} mode) after KVM_SET_MSRS wrote IA32_TSC_DEADLINE={value} on line {line}: entering the mode clears the deadline, so the restored timer is lost. Restore the LAPIC before the MSRs',
    },
  },
  on: {
    msrWrite: rememberDeadlineWrite,
    timerDeadlineCleared: (e, ctx) => {
      const fixes = deadlineAfterLapicFix(ctx, e.inst, e.vcpu, e.deadlineAt.line, e.value);
      ctx.report({
        messageId: 'cleared',
        data: {
          vcpu: vcpuName(e.inst, e.vcpu),
          lvtt: hex32(e.lvtt),
          from: lvttModeName(e.previousLvtt),
          value: e.value,
          line: e.deadlineAt.line + 1,
        },
        related: [
          { at: e.deadlineAt, message: `IA32_TSC_DEADLINE=${e.value} is written here, before the LAPIC is restored` },
        ],
        fixes,
      });
    },
  },
});
