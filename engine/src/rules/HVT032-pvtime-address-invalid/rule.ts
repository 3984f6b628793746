// HVT032 pvtime-address-invalid: a PV-time / steal-time address not 64-byte aligned, set twice, or
// overlapping another vCPU's structure — where the trace shows KVM accepting it. A statement whose
// result shows KVM rejected the address changed nothing and is not reported.
import { hex } from '../../values/u64';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT032',
    name: 'pvtime-address-invalid',
    defaultSeverity: 'error',
    summary: "A PV-time address not 64-byte aligned, set twice, or overlapping another vCPU's structure.",
    messages: {
      misaligned:
        'the stolen-time address {address} of {vcpu} is not 64-byte aligned: KVM answers -EINVAL, but the trace shows it accepted',
      alreadySet:
        '{vcpu} already has a PV-time address: a second KVM_ARM_VCPU_PVTIME_IPA gets -EEXIST, but the trace shows it accepted ({address})',
      reservedBits:
        'MSR_KVM_STEAL_TIME={address} on {vcpu} has reserved bits 1–5 set: KVM raises #GP / rejects it, but the trace shows it accepted',
      overlaps:
        "the 64-byte stolen-time structure of {vcpu} at {address} overlaps vcpu{otherVcpu}'s at {otherAddress}: KVM writes both vCPUs' stolen time into the same bytes",
    },
  },
  on: {
    pvAddress: (e, ctx) => {
      if (!e.accepted) return;
      const who = vcpuName(e.inst, e.vcpu);
      if (e.problem === 'misaligned') {
        ctx.report({ messageId: 'misaligned', data: { address: hex(e.address), vcpu: who } });
      } else if (e.problem === 'already-set') {
        ctx.report({
          messageId: 'alreadySet',
          data: { vcpu: who, address: hex(e.address) },
          related: e.previous ? [{ at: e.previous, message: 'the first address was set here' }] : [],
        });
      } else if (e.problem === 'reserved-bits') {
        ctx.report({ messageId: 'reservedBits', data: { address: hex(e.address), vcpu: who } });
      }
      if (e.overlaps) {
        ctx.report({
          messageId: 'overlaps',
          data: {
            vcpu: who,
            address: hex(e.address),
            otherVcpu: e.overlaps.vcpu,
            otherAddress: hex(e.overlaps.address),
          },
          related: e.overlaps.at
            ? [{ at: e.overlaps.at, message: `vcpu${e.overlaps.vcpu}'s address was set here` }]
            : [],
        });
      }
    },
  },
});
