// HVT036 steal-torn-read: the x86 guest read `struct kvm_steal_time` while `version` was odd, i.e.
// during an update (kvm-time §4.2: read version before and after, both equal and even).
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: { code: 'HVT036', name: 'steal-torn-read', defaultSeverity: 'warning', summary: 'x86: the guest read steal with an odd version (a torn read).' },
  on: {
    stealRead: (e, ctx) => {
      if (e.version % 2n === 0n) return;
      ctx.report({
        message: `the guest on ${vcpuName(e.inst, e.vcpu)} read steal with version ${e.version}, which is odd: KVM was updating the structure, so the value may be torn. The guest must re-read until version is even and unchanged`,
      });
    },
  },
});
