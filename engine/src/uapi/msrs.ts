// x86 MSR indices (docs/reference/kvm-time.md#32-msrs,
// docs/reference/kvm-time.md#42-x86-msr_kvm_steal_time-0x4b564d03).
export type MsrRole =
  | 'tsc'
  | 'tsc_adjust'
  | 'tsc_deadline'
  | 'kvm_system_time'
  | 'kvm_steal_time'
  | 'x2apic_lvtt'
  | 'x2apic_tmict'
  | 'x2apic_tmcct'
  | 'x2apic_tdcr'
  | 'other';

export interface MsrInfo {
  name: string;
  index: bigint;
  role: MsrRole;
}

export const MSRS: readonly MsrInfo[] = [
  { name: 'IA32_TSC', index: 0x10n, role: 'tsc' },
  { name: 'IA32_TSC_ADJUST', index: 0x3bn, role: 'tsc_adjust' },
  { name: 'IA32_TSC_DEADLINE', index: 0x6e0n, role: 'tsc_deadline' },
  // x2APIC timer registers (MSR 0x800 + xAPIC offset / 16, docs/timers.md#t1-statements)
  { name: 'IA32_X2APIC_LVT_TIMER', index: 0x832n, role: 'x2apic_lvtt' },
  { name: 'IA32_X2APIC_INIT_COUNT', index: 0x838n, role: 'x2apic_tmict' },
  { name: 'IA32_X2APIC_CUR_COUNT', index: 0x839n, role: 'x2apic_tmcct' },
  { name: 'IA32_X2APIC_DIV_CONF', index: 0x83en, role: 'x2apic_tdcr' },
  { name: 'MSR_KVM_WALL_CLOCK', index: 0x11n, role: 'other' },
  { name: 'MSR_KVM_SYSTEM_TIME', index: 0x12n, role: 'kvm_system_time' },
  { name: 'MSR_KVM_WALL_CLOCK_NEW', index: 0x4b564d00n, role: 'other' },
  { name: 'MSR_KVM_SYSTEM_TIME_NEW', index: 0x4b564d01n, role: 'kvm_system_time' },
  { name: 'MSR_KVM_ASYNC_PF_EN', index: 0x4b564d02n, role: 'other' },
  { name: 'MSR_KVM_STEAL_TIME', index: 0x4b564d03n, role: 'kvm_steal_time' },
  { name: 'MSR_KVM_PV_EOI_EN', index: 0x4b564d04n, role: 'other' },
  { name: 'MSR_KVM_POLL_CONTROL', index: 0x4b564d05n, role: 'other' },
  { name: 'MSR_KVM_ASYNC_PF_INT', index: 0x4b564d06n, role: 'other' },
  { name: 'MSR_KVM_ASYNC_PF_ACK', index: 0x4b564d07n, role: 'other' },
  { name: 'MSR_KVM_MIGRATION_CONTROL', index: 0x4b564d08n, role: 'other' },
];

const byName = new Map(MSRS.map((m) => [m.name, m]));
const byIndex = new Map(MSRS.map((m) => [m.index, m]));
export const msrByName = (name: string): MsrInfo | undefined => byName.get(name);
export const msrByIndex = (index: bigint): MsrInfo | undefined => byIndex.get(index);

/** MSR_KVM_STEAL_TIME layout: bit 0 enable, bits 1–5 reserved, bits 63:6 the 64-byte aligned GPA. */
export const KVM_MSR_ENABLED = 1n;
export const KVM_STEAL_RESERVED_MASK = 0x3en;
export const KVM_STEAL_VALID_BITS = 0xffffffffffffffc0n;
