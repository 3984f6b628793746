// HVT013 counter-write-ignored: a TIMER_CNT/PTIMER_CNT write after KVM_ARM_SET_COUNTER_OFFSET; KVM
// returns 0 and does nothing (kvm-time §1.3).
import { defineRule } from '../rule';

export default defineRule({
  meta: { code: 'HVT013', name: 'counter-write-ignored', defaultSeverity: 'warning', summary: 'KVM_SET_ONE_REG of TIMER_CNT/PTIMER_CNT after KVM_ARM_SET_COUNTER_OFFSET on the same instance: KVM ignores it.', tags: ['unnecessary'] },
  on: {
    counterWrite: (e, ctx) => {
      if (!e.ignored) return;
      const reg = e.counter === 'virtual' ? 'KVM_REG_ARM_TIMER_CNT' : 'KVM_REG_ARM_PTIMER_CNT';
      ctx.report({
        message: `KVM ignores this ${reg} write (it returns 0 and does nothing) because KVM_ARM_SET_COUNTER_OFFSET was used on this instance: the ${e.counter} offset stays ${e.previousOffset} instead of becoming ${e.impliedOffset}`,
        related: e.ignoredBecause ? [{ at: e.ignoredBecause, message: 'KVM_ARM_SET_COUNTER_OFFSET, after which counter writes are ignored' }] : [],
      });
    },
  },
});
