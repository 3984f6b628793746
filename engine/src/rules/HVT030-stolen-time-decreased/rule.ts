// HVT030 stolen-time-decreased: a vCPU's stolen time (guest read or KVM update) is smaller than
// before: the structure was zeroed by a second PV_TIME_ST, or a destination restarted from 0.
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: { code: 'HVT030', name: 'stolen-time-decreased', defaultSeverity: 'error', summary: 'A vCPU\'s stolen time is smaller than before.' },
  on: {
    stolenObserved: (e, ctx) => {
      const p = e.previous;
      if (!p || e.value >= p.value) return;
      const zeroed = e.zeroedBy && e.zeroedBy.line > p.at.line ? e.zeroedBy : undefined;
      const moved = p.instance !== e.inst;
      const cause = zeroed ? 'a second PV_TIME_ST zeroed the structure'
        : moved ? `the guest moved from ${p.instance.replace('/', ' (')}) and this instance did not continue from the migrated value`
          : 'the stolen-time structure was reset';
      ctx.report({
        message: `stolen time of ${vcpuName(e.inst, e.vcpu)} ${e.source === 'kvm' ? 'is updated' : 'reads'} ${e.value} ns, ${formatDuration(p.value - e.value)} less than the ${p.value} ns it showed before (${cause}): the guest's scheduler accounting goes backwards`,
        related: [
          { at: p.at, message: `stolen time was ${p.value} ns here` },
          ...(zeroed ? [{ at: zeroed, message: 'PV_TIME_ST zeroed the structure here' }] : []),
        ],
      });
    },
  },
});
