// Which statements exist on one architecture only (absent: both). The parser accepts every
// statement on every host (a trace records what happened; the replay reports what does not fit);
// this table is for the editor, so that completion offers an arm64 host's vCPU the arm64 operations
// and an x86 host's the x86 ones. Checked against the operation tables by opArch.test.ts.
import type { Arch } from '../uapi/deviceAttrs';
import type { Actor } from './ast';

export const OP_ARCH: Readonly<Record<Actor, Readonly<Record<string, Arch>>>> = {
  ioctl: {
    // arm64 (docs/reference/kvm-time.md#1-arm64-generic-timer-under-kvm): the VM-wide counter offset, the proposed per-vCPU one.
    KVM_ARM_SET_COUNTER_OFFSET: 'arm64',
    KVM_GET_SYSTEM_COUNTER_STATE: 'arm64',
    KVM_SET_SYSTEM_COUNTER_STATE: 'arm64',
    // x86 (docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock): kvmclock, CPUID, the TSC rate, MSRs, the LAPIC, the proposed TSC state.
    KVM_GET_CLOCK: 'x86_64',
    KVM_SET_CLOCK: 'x86_64',
    KVM_KVMCLOCK_CTRL: 'x86_64',
    KVM_SET_CPUID2: 'x86_64',
    KVM_SET_TSC_KHZ: 'x86_64',
    KVM_GET_TSC_KHZ: 'x86_64',
    KVM_SET_MSRS: 'x86_64',
    KVM_GET_MSRS: 'x86_64',
    KVM_SET_LAPIC: 'x86_64',
    KVM_GET_LAPIC: 'x86_64',
    KVM_GET_TSC_STATE: 'x86_64',
    KVM_SET_TSC_STATE: 'x86_64',
  },
  // SMCCC calls are arm64's (PV time discovery).
  guest: { hvc: 'arm64' },
  kvm: {
    // EL2 registers and the CNTPCT trap.
    write: 'arm64',
    traps: 'arm64',
    trap: 'arm64',
    // kvm_write_tsc_offset, the LAPIC timer's tracepoints and the x86 clock tracepoints.
    write_tsc_offset: 'x86_64',
    wait_lapic_expire: 'x86_64',
    hv_timer: 'x86_64',
    track_tsc: 'x86_64',
    update_master_clock: 'x86_64',
    pvclock_update: 'x86_64',
  },
  sched: {},
  vmm: {},
};
