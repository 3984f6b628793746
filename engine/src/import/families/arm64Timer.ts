// arm64 generic-timer tracepoints (arch/arm64/kvm/trace_arm.h, trace_handle_exit.h;
// docs/reference/real-captures.md#13-arm64-archarm64kvmtrace_armh-trace_handle_exith-vgictraceh, docs/timers.md#t1-statements): kvm_timer_save_state / kvm_timer_restore_state →
// `kvm timer_state TIMER ctl= cval=`, kvm_timer_update_irq → `kvm timer_irq TIMER level=`,
// kvm_timer_hrtimer_expire → `kvm timer_expire TIMER`; a trapped CNTPCT read (kvm_sys_access) is
// evidence that the physical counter traps (`kvm traps cntpct=on`); kvm_hvc_arm64 of the PV-time
// and SMCCC discovery calls → `guest hvc`. kvm_get_timer_map carries the vCPU id of the thread
// that loads the vCPU (identity only).
import type { TraceEvent } from '../event';
import { anyU64, hexU64, rawFields, small } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

/** enum kvm_arch_timers (include/kvm/arm_arch_timer.h): arch_timer_ctx_index → timer name. */
export const TIMER_BY_INDEX = ['ptimer', 'vtimer', 'hvtimer', 'hptimer'] as const;
/** Default PPIs (INTIDs): vtimer 27, ptimer 30, hvtimer 28, hptimer 26 (KVM_ARM_VCPU_TIMER_IRQ_*). */
export const TIMER_BY_IRQ: ReadonlyMap<number, string> = new Map([
  [27, 'vtimer'],
  [30, 'ptimer'],
  [28, 'hvtimer'],
  [26, 'hptimer'],
]);

export interface TimerState {
  ctl: bigint;
  cval: bigint;
  timer: string;
}

/**
 * kvm_timer_save_state "   CTL: %#08lx CVAL: %#16llx arch_timer_ctx_index: %d" (3 leading spaces)
 * and kvm_timer_restore_state "CTL: %#08lx CVAL: %#16llx arch_timer_ctx_index: %d". `%#` of 0 is
 * `0x000000` from the kernel and `00000000` from libtraceevent; CVAL is right-aligned in 16.
 */
export function decodeTimerState(body: string): TimerState | undefined {
  const m = /^\s*CTL:\s+((?:0x)?[0-9a-fA-F]+) CVAL:\s+((?:0x)?[0-9a-fA-F]+) arch_timer_ctx_index: (\d+)$/.exec(body);
  const f = m ? undefined : rawFields(body);
  const ctl = m ? hexU64(m[1]) : anyU64(f?.get('ctl') ?? '');
  const cval = m ? hexU64(m[2]) : anyU64(f?.get('cval') ?? '');
  const idx = m ? small(m[3]) : small(f?.get('timer_idx') ?? '');
  const timer = idx === undefined ? undefined : TIMER_BY_INDEX[idx];
  return ctl === undefined || cval === undefined || timer === undefined ? undefined : { ctl, cval, timer };
}

/** kvm_timer_update_irq "VCPU: %ld, IRQ %d, level %d"; raw vcpu_id, irq, level. */
export function decodeUpdateIrq(body: string): { vcpu: number; irq: number; level: number } | undefined {
  const m = /^VCPU: (\d+), IRQ (\d+), level (\d+)$/.exec(body);
  const f = m ? undefined : rawFields(body);
  const vcpu = m ? small(m[1]) : small(f?.get('vcpu_id') ?? ''),
    irq = m ? small(m[2]) : small(f?.get('irq') ?? ''),
    level = m ? small(m[3]) : small(f?.get('level') ?? '');
  return vcpu === undefined || irq === undefined || level === undefined ? undefined : { vcpu, irq, level };
}

/** kvm_timer_hrtimer_expire "arch_timer_ctx_index: %d"; kvm_timer_emulate "arch_timer_ctx_index: %d (should_fire: %d)". */
export function decodeCtxIndex(body: string): string | undefined {
  const m = /^arch_timer_ctx_index: (\d+)(?: \(should_fire: \d+\))?$/.exec(body);
  const idx = m ? small(m[1]) : small(rawFields(body)?.get('timer_idx') ?? '');
  return idx === undefined ? undefined : TIMER_BY_INDEX[idx];
}

/** kvm_get_timer_map "VCPU: %ld, dv: %d, dp: %d, ep: %d" (NV series: "…, ev: %d, ep: %d"). */
export function decodeTimerMap(body: string): number | undefined {
  const m = /^VCPU: (\d+), dv: -?\d+, dp: -?\d+(?:, ev: -?\d+)?, ep: -?\d+$/.exec(body);
  return m ? small(m[1]) : small(rawFields(body)?.get('vcpu_id') ?? '');
}

/** kvm_sys_access "PC: %lx %s (%d,%d,%d,%d,%d) %s": which system register, read or write; no value. */
export function decodeSysAccess(body: string): { reg: string; write: boolean } | undefined {
  const m = /^PC: (?:0x)?[0-9a-fA-F]+ (\S+) \(\d+,\d+,\d+,\d+,\d+\) (read|write)$/.exec(body);
  return m ? { reg: m[1], write: m[2] === 'write' } : undefined;
}

/** kvm_hvc_arm64 "HVC at 0x%016lx (r0: 0x%016lx, imm: 0x%lx)": r0 is the SMCCC function id. */
export function decodeHvc(body: string): bigint | undefined {
  const m = /^HVC at (?:0x)?[0-9a-fA-F]+ \(r0: (?:0x)?([0-9a-fA-F]+), imm: (?:0x)?[0-9a-fA-F]+\)$/.exec(body);
  return m ? hexU64(m[1]) : anyU64(rawFields(body)?.get('r0') ?? '');
}

/**
 * The PV-time calls (docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time). The trace shows only r0; Linux guests call
 * PV_TIME_FEATURES with PV_TIME_ST as its argument (arch/arm64/kernel/paravirt.c,
 * has_pv_steal_clock), so that argument is written. Other calls (PSCI, PTP, SMCCC_ARCH_FEATURES,
 * whose argument varies) are kept as notes.
 */
const HVC_FUNCTIONS: ReadonlyMap<bigint, string> = new Map([
  [0xc5000020n, 'PV_TIME_FEATURES PV_TIME_ST'],
  [0xc5000021n, 'PV_TIME_ST'],
]);

const hex = (x: bigint): string => `0x${x.toString(16)}`;

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  switch (ev.name) {
    case 'kvm_timer_save_state':
    case 'kvm_timer_restore_state': {
      const d = decodeTimerState(ev.body);
      const vcpu = ctx.threadVcpu(ev);
      if (!d || vcpu === undefined) return 'note';
      ctx.emit(ev, { vcpu }, `kvm timer_state ${d.timer} ctl=${hex(d.ctl)} cval=${hex(d.cval)}`);
      return 'used';
    }
    case 'kvm_timer_update_irq': {
      const d = decodeUpdateIrq(ev.body);
      const timer = d && TIMER_BY_IRQ.get(d.irq);
      if (!d || !timer || d.level > 1) return 'note';
      ctx.emit(ev, { vcpu: d.vcpu }, `kvm timer_irq ${timer} level=${d.level}`);
      return 'used';
    }
    case 'kvm_timer_hrtimer_expire': {
      const timer = decodeCtxIndex(ev.body);
      const vcpu = ctx.threadVcpu(ev);
      if (!timer || vcpu === undefined) return 'note';
      ctx.emit(ev, { vcpu }, `kvm timer_expire ${timer}`);
      return 'used';
    }
    case 'kvm_get_timer_map':
      return decodeTimerMap(ev.body) === undefined ? 'note' : 'used';
    case 'kvm_sys_access': {
      const d = decodeSysAccess(ev.body);
      const vcpu = ctx.threadVcpu(ev);
      if (!d || vcpu === undefined) return 'note';
      if (!/^CNTPCT(?:SS)?_EL0$/.test(d.reg)) return 'note';
      // A trapped guest read of the physical counter: KVM traps it (the value is not traced).
      const last = ctx.state('arm64-traps', () => new Map<number, boolean>());
      if (last.get(vcpu)) return 'used';
      last.set(vcpu, true);
      ctx.emit(ev, { vcpu }, 'kvm traps cntpct=on');
      return 'used';
    }
    case 'kvm_hvc_arm64': {
      const id = decodeHvc(ev.body);
      const fn = id === undefined ? undefined : HVC_FUNCTIONS.get(id);
      const vcpu = ctx.threadVcpu(ev);
      if (!fn || vcpu === undefined) return 'note';
      ctx.emit(ev, { vcpu }, `guest hvc ${fn}`);
      return 'used';
    }
    case 'kvm_timer_emulate':
      return decodeCtxIndex(ev.body) === undefined ? 'note' : 'ignored';
    default:
      return 'note';
  }
}

const DECODERS: Record<string, (body: string) => unknown> = {
  kvm_timer_save_state: decodeTimerState,
  kvm_timer_restore_state: decodeTimerState,
  kvm_timer_update_irq: decodeUpdateIrq,
  kvm_timer_hrtimer_expire: decodeCtxIndex,
  kvm_timer_emulate: decodeCtxIndex,
  kvm_get_timer_map: decodeTimerMap,
  kvm_sys_access: decodeSysAccess,
  kvm_hvc_arm64: decodeHvc,
};

export const arm64TimerMapper: EventMapper = {
  family: 'arm64 generic timer',
  events: Object.keys(DECODERS),
  decodes: (name, body) => DECODERS[name]?.(body) !== undefined,
  threadVcpu: (ev) => (ev.name === 'kvm_get_timer_map' ? decodeTimerMap(ev.body) : undefined),
  namedVcpu: (ev) =>
    ev.name === 'kvm_get_timer_map'
      ? decodeTimerMap(ev.body)
      : ev.name === 'kvm_timer_update_irq'
        ? decodeUpdateIrq(ev.body)?.vcpu
        : undefined,
  map,
};
