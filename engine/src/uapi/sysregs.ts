// Architectural register names that appear in `guest read/write` and `kvm write` statements.
export type GuestRegister =
  | 'CNTVCT_EL0'
  | 'CNTPCT_EL0'
  | 'CNTVCTSS_EL0'
  | 'CNTPCTSS_EL0'
  | 'CNTFRQ_EL0'
  | 'CNTV_CTL_EL0'
  | 'CNTV_CVAL_EL0'
  | 'CNTP_CTL_EL0'
  | 'CNTP_CVAL_EL0'
  | 'TSC'
  | 'stolen_time'
  | 'steal'
  | 'kvmclock'
  // timers (docs/timers.md#t1-statements): TVAL, the NV EL2 timers, the x86 LAPIC timer registers
  | 'CNTV_TVAL_EL0'
  | 'CNTP_TVAL_EL0'
  | 'CNTHV_CTL_EL2'
  | 'CNTHV_CVAL_EL2'
  | 'CNTHV_TVAL_EL2'
  | 'CNTHP_CTL_EL2'
  | 'CNTHP_CVAL_EL2'
  | 'CNTHP_TVAL_EL2'
  | 'APIC_LVTT'
  | 'APIC_TMICT'
  | 'APIC_TMCCT'
  | 'APIC_TDCR';

export const GUEST_REGISTERS: readonly GuestRegister[] = [
  'CNTVCT_EL0',
  'CNTPCT_EL0',
  'CNTVCTSS_EL0',
  'CNTPCTSS_EL0',
  'CNTFRQ_EL0',
  'CNTV_CTL_EL0',
  'CNTV_CVAL_EL0',
  'CNTP_CTL_EL0',
  'CNTP_CVAL_EL0',
  'TSC',
  'stolen_time',
  'steal',
  'kvmclock',
  'CNTV_TVAL_EL0',
  'CNTP_TVAL_EL0',
  'CNTHV_CTL_EL2',
  'CNTHV_CVAL_EL2',
  'CNTHV_TVAL_EL2',
  'CNTHP_CTL_EL2',
  'CNTHP_CVAL_EL2',
  'CNTHP_TVAL_EL2',
  'APIC_LVTT',
  'APIC_TMICT',
  'APIC_TMCCT',
  'APIC_TDCR',
];

/** Hypervisor registers KVM writes on its own for a vCPU (`kvm write REG = VALUE`). */
export type HypRegister = 'CNTVOFF_EL2' | 'CNTPOFF_EL2' | 'CNTHCTL_EL2';
export const HYP_REGISTERS: readonly HypRegister[] = ['CNTVOFF_EL2', 'CNTPOFF_EL2', 'CNTHCTL_EL2'];

/** CNTHCTL_EL2.EL1PCTEN: bit 0 with E2H=0 (vhe=0), bit 10 with E2H=1 (vhe=1). Clear = CNTPCT traps. */
export const el1pctenBit = (vhe: boolean): bigint => (vhe ? 1n << 10n : 1n);
