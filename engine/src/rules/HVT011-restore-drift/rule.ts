// HVT011 restore-drift: a by-value counter restore where an idempotent offset restore exists. The
// message works out Off1 = Off0 - (T1-T0)*F - (C0-C1) (seed 000) with the trace's numbers.
import { add64, signedDiff, sub64 } from '../../values/u64';
import { ticksIn } from '../../values/units';
import { formatFrequency, formatTime } from '../../values/format';
import { hostCounter, scaleTsc } from '../../replay/clock';
import { kernelAtLeast } from '../../replay/context';
import type { StopRecord } from '../../replay/state';
import { defineRule, type RuleContext } from '../rule';
import { ticks } from '../describe';

/** The idempotent offset for this vCPU from its stop record, worked out for the message. */
export function idempotentOffset(ctx: RuleContext, stop: StopRecord, vcpu: number): { off1: bigint; formula: string } | undefined {
  const off0 = stop.offsets.get(vcpu);
  const freq = stop.freq.get(vcpu);
  const src = ctx.state.hosts.get(stop.host);
  if (off0 === undefined || freq === undefined || !src) return undefined;
  const dst = ctx.host(ctx.stmt!.where.host.value);
  const t1 = ctx.stmt!.time.value;
  const c0 = hostCounter(src, stop.time);
  const c1 = hostCounter(dst, t1);
  const advance = ctx.guest(ctx.stmt!.where.vm!.value).policy === 'advance';
  const elapsed = advance ? ticksIn(t1 - stop.time, freq) : 0n;
  const off1 = sub64(sub64(off0, elapsed), sub64(c0, c1));
  const formula = advance
    ? `Off1 = Off0 - (T1-T0)*F - (C0-C1) = ${off0} - (${formatTime(t1)} - ${formatTime(stop.time)}) s × ${formatFrequency(freq)} - (${c0} - ${c1}) = ${off1}`
    : `Off1 = Off0 - (C0-C1) = ${off0} - (${c0} - ${c1}) = ${off1} (policy freeze drops the (T1-T0)*F term)`;
  return { off1, formula };
}

function pendingStop(ctx: RuleContext, vcpu: number): StopRecord | undefined {
  const stop = ctx.guest(ctx.stmt!.where.vm!.value).stop;
  return stop && !stop.resumed.has(vcpu) && stop.counters.has(vcpu) ? stop : undefined;
}

export default defineRule({
  meta: { code: 'HVT011', name: 'restore-drift', defaultSeverity: 'info', summary: 'A by-value counter restore is used where an idempotent offset restore exists.' },
  on: {
    counterWrite: (e, ctx) => {
      if (e.counter !== 'virtual' || e.ignored) return;
      const h = ctx.host(ctx.instance(e.inst).host);
      const stop = pendingStop(ctx, e.vcpu);
      if (!stop || !kernelAtLeast(h, 6, 4)) return;
      const ideal = idempotentOffset(ctx, stop, e.vcpu);
      if (!ideal) return;
      const drift = signedDiff(ideal.off1, e.impliedOffset);
      const freq = stop.freq.get(e.vcpu)!;
      ctx.report({
        message: `by-value restore: TIMER_CNT=${e.value} sets the offset to ${e.impliedOffset} (C1 - value, sampled when KVM serves the ioctl); the idempotent restore KVM_ARM_SET_COUNTER_OFFSET counter_offset=${ideal.off1}, from ${ideal.formula}, would keep the guest on its time line. This write leaves it ${drift === 0n ? 'exactly on it' : `${ticks(drift, freq)} ${drift < 0n ? 'behind' : 'ahead'}`}`,
        related: [{ at: stop.at, message: `saved state: the guest stopped here (T0 = ${formatTime(stop.time)}, Off0 = ${stop.offsets.get(e.vcpu)})` }],
      });
    },
    tscWrite: (e, ctx) => {
      if (e.source !== 'set_msrs') return;
      const h = ctx.host(ctx.instance(e.inst).host);
      const stop = pendingStop(ctx, e.vcpu);
      if (!stop || !kernelAtLeast(h, 5, 16)) return;
      const gBefore = stop.counters.get(e.vcpu)!;
      const freq = stop.freq.get(e.vcpu)!;
      const advance = ctx.guest(ctx.stmt!.where.vm!.value).policy === 'advance';
      const t1 = ctx.stmt!.time.value;
      const expected = advance ? add64(gBefore, ticksIn(t1 - stop.time, freq)) : gBefore;
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu)!;
      const scaled = scaleTsc(h, v, hostCounter(h, t1));
      const ideal = sub64(expected, scaled);
      const drift = signedDiff(e.offset, ideal);
      ctx.report({
        message: `by-value restore: IA32_TSC=${e.value} gives TSC offset ${e.offset}${e.matched ? ' (KVM matched the write to an earlier generation)' : ''}; the idempotent restore KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET value=${ideal} (the guest TSC at the stop, ${gBefore}, ${advance ? `advanced by ${formatTime(t1 - stop.time)} s × ${formatFrequency(freq)}` : 'unchanged (policy freeze)'}, minus scale(host TSC) ${scaled}) would keep the guest on its time line. This write leaves it ${drift === 0n ? 'exactly on it' : `${ticks(drift, freq)} ${drift < 0n ? 'behind' : 'ahead'}`}`,
        related: [{ at: stop.at, message: `saved state: the guest stopped here with TSC = ${gBefore}` }],
      });
    },
  },
});
