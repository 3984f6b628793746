// HVT023 tsc-write-matched: KVM matched a host IA32_TSC write (kvm_synchronize_tsc, docs/format.md#62-x86-tsc
// item 1): the
// guest will not read the written value.
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT023',
    name: 'tsc-write-matched',
    defaultSeverity: 'info',
    summary: 'A host IA32_TSC write was matched by KVM: the guest will not read the written value.',
    messages: {
      matchedZero:
        "KVM matched this IA32_TSC={value} write on {vcpu} (a write of 0 always synchronizes with the current generation): it keeps generation {generation}'s offset {offset}, so the guest reads {willRead}, not {value}",
      matchedWithinWindow:
        "KVM matched this IA32_TSC={value} write on {vcpu} (it is within one second of {expected}, the TSC expected from the previous write): it keeps generation {generation}'s offset {offset}, so the guest reads {willRead}, not {value}",
    },
  },
  on: {
    tscWrite: (e, ctx) => {
      // Matched but landing exactly on the written value: the guest reads what was written.
      if (e.source !== 'set_msrs' || !e.matched || e.willRead === e.value) return;
      ctx.report({
        messageId: e.matchReason === 'zero' ? 'matchedZero' : 'matchedWithinWindow',
        data: {
          value: e.value,
          vcpu: vcpuName(e.inst, e.vcpu),
          expected: e.expected ?? '',
          generation: e.generation,
          offset: e.offset,
          willRead: e.willRead,
        },
        related: e.generationBy
          ? [{ at: e.generationBy, message: `generation ${e.generation} started with this write` }]
          : [],
      });
    },
  },
});
