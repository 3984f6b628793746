// kvm_msr (arch/x86/kvm/trace.h "msr_%s %x = 0x%llx%s"): guest-initiated, intercepted MSR accesses
// (never the VMM's KVM_SET_MSRS). Timer MSRs go to the LAPIC family; the rest become `guest
// write MSR = V` for the MSRs the model knows (steal time, kvmclock). A guest write of IA32_TSC or
// IA32_TSC_ADJUST changes the offset (kvm_set_msr_common → adjust_tsc_offset_guest →
// kvm_vcpu_write_tsc_offset), and kvm_msr is traced when the write completes, so the
// kvm_write_tsc_offset it caused comes first in the capture: the guest write is placed before it.
// A TSC_ADJUST write without that offset write was ignored by KVM (no TSC_ADJUST in the vCPU's
// CPUID) and stays a note, as do faulting accesses.
import type { TraceEvent } from '../event';
import { MSRS } from '../../uapi/msrs';
import { decodeMsr, TIMER_MSRS, timerWrite } from './x86Lapic';
import { decodeWriteTscOffset } from './x86Clock';
import type { EventMapper, MapContext, MapOutcome } from './types';

const IA32_TSC = 0x10n;
const IA32_TSC_ADJUST = 0x3bn;

/** The kvm_write_tsc_offset of this vCPU that this thread traced just before `ev` (the write's effect). */
function offsetWriteBefore(ev: TraceEvent, ctx: MapContext, vcpu: number): TraceEvent | undefined {
  const prev = ctx.previousThreadEvent(ev);
  return prev?.name === 'kvm_write_tsc_offset' && decodeWriteTscOffset(prev.body)?.vcpu === vcpu ? prev : undefined;
}

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  const d = decodeMsr(ev.body);
  if (!d || d.gp) return 'note';
  const timerReg = TIMER_MSRS.get(d.ecx);
  if (timerReg) return d.write ? timerWrite(ev, ctx, timerReg, d.data) : 'note';
  const vcpu = ctx.threadVcpu(ev);
  const known = MSRS.find((m) => m.index === d.ecx);
  if (vcpu === undefined || !known) return 'note';
  if (d.ecx === IA32_TSC || d.ecx === IA32_TSC_ADJUST) {
    const text = `guest ${d.write ? 'write' : 'read'} ${known.name} = 0x${d.data.toString(16)}`;
    const effect = d.write ? offsetWriteBefore(ev, ctx, vcpu) : undefined;
    if (effect) {
      ctx.emitStatementAt(effect, `${ctx.where(ev, { vcpu })} ${text}`, ev);
      return 'used';
    }
    // The guest TSC value is absolute: comparable with the model only when the host counter is known.
    if (d.ecx === IA32_TSC && ctx.hostCounterKnown) {
      ctx.emit(ev, { vcpu }, text);
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
