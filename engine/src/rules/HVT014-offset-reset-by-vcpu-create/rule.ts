// HVT014 offset-reset-by-vcpu-create: KVM_CREATE_VCPU on an arm64 instance whose counter was
// restored by value resets the VM-wide virtual offset (kvm_timer_vcpu_init), undoing the restore.
import { defineRule } from '../rule';
import { instanceName } from '../describe';

export default defineRule({
  meta: { code: 'HVT014', name: 'offset-reset-by-vcpu-create', defaultSeverity: 'warning', summary: 'KVM_CREATE_VCPU after a counter restore re-zeroes the guest\'s virtual counter for every vCPU.' },
  on: {
    vcpuCreated: (e, ctx) => {
      if (!e.resetOffsets || !e.undoesRestore) return;
      ctx.report({
        message: `creating vcpu${e.vcpu} resets the VM-wide virtual offset of ${instanceName(e.inst)} to the host counter, undoing the counter restore: the guest's CNTVCT restarts near 0 on every vCPU (create all vCPUs before restoring, or restore with KVM_ARM_SET_COUNTER_OFFSET)`,
        related: [{ at: e.undoesRestore, message: 'the counter restore this creation undoes' }],
      });
    },
  },
});
