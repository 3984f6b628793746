// x86 TSC and kvmclock under KVM (docs/format.md#62-x86-tsc, docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock).
import type { Body } from '../syntax/ast';
import { ticksIn } from '../values/units';
import { abs, add64, sub64 } from '../values/u64';
import { guestTsc, hostCounter, hostKhz, scaleTsc } from './clock';
import { hostChange, kernelAtLeast, newVcpu, type StepContext } from './context';
import { KVM_CLOCK_VALID_FLAGS, CLOCK_FLAGS, TSC_STATE_FLAGS } from '../uapi/flags';
import type { InstanceState, VcpuState } from './state';

/** The vCPU's virtual_tsc_khz as KVM keeps it (the host's unless KVM_SET_TSC_KHZ changed it). */
const virtualKhz = (ctx: StepContext, v: VcpuState): bigint => v.virtualKhz ?? hostKhz(ctx.host);

/**
 * kvm_synchronize_tsc (docs/format.md#62-x86-tsc item 1,
 * docs/reference/kvm-time.md#33-kvm_synchronize_tsc-matching-heuristic-current-mainline-form-x1): a write of
 * 0, or (once userspace has set a TSC, or
 * always before 6.7) a write within one second of the value expected from the previous write,
 * reuses the current generation's offset; otherwise offset = V - scale(C_H(t)) and a new
 * generation starts. The bookkeeping is per VM instance.
 */
export function synchronizeTsc(ctx: StepContext, inst: InstanceState, v: VcpuState, data: bigint, source: 'create' | 'set_msrs'): void {
  const khz = virtualKhz(ctx, v);
  const sync = inst.tsc;
  let offset = sub64(data, scaleTsc(ctx.host, v, hostCounter(ctx.host, ctx.t)));
  let synchronizing = false;
  let expected: bigint | undefined;
  if (data === 0n) {
    synchronizing = true;
  } else if (sync.userSetTsc || !kernelAtLeast(ctx.host, 6, 7)) {
    expected = sync.lastWrite + ticksIn(ctx.t - sync.lastNs, khz * 1000n);
    const hz = khz * 1000n;
    synchronizing = data < expected + hz && data + hz > expected;
  }
  let matched = false;
  if (synchronizing && khz === sync.lastKhz) {
    offset = sync.curOffset;
    matched = true;
  }
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
    kind: 'tscWrite', inst: inst.key, vcpu: v.id, source, value: data, matched, matchReason: matched ? (data === 0n ? 'zero' : 'window') : undefined,
    expected, offset, willRead: guestTsc(ctx.host, v, ctx.t), generation: sync.curGeneration, generationBy: matched ? generationBy : undefined,
  });
}

export function createVcpuX86(ctx: StepContext, inst: InstanceState, id: number): VcpuState {
  const v = newVcpu(inst, id, ctx.ref);
  v.tscOffsetKnown = true;
  synchronizeTsc(ctx, inst, v, 0n, 'create');
  ctx.emit({ kind: 'vcpuCreated', inst: inst.key, vcpu: id, resetOffsets: false });
  return v;
}

/** KVM_VCPU_TSC_OFFSET: the offset is applied exactly; only the generation bookkeeping matches. */
export function setTscOffset(ctx: StepContext, inst: InstanceState, v: VcpuState, offset: bigint): void {
  const khz = virtualKhz(ctx, v);
  const sync = inst.tsc;
  const matched = khz === sync.lastKhz && sync.lastOffset === offset;
  sync.userSetTsc = true;
  sync.lastNs = ctx.t;
  sync.lastWrite = add64(scaleTsc(ctx.host, v, hostCounter(ctx.host, ctx.t)), offset);
  sync.lastKhz = khz;
  sync.lastOffset = offset;
  if (!matched) { sync.curGeneration++; sync.curOffset = offset; sync.curBy = ctx.ref; }
  hostChange(ctx, inst, () => { v.tscOffset = offset; v.tscOffsetBy = ctx.ref; v.tscOffsetKnown = true; v.tscGeneration = sync.curGeneration; });
}

/** Proposed KVM_SET_TSC_STATE (docs/reference/seeds/seed-003.txt): the guest TSC becomes tsc (+ cycles since nsec). */
export function setTscState(ctx: StepContext, inst: InstanceState, v: VcpuState, body: Extract<Body, { type: 'set_tsc_state' }>): void {
  let target = body.tsc.value;
  const hz = virtualKhz(ctx, v) * 1000n;
  if ((body.flags.value & TSC_STATE_FLAGS.KVM_TSC_STATE_TIMESTAMP_VALID) !== 0n && body.nsec) {
    const diff = ctx.t - body.nsec.value;
    target = diff >= 0n ? add64(target, ticksIn(diff, hz)) : sub64(target, ticksIn(-diff, hz));
  }
  const offset = sub64(target, scaleTsc(ctx.host, v, hostCounter(ctx.host, ctx.t)));
  inst.tsc.userSetTsc = true;
  hostChange(ctx, inst, () => { v.tscOffset = offset; v.tscOffsetBy = ctx.ref; v.tscOffsetKnown = true; });
  if ((body.flags.value & TSC_STATE_FLAGS.KVM_TSC_STATE_TSC_ADJUST_VALID) !== 0n && body.tscAdjust) v.tscAdjust = body.tscAdjust.value;
}

/**
 * docs/format.md#62-x86-tsc item 3 guest writes: IA32_TSC moves the offset and TSC_ADJUST by the same delta;
 * TSC_ADJUST moves the offset.
 */
export function guestWriteTsc(ctx: StepContext, v: VcpuState, value: bigint): void {
  const delta = sub64(value, guestTsc(ctx.host, v, ctx.t));
  v.tscOffset = add64(v.tscOffset, delta);
  v.tscAdjust = add64(v.tscAdjust, delta);
}

export function guestWriteTscAdjust(v: VcpuState, value: bigint): void {
  v.tscOffset = add64(v.tscOffset, sub64(value, v.tscAdjust));
  v.tscAdjust = value;
}

/**
 * docs/format.md#62-x86-tsc item 4 KVM_SET_TSC_KHZ: the guest TSC runs at K kHz from then on. With
 * tsc_scaling=0 KVM accepts
 * only K within 250 ppm of the host frequency, without scaling. The VM ioctl sets the default for
 * vCPUs created later and fails once a vCPU exists.
 */
export function setTscKhz(ctx: StepContext, inst: InstanceState, v: VcpuState | undefined, khz: bigint): void {
  const host = hostKhz(ctx.host);
  const value = khz === 0n ? undefined : khz;
  const withinTolerance = value === undefined || abs(value - host) * 1_000_000n <= host * 250n;
  const rejected = (!ctx.host.tscScaling && !withinTolerance) || (v === undefined && inst.vcpus.size > 0);
  if (rejected) {
    if (!ctx.failed) {
      const why = v === undefined ? 'the VM already has vCPUs' : `host ${ctx.host.name} cannot scale the TSC (tsc_scaling=0) and ${khz} kHz is more than 250 ppm from its ${host} kHz`;
      ctx.emit({ kind: 'problem', code: 'HVT093', span: ctx.stmt.op.span, message: `KVM answers -EINVAL to KVM_SET_TSC_KHZ here (${why}), but the trace shows success; the frequency is unchanged` });
    }
    return;
  }
  if (ctx.failed) return;
  if (v === undefined) { inst.defaultTscKhz = value; inst.defaultTscScaled = value !== undefined && ctx.host.tscScaling; return; }
  hostChange(ctx, inst, () => { v.virtualKhz = value; v.scaled = value !== undefined && ctx.host.tscScaling; });
}

/**
 * docs/format.md#62-x86-tsc item 5 KVM_SET_CLOCK: kvmclock reads N now (plus now - realtime with
 * KVM_CLOCK_REALTIME).
 */
export function setClock(ctx: StepContext, inst: InstanceState, body: Extract<Body, { type: 'set_clock' }>): void {
  const flags = body.flags?.value ?? 0n;
  if ((flags & ~KVM_CLOCK_VALID_FLAGS) !== 0n) {
    if (!ctx.failed) ctx.emit({ kind: 'problem', code: 'HVT093', span: body.flags!.span, message: `flags=${flags} has bits outside KVM_CLOCK_VALID_FLAGS (0xE): KVM answers -EINVAL, but the trace shows success` });
    return;
  }
  if (ctx.failed) return;
  let clock = body.clock.value;
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

