// Observations (docs/format.md#61-arm64-counters item 4): values the trace records are compared with the
// model. A vCPU whose
// offset the trace never established is calibrated by its first observation instead.
import type { Span } from '../syntax/ast';
import { sub64 } from '../values/u64';
import { guestCntpct, guestCntvct, guestFreq, guestTsc, hostCounter, hasCntpoff, kvmCntpct, kvmclockAt, guestRate } from './clock';
import type { StepContext } from './context';
import type { Quantity } from './events';
import type { InstanceState, VcpuState } from './state';
import { abs } from '../values/u64';
import { ticksIn } from '../values/units';

function emit(ctx: StepContext, inst: InstanceState | undefined, v: VcpuState | undefined, quantity: Quantity, observed: bigint, predicted: bigint, span: Span, source: 'guest' | 'ioctl' | 'kvm' | 'vmm', extra: { hz?: bigint; exact?: boolean; untrapped?: boolean } = {}): void {
  ctx.emit({ kind: 'observation', inst: inst?.key, vcpu: v?.id, quantity, observed, predicted, span, source, ...extra });
}

/** CNTVCT read by the guest or through KVM_GET_ONE_REG. */
export function observeCntvct(ctx: StepContext, inst: InstanceState, v: VcpuState, observed: bigint, span: Span, source: 'guest' | 'ioctl'): void {
  if (!v.offsetKnown) {
    // Calibrate: the VM-wide offset of an instance the trace did not create.
    const offset = sub64(hostCounter(ctx.host, ctx.t), observed);
    for (const o of inst.vcpus.values()) if (!o.offsetKnown) { o.voffset = offset; o.offsetKnown = true; }
    inst.voffset = offset;
    return;
  }
  emit(ctx, inst, v, 'CNTVCT', observed, guestCntvct(ctx.host, v, ctx.t), span, source, { hz: ctx.host.freq });
}

/**
 * CNTPCT read by the guest: offset when the host has CNTPOFF or the read traps (assumed unless
 * the trace says otherwise). A read equal to the raw host counter while the physical offset is
 * non-zero shows the trap is missing (docs/format.md#64-resume-points-and-the-guest-time-line last paragraph).
 */
export function observeGuestCntpct(ctx: StepContext, inst: InstanceState, v: VcpuState, observed: bigint, span: Span): void {
  const raw = hostCounter(ctx.host, ctx.t);
  const tol = ticksIn(ctx.state.tolerance, ctx.host.freq);
  const offsetMatters = !hasCntpoff(ctx.host) && abs(BigInt.asIntN(64, v.poffset)) > tol;
  const untrapped = offsetMatters && abs(BigInt.asIntN(64, sub64(observed, raw))) <= tol;
  if (untrapped && v.trap !== 'off') { v.trap = 'off'; v.trapBy = ctx.ref; }
  emit(ctx, inst, v, 'CNTPCT', observed, untrapped ? raw : guestCntpct(ctx.host, v, ctx.t), span, 'guest', { hz: ctx.host.freq, untrapped });
}

export function observeKvmCntpct(ctx: StepContext, inst: InstanceState, v: VcpuState, observed: bigint, span: Span, source: 'ioctl' | 'kvm'): void {
  emit(ctx, inst, v, 'CNTPCT_KVM', observed, kvmCntpct(ctx.host, v, ctx.t), span, source, { hz: ctx.host.freq });
}

export function observeTsc(ctx: StepContext, inst: InstanceState, v: VcpuState, observed: bigint, span: Span, source: 'guest' | 'ioctl'): void {
  if (!v.tscOffsetKnown) {
    v.tscOffset = sub64(observed, sub64(guestTsc(ctx.host, v, ctx.t), v.tscOffset));
    v.tscOffsetKnown = true;
    return;
  }
  emit(ctx, inst, v, 'TSC', observed, guestTsc(ctx.host, v, ctx.t), span, source, { hz: guestRate(ctx.host, v) });
}

export function observeKvmclock(ctx: StepContext, inst: InstanceState, v: VcpuState | undefined, observed: bigint, span: Span, source: 'guest' | 'ioctl'): void {
  if (!inst.kvmclockKnown) {
    inst.kvmclockBase = observed;
    inst.kvmclockAt = ctx.t;
    inst.kvmclockKnown = true;
    return;
  }
  emit(ctx, inst, v, 'kvmclock', observed, kvmclockAt(inst, ctx.t), span, source);
}

export function observeExact(ctx: StepContext, inst: InstanceState | undefined, v: VcpuState | undefined, quantity: Quantity, observed: bigint, predicted: bigint, span: Span, source: 'guest' | 'ioctl' | 'kvm' | 'vmm', hz?: bigint): void {
  emit(ctx, inst, v, quantity, observed, predicted, span, source, hz === undefined ? { exact: true } : { hz });
}

export function observeCntfrq(ctx: StepContext, inst: InstanceState, v: VcpuState, observed: bigint, span: Span, source: 'guest' | 'ioctl'): void {
  emit(ctx, inst, v, 'CNTFRQ', observed, guestFreq(ctx.host, v), span, source, { exact: true });
}

