// x86 kvmclock under KVM (docs/format.md#62-x86-tsc item 5, docs/reference/kvm-time.md#35-kvm_get_clock--kvm_set_clock): where it starts (KVM_CREATE_VM), KVM_SET_CLOCK,
// and the guest's enable bit that KVM_KVMCLOCK_CTRL needs. Follows torvalds/linux
// arch/x86/kvm/x86.c: kvm_arch_init_vm, kvm_vm_ioctl_set_clock, kvm_write_system_time,
// kvm_set_guest_paused.
import type { Body } from '../syntax/ast';
import { abs, add64, signedDiff } from '../values/u64';
import { kvmclockAt, timeOfHostCounter } from './clock';
import { hostChange, type StepContext } from './context';
import { observeKvmclock } from './observe';
import { KVM_CLOCK_VALID_FLAGS, CLOCK_FLAGS } from '../uapi/flags';
import type { InstanceState, VcpuState } from './state';

/**
 * KVM_CREATE_VM: kvm_arch_init_vm() sets kvmclock_offset = -get_kvmclock_base_ns(), so the
 * instance's kvmclock reads 0 now and advances 1 ns per ns. A trace without this statement leaves
 * kvmclock unknown until it is set or first observed (as before the statement existed).
 */
export function createVm(ctx: StepContext, inst: InstanceState): void {
  if (ctx.failed) return;
  if (inst.vmCreatedBy || inst.vcpus.size > 0) {
    const earlier = inst.vmCreatedBy ?? [...inst.vcpus.values()].find((v) => v.created)?.created;
    ctx.emit({
      kind: 'problem',
      code: 'HVT093',
      span: ctx.stmt.op.span,
      message: `${inst.vm} on ${inst.host} already exists here${earlier ? ` (line ${earlier.line + 1})` : ''}; a new KVM VM is a new instance: write \`vmm restore\` (or migrate) before its KVM_CREATE_VM. kvmclock is left as it was`,
    });
    return;
  }
  inst.vmCreatedBy = ctx.ref;
  inst.kvmclockBase = 0n;
  inst.kvmclockAt = ctx.t;
  inst.kvmclockKnown = true;
}

/**
 * KVM_GET_CLOCK (kvm_vm_ioctl_get_clock, __get_kvmclock). With the masterclock KVM reads kvmclock
 * at the very host TSC it returns (`data->clock = __pvclock_read_cycles(&hv_clock, data->host_tsc)`,
 * flagged KVM_CLOCK_HOST_TSC): the value belongs to that instant, not to the ioctl's window. Such a
 * reading within the tolerance also re-anchors the model's kvmclock there: KVM's value at a known
 * instant is exact, while the model's base came from a statement stamped when KVM acted, which is
 * only known to within the tracepoint's distance from KVM's own clock read (a fraction of a µs).
 * Without that re-anchoring, a KVM_GET_CLOCK / KVM_SET_CLOCK(REALTIME) round trip, which KVM
 * makes continuous, would look like a step of that fraction (HVT001).
 */
export function getClock(ctx: StepContext, inst: InstanceState, body: Extract<Body, { type: 'get_clock' }>): void {
  if (ctx.failed) return;
  inst.savedClockBy = ctx.ref;
  if (!body.clock) return;
  const exact =
    body.hostTsc && body.flags && (body.flags.value & CLOCK_FLAGS.KVM_CLOCK_HOST_TSC) !== 0n
      ? timeOfHostCounter(ctx.host, body.hostTsc.value)
      : undefined;
  const known = inst.kvmclockKnown;
  observeKvmclock(ctx, inst, undefined, body.clock.value, body.clock.span, 'ioctl', exact);
  if (exact === undefined || !known) return;
  if (abs(signedDiff(body.clock.value, kvmclockAt(inst, exact))) <= ctx.state.tolerance) {
    inst.kvmclockBase = body.clock.value;
    inst.kvmclockAt = exact;
  }
}

/** docs/format.md#62-x86-tsc item 5 KVM_SET_CLOCK (kvm_vm_ioctl_set_clock): kvmclock reads N now (plus now - realtime with KVM_CLOCK_REALTIME). */
export function setClock(ctx: StepContext, inst: InstanceState, body: Extract<Body, { type: 'set_clock' }>): void {
  const flags = body.flags?.value ?? 0n;
  if ((flags & ~KVM_CLOCK_VALID_FLAGS) !== 0n) {
    if (!ctx.failed)
      ctx.emit({
        kind: 'problem',
        code: 'HVT093',
        span: body.flags!.span,
        message: `flags=${flags} has bits outside KVM_CLOCK_VALID_FLAGS (0xE): KVM answers -EINVAL, but the trace shows success`,
      });
    return;
  }
  if (ctx.failed) return;
  let clock = body.clock.value;
  // "Avoid stepping the kvmclock backwards": only a realtime in the past is added.
  if ((flags & CLOCK_FLAGS.KVM_CLOCK_REALTIME) !== 0n && body.realtime && body.realtime.value < ctx.t) {
    clock = add64(clock, ctx.t - body.realtime.value);
  }
  hostChange(ctx, inst, () => {
    inst.kvmclockBase = clock;
    inst.kvmclockAt = ctx.t;
    inst.kvmclockKnown = true;
    inst.clockSetBy = ctx.ref;
  });
  ctx.emit({ kind: 'clockSet', inst: inst.key });
}

/**
 * A write of MSR_KVM_SYSTEM_TIME(_NEW), by the guest or the VMM: kvm_write_system_time() activates
 * the vCPU's pvclock page when bit 0 is set and deactivates it otherwise.
 */
export function writeSystemTime(inst: InstanceState, v: VcpuState, value: bigint): void {
  inst.pvclockMsrSeen = true;
  v.pvclock = (value & 1n) === 1n;
}

/**
 * Whether the vCPU's pvclock is active. Without any write of the MSR on the instance the trace is
 * silent about it and the guest is assumed to use kvmclock (what Linux guests do); once the
 * instance shows one, a vCPU without its own write has it disabled (KVM's default at creation).
 */
export const pvclockActive = (inst: InstanceState, v: VcpuState): boolean => v.pvclock ?? !inst.pvclockMsrSeen;

/**
 * KVM_KVMCLOCK_CTRL: kvm_set_guest_paused() answers -EINVAL unless the guest enabled kvmclock on
 * this vCPU; otherwise the guest will be told it was stopped (PVCLOCK_GUEST_STOPPED).
 */
export function kvmclockCtrl(ctx: StepContext, inst: InstanceState, v: VcpuState): void {
  if (!pvclockActive(inst, v)) {
    if (!ctx.failed) {
      ctx.emit({
        kind: 'problem',
        code: 'HVT093',
        span: ctx.stmt.op.span,
        message: `KVM answers -EINVAL to KVM_KVMCLOCK_CTRL on vcpu${v.id} of ${inst.vm} on ${inst.host} (kvmclock is not enabled on it: no MSR_KVM_SYSTEM_TIME_NEW write with bit 0 set), but the trace shows success; the guest will not be told it was stopped`,
      });
    }
    return;
  }
  if (!ctx.failed) v.kvmclockCtrl = true;
}
