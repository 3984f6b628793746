// HVT004 physical-offset-trapping: a non-zero physical offset on a host without CNTPOFF, correctly
// trapped: every guest CNTPCT read now exits to EL2.
import { hasCntpoff } from '../../replay/clock';
import { defineRule } from '../rule';
import { ticks, instanceName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT004',
    name: 'physical-offset-trapping',
    defaultSeverity: 'info',
    summary: 'A non-zero physical offset on a host without CNTPOFF, correctly trapped: a performance cost.',
    messages: {
      trapsEveryRead:
        '{instance} runs with a non-zero physical offset ({ticks}) on host {host} without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. Typical cause: a VMM that reads KVM_REG_ARM_PTIMER_CNT and writes the same value back',
      setByCounterOffset:
        '{instance} runs with a non-zero physical offset ({ticks}) on host {host} without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. KVM_ARM_SET_COUNTER_OFFSET on line {line} offsets the physical counter along with the virtual one: on a host without CNTPOFF this is the cost of restoring the counter with it',
      trapsEveryReadOther:
        '{instance} runs with a non-zero physical offset ({ticks}) on host {host} without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read',
    },
  },
  on: {
    // Which statements wrote the physical counter by value (KVM_REG_ARM_PTIMER_CNT), for the wording.
    counterWrite: (e, ctx) => {
      if (e.counter === 'physical' && !e.ignored)
        ctx.store(() => ({ ptimerCntLines: new Set<number>(), seen: new Set<string>() })).ptimerCntLines.add(ctx.line);
    },
    run: (e, ctx) => {
      const inst = ctx.instance(e.inst);
      const h = ctx.host(inst.host);
      const v = inst.vcpus.get(e.vcpu)!;
      if (h.arch !== 'arm64' || hasCntpoff(h) || v.poffset === 0n || v.trap === 'off') return;
      const s = ctx.store(() => ({ ptimerCntLines: new Set<number>(), seen: new Set<string>() }));
      const key = `${e.inst}|${inst.generation}|${v.poffset}`;
      if (s.seen.has(key)) return;
      s.seen.add(key);
      // The "typical cause" only where it is the cause: KVM_ARM_SET_COUNTER_OFFSET sets poffset = voffset
      // (kvm_vm_ioctl_set_counter_offset), a PTIMER_CNT write sets it by value; anything else gets no guess.
      const by = v.poffsetBy;
      const byCounterOffset = by !== undefined && inst.counterOffsetUsed && inst.counterOffsetBy?.line === by.line;
      const messageId = byCounterOffset
        ? 'setByCounterOffset'
        : by !== undefined && s.ptimerCntLines.has(by.line)
          ? 'trapsEveryRead'
          : 'trapsEveryReadOther';
      ctx.report({
        messageId,
        data: {
          instance: instanceName(e.inst),
          ticks: ticks(v.poffset, h.freq),
          host: h.name,
          line: by ? by.line + 1 : 0,
        },
        related: by
          ? [
              {
                at: by,
                message: byCounterOffset
                  ? 'KVM_ARM_SET_COUNTER_OFFSET set the physical offset here'
                  : 'the physical offset was set here',
              },
            ]
          : [],
      });
    },
  },
});
