// HVT033 pvtime-not-configured: the guest uses PV time on a vCPU whose address was never set, or a
// migration/restore destination does not set the address a source vCPU had (stolen time freezes).
import { defineRule } from '../rule';
import { vcpuName } from '../describe';
import { stolenConfigured } from '../../replay/stolen';

export default defineRule({
  meta: {
    code: 'HVT033',
    name: 'pvtime-not-configured',
    defaultSeverity: 'warning',
    summary: 'The guest uses PV time on a vCPU whose address was never set, or a destination does not set it.',
    messages: {
      neverSet:
        'the guest uses PV time on {vcpu}, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time',
      neverSetOneOtherHas:
        'the guest uses PV time on {vcpu}, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time ({configured} has it)',
      neverSetOthersHave:
        'the guest uses PV time on {vcpu}, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time ({configured} have it)',
      destinationNeverSets:
        "{vcpu} had a stolen-time address on the instance it migrated from, but this destination never sets it: KVM stops updating the guest's stolen time, which freezes",
      restoreNeverSets:
        "{vcpu} had a stolen-time address on the instance it was restored from, but this restore never sets it: KVM stops updating the guest's stolen time, which freezes",
    },
  },
  on: {
    hvc: (e, ctx) => {
      const uses =
        e.fn === 'pv_time_st' ||
        (e.fn === 'pv_time_features' && (e.arg === 'pv_time_st' || e.arg === 'pv_time_features'));
      if (!uses || e.configured || !ctx.guest(ctx.instance(e.inst).vm).pvtime) return;
      const seen = ctx.store(() => new Set<string>());
      const key = `${e.inst}#${ctx.instance(e.inst).generation}|${e.vcpu}`;
      if (seen.has(key)) return;
      seen.add(key);
      const configured = [...ctx.instance(e.inst).vcpus.values()]
        .filter((v) => v.pvAddress !== undefined)
        .map((v) => `vcpu${v.id}`);
      ctx.report({
        messageId:
          configured.length === 0 ? 'neverSet' : configured.length === 1 ? 'neverSetOneOtherHas' : 'neverSetOthersHave',
        data: { vcpu: vcpuName(e.inst, e.vcpu), configured: configured.join(', ') },
      });
    },
    run: (e, ctx) => {
      if (!e.firstOnInstance) return;
      const inst = ctx.instance(e.inst);
      const source = inst.sourcePv.get(e.vcpu);
      const v = inst.vcpus.get(e.vcpu)!;
      if (inst.origin === 'fresh' || !source || stolenConfigured(v)) return;
      ctx.report({
        messageId: inst.origin === 'migration' ? 'destinationNeverSets' : 'restoreNeverSets',
        data: { vcpu: vcpuName(e.inst, e.vcpu) },
        related: [{ at: source, message: 'the source set the address here' }],
      });
    },
  },
});
