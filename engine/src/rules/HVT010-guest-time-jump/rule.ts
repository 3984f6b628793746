// HVT010 guest-time-jump: at a resume point the guest counter differs from what the VM's policy
// expects by more than the tolerance (§6.4).
import { abs, signedDiff } from '../../values/u64';
import { ticksIn } from '../../values/units';
import { formatDuration, formatFrequency } from '../../values/format';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { parseInstanceKey } from '../../../../protocol/instanceKey';

export default defineRule({
  meta: { code: 'HVT010', name: 'guest-time-jump', defaultSeverity: 'warning', summary: 'At a resume point the guest counter differs from what the policy expects by more than the tolerance.' },
  on: {
    resumePoint: (e, ctx) => {
      const deviation = signedDiff(e.gAfter, e.expected);
      if (abs(deviation) <= ticksIn(ctx.state.tolerance, e.freqBefore)) return;
      const g = ctx.guest(parseInstanceKey(e.inst).vm);
      const downtime = ctx.state.time - e.stop.time;
      const expectation = g.policy === 'advance'
        ? `policy advance expects ${e.gBefore} + ${formatDuration(downtime)} × ${formatFrequency(e.freqBefore)} = ${e.expected}`
        : `policy freeze expects it unchanged at ${e.expected}`;
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu)!;
      const cause = e.counterName === 'CNTVCT' ? v.voffsetBy : v.tscOffsetBy;
      ctx.report({
        message: deviation < 0n
          ? `guest ${e.counterName} of ${vcpuName(e.inst, e.vcpu)} lags by ${ticks(deviation, e.freqBefore)} at this resume point: ${expectation}, but it is ${e.gAfter} (${g.policy === 'advance' ? 'the guest\'s clock is stale by about the downtime' : 'the restore lost time the guest had already counted'})`
          : `guest ${e.counterName} of ${vcpuName(e.inst, e.vcpu)} jumps ahead by ${ticks(deviation, e.freqBefore)} at this resume point: ${expectation}, but it is ${e.gAfter} (guests report soft lockups)`,
        related: [
          { at: e.stop.at, message: `the guest stopped here (${e.stop.kind}) with ${e.counterName} = ${e.gBefore}` },
          ...(cause ? [{ at: cause, message: 'the offset in force at the resume point was set here' }] : []),
        ],
      });
    },
  },
});
