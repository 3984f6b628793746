// Stolen time: arm64 PV time (DEN0057A) and x86 MSR_KVM_STEAL_TIME
// (docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time,
// docs/reference/kvm-time.md#4-stolen-time).
import type { Body } from '../syntax/ast';
import { abs } from '../values/u64';
import { getGuest, guestVcpu, type StepContext } from './context';
import { KVM_MSR_ENABLED, KVM_STEAL_RESERVED_MASK, KVM_STEAL_VALID_BITS } from '../uapi/msrs';
import { SMCCC_RETURNS, type SmcccRole } from '../uapi/smccc';
import type { InstanceState, Ref, VcpuState } from './state';

const PV_STRUCT_SIZE = 64n;

/** Whether the vCPU has a stolen-time structure on this instance (arm64 PV time, x86 steal MSR). */
export function stolenConfigured(v: VcpuState): boolean {
  return v.pvAddress !== undefined || (v.stealMsr !== undefined && (v.stealMsr & KVM_MSR_ENABLED) !== 0n);
}

/** Another vCPU of the instance whose 64-byte structure overlaps [address, address + 64). */
function overlapping(
  inst: InstanceState,
  self: VcpuState,
  address: bigint,
): { vcpu: number; at?: Ref; address: bigint } | undefined {
  for (const o of inst.vcpus.values()) {
    if (o === self) continue;
    const other =
      o.pvAddress ??
      (o.stealMsr !== undefined && (o.stealMsr & KVM_MSR_ENABLED) !== 0n
        ? o.stealMsr & KVM_STEAL_VALID_BITS
        : undefined);
    if (other !== undefined && abs(other - address) < PV_STRUCT_SIZE)
      return { vcpu: o.id, at: o.pvAddressBy ?? o.stealMsrBy, address: other };
  }
  return undefined;
}

/**
 * docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time item 1 KVM_ARM_VCPU_PVTIME_IPA: KVM
 * answers -EINVAL when not 64-byte aligned and -EEXIST when
 * the vCPU already has one. A statement whose result is an errno changed nothing; one that shows
 * success is what KVM did, even where KVM should have refused.
 */
export function setPvAddress(ctx: StepContext, inst: InstanceState, v: VcpuState, address: bigint): void {
  const problem =
    address % PV_STRUCT_SIZE !== 0n ? 'misaligned' : v.pvAddress !== undefined ? 'already-set' : undefined;
  const accepted = !ctx.failed;
  const overlaps = accepted ? overlapping(inst, v, address) : undefined;
  ctx.emit({
    kind: 'pvAddress',
    inst: inst.key,
    vcpu: v.id,
    address,
    accepted,
    problem,
    overlaps,
    previous: v.pvAddressBy,
  });
  if (!accepted) return;
  v.pvAddress = address;
  v.pvAddressBy = ctx.ref;
}

/** MSR_KVM_STEAL_TIME written by the host (restore) or the guest (enable). */
export function writeStealMsr(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  value: bigint,
  byGuest: boolean,
): void {
  const reserved = (value & KVM_STEAL_RESERVED_MASK) !== 0n;
  const enabled = (value & KVM_MSR_ENABLED) !== 0n;
  const address = value & KVM_STEAL_VALID_BITS;
  if (enabled || reserved) {
    const overlaps = !reserved ? overlapping(inst, v, address) : undefined;
    ctx.emit({
      kind: 'pvAddress',
      inst: inst.key,
      vcpu: v.id,
      address,
      accepted: !ctx.failed,
      problem: reserved ? 'reserved-bits' : undefined,
      overlaps,
      previous: v.stealMsrBy,
    });
  }
  if (ctx.failed || (reserved && byGuest)) return; // a guest wrmsr with reserved bits takes #GP
  v.stealMsr = value;
  v.stealMsrBy = ctx.ref;
  if (byGuest && enabled) {
    // The guest zeroes the structure before enabling it
    // (docs/reference/kvm-time.md#42-x86-msr_kvm_steal_time-0x4b564d03).
    const gv = guestVcpu(getGuest(ctx.state, inst.vm), v.id);
    gv.stolen = 0n;
    enroll(ctx, gv);
    v.stealVersion = 0n;
  }
}

/** The guest starts reading its stolen time; earlier KVM updates were invisible to it. */
function enroll(ctx: StepContext, gv: ReturnType<typeof guestVcpu>): void {
  if (!gv.enrolled) {
    gv.lastObserved = undefined;
    gv.enrolledAt = ctx.t;
  }
  gv.enrolled = true;
}

const roleOf = (ref: Extract<Body, { type: 'hvc' }>['fn']['value']): SmcccRole | undefined =>
  'known' in ref ? ref.known.role : undefined;

/**
 * docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time item 2 the SMCCC calls of PV time, with
 * what KVM answers.
 */
export function hvc(ctx: StepContext, inst: InstanceState, v: VcpuState, body: Extract<Body, { type: 'hvc' }>): void {
  const g = getGuest(ctx.state, inst.vm);
  const fn = roleOf(body.fn.value);
  const arg = body.args[0] ? roleOf(body.args[0].value) : undefined;
  const configured = g.pvtime && v.pvAddress !== undefined;
  const discoveredBefore = g.pvDiscovered;
  let predicted: bigint | undefined;
  if (fn === 'arch_features' && arg === 'pv_time_features') {
    predicted = g.pvtime ? SMCCC_RETURNS.SUCCESS : SMCCC_RETURNS.NOT_SUPPORTED;
    g.pvDiscovered = true;
  } else if (fn === 'pv_time_features' && (arg === 'pv_time_features' || arg === 'pv_time_st')) {
    predicted = configured ? SMCCC_RETURNS.SUCCESS : SMCCC_RETURNS.NOT_SUPPORTED;
    g.pvDiscovered = true;
  } else if (fn === 'pv_time_st') {
    predicted = configured ? v.pvAddress! : SMCCC_RETURNS.NOT_SUPPORTED;
  }
  const observed = body.ret?.value.value;
  ctx.emit({ kind: 'hvc', inst: inst.key, vcpu: v.id, fn, arg, observed, predicted, configured, discoveredBefore });
  if (fn === 'pv_time_st' && configured && (observed === undefined || observed >= 0n)) {
    // kvm_init_stolen_time: zero the structure and restart the count from the current run delay.
    const gv = guestVcpu(g, v.id);
    if (gv.enrolled) gv.zeroedBy = ctx.ref;
    gv.stolen = 0n;
    enroll(ctx, gv);
    v.lastSteal = v.runDelay;
  }
}

/** A stolen-time reading (`guest read stolen_time|steal`) or KVM's write of it (`kvm stolen_update`). */
export function observeStolen(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  value: bigint,
  source: 'guest' | 'kvm',
): void {
  const g = getGuest(ctx.state, inst.vm);
  const gv = guestVcpu(g, v.id);
  const configured = v.pvAddress !== undefined || (v.stealMsr !== undefined && (v.stealMsr & KVM_MSR_ENABLED) !== 0n);
  ctx.emit({
    kind: 'stolenObserved',
    inst: inst.key,
    vcpu: v.id,
    value,
    source,
    previous: gv.lastObserved,
    folded: gv.folded,
    configured,
    zeroedBy: gv.zeroedBy,
  });
  // KVM's write is what the structure now holds; a guest read is what it held.
  gv.stolen = value;
  if (gv.enrolled) gv.lastObserved = { value, time: ctx.t, at: ctx.ref, folded: gv.folded, instance: inst.key };
}
