// HVT035 stolen-undercount: over an interval the stolen time a vCPU reports grew by less than the
// run delay (`sched wait`) KVM should have added to it.
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT035',
    name: 'stolen-undercount',
    defaultSeverity: 'warning',
    summary: "Stolen time grew by less than the vCPU's sched wait delays over an interval.",
    messages: {
      undercount:
        'stolen time of {vcpu} grew by {grew} since the earlier reading, but its thread waited {waited} runnable (sched wait) that KVM should have added: {missing} of stolen time is missing',
    },
  },
  on: {
    stolenObserved: (e, ctx) => {
      const p = e.previous;
      if (!p || e.value < p.value) return; // a decrease is HVT030's finding
      const reported = e.value - p.value;
      const waited = e.folded - p.folded;
      const missing = waited - reported;
      if (missing <= ctx.state.tolerance) return;
      ctx.report({
        messageId: 'undercount',
        data: {
          vcpu: vcpuName(e.inst, e.vcpu),
          grew: formatDuration(reported),
          waited: formatDuration(waited),
          missing: formatDuration(missing),
        },
        related: [{ at: p.at, message: `stolen time was ${p.value} ns here` }],
      });
    },
  },
});
