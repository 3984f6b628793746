// x86 local-APIC timer tracepoints (arch/x86/kvm/trace.h, lapic.c; docs/reference/real-captures.md#11-x86-archx86kvmtraceh-trace_system-kvm, timers.md
// T1): guest writes of the timer registers through kvm_msr (x2APIC 0x832/0x838/0x83e and
// IA32_TSC_DEADLINE 0x6e0, also on the fastpath) and kvm_apic (xAPIC MMIO), kvm_hv_timer_state,
// kvm_wait_lapic_expire, and the timer interrupt's kvm_apic_accept_irq (LVTT vector). The
// software timer's expiry is `hrtimer_expire_entry function=apic_timer_fn`, tied to its vCPU by
// the hrtimer address of the `hrtimer_start` in the vCPU thread.
import type { TraceEvent } from '../event';
import { anyU64, decU64, hexU64, rawFields, signed64, small } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

/** Timer registers by x2APIC MSR index (IA32_TSC_DEADLINE is the deadline MSR itself). */
export const TIMER_MSRS: ReadonlyMap<bigint, string> = new Map([
  [0x6e0n, 'IA32_TSC_DEADLINE'],
  [0x832n, 'APIC_LVTT'],
  [0x838n, 'APIC_TMICT'],
  [0x83en, 'APIC_TDCR'],
]);
const APIC_TIMER_REGS = new Set(['APIC_LVTT', 'APIC_TMICT', 'APIC_TDCR']);
/** kvm_trace_symbol_apic register offsets, for raw `-R` kvm_apic events (reg=0x320). */
const APIC_REG_BY_OFFSET: ReadonlyMap<bigint, string> = new Map([
  [0x320n, 'APIC_LVTT'],
  [0x380n, 'APIC_TMICT'],
  [0x390n, 'APIC_TMCCT'],
  [0x3e0n, 'APIC_TDCR'],
]);

/** Linux guests' LOCAL_TIMER_VECTOR (0xec), the LVTT vector when the trace never showed an LVTT write. */
export const LINUX_LOCAL_TIMER_VECTOR = 236;

export interface MsrAccess {
  write: boolean;
  ecx: bigint;
  data: bigint;
  gp: boolean;
}

/** kvm_msr: "msr_%s %x = 0x%llx%s" (`read`/`write`, ` (#GP)`); raw write, ecx, data, exception. */
export function decodeMsr(body: string): MsrAccess | undefined {
  const m = /^msr_(read|write) ([0-9a-fA-F]+) = (?:0x)?([0-9a-fA-F]+)( \(#GP\))?$/.exec(body);
  if (m) {
    const ecx = hexU64(m[2]),
      data = hexU64(m[3]);
    return ecx === undefined || data === undefined
      ? undefined
      : { write: m[1] === 'write', ecx, data, gp: m[4] !== undefined };
  }
  const f = rawFields(body);
  if (!f) return undefined;
  const write = anyU64(f.get('write') ?? ''),
    ecx = anyU64(f.get('ecx') ?? ''),
    data = anyU64(f.get('data') ?? ''),
    ex = anyU64(f.get('exception') ?? '0');
  return write === undefined || ecx === undefined || data === undefined || ex === undefined
    ? undefined
    : { write: write !== 0n, ecx, data, gp: ex !== 0n };
}

export interface ApicAccess {
  write: boolean;
  reg: string;
  value: bigint;
}

/** kvm_apic: "apic_%s %s = 0x%x" (older) / "apic_%s %s = 0x%llx"; raw rw, reg, val. */
export function decodeApic(body: string): ApicAccess | undefined {
  const m = /^apic_(read|write) (\S+) = (?:0x)?([0-9a-fA-F]+)$/.exec(body);
  if (m) {
    const v = hexU64(m[3]);
    return v === undefined ? undefined : { write: m[1] === 'write', reg: m[2], value: v };
  }
  const f = rawFields(body);
  if (!f) return undefined;
  const rw = anyU64(f.get('rw') ?? ''),
    reg = anyU64(f.get('reg') ?? ''),
    val = anyU64(f.get('val') ?? '');
  if (rw === undefined || reg === undefined || val === undefined) return undefined;
  return { write: rw !== 0n, reg: APIC_REG_BY_OFFSET.get(reg) ?? `0x${reg.toString(16)}`, value: val };
}

/** kvm_hv_timer_state: "vcpu_id %x hv_timer %x" — note the hex vCPU id. */
export function decodeHvTimer(body: string): { vcpu: number; inUse: number } | undefined {
  const m = /^vcpu_id ([0-9a-fA-F]+) hv_timer ([0-9a-fA-F]+)$/.exec(body);
  const f = m ? undefined : rawFields(body);
  const vcpu = m ? small(m[1], 16) : small(f?.get('vcpu_id') ?? '');
  const inUse = m ? small(m[2], 16) : small(f?.get('hv_timer_in_use') ?? '');
  return vcpu === undefined || inUse === undefined || inUse > 1 ? undefined : { vcpu, inUse };
}

/** kvm_wait_lapic_expire: "vcpu %u: delta %lld (%s)" — guest TSC at entry minus the deadline. */
export function decodeWaitLapicExpire(body: string): { vcpu: number; delta: bigint } | undefined {
  const m = /^vcpu (\d+): delta (-?\d+) \((?:early|late)\)$/.exec(body);
  const f = m ? undefined : rawFields(body);
  const vcpu = m ? small(m[1]) : small(f?.get('vcpu_id') ?? '');
  const delta = m ? decU64(m[2]) : anyU64(f?.get('delta') ?? '');
  return vcpu === undefined || delta === undefined ? undefined : { vcpu, delta: signed64(delta) };
}

/** kvm_apic_accept_irq: "apicid %x vec %u (%s|%s)"; raw apicid, dm, tm, vec. */
export function decodeAcceptIrq(body: string): { apicid: number; vec: number } | undefined {
  const m = /^apicid ([0-9a-fA-F]+) vec (\d+) \(\w+\|\w+\)$/.exec(body);
  const f = m ? undefined : rawFields(body);
  const apicid = m ? small(m[1], 16) : small(f?.get('apicid') ?? '');
  const vec = m ? small(m[2]) : small(f?.get('vec') ?? '');
  return apicid === undefined || vec === undefined ? undefined : { apicid, vec };
}

/** hrtimer_start: "hrtimer=%p function=%ps expires=%llu softexpires=%llu[ mode=%s]"; expire_entry: "hrtimer=%p[ now=%llu] function=%ps[ now=%llu]". */
export function decodeHrtimer(body: string): { hrtimer: string; fn?: string } | undefined {
  const f = rawFields(body);
  const hrtimer = f?.get('hrtimer');
  return hrtimer ? { hrtimer, fn: f!.get('function')?.split(/\s/)[0] } : undefined;
}

interface LapicState {
  lvttVector: Map<number, number>;
  hrtimers: Map<string, number>;
}
const lapic = (ctx: MapContext): LapicState =>
  ctx.state('x86-lapic', () => ({ lvttVector: new Map(), hrtimers: new Map() }));

/** A guest write of a LAPIC timer register (from kvm_msr or kvm_apic) at the thread's vCPU. */
export function timerWrite(ev: TraceEvent, ctx: MapContext, reg: string, value: bigint): MapOutcome {
  const vcpu = ctx.threadVcpu(ev);
  if (vcpu === undefined) return 'note';
  if (reg === 'APIC_LVTT') lapic(ctx).lvttVector.set(vcpu, Number(value & 0xffn));
  ctx.emit(ev, { vcpu }, `guest write ${reg} = 0x${value.toString(16)}`);
  return 'used';
}

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  switch (ev.name) {
    case 'kvm_apic': {
      const d = decodeApic(ev.body);
      if (!d) return 'note';
      if (!d.write || !APIC_TIMER_REGS.has(d.reg)) return 'ignored';
      return timerWrite(ev, ctx, d.reg, d.value);
    }
    case 'kvm_hv_timer_state': {
      const d = decodeHvTimer(ev.body);
      if (!d) return 'note';
      ctx.emit(ev, { vcpu: d.vcpu }, `kvm hv_timer in_use=${d.inUse}`);
      return 'used';
    }
    case 'kvm_wait_lapic_expire': {
      const d = decodeWaitLapicExpire(ev.body);
      if (!d) return 'note';
      ctx.emit(ev, { vcpu: d.vcpu }, `kvm wait_lapic_expire delta=${d.delta}`);
      return 'used';
    }
    case 'kvm_apic_accept_irq':
    case 'kvm_apicv_accept_irq': {
      const d = decodeAcceptIrq(ev.body);
      if (!d) return 'note';
      // QEMU and the other VMMs give vCPU n APIC id n; the LVTT vector tells the timer apart.
      const vector = lapic(ctx).lvttVector.get(d.apicid) ?? LINUX_LOCAL_TIMER_VECTOR;
      if (d.vec !== vector) return 'ignored';
      ctx.emit(ev, { vcpu: d.apicid }, 'kvm timer_irq lapic level=1');
      return 'used';
    }
    case 'hrtimer_start': {
      const d = decodeHrtimer(ev.body);
      const vcpu = ctx.threadVcpu(ev);
      if (!d || d.fn !== 'apic_timer_fn' || vcpu === undefined) return 'ignored';
      lapic(ctx).hrtimers.set(d.hrtimer, vcpu);
      return 'used';
    }
    case 'hrtimer_expire_entry': {
      const d = decodeHrtimer(ev.body);
      if (!d || d.fn !== 'apic_timer_fn') return 'ignored';
      const vcpu = lapic(ctx).hrtimers.get(d.hrtimer);
      if (vcpu === undefined) return 'note';
      ctx.emit(ev, { vcpu }, 'kvm timer_expire lapic');
      return 'used';
    }
    default:
      return 'note';
  }
}

const DECODERS: Record<string, (body: string) => unknown> = {
  kvm_apic: decodeApic,
  kvm_hv_timer_state: decodeHvTimer,
  kvm_wait_lapic_expire: decodeWaitLapicExpire,
  kvm_apic_accept_irq: decodeAcceptIrq,
  kvm_apicv_accept_irq: decodeAcceptIrq,
  hrtimer_start: decodeHrtimer,
  hrtimer_expire_entry: decodeHrtimer,
};

export const x86LapicMapper: EventMapper = {
  family: 'x86 LAPIC timer',
  events: Object.keys(DECODERS),
  decodes: (name, body) => DECODERS[name]?.(body) !== undefined,
  namedVcpu: (ev) =>
    ev.name === 'kvm_hv_timer_state'
      ? decodeHvTimer(ev.body)?.vcpu
      : ev.name === 'kvm_wait_lapic_expire'
        ? decodeWaitLapicExpire(ev.body)?.vcpu
        : undefined,
  map,
};
