// HVT021 run-before-clock-restore: a restored or migrated x86 instance runs a vCPU before
// KVM_SET_CLOCK, or never restores kvmclock although the source saved it (the Cloud Hypervisor bug).
import type { Ref } from '../../replay/state';
import { defineRule } from '../rule';
import { instanceName } from '../describe';

interface State {
  pending: Map<string, Ref>;
  reported: Set<string>;
}

export default defineRule({
  meta: {
    code: 'HVT021',
    name: 'run-before-clock-restore',
    defaultSeverity: 'warning',
    summary: 'x86: a restored or migrated instance runs a vCPU before KVM_SET_CLOCK, or never restores kvmclock.',
    messages: {
      migratedWithoutSetClock:
        "vcpu{vcpu} runs on {instance}, migrated without KVM_SET_CLOCK: the source saved kvmclock but it was not restored before the guest ran, so the guest's kvmclock starts from this host's value",
      restoredWithoutSetClock:
        "vcpu{vcpu} runs on {instance}, restored without KVM_SET_CLOCK: the source saved kvmclock but it was not restored before the guest ran, so the guest's kvmclock starts from this host's value",
      runBeforeSetClock:
        'this KVM_RUN comes before KVM_SET_CLOCK restores kvmclock on {instance}: the guest runs with the wrong kvmclock, then sees it step when the clock is set',
    },
  },
  on: {
    run: (e, ctx) => {
      const inst = ctx.instance(e.inst);
      if (ctx.host(inst.host).arch !== 'x86_64' || inst.origin === 'fresh' || inst.clockSetBy || !e.firstOnInstance)
        return;
      const s = ctx.store<State>(() => ({ pending: new Map(), reported: new Set() }));
      const key = `${e.inst}#${inst.generation}`;
      if (s.reported.has(key) || s.pending.has(key)) return;
      if (inst.sourceSavedClock) {
        s.reported.add(key);
        ctx.report({
          messageId: inst.origin === 'migration' ? 'migratedWithoutSetClock' : 'restoredWithoutSetClock',
          data: { vcpu: e.vcpu, instance: instanceName(e.inst) },
          related: [{ at: inst.sourceSavedClock, message: 'the source saved kvmclock here (KVM_GET_CLOCK)' }],
        });
      } else {
        s.pending.set(key, ctx.ref);
      }
    },
    clockSet: (e, ctx) => {
      const inst = ctx.instance(e.inst);
      const s = ctx.store<State>(() => ({ pending: new Map(), reported: new Set() }));
      const key = `${e.inst}#${inst.generation}`;
      const early = s.pending.get(key);
      if (!early || s.reported.has(key)) return;
      s.pending.delete(key);
      s.reported.add(key);
      ctx.report({
        at: early,
        messageId: 'runBeforeSetClock',
        data: { instance: instanceName(e.inst) },
        related: [{ at: ctx.ref, message: 'kvmclock is restored only here' }],
      });
    },
  },
});
