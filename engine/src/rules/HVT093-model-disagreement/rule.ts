// HVT093 model-disagreement: a value the trace records (a GET result, a guest read, a KVM write)
// differs from the model's prediction by more than the tolerance.
import { abs, hex, signedDiff } from '../../values/u64';
import { smcccReturnName } from '../../uapi/smccc';
import { ticksIn } from '../../values/units';
import { formatDuration } from '../../values/format';
import type { Quantity } from '../../replay/events';
import type { Ref } from '../../replay/state';
import { defineRule } from '../rule';
import { ticks, vcpuName, instanceName } from '../describe';

const WHAT: Record<Quantity, string> = {
  CNTVCT: 'the virtual counter',
  CNTPCT: 'the guest physical counter',
  CNTPCT_KVM: 'the physical counter KVM reports',
  CNTFRQ: 'the counter frequency',
  TSC: 'the guest TSC',
  TSC_ADJUST: 'IA32_TSC_ADJUST',
  TSC_KHZ: 'the TSC frequency (kHz)',
  kvmclock: 'kvmclock',
  voffset: 'the virtual offset',
  poffset: 'the physical offset',
  tsc_offset: 'the TSC offset',
  host_counter: 'the host counter',
  steal_msr: 'MSR_KVM_STEAL_TIME',
  pvtime_ipa: 'the PV-time address',
};

const newEpisodes = (): Map<string, bigint> => new Map();

/**
 * The tolerance in ticks at `hz` (units.ts `ticksIn`), remembered for the last tolerance and
 * frequency: every observation of a trace asks for the same one (a bigint product and division
 * per guest read otherwise, issue #17).
 */
let lastTolerance = -1n;
let lastHz = -1n;
let lastTicks = 0n;
function toleranceTicks(tolerance: bigint, hz: bigint): bigint {
  if (tolerance !== lastTolerance || hz !== lastHz) {
    lastTicks = ticksIn(tolerance, hz);
    lastTolerance = tolerance;
    lastHz = hz;
  }
  return lastTicks;
}

export default defineRule({
  meta: {
    code: 'HVT093',
    name: 'model-disagreement',
    defaultSeverity: 'warning',
    summary: "A value the trace records differs from the model's prediction by more than the tolerance.",
    messages: {
      higher:
        '{what} is {observed} here, but the model predicts {predicted} (higher by {size}): the trace is incomplete, or KVM did not do what it should',
      lower:
        '{what} is {observed} here, but the model predicts {predicted} (lower by {size}): the trace is incomplete, or KVM did not do what it should',
      higherOn:
        '{what} on {where} is {observed} here, but the model predicts {predicted} (higher by {size}): the trace is incomplete, or KVM did not do what it should',
      lowerOn:
        '{what} on {where} is {observed} here, but the model predicts {predicted} (lower by {size}): the trace is incomplete, or KVM did not do what it should',
      // An ioctl with took= (docs/format.md#62-x86-tsc item 6): the value may have been read anywhere over the call.
      higherOver:
        "{what} is {observed} here, but the model predicts {predicted} to {latest} over the ioctl's {took} (higher by {size}): the trace is incomplete, or KVM did not do what it should",
      lowerOver:
        "{what} is {observed} here, but the model predicts {predicted} to {latest} over the ioctl's {took} (lower by {size}): the trace is incomplete, or KVM did not do what it should",
      higherOverOn:
        "{what} on {where} is {observed} here, but the model predicts {predicted} to {latest} over the ioctl's {took} (higher by {size}): the trace is incomplete, or KVM did not do what it should",
      lowerOverOn:
        "{what} on {where} is {observed} here, but the model predicts {predicted} to {latest} over the ioctl's {took} (lower by {size}): the trace is incomplete, or KVM did not do what it should",
      callAddressSet:
        "the call returned {returned} on {vcpu}, but KVM answers {answer} here (the vCPU's PV-time address is set): the trace is incomplete, or KVM did not do what it should",
      callNoAddress:
        'the call returned {returned} on {vcpu}, but KVM answers {answer} here (the vCPU has no PV-time address): the trace is incomplete, or KVM did not do what it should',
      callPvtimeOff:
        'the call returned {returned} on {vcpu}, but KVM answers {answer} here (the VM does not offer PV time (pvtime=off)): the trace is incomplete, or KVM did not do what it should',
      // Disagreements the replay itself words (a rejected or impossible value).
      replayDisagrees: '{text}',
    },
  },
  on: {
    problem: (e, ctx) => {
      if (e.code === 'HVT093') ctx.report({ span: e.span, messageId: 'replayDisagrees', data: { text: e.message } });
    },
    hvc: (e, ctx) => {
      if (e.observed === undefined || e.predicted === undefined || e.observed === e.predicted) return;
      const name = (x: bigint): string => smcccReturnName(x) ?? hex(x);
      ctx.report({
        span: ctx.stmt!.result?.span,
        messageId: e.configured
          ? 'callAddressSet'
          : ctx.guest(ctx.instance(e.inst).vm).pvtime
            ? 'callNoAddress'
            : 'callPvtimeOff',
        data: { returned: name(e.observed), vcpu: vcpuName(e.inst, e.vcpu), answer: name(e.predicted) },
      });
    },
    observation: (e, ctx) => {
      if (e.untrapped) return; // a raw CNTPCT read: HVT003's finding, not the model's
      const tol = e.exact ? 0n : e.hz !== undefined ? toleranceTicks(ctx.state.tolerance, e.hz) : ctx.state.tolerance;
      // An ioctl with took= (docs/format.md#62-x86-tsc item 6) may have read the value anywhere from `predicted` to `latest`:
      // measure from the nearer end of that window.
      const early = e.exact ? e.observed - e.predicted : signedDiff(e.observed, e.predicted);
      const late = e.latest === undefined ? undefined : signedDiff(e.observed, e.latest);
      const delta = late === undefined || early < 0n ? early : late > 0n ? late : 0n;
      const agrees = (delta < 0n ? -delta : delta) <= tol;
      // One report per episode: the same disagreement carried forward is not a new finding.
      const last = ctx.store(newEpisodes);
      // Agreement with no episode open anywhere (the usual case) needs no key.
      if (agrees && last.size === 0) return;
      const key = `${e.inst ?? ''}|${e.vcpu ?? ''}|${e.quantity}`;
      if (agrees) {
        last.delete(key);
        return;
      }
      const previous = last.get(key);
      if (previous !== undefined && abs(delta - previous) <= tol) return;
      last.set(key, delta);
      const where =
        e.inst === undefined ? undefined : e.vcpu === undefined ? instanceName(e.inst) : vcpuName(e.inst, e.vcpu);
      const size = e.exact ? `${abs(delta)}` : e.hz !== undefined ? ticks(delta, e.hz) : formatDuration(abs(delta));
      const related: { at: Ref; message: string }[] = [];
      const v = e.inst !== undefined && e.vcpu !== undefined ? ctx.instance(e.inst).vcpus.get(e.vcpu) : undefined;
      const cause =
        v &&
        (e.quantity === 'TSC' || e.quantity === 'tsc_offset'
          ? v.tscOffsetBy
          : e.quantity === 'CNTPCT' || e.quantity === 'CNTPCT_KVM' || e.quantity === 'poffset'
            ? v.poffsetBy
            : e.quantity === 'CNTVCT' || e.quantity === 'voffset'
              ? v.voffsetBy
              : undefined);
      if (cause) related.push({ at: cause, message: "the model's value comes from this statement" });
      ctx.report({
        span: e.span,
        related,
        messageId: `${delta > 0n ? 'higher' : 'lower'}${e.latest === undefined ? '' : 'Over'}${where === undefined ? '' : 'On'}`,
        data: {
          what: WHAT[e.quantity],
          where: where ?? '',
          observed: e.observed,
          predicted: e.predicted,
          latest: e.latest ?? '',
          took: formatDuration(e.took ?? 0n),
          size,
        },
      });
    },
  },
});
