// HVT022 guest-stopped-not-signalled: x86 resume after a stop longer than the tolerance without
// KVM_KVMCLOCK_CTRL on the vCPU before its first KVM_RUN (PVCLOCK_GUEST_STOPPED never set).
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT022',
    name: 'guest-stopped-not-signalled',
    defaultSeverity: 'info',
    summary: 'x86: a resume after a stop longer than the tolerance without KVM_KVMCLOCK_CTRL before the first KVM_RUN.',
    messages: {
      notSignalled:
        '{vcpu} resumes after {downtime} stopped without KVM_KVMCLOCK_CTRL: the guest is not told it was stopped (PVCLOCK_GUEST_STOPPED), so its watchdogs count the downtime and report soft lockups',
    },
  },
  on: {
    resumePoint: (e, ctx) => {
      const inst = ctx.instance(e.inst);
      if (ctx.host(inst.host).arch !== 'x86_64') return;
      const downtime = ctx.state.time - e.stop.time;
      if (downtime <= ctx.state.tolerance || inst.vcpus.get(e.vcpu)!.kvmclockCtrl) return;
      ctx.report({
        messageId: 'notSignalled',
        data: { vcpu: vcpuName(e.inst, e.vcpu), downtime: formatDuration(downtime) },
        related: [{ at: e.stop.at, message: `the guest stopped here (${e.stop.kind})` }],
      });
    },
  },
});
