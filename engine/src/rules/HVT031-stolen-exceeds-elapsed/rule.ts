// HVT031 stolen-exceeds-elapsed: stolen time grew by more than the reference time between two
// readings, which is impossible: the guest's `elapsed - stolen` goes negative.
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT031',
    name: 'stolen-exceeds-elapsed',
    defaultSeverity: 'error',
    summary: 'Stolen time grew by more than the reference time that passed between two readings.',
    messages: {
      exceedsElapsed:
        "stolen time of {vcpu} grew by {grew} since the reading {elapsed} earlier: more than the time that passed (by {excess}), so the guest's elapsed - stolen goes negative",
    },
  },
  on: {
    stolenObserved: (e, ctx) => {
      const p = e.previous;
      if (!p || e.value <= p.value) return;
      const grew = e.value - p.value;
      const elapsed = ctx.state.time - p.time;
      if (grew <= elapsed) return;
      ctx.report({
        messageId: 'exceedsElapsed',
        data: {
          vcpu: vcpuName(e.inst, e.vcpu),
          grew: formatDuration(grew),
          elapsed: formatDuration(elapsed),
          excess: formatDuration(grew - elapsed),
        },
        related: [{ at: p.at, message: `stolen time was ${p.value} ns here` }],
      });
    },
  },
});
