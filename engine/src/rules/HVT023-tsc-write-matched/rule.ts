// HVT023 tsc-write-matched: KVM matched a host IA32_TSC write (kvm_synchronize_tsc, §6.2.1): the
// guest will not read the written value.
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: { code: 'HVT023', name: 'tsc-write-matched', defaultSeverity: 'info', summary: 'A host IA32_TSC write was matched by KVM: the guest will not read the written value.' },
  on: {
    tscWrite: (e, ctx) => {
      // Matched but landing exactly on the written value: the guest reads what was written.
      if (e.source !== 'set_msrs' || !e.matched || e.willRead === e.value) return;
      const why = e.matchReason === 'zero'
        ? 'a write of 0 always synchronizes with the current generation'
        : `it is within one second of ${e.expected}, the TSC expected from the previous write`;
      ctx.report({
        message: `KVM matched this IA32_TSC=${e.value} write on ${vcpuName(e.inst, e.vcpu)} (${why}): it keeps generation ${e.generation}'s offset ${e.offset}, so the guest reads ${e.willRead}, not ${e.value}`,
        related: e.generationBy ? [{ at: e.generationBy, message: `generation ${e.generation} started with this write` }] : [],
      });
    },
  },
});
