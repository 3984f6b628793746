// kvm_msr (arch/x86/kvm/trace.h "msr_%s %x = 0x%llx%s"): guest-initiated, intercepted MSR accesses
// (never the VMM's KVM_SET_MSRS). Timer MSRs go to the LAPIC family; the rest become `guest
// write MSR = V` for the MSRs the model knows (steal time, kvmclock), while writes whose effect the
// kernel reports exactly anyway (IA32_TSC, IA32_TSC_ADJUST: the kvm_write_tsc_offset that follows)
// and faulting accesses are kept as notes.
import type { TraceEvent } from '../event';
import { MSRS } from '../../uapi/msrs';
import { decodeMsr, TIMER_MSRS, timerWrite } from './x86Lapic';
import type { EventMapper, MapContext, MapOutcome } from './types';

const IA32_TSC = 0x10n;
const IA32_TSC_ADJUST = 0x3bn;

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  const d = decodeMsr(ev.body);
  if (!d || d.gp) return 'note';
  const timerReg = TIMER_MSRS.get(d.ecx);
  if (timerReg) return d.write ? timerWrite(ev, ctx, timerReg, d.data) : 'note';
  const vcpu = ctx.threadVcpu(ev);
  const known = MSRS.find((m) => m.index === d.ecx);
  if (vcpu === undefined || !known) return 'note';
  if (d.ecx === IA32_TSC || d.ecx === IA32_TSC_ADJUST) {
    // The guest TSC value is absolute: comparable with the model only when the host counter is known.
    if (d.ecx === IA32_TSC && ctx.hostCounterKnown) {
      ctx.emit(ev, { vcpu }, `guest ${d.write ? 'write' : 'read'} IA32_TSC = 0x${d.data.toString(16)}`);
      return 'used';
    }
    return 'note';
  }
  if (!d.write) return 'note';
  ctx.emit(ev, { vcpu }, `guest write ${known.name} = 0x${d.data.toString(16)}`);
  return 'used';
}

export const msrMapper: EventMapper = {
  family: 'MSR accesses',
  events: ['kvm_msr'],
  decodes: (_name, body) => decodeMsr(body) !== undefined,
  map,
};
