// KVM ONE_REG ids for the arm64 timers (docs/reference/kvm-time.md#12-one_reg-ids-exact-64-bit-values). The
// uapi names carry each other's
// architectural encodings: 0x...DF1A is the virtual COUNT and 0x...DF02 the virtual CVAL. Decode
// by this table, never from the encoding.
export type RegisterRole =
  | 'vtimer_ctl'
  | 'vtimer_cval'
  | 'vtimer_cnt'
  | 'ptimer_ctl'
  | 'ptimer_cval'
  | 'ptimer_cnt'
  | 'timer_offset'
  | 'cntfrq'
  | 'std_hyp_bmap';

export interface RegisterInfo {
  name: string;
  id: bigint;
  role: RegisterRole;
  /** Never merged upstream (docs/format.md#proposed-apis-from-the-seed-discussions-never-merged-upstream). */
  proposed?: boolean;
  /** Shown in hovers. */
  note: string;
}

export const REGISTERS: readonly RegisterInfo[] = [
  {
    name: 'KVM_REG_ARM_TIMER_CTL',
    id: 0x603000000013df19n,
    role: 'vtimer_ctl',
    note: 'virtual timer control (CNTV_CTL_EL0)',
  },
  {
    name: 'KVM_REG_ARM_TIMER_CVAL',
    id: 0x603000000013df02n,
    role: 'vtimer_cval',
    note: "virtual timer compare value (CNTV_CVAL_EL0). Its id carries CNTVCT_EL0's encoding (3,3,14,0,2): the uapi swapped the two ids",
  },
  {
    name: 'KVM_REG_ARM_TIMER_CNT',
    id: 0x603000000013df1an,
    role: 'vtimer_cnt',
    note: "virtual counter (CNTVCT_EL0). Its id carries CNTV_CVAL_EL0's encoding (3,3,14,3,2): the uapi swapped the two ids",
  },
  {
    name: 'KVM_REG_ARM_PTIMER_CTL',
    id: 0x603000000013df11n,
    role: 'ptimer_ctl',
    note: 'physical timer control (CNTP_CTL_EL0)',
  },
  {
    name: 'KVM_REG_ARM_PTIMER_CVAL',
    id: 0x603000000013df12n,
    role: 'ptimer_cval',
    note: 'physical timer compare value (CNTP_CVAL_EL0)',
  },
  {
    name: 'KVM_REG_ARM_PTIMER_CNT',
    id: 0x603000000013df01n,
    role: 'ptimer_cnt',
    note: 'physical counter (CNTPCT_EL0), Linux 6.4+',
  },
  {
    name: 'KVM_REG_ARM_TIMER_OFFSET',
    id: 0x603000000013e703n,
    role: 'timer_offset',
    proposed: true,
    note: 'proposed per-vCPU virtual offset (CNTVOFF_EL2 encoding), never merged',
  },
  { name: 'CNTFRQ_EL0', id: 0x603000000013df00n, role: 'cntfrq', note: 'counter frequency' },
  {
    name: 'KVM_REG_ARM_STD_HYP_BMAP',
    id: 0x6030000000160001n,
    role: 'std_hyp_bmap',
    note: 'standard hypervisor services bitmap (bit 0: PV time)',
  },
];

const byName = new Map(REGISTERS.map((r) => [r.name, r]));
const byId = new Map(REGISTERS.map((r) => [r.id, r]));

export const registerByName = (name: string): RegisterInfo | undefined => byName.get(name);
export const registerById = (id: bigint): RegisterInfo | undefined => byId.get(id);
