// HVT030 stolen-time-decreased: a vCPU's stolen time (guest read or KVM update) is smaller than
// before: the structure was zeroed by a second PV_TIME_ST, or a destination restarted from 0.
import { formatDuration } from '../../values/format';
import { parseInstanceKey } from '../../../../protocol/instanceKey';
import { defineRule } from '../rule';
import { vcpuName } from '../describe';

export default defineRule({
  meta: {
    code: 'HVT030',
    name: 'stolen-time-decreased',
    defaultSeverity: 'error',
    summary: "A vCPU's stolen time is smaller than before.",
    messages: {
      updatedZeroed:
        "stolen time of {vcpu} is updated {value} ns, {less} less than the {previous} ns it showed before (a second PV_TIME_ST zeroed the structure): the guest's scheduler accounting goes backwards",
      updatedNotContinued:
        "stolen time of {vcpu} is updated {value} ns, {less} less than the {previous} ns it showed before (the guest moved from {fromHost} ({fromVm}) and this instance did not continue from the migrated value): the guest's scheduler accounting goes backwards",
      updatedReset:
        "stolen time of {vcpu} is updated {value} ns, {less} less than the {previous} ns it showed before (the stolen-time structure was reset): the guest's scheduler accounting goes backwards",
      readsZeroed:
        "stolen time of {vcpu} reads {value} ns, {less} less than the {previous} ns it showed before (a second PV_TIME_ST zeroed the structure): the guest's scheduler accounting goes backwards",
      readsNotContinued:
        "stolen time of {vcpu} reads {value} ns, {less} less than the {previous} ns it showed before (the guest moved from {fromHost} ({fromVm}) and this instance did not continue from the migrated value): the guest's scheduler accounting goes backwards",
      readsReset:
        "stolen time of {vcpu} reads {value} ns, {less} less than the {previous} ns it showed before (the stolen-time structure was reset): the guest's scheduler accounting goes backwards",
    },
  },
  on: {
    stolenObserved: (e, ctx) => {
      const p = e.previous;
      if (!p || e.value >= p.value) return;
      const zeroed = e.zeroedBy && e.zeroedBy.line > p.at.line ? e.zeroedBy : undefined;
      const moved = p.instance !== e.inst;
      const from = parseInstanceKey(p.instance);
      ctx.report({
        messageId: `${e.source === 'kvm' ? 'updated' : 'reads'}${zeroed ? 'Zeroed' : moved ? 'NotContinued' : 'Reset'}`,
        data: {
          vcpu: vcpuName(e.inst, e.vcpu),
          value: e.value,
          less: formatDuration(p.value - e.value),
          previous: p.value,
          fromHost: from.host,
          fromVm: from.vm,
        },
        related: [
          { at: p.at, message: `stolen time was ${p.value} ns here` },
          ...(zeroed ? [{ at: zeroed, message: 'PV_TIME_ST zeroed the structure here' }] : []),
        ],
      });
    },
  },
});
