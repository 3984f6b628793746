// HVT011 restore-drift: a by-value counter restore where an idempotent offset restore exists. The
// message works out Off1 = Off0 - (T1-T0)*F - (C0-C1) (docs/reference/seeds/seed-000.txt) with the trace's numbers.
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
  meta: {
    code: 'HVT011',
    name: 'restore-drift',
    defaultSeverity: 'info',
    summary: 'A by-value counter restore is used where an idempotent offset restore exists.',
    messages: {
      counterAdvance:
        'by-value restore: TIMER_CNT={value} sets the offset to {offset} (C1 - value, sampled when KVM serves the ioctl); the idempotent restore KVM_ARM_SET_COUNTER_OFFSET counter_offset={ideal}, from Off1 = Off0 - (T1-T0)*F - (C0-C1) = {off0} - ({t1} - {t0}) s × {freq} - ({c0} - {c1}) = {ideal}, would keep the guest on its time line. This write leaves it {verdict}',
      counterFreeze:
        'by-value restore: TIMER_CNT={value} sets the offset to {offset} (C1 - value, sampled when KVM serves the ioctl); the idempotent restore KVM_ARM_SET_COUNTER_OFFSET counter_offset={ideal}, from Off1 = Off0 - (C0-C1) = {off0} - ({c0} - {c1}) = {ideal} (policy freeze drops the (T1-T0)*F term), would keep the guest on its time line. This write leaves it {verdict}',
      tscAdvance:
        'by-value restore: IA32_TSC={value} gives TSC offset {offset}; the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value={ideal} (the guest TSC at the stop, {g0}, advanced by {elapsed} s × {freq}, minus scale(host TSC) {scaledC1}) would keep the guest on its time line. This write leaves it {verdict}',
      tscAdvanceMatched:
        'by-value restore: IA32_TSC={value} gives TSC offset {offset} (KVM matched the write to an earlier generation); the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value={ideal} (the guest TSC at the stop, {g0}, advanced by {elapsed} s × {freq}, minus scale(host TSC) {scaledC1}) would keep the guest on its time line. This write leaves it {verdict}',
      tscFreeze:
        'by-value restore: IA32_TSC={value} gives TSC offset {offset}; the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value={ideal} (the guest TSC at the stop, {g0}, unchanged (policy freeze), minus scale(host TSC) {scaledC1}) would keep the guest on its time line. This write leaves it {verdict}',
      tscFreezeMatched:
        'by-value restore: IA32_TSC={value} gives TSC offset {offset} (KVM matched the write to an earlier generation); the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value={ideal} (the guest TSC at the stop, {g0}, unchanged (policy freeze), minus scale(host TSC) {scaledC1}) would keep the guest on its time line. This write leaves it {verdict}',
    },
  },
  on: {
    counterWrite: (e, ctx) => {
      if (e.counter !== 'virtual' || e.ignored) return;
      const r = restoreFor(ctx, e.vcpu);
      if (!r || !r.counterOffsetAvailable) return;
      ctx.report({
        messageId: r.policy === 'advance' ? 'counterAdvance' : 'counterFreeze',
        data: {
          value: e.value,
          offset: e.impliedOffset,
          ideal: r.ideal,
          off0: r.off0,
          t1: formatTime(r.t1),
          t0: formatTime(r.t0),
          freq: formatFrequency(r.freq),
          c0: r.c0,
          c1: r.c1,
          verdict: verdict(r, e.impliedOffset),
        },
        related: [
          {
            at: r.stop.at,
            message: `saved state: the guest stopped here (T0 = ${formatTime(r.t0)}, Off0 = ${r.off0})`,
          },
        ],
      });
    },
    tscWrite: (e, ctx) => {
      if (e.source !== 'set_msrs') return;
      const r = restoreFor(ctx, e.vcpu);
      if (!r || !kernelAtLeast(ctx.host(ctx.instance(e.inst).host), 5, 16)) return; // KVM_VCPU_TSC_OFFSET: Linux 5.16+
      ctx.report({
        messageId: `tsc${r.policy === 'advance' ? 'Advance' : 'Freeze'}${e.matched ? 'Matched' : ''}`,
        data: {
          value: e.value,
          offset: e.offset,
          ideal: r.ideal,
          g0: r.g0,
          elapsed: formatTime(r.t1 - r.t0),
          freq: formatFrequency(r.freq),
          scaledC1: r.scaledC1,
          verdict: verdict(r, e.offset),
        },
        related: [{ at: r.stop.at, message: `saved state: the guest stopped here with TSC = ${r.g0}` }],
      });
    },
  },
});
