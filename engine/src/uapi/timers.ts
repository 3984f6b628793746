// Guest timers (docs/timers.md#t1-statements, docs/reference/kvm-timers.md#11-architectural-registers-and-bits, §2.1): the timer names of the `kvm timer_*`
// statements, which architectural register programs which timer, and the bit layouts KVM uses —
// arm64 CNT*_CTL (include/clocksource/arm_arch_timer.h) and the x86 LAPIC timer registers
// (arch/x86/kvm/lapic.c: apic_update_lvtt, update_divide_count).
import type { GuestRegister } from './sysregs';

/** arm64 EL1 virtual / physical, arm64 NV EL2 virtual / physical, x86 local-APIC timer. */
export type TimerName = 'vtimer' | 'ptimer' | 'hvtimer' | 'hptimer' | 'lapic';
export const TIMER_NAMES: readonly TimerName[] = ['vtimer', 'ptimer', 'hvtimer', 'hptimer', 'lapic'];
export const ARM64_TIMERS: readonly TimerName[] = ['vtimer', 'ptimer', 'hvtimer', 'hptimer'];

/** NV EL2 timers are parsed and shown, but no diagnostic judges them (docs/timers.md#t1-statements). */
export const isNvTimer = (t: TimerName): boolean => t === 'hvtimer' || t === 'hptimer';

// ---- arm64 ------------------------------------------------------------------------------------

export const CTL_ENABLE = 1n;
export const CTL_IMASK = 2n;
export const CTL_ISTATUS = 4n;
/** The bits a CNT*_CTL value may have (ENABLE, IMASK, ISTATUS); the rest are RES0. */
export const CTL_VALID_BITS = 7n;

/** kvm_timer_irq_can_fire: `(ctl & (IMASK | ENABLE)) == ENABLE`. */
export const ctlCanFire = (ctl: bigint): boolean => (ctl & (CTL_IMASK | CTL_ENABLE)) === CTL_ENABLE;

export type TimerField = 'ctl' | 'cval' | 'tval';

/** The guest-visible timer registers and what they program. */
export const TIMER_REGISTERS: Readonly<Partial<Record<GuestRegister, { timer: TimerName; field: TimerField }>>> = {
  CNTV_CTL_EL0: { timer: 'vtimer', field: 'ctl' },
  CNTV_CVAL_EL0: { timer: 'vtimer', field: 'cval' },
  CNTV_TVAL_EL0: { timer: 'vtimer', field: 'tval' },
  CNTP_CTL_EL0: { timer: 'ptimer', field: 'ctl' },
  CNTP_CVAL_EL0: { timer: 'ptimer', field: 'cval' },
  CNTP_TVAL_EL0: { timer: 'ptimer', field: 'tval' },
  CNTHV_CTL_EL2: { timer: 'hvtimer', field: 'ctl' },
  CNTHV_CVAL_EL2: { timer: 'hvtimer', field: 'cval' },
  CNTHV_TVAL_EL2: { timer: 'hvtimer', field: 'tval' },
  CNTHP_CTL_EL2: { timer: 'hptimer', field: 'ctl' },
  CNTHP_CVAL_EL2: { timer: 'hptimer', field: 'cval' },
  CNTHP_TVAL_EL2: { timer: 'hptimer', field: 'tval' },
};

/** A TVAL write is a signed 32-bit count from now: `(s32)val` (kvm_arm_timer_write). */
export const signExtend32 = (v: bigint): bigint => BigInt.asIntN(32, v);

// ---- x86 LAPIC timer ----------------------------------------------------------------------------

export type LapicRegister = 'lvtt' | 'tmict' | 'tmcct' | 'tdcr';

/** The LAPIC timer registers by their xAPIC names (guest write APIC_LVTT = V). */
export const LAPIC_REGISTERS: Readonly<Partial<Record<GuestRegister, LapicRegister>>> = {
  APIC_LVTT: 'lvtt',
  APIC_TMICT: 'tmict',
  APIC_TMCCT: 'tmcct',
  APIC_TDCR: 'tdcr',
};

export const LVT_MASKED = 1n << 16n;
export const LVTT_MODE_SHIFT = 17n;
/** LVTT at reset (kvm_lapic_reset): masked, one-shot, vector 0. */
export const LVTT_RESET = LVT_MASKED;

export type LapicMode = 'oneshot' | 'periodic' | 'tscdeadline';
const MODES: readonly LapicMode[] = ['oneshot', 'periodic', 'tscdeadline'];

/** LVTT bits 17–18: 0 one-shot, 1 periodic, 2 TSC-deadline (3 is reserved and rejected by the parser). */
export const lvttMode = (lvtt: bigint): LapicMode => MODES[Number((lvtt >> LVTT_MODE_SHIFT) & 3n)] ?? 'oneshot';
export const lvttMasked = (lvtt: bigint): boolean => (lvtt & LVT_MASKED) !== 0n;
export const lvttVector = (lvtt: bigint): number => Number(lvtt & 0xffn);

/** update_divide_count: TDCR bits 0, 1 and 3 select 2, 4, 8, 16, 32, 64, 128 or 1. */
export function tdcrDivisor(tdcr: bigint): bigint {
  const t = tdcr & 0xfn;
  const sel = ((t & 3n) | ((t & 8n) >> 1n)) + 1n;
  return 1n << (sel & 7n);
}

/** KVM's default APIC bus: APIC_BUS_CYCLE_NS_DEFAULT = 1 (one count per ns before the divider). */
export const APIC_BUS_CYCLE_NS = 1n;
/** min_timer_period_us = 200 (arch/x86/kvm/x86.c): limit_periodic_timer_frequency clamps a period. */
export const MIN_TIMER_PERIOD_NS = 200_000n;

/** tmict_to_ns: TMICT × divisor × APIC bus cycle. */
export const tmictToNs = (tmict: bigint, tdcr: bigint): bigint => tmict * tdcrDivisor(tdcr) * APIC_BUS_CYCLE_NS;

/** Why a LAPIC register value is invalid, or undefined when it is valid (parser, HVT090). */
export function lapicValueProblem(reg: LapicRegister, v: bigint): string | undefined {
  if (v < 0n || v > 0xffffffffn) return 'a 32-bit LAPIC register value (0 to 0xFFFFFFFF)';
  if (reg === 'lvtt' && ((v >> LVTT_MODE_SHIFT) & 3n) === 3n)
    return 'an LVTT timer mode (bits 17–18) of 0 one-shot, 1 periodic or 2 TSC-deadline, not the reserved 3';
  if (reg === 'tdcr' && (v & ~0xbn) !== 0n)
    return 'a divide configuration using bits 0, 1 and 3 only (0x0–0x3, 0x8–0xB)';
  return undefined;
}
