// Counter functions: the host counter (docs/format.md#3-directives-lines-starting-with-) and what each guest
// vCPU sees (docs/format.md#5-model-state).
import { ticksIn } from '../values/units';
import { add64, sub64, u64 } from '../values/u64';
import type { HostState, InstanceState, VcpuState } from './state';

/** C_H(t) = V + floor((t - T) * freq), mod 2^64 (t, T in ns). */
export function hostCounter(h: HostState, t: bigint): bigint {
  return add64(h.counterValue, ticksIn(t - h.counterTime, h.freq));
}

/**
 * The reference time (ns) at which the host counter reads `c`: the inverse of hostCounter, rounded
 * down (a KVM_GET_CLOCK's host_tsc names the instant its clock was read).
 */
export function timeOfHostCounter(h: HostState, c: bigint): bigint {
  const ticks = BigInt.asIntN(64, c - h.counterValue);
  const ns = ticks * 1_000_000_000n;
  return h.counterTime + (ns >= 0n ? ns / h.freq : -((-ns + h.freq - 1n) / h.freq));
}

/** The host can offset the physical counter in hardware (CNTPOFF_EL2) only with ecv=2 and vhe=1. */
export const hasCntpoff = (h: HostState): boolean => h.ecv >= 2 && h.vhe;

/** Guest CNTVCT = C_H(t) - voffset. */
export const guestCntvct = (h: HostState, v: VcpuState, t: bigint): bigint => sub64(hostCounter(h, t), v.voffset);

/** What KVM computes for the physical counter (ONE_REG reads, trapped reads): C_H(t) - poffset. */
export const kvmCntpct = (h: HostState, v: VcpuState, t: bigint): bigint => sub64(hostCounter(h, t), v.poffset);

/** Whether the vCPU's physical counter reads are offset: CNTPOFF, or trapped (assumed when unknown). */
export function physicalOffsetApplied(h: HostState, v: VcpuState): boolean {
  return hasCntpoff(h) || v.trap !== 'off';
}

/** Guest CNTPCT: offset by poffset with CNTPOFF or a trap, else the raw host counter. */
export const guestCntpct = (h: HostState, v: VcpuState, t: bigint): bigint =>
  physicalOffsetApplied(h, v) ? kvmCntpct(h, v, t) : hostCounter(h, t);

/** KVM's tsc_khz: the host TSC frequency in kHz, 0 below 1 kHz (KVM: "tsc_khz can be zero if TSC calibration fails"). */
export const hostKhz = (h: HostState): bigint => h.freq / 1000n;

/**
 * scale(x) = x * virtual_khz / host_khz when KVM scales this vCPU's TSC; identity otherwise: what
 * the hardware applies to the guest's rdtsc. KVM computes a ratio only from a non-zero tsc_khz
 * (set_tsc_khz() is unreachable with tsc_khz = 0), so a 0 divisor means no scaling.
 */
export function scaleTsc(h: HostState, v: VcpuState, x: bigint): bigint {
  const host = hostKhz(h);
  if (!v.scaled || v.virtualKhz === undefined || host === 0n) return x;
  return u64((x * v.virtualKhz) / host);
}

/**
 * kvm_scale_tsc(x, l1_tsc_scaling_ratio) as KVM's own computations see it: 0 with a zero ratio
 * (kvm_compute_l1_tsc_offset, kvm_read_l1_tsc, the KVM_VCPU_TSC_OFFSET bookkeeping), else scale(x).
 */
export const kvmScaleTsc = (h: HostState, v: VcpuState, x: bigint): bigint => (v.zeroRatio ? 0n : scaleTsc(h, v, x));

/** Guest TSC = scale(C_H(t)) + tsc_offset (what the guest's rdtsc reads). */
export const guestTsc = (h: HostState, v: VcpuState, t: bigint): bigint =>
  add64(scaleTsc(h, v, hostCounter(h, t)), v.tscOffset);

/** kvm_read_l1_tsc(): the TSC as KVM computes it for a host-initiated read (KVM_GET_MSRS IA32_TSC). */
export const kvmL1Tsc = (h: HostState, v: VcpuState, t: bigint): bigint =>
  add64(kvmScaleTsc(h, v, hostCounter(h, t)), v.tscOffset);

/** The guest counter of docs/format.md#64-resume-points-and-the-guest-time-line: CNTVCT on arm64, the TSC on x86_64. */
export const guestCounter = (h: HostState, v: VcpuState, t: bigint): bigint =>
  h.arch === 'arm64' ? guestCntvct(h, v, t) : guestTsc(h, v, t);

/** The guest counter frequency as the guest knows it (Hz): the host's, or the TSC_KHZ it was given. */
export const guestFreq = (h: HostState, v: VcpuState): bigint =>
  h.arch === 'x86_64' && v.virtualKhz !== undefined ? v.virtualKhz * 1000n : h.freq;

/** The rate the guest counter really runs at (Hz). */
export const guestRate = (h: HostState, v: VcpuState): bigint =>
  h.arch === 'x86_64' && v.scaled && v.virtualKhz !== undefined ? v.virtualKhz * 1000n : h.freq;

/** kvmclock (ns) at reference time t: 1 ns per ns from its last setting (docs/format.md#62-x86-tsc item 5). */
export const kvmclockAt = (inst: InstanceState, t: bigint): bigint => u64(inst.kvmclockBase + (t - inst.kvmclockAt));
