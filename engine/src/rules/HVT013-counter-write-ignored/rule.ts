// HVT013 counter-write-ignored: a TIMER_CNT/PTIMER_CNT write after KVM_ARM_SET_COUNTER_OFFSET; KVM
// returns 0 and does nothing (docs/reference/kvm-time.md#13-what-a-userspace-write-of-the-counter-does).
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT013',
    name: 'counter-write-ignored',
    defaultSeverity: 'warning',
    summary:
      'KVM_SET_ONE_REG of TIMER_CNT/PTIMER_CNT after KVM_ARM_SET_COUNTER_OFFSET on the same instance: KVM ignores it.',
    tags: ['unnecessary'],
    messages: {
      timerCntIgnored:
        'KVM ignores this KVM_REG_ARM_TIMER_CNT write (it returns 0 and does nothing) because KVM_ARM_SET_COUNTER_OFFSET was used on this instance: the virtual offset stays {previous} instead of becoming {implied}',
      ptimerCntIgnored:
        'KVM ignores this KVM_REG_ARM_PTIMER_CNT write (it returns 0 and does nothing) because KVM_ARM_SET_COUNTER_OFFSET was used on this instance: the physical offset stays {previous} instead of becoming {implied}',
    },
  },
  on: {
    counterWrite: (e, ctx) => {
      if (!e.ignored) return;
      ctx.report({
        messageId: e.counter === 'virtual' ? 'timerCntIgnored' : 'ptimerCntIgnored',
        data: { previous: e.previousOffset, implied: e.impliedOffset },
        related: e.ignoredBecause
          ? [{ at: e.ignoredBecause, message: 'KVM_ARM_SET_COUNTER_OFFSET, after which counter writes are ignored' }]
          : [],
      });
    },
  },
});
