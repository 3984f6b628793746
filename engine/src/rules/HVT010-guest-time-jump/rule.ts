// HVT010 guest-time-jump: at a resume point the guest counter differs from what the VM's policy
// expects by more than the tolerance (docs/format.md#64-resume-points-and-the-guest-time-line).
import { abs, signedDiff } from '../../values/u64';
import { ticksIn } from '../../values/units';
import { formatDuration, formatFrequency } from '../../values/format';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { parseInstanceKey } from '../../../../protocol/instanceKey';

export default defineRule({
  meta: {
    code: 'HVT010',
    name: 'guest-time-jump',
    defaultSeverity: 'warning',
    summary: 'At a resume point the guest counter differs from what the policy expects by more than the tolerance.',
    messages: {
      lagsAdvance:
        "guest {counter} of {vcpu} lags by {ticks} at this resume point: policy advance expects {before} + {downtime} × {freq} = {expected}, but it is {after} (the guest's clock is stale by about the downtime)",
      lagsFreeze:
        'guest {counter} of {vcpu} lags by {ticks} at this resume point: policy freeze expects it unchanged at {expected}, but it is {after} (the restore lost time the guest had already counted)',
      jumpsAheadAdvance:
        'guest {counter} of {vcpu} jumps ahead by {ticks} at this resume point: policy advance expects {before} + {downtime} × {freq} = {expected}, but it is {after} (guests report soft lockups)',
      jumpsAheadFreeze:
        'guest {counter} of {vcpu} jumps ahead by {ticks} at this resume point: policy freeze expects it unchanged at {expected}, but it is {after} (guests report soft lockups)',
    },
  },
  on: {
    resumePoint: (e, ctx) => {
      const deviation = signedDiff(e.gAfter, e.expected);
      if (abs(deviation) <= ticksIn(ctx.state.tolerance, e.freqBefore)) return;
      const g = ctx.guest(parseInstanceKey(e.inst).vm);
      const downtime = ctx.state.time - e.stop.time;
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu)!;
      const cause = e.counterName === 'CNTVCT' ? v.voffsetBy : v.tscOffsetBy;
      ctx.report({
        messageId: `${deviation < 0n ? 'lags' : 'jumpsAhead'}${g.policy === 'advance' ? 'Advance' : 'Freeze'}`,
        data: {
          counter: e.counterName,
          vcpu: vcpuName(e.inst, e.vcpu),
          ticks: ticks(deviation, e.freqBefore),
          before: e.gBefore,
          downtime: formatDuration(downtime),
          freq: formatFrequency(e.freqBefore),
          expected: e.expected,
          after: e.gAfter,
        },
        related: [
          { at: e.stop.at, message: `the guest stopped here (${e.stop.kind}) with ${e.counterName} = ${e.gBefore}` },
          ...(cause ? [{ at: cause, message: 'the offset in force at the resume point was set here' }] : []),
        ],
      });
    },
  },
});
