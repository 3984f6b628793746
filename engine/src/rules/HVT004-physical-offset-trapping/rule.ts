// HVT004 physical-offset-trapping: a non-zero physical offset on a host without CNTPOFF, correctly
// trapped: every guest CNTPCT read now exits to EL2.
import { hasCntpoff } from '../../replay/clock';
import { defineRule } from '../rule';
import { ticks, instanceName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT004', name: 'physical-offset-trapping', defaultSeverity: 'info', summary: 'A non-zero physical offset on a host without CNTPOFF, correctly trapped: a performance cost.',
    messages: {
      trapsEveryRead: '{instance} runs with a non-zero physical offset ({ticks}) on host {host} without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. Typical cause: a VMM that reads KVM_REG_ARM_PTIMER_CNT and writes the same value back',
    },
  },
  on: {
    run: (e, ctx) => {
      const inst = ctx.instance(e.inst);
      const h = ctx.host(inst.host);
      const v = inst.vcpus.get(e.vcpu)!;
      if (h.arch !== 'arm64' || hasCntpoff(h) || v.poffset === 0n || v.trap === 'off') return;
      const seen = ctx.store(() => new Set<string>());
      const key = `${e.inst}|${inst.generation}|${v.poffset}`;
      if (seen.has(key)) return;
      seen.add(key);
      ctx.report({
        messageId: 'trapsEveryRead',
        data: { instance: instanceName(e.inst), ticks: ticks(v.poffset, h.freq), host: h.name },
        related: v.poffsetBy ? [{ at: v.poffsetBy, message: 'the physical offset was set here' }] : [],
      });
    },
  },
});
