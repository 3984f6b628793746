// HVT036 steal-torn-read: the x86 guest read `struct kvm_steal_time` while `version` was odd, i.e.
// during an update (docs/reference/kvm-time.md#42-x86-msr_kvm_steal_time-0x4b564d03: read version before and
// after, both equal and even).
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT036',
    name: 'steal-torn-read',
    defaultSeverity: 'warning',
    summary: 'x86: the guest read steal with an odd version (a torn read).',
    messages: {
      oddVersion:
        'the guest on {vcpu} read steal with version {version}, which is odd: KVM was updating the structure, so the value may be torn. The guest must re-read until version is even and unchanged',
    },
  },
  on: {
    stealRead: (e, ctx) => {
      if (e.version % 2n === 0n) return;
      ctx.report({
        messageId: 'oddVersion',
        data: { vcpu: vcpuName(e.inst, e.vcpu), version: e.version },
      });
    },
  },
});
