// HVT033 pvtime-not-configured: the guest uses PV time on a vCPU whose address was never set, or a
// migration/restore destination does not set the address a source vCPU had (stolen time freezes).
import { defineRule } from '../rule';
import { vcpuName } from '../describe';
import { stolenConfigured } from '../../replay/stolen';

export default defineRule({
  meta: { code: 'HVT033', name: 'pvtime-not-configured', defaultSeverity: 'warning', summary: 'The guest uses PV time on a vCPU whose address was never set, or a destination does not set it.' },
  on: {
    hvc: (e, ctx) => {
      const uses = e.fn === 'pv_time_st' || (e.fn === 'pv_time_features' && (e.arg === 'pv_time_st' || e.arg === 'pv_time_features'));
      if (!uses || e.configured || !ctx.guest(ctx.instance(e.inst).vm).pvtime) return;
      const seen = ctx.store(() => new Set<string>());
      const key = `${e.inst}#${ctx.instance(e.inst).generation}|${e.vcpu}`;
      if (seen.has(key)) return;
      seen.add(key);
      const configured = [...ctx.instance(e.inst).vcpus.values()].filter((v) => v.pvAddress !== undefined).map((v) => `vcpu${v.id}`);
      ctx.report({
        message: `the guest uses PV time on ${vcpuName(e.inst, e.vcpu)}, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time${configured.length ? ` (${configured.join(', ')} ${configured.length === 1 ? 'has' : 'have'} it)` : ''}`,
      });
    },
    run: (e, ctx) => {
      if (!e.firstOnInstance) return;
      const inst = ctx.instance(e.inst);
      const source = inst.sourcePv.get(e.vcpu);
      const v = inst.vcpus.get(e.vcpu)!;
      if (inst.origin === 'fresh' || !source || stolenConfigured(v)) return;
      ctx.report({
        message: `${vcpuName(e.inst, e.vcpu)} had a stolen-time address on the instance it ${inst.origin === 'migration' ? 'migrated' : 'was restored'} from, but this ${inst.origin === 'migration' ? 'destination' : 'restore'} never sets it: KVM stops updating the guest's stolen time, which freezes`,
        related: [{ at: source, message: 'the source set the address here' }],
      });
    },
  },
});
