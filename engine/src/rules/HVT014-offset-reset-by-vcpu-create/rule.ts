// HVT014 offset-reset-by-vcpu-create: KVM_CREATE_VCPU on an arm64 instance whose counter was
// restored by value resets the VM-wide virtual offset (kvm_timer_vcpu_init), undoing the restore.
import { defineRule } from '../rule';
import { instanceName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT014',
    name: 'offset-reset-by-vcpu-create',
    defaultSeverity: 'warning',
    summary: "KVM_CREATE_VCPU after a counter restore re-zeroes the guest's virtual counter for every vCPU.",
    messages: {
      undoesRestore:
        "creating vcpu{vcpu} resets the VM-wide virtual offset of {instance} to the host counter, undoing the counter restore: the guest's CNTVCT restarts near 0 on every vCPU (create all vCPUs before restoring, or restore with KVM_ARM_SET_COUNTER_OFFSET)",
    },
  },
  on: {
    vcpuCreated: (e, ctx) => {
      if (!e.resetOffsets || !e.undoesRestore) return;
      ctx.report({
        messageId: 'undoesRestore',
        data: { vcpu: e.vcpu, instance: instanceName(e.inst) },
        related: [{ at: e.undoesRestore, message: 'the counter restore this creation undoes' }],
      });
    },
  },
});
