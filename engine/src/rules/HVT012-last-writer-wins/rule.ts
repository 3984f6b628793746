// HVT012 last-writer-wins: vCPUs of one arm64 VM restore TIMER_CNT values implying different
// offsets; the offset is VM-wide (broadcast before 6.4), so only the last write survives.
import { abs, signedDiff } from '../../values/u64';
import { ticksIn } from '../../values/units';
import type { Ref } from '../../replay/state';
import { defineRule } from '../rule';
import { ticks, instanceName } from '../describe';

interface LastWrite {
  vcpu: number;
  implied: bigint;
  at: Ref;
}

export default defineRule({
  meta: {
    code: 'HVT012',
    name: 'last-writer-wins',
    defaultSeverity: 'warning',
    summary: 'vCPUs of one arm64 VM write TIMER_CNT values implying different offsets; only the last write survives.',
    messages: {
      countersMoveBack:
        "vcpu{vcpu}'s TIMER_CNT write implies offset {offset}, vcpu{previousVcpu}'s implied {previousOffset}: they differ by {ticks}. The offset of {instance} is VM-wide, so this last write replaces vcpu{previousVcpu}'s and every vCPU's counter moves back by that much",
      countersMoveForward:
        "vcpu{vcpu}'s TIMER_CNT write implies offset {offset}, vcpu{previousVcpu}'s implied {previousOffset}: they differ by {ticks}. The offset of {instance} is VM-wide, so this last write replaces vcpu{previousVcpu}'s and every vCPU's counter moves forward by that much",
    },
  },
  on: {
    counterWrite: (e, ctx) => {
      if (e.counter !== 'virtual' || e.ignored) return;
      const windows = ctx.store(() => new Map<string, LastWrite>());
      const prev = windows.get(e.inst);
      windows.set(e.inst, { vcpu: e.vcpu, implied: e.impliedOffset, at: ctx.ref });
      if (!prev || prev.vcpu === e.vcpu) return;
      const hz = ctx.host(ctx.instance(e.inst).host).freq;
      const spread = signedDiff(e.impliedOffset, prev.implied);
      if (abs(spread) <= ticksIn(ctx.state.tolerance, hz)) return;
      ctx.report({
        messageId: spread > 0n ? 'countersMoveBack' : 'countersMoveForward',
        data: {
          vcpu: e.vcpu,
          offset: e.impliedOffset,
          previousVcpu: prev.vcpu,
          previousOffset: prev.implied,
          ticks: ticks(spread, hz),
          instance: instanceName(e.inst),
        },
        related: [{ at: prev.at, message: `vcpu${prev.vcpu}'s write, now overridden (offset ${prev.implied})` }],
      });
    },
    // A restore ends when the instance runs.
    run: (e, ctx) => {
      ctx.store(() => new Map<string, LastWrite>()).delete(e.inst);
    },
  },
});
