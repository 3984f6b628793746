// HVT034 pvtime-discovery: PV_TIME_ST called without SMCCC_ARCH_FEATURES / PV_TIME_FEATURES first.
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT034',
    name: 'pvtime-discovery',
    defaultSeverity: 'info',
    summary: 'PV_TIME_ST called without SMCCC_ARCH_FEATURES / PV_TIME_FEATURES discovery first.',
    messages: {
      noDiscovery:
        'the guest calls PV_TIME_ST on {vcpu} without discovering PV time first: it should ask SMCCC_ARCH_FEATURES(PV_TIME_FEATURES) and PV_TIME_FEATURES(PV_TIME_ST), which tell it whether the hypervisor offers stolen time on this vCPU',
    },
  },
  on: {
    hvc: (e, ctx) => {
      if (e.fn !== 'pv_time_st' || e.discoveredBefore) return;
      const seen = ctx.store(() => new Set<string>());
      const vm = ctx.instance(e.inst).vm;
      if (seen.has(vm)) return;
      seen.add(vm);
      ctx.report({
        messageId: 'noDiscovery',
        data: { vcpu: vcpuName(e.inst, e.vcpu) },
      });
    },
  },
});
