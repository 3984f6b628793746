// vCPU device-attribute groups and attributes
// (docs/reference/kvm-time.md#15-kvm_arm_vcpu_timer_ctrl-attribute-group-vcpu-fd-kvm_setgethas_device_attr,
// docs/reference/kvm-time.md#34-kvm_vcpu_tsc_ctrl--kvm_vcpu_tsc_offset-linux-516,
// docs/reference/kvm-time.md#41-arm64-arm-den0057a-pv-time). Group and attribute
// numbers overlap between architectures, so numbers are decoded with the host's arch.
export type Arch = 'arm64' | 'x86_64';
export type AttrGroupRole = 'pmu' | 'timer' | 'pvtime' | 'tsc';
export type AttrRole =
  'pvtime_ipa' | 'tsc_offset' | 'irq_vtimer' | 'irq_ptimer' | 'irq_hvtimer' | 'irq_hptimer' | 'timer_offset';

export interface AttrGroupInfo {
  name: string;
  arch: Arch;
  num: bigint;
  role: AttrGroupRole;
}
export interface AttrInfo {
  name: string;
  group: AttrGroupRole;
  num: bigint;
  role: AttrRole;
  proposed?: boolean;
}

export const ATTR_GROUPS: readonly AttrGroupInfo[] = [
  { name: 'KVM_ARM_VCPU_PMU_V3_CTRL', arch: 'arm64', num: 0n, role: 'pmu' },
  { name: 'KVM_ARM_VCPU_TIMER_CTRL', arch: 'arm64', num: 1n, role: 'timer' },
  { name: 'KVM_ARM_VCPU_PVTIME_CTRL', arch: 'arm64', num: 2n, role: 'pvtime' },
  { name: 'KVM_VCPU_TSC_CTRL', arch: 'x86_64', num: 0n, role: 'tsc' },
];

export const ATTRS: readonly AttrInfo[] = [
  { name: 'KVM_ARM_VCPU_PVTIME_IPA', group: 'pvtime', num: 0n, role: 'pvtime_ipa' },
  { name: 'KVM_VCPU_TSC_OFFSET', group: 'tsc', num: 0n, role: 'tsc_offset' },
  { name: 'KVM_ARM_VCPU_TIMER_IRQ_VTIMER', group: 'timer', num: 0n, role: 'irq_vtimer' },
  { name: 'KVM_ARM_VCPU_TIMER_IRQ_PTIMER', group: 'timer', num: 1n, role: 'irq_ptimer' },
  { name: 'KVM_ARM_VCPU_TIMER_IRQ_HVTIMER', group: 'timer', num: 2n, role: 'irq_hvtimer' },
  { name: 'KVM_ARM_VCPU_TIMER_IRQ_HPTIMER', group: 'timer', num: 3n, role: 'irq_hptimer' },
  // Oliver Upton's unmerged series (docs/reference/seeds/seed-002.txt, patch 6). Only the name means the
  // offset: upstream
  // assigned the number 2 of this group to IRQ_HVTIMER.
  { name: 'KVM_ARM_VCPU_TIMER_OFFSET', group: 'timer', num: 2n, role: 'timer_offset', proposed: true },
];

export const attrGroupByName = (name: string): AttrGroupInfo | undefined => ATTR_GROUPS.find((g) => g.name === name);
export const attrGroupByNum = (arch: Arch, num: bigint): AttrGroupInfo | undefined =>
  ATTR_GROUPS.find((g) => g.arch === arch && g.num === num);
export const attrByName = (name: string): AttrInfo | undefined => ATTRS.find((a) => a.name === name);
export const attrByNum = (group: AttrGroupRole, num: bigint): AttrInfo | undefined =>
  ATTRS.find((a) => a.group === group && a.num === num && !a.proposed);
