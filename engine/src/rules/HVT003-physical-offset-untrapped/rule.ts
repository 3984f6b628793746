// HVT003 physical-offset-untrapped: a vCPU runs with a non-zero physical offset on a host without
// CNTPOFF while its CNTPCT reads are not trapped, so the guest sees two physical counters.
import { hasCntpoff } from '../../replay/clock';
import type { Ref } from '../../replay/state';
import { defineRule, type RuleContext } from '../rule';
import { ticks, vcpuName } from '../describe';

function noCntpoff(ecv: number, vhe: boolean): string {
  return ecv < 2 ? `ecv=${ecv}` : `vhe=${vhe ? 1 : 0}`;
}

function episodeKey(instKey: string, vcpu: number, poffset: bigint, trapBy?: Ref): string {
  return `${instKey}|${vcpu}|${poffset}|${trapBy?.line ?? ''}`;
}

function reportOnce(ctx: RuleContext, key: string, report: () => void): void {
  const seen = ctx.store(() => new Set<string>());
  if (seen.has(key)) return;
  seen.add(key);
  report();
}

function checkRun(instKey: string, vcpu: number, ctx: RuleContext): void {
  const inst = ctx.instance(instKey);
  const h = ctx.host(inst.host);
  const v = inst.vcpus.get(vcpu)!;
  if (h.arch !== 'arm64' || hasCntpoff(h) || v.poffset === 0n || v.trap !== 'off') return;
  reportOnce(ctx, episodeKey(instKey, vcpu, v.poffset, v.trapBy), () =>
    ctx.report({
      messageId: 'runsUntrapped',
      data: {
        vcpu: vcpuName(instKey, vcpu),
        ticks: ticks(v.poffset, h.freq),
        host: h.name,
        why: noCntpoff(h.ecv, h.vhe),
        offset: v.poffset,
      },
      related: [
        ...(v.poffsetBy ? [{ at: v.poffsetBy, message: 'the physical offset was set here' }] : []),
        ...(v.trapBy ? [{ at: v.trapBy, message: 'the trap is off from here' }] : []),
      ],
    }),
  );
}

export default defineRule({
  meta: {
    code: 'HVT003',
    name: 'physical-offset-untrapped',
    defaultSeverity: 'error',
    summary: "A non-zero physical offset on a host without CNTPOFF while the vCPU's physical counter is not trapped.",
    messages: {
      runsUntrapped:
        '{vcpu} runs with a physical offset of {ticks} on host {host} without CNTPOFF ({why}), but its CNTPCT reads are not trapped: the guest reads the raw host counter, {offset} ticks ahead of the physical counter KVM reports — two physical counters',
      readUntrapped:
        'the guest read CNTPCT_EL0 = {value} on {vcpu}: the raw host counter, although the physical offset is {ticks} and host {host} has no CNTPOFF ({why}): the read was not trapped, so the guest sees two physical counters',
    },
  },
  on: {
    run: (e, ctx) => checkRun(e.inst, e.vcpu, ctx),
    guestStatement: (e, ctx) => checkRun(e.inst, e.vcpu, ctx),
    observation: (e, ctx) => {
      if (!e.untrapped || e.inst === undefined || e.vcpu === undefined) return;
      const inst = ctx.instance(e.inst);
      const h = ctx.host(inst.host);
      const v = inst.vcpus.get(e.vcpu)!;
      reportOnce(ctx, episodeKey(e.inst, e.vcpu, v.poffset, v.trapBy), () =>
        ctx.report({
          span: e.span,
          messageId: 'readUntrapped',
          data: {
            value: e.observed,
            vcpu: vcpuName(e.inst!, e.vcpu!),
            ticks: ticks(v.poffset, h.freq),
            host: h.name,
            why: noCntpoff(h.ecv, h.vhe),
          },
          related: v.poffsetBy ? [{ at: v.poffsetBy, message: 'the physical offset was set here' }] : [],
        }),
      );
    },
  },
});
