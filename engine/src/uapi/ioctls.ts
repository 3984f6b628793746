// KVM ioctl request codes (docs/reference/kvm-time.md#14-kvm_arm_set_counter_offset-vm-ioctl-linux-64,
// docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock,
// docs/reference/kvm-time.md#6-strace-and-kvm-ioctls-st1-strace-head-3e4d70a5-2026,
// docs/reference/kvm-time.md#7-quick-reference-other-numbers). `modelled` ioctls change or observe the
// replayed state; the others are known (no HVT091) but have no effect on guest time.
export interface IoctlInfo {
  name: string;
  code?: bigint;
  modelled: boolean;
  proposed?: boolean;
  /** Where it is issued: on the VM fd, the vCPU fd, or either. */
  target: 'vm' | 'vcpu' | 'vm_or_vcpu' | 'system';
  note: string;
}

export const IOCTLS: readonly IoctlInfo[] = [
  {
    name: 'KVM_CREATE_VM',
    code: 0xae01n,
    modelled: true,
    target: 'system',
    note: 'creates a VM: x86 kvmclock starts at 0',
  },
  { name: 'KVM_CREATE_VCPU', code: 0xae41n, modelled: true, target: 'vm', note: 'creates a vCPU' },
  { name: 'KVM_RUN', code: 0xae80n, modelled: true, target: 'vcpu', note: 'enters the guest' },
  {
    name: 'KVM_GET_ONE_REG',
    code: 0x4010aeabn,
    modelled: true,
    target: 'vcpu',
    note: 'reads a register (on aarch64 the code is shared with KVM_ARM_SET_DEVICE_ADDR)',
  },
  { name: 'KVM_SET_ONE_REG', code: 0x4010aeacn, modelled: true, target: 'vcpu', note: 'writes a register' },
  {
    name: 'KVM_ARM_SET_COUNTER_OFFSET',
    code: 0x4010aeb5n,
    modelled: true,
    target: 'vm',
    note: 'arm64, Linux 6.4+: VM-wide counter offset for both counters',
  },
  { name: 'KVM_SET_DEVICE_ATTR', code: 0x4018aee1n, modelled: true, target: 'vcpu', note: 'sets a vCPU attribute' },
  { name: 'KVM_GET_DEVICE_ATTR', code: 0x4018aee2n, modelled: true, target: 'vcpu', note: 'reads a vCPU attribute' },
  { name: 'KVM_HAS_DEVICE_ATTR', code: 0x4018aee3n, modelled: true, target: 'vcpu', note: 'probes a vCPU attribute' },
  { name: 'KVM_GET_CLOCK', code: 0x8030ae7cn, modelled: true, target: 'vm', note: 'x86: reads kvmclock' },
  { name: 'KVM_SET_CLOCK', code: 0x4030ae7bn, modelled: true, target: 'vm', note: 'x86: sets kvmclock' },
  {
    name: 'KVM_SET_CPUID2',
    code: 0x4008ae90n,
    modelled: true,
    target: 'vcpu',
    note: "x86: sets the vCPU's CPUID (TSC_ADJUST is CPUID.7.0:EBX bit 1)",
  },
  {
    name: 'KVM_KVMCLOCK_CTRL',
    code: 0xaeadn,
    modelled: true,
    target: 'vcpu',
    note: 'x86: tells the guest it was stopped',
  },
  {
    name: 'KVM_SET_TSC_KHZ',
    code: 0xaea2n,
    modelled: true,
    target: 'vm_or_vcpu',
    note: 'x86: sets the guest TSC frequency',
  },
  {
    name: 'KVM_GET_TSC_KHZ',
    code: 0xaea3n,
    modelled: true,
    target: 'vm_or_vcpu',
    note: 'x86: reads the guest TSC frequency',
  },
  {
    name: 'KVM_SET_MSRS',
    code: 0x4008ae89n,
    modelled: true,
    target: 'vcpu',
    note: 'x86: host-initiated MSR writes, applied left to right',
  },
  { name: 'KVM_GET_MSRS', code: 0xc008ae88n, modelled: true, target: 'vcpu', note: 'x86: reads MSRs' },
  // _IOR/_IOW(KVMIO, 0x8e/0x8f, struct kvm_lapic_state) with sizeof = 0x400
  {
    name: 'KVM_GET_LAPIC',
    code: 0x8400ae8en,
    modelled: true,
    target: 'vcpu',
    note: 'x86: saves the local APIC (its timer registers LVTT, TMICT, TMCCT, TDCR)',
  },
  {
    name: 'KVM_SET_LAPIC',
    code: 0x4400ae8fn,
    modelled: true,
    target: 'vcpu',
    note: 'x86: restores the local APIC; entering TSC-deadline mode clears the deadline',
  },
  {
    name: 'KVM_GET_SYSTEM_COUNTER_STATE',
    modelled: true,
    proposed: true,
    target: 'vcpu',
    note: 'proposed (seed 000): per-vCPU virtual offset, never merged',
  },
  {
    name: 'KVM_SET_SYSTEM_COUNTER_STATE',
    modelled: true,
    proposed: true,
    target: 'vcpu',
    note: "proposed (seed 000): sets this vCPU's virtual offset only, never merged",
  },
  {
    name: 'KVM_GET_TSC_STATE',
    code: 0x8020aec9n,
    modelled: true,
    proposed: true,
    target: 'vcpu',
    note: "proposed (seed 003), never merged; 0xc9 is now KVM_XEN_HVM_SET_ATTR's number",
  },
  {
    name: 'KVM_SET_TSC_STATE',
    code: 0x4020aec8n,
    modelled: true,
    proposed: true,
    target: 'vcpu',
    note: "proposed (seed 003), never merged; 0xc8 is now KVM_XEN_HVM_GET_ATTR's number",
  },
  // Known, no effect on guest time.
  { name: 'KVM_GET_API_VERSION', code: 0xae00n, modelled: false, target: 'system', note: 'API version' },
  { name: 'KVM_CHECK_EXTENSION', code: 0xae03n, modelled: false, target: 'vm_or_vcpu', note: 'capability probe' },
  { name: 'KVM_GET_VCPU_MMAP_SIZE', code: 0xae04n, modelled: false, target: 'system', note: 'kvm_run size' },
  { name: 'KVM_SET_USER_MEMORY_REGION', code: 0x4020ae46n, modelled: false, target: 'vm', note: 'memory slot' },
  { name: 'KVM_ARM_VCPU_INIT', code: 0x4020aeaen, modelled: false, target: 'vcpu', note: 'arm64 vCPU init' },
  { name: 'KVM_ARM_PREFERRED_TARGET', code: 0x8020aeafn, modelled: false, target: 'vm', note: 'arm64 target CPU' },
  { name: 'KVM_GET_REGS', code: 0x8090ae81n, modelled: false, target: 'vcpu', note: 'x86 general registers' },
  { name: 'KVM_SET_REGS', code: 0x4090ae82n, modelled: false, target: 'vcpu', note: 'x86 general registers' },
];

const byName = new Map(IOCTLS.map((i) => [i.name, i]));
const byCode = new Map(IOCTLS.filter((i) => i.code !== undefined).map((i) => [i.code!, i]));

export const ioctlByName = (name: string): IoctlInfo | undefined => byName.get(name);
export const ioctlByCode = (code: bigint): IoctlInfo | undefined => byCode.get(code);
