// HVT020 deadline-before-tsc: an x86 restore writes IA32_TSC_DEADLINE before IA32_TSC; KVM compares
// the deadline with the not-yet-restored TSC and the timer is lost (the Firecracker bug). The timer
// model tells how late the deadline now fires: KVM converted it to host time when it was written.
import type { Ref } from '../../replay/state';
import { lapicDeadlineDrift } from '../../replay/timers/query';
import { formatTime } from '../../values/format';
import { ticksIn } from '../../values/units';
import { defineRule, type RuleContext } from '../rule';
import { parseInstanceKey } from '../../../../protocol/instanceKey';
import { ticks, vcpuName } from '../describe';
import { inRestore } from '../restoreWindow';

interface Pending {
  at: Ref;
  value: bigint;
}
/** Deadlines written during a restore, and the one whose IA32_TSC is being written now. */
interface Store {
  pending: Map<string, Pending>;
  awaiting?: { key: string; inst: string; vcpu: number; p: Pending; tsc: Ref; tscValue: bigint };
}

/** How far the deadline moved, when the timer model knows (docs/reference/kvm-timers.md#28-changing-the-tsc-offset-while-a-deadline-is-armed-inference). */
interface Lateness {
  size: string;
  direction: 'late' | 'early';
  firesAt: string;
  reachedAt: string;
}

function report(ctx: RuleContext, a: NonNullable<Store['awaiting']>, lateness?: Lateness): void {
  const sameStatement = a.p.at.line === a.tsc.line;
  ctx.report({
    at: a.p.at,
    messageId: `deadlineFirst${sameStatement ? 'InOneStatement' : ''}${lateness ? 'Fires' : ''}`,
    data: { deadline: a.p.value, vcpu: vcpuName(a.inst, a.vcpu), ...lateness },
    related: [{ at: a.tsc, message: `IA32_TSC=${a.tscValue} is restored only here` }],
  });
}

export default defineRule({
  meta: {
    code: 'HVT020',
    name: 'deadline-before-tsc',
    defaultSeverity: 'warning',
    summary: 'An x86 restore writes IA32_TSC_DEADLINE before IA32_TSC: KVM compares the deadline with the old TSC.',
    messages: {
      deadlineFirst:
        "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC: KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost. Write IA32_TSC first",
      deadlineFirstInOneStatement:
        "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC (KVM_SET_MSRS applies them left to right): KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost. Write IA32_TSC first",
      deadlineFirstFires:
        "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC: KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost: it now fires {size} {direction}, at {firesAt} s instead of {reachedAt} s. Write IA32_TSC first",
      deadlineFirstInOneStatementFires:
        "this restore writes IA32_TSC_DEADLINE={deadline} on {vcpu} before IA32_TSC (KVM_SET_MSRS applies them left to right): KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost: it now fires {size} {direction}, at {firesAt} s instead of {reachedAt} s. Write IA32_TSC first",
    },
  },
  on: {
    msrWrite: (e, ctx) => {
      if (!e.host) return;
      const store = ctx.store<Store>(() => ({ pending: new Map() }));
      const key = `${e.inst}|${e.vcpu}`;
      if (e.msr === 'tsc_deadline') {
        // A deadline of 0 disarms the timer: nothing to lose.
        if (e.value !== 0n && inRestore(ctx, e.inst, e.vcpu)) store.pending.set(key, { at: ctx.ref, value: e.value });
        return;
      }
      if (e.msr !== 'tsc') return;
      const p = store.pending.get(key);
      if (!p) return;
      store.pending.delete(key);
      store.awaiting = { key, inst: e.inst, vcpu: e.vcpu, p, tsc: ctx.ref, tscValue: e.value };
    },
    // Once IA32_TSC has moved the offset: where the deadline fires against where the TSC reaches it.
    tscWrite: (e, ctx) => {
      const store = ctx.store<Store>(() => ({ pending: new Map() }));
      const a = store.awaiting;
      if (!a || a.key !== `${e.inst}|${e.vcpu}`) return;
      store.awaiting = undefined;
      const { host, vm } = parseInstanceKey(e.inst);
      const drift = lapicDeadlineDrift(ctx.state, host, vm, e.vcpu);
      const lateNs = drift ? drift.firesAt - drift.reachedAt : 0n;
      report(
        ctx,
        a,
        !drift || lateNs === 0n
          ? undefined
          : {
              size: ticks(ticksIn(lateNs < 0n ? -lateNs : lateNs, drift.hz), drift.hz),
              direction: lateNs > 0n ? 'late' : 'early',
              firesAt: formatTime(drift.firesAt),
              reachedAt: formatTime(drift.reachedAt),
            },
      );
    },
    statement: (_e, ctx) => {
      const store = ctx.store<Store>(() => ({ pending: new Map() }));
      if (store.awaiting) {
        report(ctx, store.awaiting);
        store.awaiting = undefined;
      }
    },
    run: (e, ctx) => {
      ctx.store<Store>(() => ({ pending: new Map() })).pending.delete(`${e.inst}|${e.vcpu}`);
    },
  },
});
