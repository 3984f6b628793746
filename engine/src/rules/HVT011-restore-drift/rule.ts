// HVT011 restore-drift: a by-value counter restore where an idempotent offset restore exists. The
// message works out Off1 = Off0 - (T1-T0)*F - (C0-C1) (seed 000) with the trace's numbers.
import { formatFrequency, formatTime } from '../../values/format';
import { kernelAtLeast } from '../../replay/context';
import { driftOf, idempotentRestore, type IdempotentRestore } from '../../replay/restore';
import { defineRule, type RuleContext } from '../rule';
import { ticks } from '../describe';

function restoreFor(ctx: RuleContext, vcpu: number): IdempotentRestore | undefined {
  return idempotentRestore(ctx.state, ctx.stmt!, vcpu);
}

/** How far the write leaves the guest from its time line, in words. */
function verdict(r: IdempotentRestore, actualOffset: bigint): string {
  const drift = driftOf(r, actualOffset);
  return drift === 0n ? 'exactly on it' : `${ticks(drift, r.freq)} ${drift < 0n ? 'behind' : 'ahead'}`;
}

export default defineRule({
  meta: { code: 'HVT011', name: 'restore-drift', defaultSeverity: 'info', summary: 'A by-value counter restore is used where an idempotent offset restore exists.' },
  on: {
    counterWrite: (e, ctx) => {
      if (e.counter !== 'virtual' || e.ignored) return;
      const r = restoreFor(ctx, e.vcpu);
      if (!r || !r.counterOffsetAvailable) return;
      const formula = r.policy === 'advance'
        ? `Off1 = Off0 - (T1-T0)*F - (C0-C1) = ${r.off0} - (${formatTime(r.t1)} - ${formatTime(r.t0)}) s × ${formatFrequency(r.freq)} - (${r.c0} - ${r.c1}) = ${r.ideal}`
        : `Off1 = Off0 - (C0-C1) = ${r.off0} - (${r.c0} - ${r.c1}) = ${r.ideal} (policy freeze drops the (T1-T0)*F term)`;
      ctx.report({
        message: `by-value restore: TIMER_CNT=${e.value} sets the offset to ${e.impliedOffset} (C1 - value, sampled when KVM serves the ioctl); the idempotent restore KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}, from ${formula}, would keep the guest on its time line. This write leaves it ${verdict(r, e.impliedOffset)}`,
        related: [{ at: r.stop.at, message: `saved state: the guest stopped here (T0 = ${formatTime(r.t0)}, Off0 = ${r.off0})` }],
      });
    },
    tscWrite: (e, ctx) => {
      if (e.source !== 'set_msrs') return;
      const r = restoreFor(ctx, e.vcpu);
      if (!r || !kernelAtLeast(ctx.host(ctx.instance(e.inst).host), 5, 16)) return; // KVM_VCPU_TSC_OFFSET: Linux 5.16+
      const advanced = r.policy === 'advance' ? `advanced by ${formatTime(r.t1 - r.t0)} s × ${formatFrequency(r.freq)}` : 'unchanged (policy freeze)';
      ctx.report({
        message: `by-value restore: IA32_TSC=${e.value} gives TSC offset ${e.offset}${e.matched ? ' (KVM matched the write to an earlier generation)' : ''}; the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value=${r.ideal} (the guest TSC at the stop, ${r.g0}, ${advanced}, minus scale(host TSC) ${r.scaledC1}) would keep the guest on its time line. This write leaves it ${verdict(r, e.offset)}`,
        related: [{ at: r.stop.at, message: `saved state: the guest stopped here with TSC = ${r.g0}` }],
      });
    },
  },
});
