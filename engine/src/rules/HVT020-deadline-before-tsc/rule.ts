// HVT020 deadline-before-tsc: an x86 restore writes IA32_TSC_DEADLINE before IA32_TSC; KVM compares
// the deadline with the not-yet-restored TSC and the timer is lost (the Firecracker bug).
import type { Ref } from '../../replay/state';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';
import { inRestore } from '../restoreWindow';

interface Pending { at: Ref; value: bigint }

export default defineRule({
  meta: {
    code: 'HVT020', name: 'deadline-before-tsc', defaultSeverity: 'warning', summary: 'An x86 restore writes IA32_TSC_DEADLINE before IA32_TSC: KVM compares the deadline with the old TSC.',
    messages: {
      deadlineFirst: "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC: KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost. Write IA32_TSC first",
      deadlineFirstInOneStatement: "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC (KVM_SET_MSRS applies them left to right): KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost. Write IA32_TSC first",
    },
  },
  on: {
    msrWrite: (e, ctx) => {
      if (!e.host) return;
      const pending = ctx.store(() => new Map<string, Pending>());
      const key = `${e.inst}|${e.vcpu}`;
      if (e.msr === 'tsc_deadline') {
        // A deadline of 0 disarms the timer: nothing to lose.
        if (e.value !== 0n && inRestore(ctx, e.inst, e.vcpu)) pending.set(key, { at: ctx.ref, value: e.value });
        return;
      }
      if (e.msr !== 'tsc') return;
      const p = pending.get(key);
      if (!p) return;
      pending.delete(key);
      const sameStatement = p.at.line === ctx.line;
      ctx.report({
        at: p.at,
        messageId: sameStatement ? 'deadlineFirstInOneStatement' : 'deadlineFirst',
        data: { deadline: p.value, vcpu: vcpuName(e.inst, e.vcpu) },
        related: [{ at: ctx.ref, message: `IA32_TSC=${e.value} is restored only here` }],
      });
    },
    run: (e, ctx) => { ctx.store(() => new Map<string, Pending>()).delete(`${e.inst}|${e.vcpu}`); },
  },
});
