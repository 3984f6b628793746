// HVT032 pvtime-address-invalid: a PV-time / steal-time address not 64-byte aligned, set twice, or
// overlapping another vCPU's structure — where the trace shows KVM accepting it. A statement whose
// result shows KVM rejected the address changed nothing and is not reported.
import { hex } from '../../values/u64';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: { code: 'HVT032', name: 'pvtime-address-invalid', defaultSeverity: 'error', summary: 'A PV-time address not 64-byte aligned, set twice, or overlapping another vCPU\'s structure.' },
  on: {
    pvAddress: (e, ctx) => {
      if (!e.accepted) return;
      const who = vcpuName(e.inst, e.vcpu);
      if (e.problem === 'misaligned') {
        ctx.report({ message: `the stolen-time address ${hex(e.address)} of ${who} is not 64-byte aligned: KVM answers -EINVAL, but the trace shows it accepted` });
      } else if (e.problem === 'already-set') {
        ctx.report({
          message: `${who} already has a PV-time address: a second KVM_ARM_VCPU_PVTIME_IPA gets -EEXIST, but the trace shows it accepted (${hex(e.address)})`,
          related: e.previous ? [{ at: e.previous, message: 'the first address was set here' }] : [],
        });
      } else if (e.problem === 'reserved-bits') {
        ctx.report({ message: `MSR_KVM_STEAL_TIME=${hex(e.address)} on ${who} has reserved bits 1–5 set: KVM raises #GP / rejects it, but the trace shows it accepted` });
      }
      if (e.overlaps) {
        ctx.report({
          message: `the 64-byte stolen-time structure of ${who} at ${hex(e.address)} overlaps vcpu${e.overlaps.vcpu}'s at ${hex(e.overlaps.address)}: KVM writes both vCPUs' stolen time into the same bytes`,
          related: e.overlaps.at ? [{ at: e.overlaps.at, message: `vcpu${e.overlaps.vcpu}'s address was set here` }] : [],
        });
      }
    },
  },
});
