// HVT044 timer-shifted (docs/timers.md#t3-diagnostics): at a resume point, an armed timer fires ε away from where
// the VM's policy says it should (the guest counter is off its time line by ε, docs/reference/kvm-timers.md#35-armed-in-one-counter-domain-restored-into-another-shift-by-the-offset-error);
// or, while the instance runs, an offset change moves an armed arm64 deadline (KVM compares CVAL
// with the live counter) or leaves an x86 deadline where it was converted to host time
// (docs/reference/kvm-timers.md#28-changing-the-tsc-offset-while-a-deadline-is-armed-inference).
// Reported on the resume point, or on the statement that changed the offset.
import { isNvTimer } from '../../uapi/timers';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { at, compareName, timerOf } from '../timerWords';

export default defineRule({
  meta: {
    code: 'HVT044',
    name: 'timer-shifted',
    defaultSeverity: 'warning',
    summary: "An armed timer's deadline moves by more than the tolerance from where the VM's policy says it should be.",
    messages: {
      resume:
        "at this resume point {timer} ({cmpName} {cmp}) fires {shift} {direction} than the VM's policy says: at {fireAt} instead of {expectedAt}{why}",
      offsetChange:
        'this offset change moves {timer} ({cmpName} {cmp}) {shift} {direction}: it now fires at {fireAt} instead of {expectedAt}',
      kept: 'this TSC change leaves {timer} ({cmpName} {cmp}) where KVM converted it to host time when it was armed: it fires at {fireAt}, {shift} {direction} than the guest TSC reaches its deadline ({expectedAt})',
      keptPassed:
        'this TSC change leaves {timer} ({cmpName} {cmp}) where KVM converted it to host time when it was armed: it fires at {fireAt}, {shift} from now, although the guest TSC is already past its deadline',
    },
  },
  on: {
    timerShift: (e, ctx) => {
      if (isNvTimer(e.timer)) return;
      const later = e.shiftNs > 0n;
      const atOnce = !later && e.fireAt === ctx.state.time;
      const data = {
        timer: timerOf(e.timer, vcpuName(e.inst, e.vcpu)),
        cmpName: compareName(e.timer, false),
        cmp: e.cmp,
        shift: ticks(e.shiftTicks, e.hz),
        direction: later ? 'later' : 'earlier',
        fireAt: atOnce ? `${at(e.fireAt)} (at once)` : at(e.fireAt),
        expectedAt: at(e.expectedAt),
        why: e.armedBeforeOffset
          ? ': KVM converted the deadline to host time when it was written, before the TSC it is compared with was restored'
          : atOnce
            ? `: the counter KVM compares it with has already passed ${compareName(e.timer, false)}`
            : later
              ? ': the guest counter is behind its time line by that much'
              : ': the guest counter is ahead of its time line by that much',
      };
      const related = [
        ...(e.cause && e.cause.line !== ctx.line
          ? [
              {
                at: e.cause,
                message: e.armedBeforeOffset
                  ? 'the deadline was written here, before the TSC'
                  : 'the offset in force was set here',
              },
            ]
          : []),
        ...(e.armedAt && e.armedAt.line !== e.cause?.line
          ? [{ at: e.armedAt, message: 'the timer was armed here' }]
          : []),
      ];
      const passed = e.expectedAt === ctx.state.time;
      const messageId =
        e.reason === 'resume'
          ? 'resume'
          : e.timer === 'lapic'
            ? passed && later
              ? 'keptPassed'
              : 'kept'
            : 'offsetChange';
      ctx.report({ messageId, data, related });
    },
  },
});
