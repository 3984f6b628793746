// x86 TSC under KVM (docs/format.md#62-x86-tsc items 1-3, docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock): kvm_synchronize_tsc matching, KVM_VCPU_TSC_OFFSET,
// guest TSC writes and TSC_ADJUST, KVM_SET_CPUID2. Frequency: ./tscKhz.ts; kvmclock: ./kvmclock.ts.
// Follows torvalds/linux arch/x86/kvm/x86.c (kvm_synchronize_tsc, __kvm_synchronize_tsc,
// kvm_arch_tsc_set_attr, kvm_set_msr_common; read at kvm-x86/linux 042007c2, kvm-time.md [X1]).
import type { Body } from '../syntax/ast';
import { ticksIn } from '../values/units';
import { add64, sub64 } from '../values/u64';
import { guestTsc, hostCounter, hostKhz, kvmScaleTsc } from './clock';
import { hostChange, kernelAtLeast, newVcpu, type StepContext } from './context';
import { TSC_STATE_FLAGS } from '../uapi/flags';
import type { InstanceState, VcpuState } from './state';

/** The vCPU's virtual_tsc_khz as KVM keeps it (the host's tsc_khz unless KVM_SET_TSC_KHZ changed it; 0 on a host below 1 kHz). */
const virtualKhz = (ctx: StepContext, v: VcpuState): bigint => v.virtualKhz ?? hostKhz(ctx.host);

/** kvm_compute_l1_tsc_offset(vcpu, target) = target - kvm_scale_tsc(rdtsc(), l1 ratio). */
const l1Offset = (ctx: StepContext, v: VcpuState, target: bigint): bigint =>
  sub64(target, kvmScaleTsc(ctx.host, v, hostCounter(ctx.host, ctx.t)));

/**
 * KVM's "within one second" test of kvm_synchronize_tsc, in u64 as KVM computes it:
 * exp = last_tsc_write + nsec_to_cycles(elapsed) and hz = virtual_tsc_khz * 1000, all mod 2^64;
 * V matches when V < exp + hz and V + hz > exp. A wrap on either side is not a signed distance.
 */
export function withinOneSecond(
  data: bigint,
  lastWrite: bigint,
  elapsedNs: bigint,
  khz: bigint,
): { expected: bigint; within: boolean } {
  const hz = khz * 1000n;
  const expected = add64(lastWrite, ticksIn(elapsedNs, hz));
  return { expected, within: data < add64(expected, hz) && add64(data, hz) > expected };
}

/**
 * kvm_synchronize_tsc (docs/format.md#62-x86-tsc item 1, docs/reference/kvm-time.md#33-kvm_synchronize_tsc-matching-heuristic-current-mainline-form-x1): with a non-zero virtual_tsc_khz, a write of 0, or
 * (once userspace has set a TSC, or always before 6.7) a write within one second of the value
 * expected from the previous write, is "synchronizing"; it is matched — and reuses the current
 * generation's offset — only when the vCPU's virtual_tsc_khz equals last_tsc_khz. Otherwise
 * offset = V - scale(C_H(t)) and a new generation starts. The bookkeeping is per VM instance.
 */
export function synchronizeTsc(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  data: bigint,
  source: 'create' | 'set_msrs',
): void {
  const khz = virtualKhz(ctx, v);
  const sync = inst.tsc;
  let offset = l1Offset(ctx, v, data);
  let synchronizing = false;
  let expected: bigint | undefined;
  if (khz !== 0n) {
    if (data === 0n) {
      synchronizing = true;
    } else if (sync.userSetTsc || !kernelAtLeast(ctx.host, 6, 7)) {
      const w = withinOneSecond(data, sync.lastWrite, ctx.t - sync.lastNs, khz);
      expected = w.expected;
      synchronizing = w.within;
    }
  }
  let matched = false;
  if (synchronizing && khz === sync.lastKhz) {
    offset = sync.curOffset;
    matched = true;
  }
  // __kvm_synchronize_tsc
  if (source === 'set_msrs') sync.userSetTsc = true;
  sync.lastNs = ctx.t;
  sync.lastWrite = data;
  sync.lastKhz = khz;
  sync.lastOffset = offset;
  const generationBy = sync.curBy;
  if (!matched) {
    sync.curGeneration++;
    sync.curOffset = offset;
    sync.curBy = ctx.ref;
  }
  hostChange(ctx, inst, () => {
    v.tscOffset = offset;
    v.tscOffsetBy = ctx.ref;
    v.tscOffsetKnown = true;
    v.tscGeneration = sync.curGeneration;
  });
  ctx.emit({
    kind: 'tscWrite',
    inst: inst.key,
    vcpu: v.id,
    source,
    value: data,
    matched,
    matchReason: matched ? (data === 0n ? 'zero' : 'window') : undefined,
    expected,
    offset,
    willRead: guestTsc(ctx.host, v, ctx.t),
    generation: sync.curGeneration,
    generationBy: matched ? generationBy : undefined,
  });
}

export function createVcpuX86(ctx: StepContext, inst: InstanceState, id: number): VcpuState {
  const v = newVcpu(inst, id, ctx.ref);
  v.tscOffsetKnown = true;
  synchronizeTsc(ctx, inst, v, 0n, 'create');
  ctx.emit({ kind: 'vcpuCreated', inst: inst.key, vcpu: id, resetOffsets: false });
  return v;
}

/**
 * docs/format.md#62-x86-tsc item 2 KVM_VCPU_TSC_OFFSET (kvm_arch_tsc_set_attr): the offset is applied exactly; for the
 * bookkeeping it is a userspace TSC write of V = scale(C_H(t)) + O, matched when virtual_tsc_khz
 * is non-zero and equals last_tsc_khz and O equals last_tsc_offset, else a new generation.
 */
export function setTscOffset(ctx: StepContext, inst: InstanceState, v: VcpuState, offset: bigint): void {
  const khz = virtualKhz(ctx, v);
  const sync = inst.tsc;
  const matched = khz !== 0n && khz === sync.lastKhz && sync.lastOffset === offset;
  sync.userSetTsc = true;
  sync.lastNs = ctx.t;
  sync.lastWrite = add64(kvmScaleTsc(ctx.host, v, hostCounter(ctx.host, ctx.t)), offset);
  sync.lastKhz = khz;
  sync.lastOffset = offset;
  if (!matched) {
    sync.curGeneration++;
    sync.curOffset = offset;
    sync.curBy = ctx.ref;
  }
  hostChange(ctx, inst, () => {
    v.tscOffset = offset;
    v.tscOffsetBy = ctx.ref;
    v.tscOffsetKnown = true;
    v.tscGeneration = sync.curGeneration;
  });
}

/** Proposed KVM_SET_TSC_STATE (docs/reference/seeds/seed-003.txt): the guest TSC becomes tsc (+ cycles since nsec). */
export function setTscState(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  body: Extract<Body, { type: 'set_tsc_state' }>,
): void {
  let target = body.tsc.value;
  const hz = virtualKhz(ctx, v) * 1000n;
  if ((body.flags.value & TSC_STATE_FLAGS.KVM_TSC_STATE_TIMESTAMP_VALID) !== 0n && body.nsec) {
    const diff = ctx.t - body.nsec.value;
    target = diff >= 0n ? add64(target, ticksIn(diff, hz)) : sub64(target, ticksIn(-diff, hz));
  }
  const offset = l1Offset(ctx, v, target);
  inst.tsc.userSetTsc = true;
  hostChange(ctx, inst, () => {
    v.tscOffset = offset;
    v.tscOffsetBy = ctx.ref;
    v.tscOffsetKnown = true;
  });
  if ((body.flags.value & TSC_STATE_FLAGS.KVM_TSC_STATE_TSC_ADJUST_VALID) !== 0n && body.tscAdjust)
    v.tscAdjust = body.tscAdjust.value;
}

/**
 * docs/format.md#62-x86-tsc item 3 guest write of IA32_TSC (kvm_set_msr_common): the offset becomes V - scale(C_H(t)) as KVM
 * computes it, and TSC_ADJUST moves by the same delta (whatever the CPUID says).
 */
export function guestWriteTsc(ctx: StepContext, v: VcpuState, value: bigint): void {
  const delta = sub64(l1Offset(ctx, v, value), v.tscOffset);
  v.tscOffset = add64(v.tscOffset, delta);
  v.tscAdjust = add64(v.tscAdjust, delta);
}

/**
 * Whether the vCPU's CPUID advertises TSC_ADJUST (docs/format.md#62-x86-tsc item 3): as its KVM_SET_CPUID2 says; without
 * one, no when the instance has any KVM_SET_CPUID2 (KVM's empty default CPUID), and yes when the
 * trace shows none at all (what VMMs set up).
 */
export const hasTscAdjust = (inst: InstanceState, v: VcpuState): boolean => v.cpuidTscAdjust ?? !inst.cpuidSeen;

/**
 * IA32_TSC_ADJUST writes (kvm_set_msr_common): only with TSC_ADJUST in the vCPU's CPUID, else
 * ignored silently. A guest write moves the offset by A - old; a host write only stores A.
 * Returns whether KVM took the write.
 */
export function writeTscAdjust(inst: InstanceState, v: VcpuState, value: bigint, guest: boolean): boolean {
  if (!hasTscAdjust(inst, v)) return false;
  if (guest) v.tscOffset = add64(v.tscOffset, sub64(value, v.tscAdjust));
  v.tscAdjust = value;
  return true;
}

/** KVM_SET_CPUID2: records whether the vCPU advertises TSC_ADJUST (assumed when `tsc_adjust=` is not given). */
export function setCpuid(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  body: Extract<Body, { type: 'set_cpuid2' }>,
): void {
  if (ctx.failed) return;
  inst.cpuidSeen = true;
  v.cpuidTscAdjust = body.tscAdjust?.value ?? true;
}
