// Observations (docs/format.md#61-arm64-counters item 4): values the trace records are compared with the
// model. A vCPU whose
// offset the trace never established is calibrated by its first observation instead.
import type { Span } from '../syntax/ast';
import { sub64 } from '../values/u64';
import {
  guestCntpct,
  guestCntvct,
  guestFreq,
  guestTsc,
  hostCounter,
  hasCntpoff,
  kvmCntpct,
  kvmclockAt,
  guestRate,
  kvmL1Tsc,
} from './clock';
import type { StepContext } from './context';
import type { Quantity, ReplayEvent } from './events';
import type { InstanceState, VcpuState } from './state';
import { abs } from '../values/u64';
import { ticksIn } from '../values/units';

interface Extra {
  hz?: bigint;
  exact?: boolean;
  untrapped?: boolean;
  latest?: bigint;
  took?: bigint;
}

/** The observation event; its optional fields are set only when given (no object spreads: this runs on every read). */
function emit(
  ctx: StepContext,
  inst: InstanceState | undefined,
  v: VcpuState | undefined,
  quantity: Quantity,
  observed: bigint,
  predicted: bigint,
  span: Span,
  source: 'guest' | 'ioctl' | 'kvm' | 'vmm',
  extra: Extra = {},
  w?: Window,
): void {
  const e: Extract<ReplayEvent, { kind: 'observation' }> = {
    kind: 'observation',
    inst: inst?.key,
    vcpu: v?.id,
    quantity,
    observed,
    predicted,
    span,
    source,
  };
  if ('hz' in extra) e.hz = extra.hz;
  if ('exact' in extra) e.exact = extra.exact;
  if ('untrapped' in extra) e.untrapped = extra.untrapped;
  if (w) {
    e.latest = w.latest;
    e.took = w.took;
  }
  ctx.emit(e);
}

interface Window {
  latest: bigint;
  took: bigint;
}

/**
 * docs/format.md#62-x86-tsc item 6: an ioctl with `took=` may have read a counter anywhere in [TIME, TIME + took]: the
 * prediction at the end of that window, for a counter that advances with time.
 */
function window(ctx: StepContext, predictAt: (t: bigint) => bigint): Window | undefined {
  const took = ctx.stmt.took?.value;
  return took === undefined || took === 0n ? undefined : { latest: predictAt(ctx.t + took), took };
}

/** CNTVCT read by the guest or through KVM_GET_ONE_REG. */
export function observeCntvct(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  observed: bigint,
  span: Span,
  source: 'guest' | 'ioctl',
): void {
  if (!v.offsetKnown) {
    // Calibrate: the VM-wide offset of an instance the trace did not create.
    const offset = sub64(hostCounter(ctx.host, ctx.t), observed);
    for (const o of inst.vcpus.values())
      if (!o.offsetKnown) {
        o.voffset = offset;
        o.offsetKnown = true;
      }
    inst.voffset = offset;
    return;
  }
  if (ctx.stmt.took) {
    emit(
      ctx,
      inst,
      v,
      'CNTVCT',
      observed,
      guestCntvct(ctx.host, v, ctx.t),
      span,
      source,
      { hz: ctx.host.freq },
      window(ctx, (t) => guestCntvct(ctx.host, v, t)),
    );
    return;
  }
  // The commonest observation of a trace (every guest read of CNTVCT), made directly: emit's event
  // with its `hz`, without the options object (issue #17).
  ctx.emit({
    kind: 'observation',
    inst: inst.key,
    vcpu: v.id,
    quantity: 'CNTVCT',
    observed,
    predicted: guestCntvct(ctx.host, v, ctx.t),
    span,
    source,
    hz: ctx.host.freq,
  });
}

/**
 * CNTPCT read by the guest: offset when the host has CNTPOFF or the read traps (assumed unless
 * the trace says otherwise). A read equal to the raw host counter while the physical offset is
 * non-zero shows the trap is missing (docs/format.md#64-resume-points-and-the-guest-time-line last paragraph).
 */
export function observeGuestCntpct(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  observed: bigint,
  span: Span,
): void {
  const raw = hostCounter(ctx.host, ctx.t);
  const tol = ticksIn(ctx.state.tolerance, ctx.host.freq);
  const offsetMatters = !hasCntpoff(ctx.host) && abs(BigInt.asIntN(64, v.poffset)) > tol;
  const untrapped = offsetMatters && abs(BigInt.asIntN(64, sub64(observed, raw))) <= tol;
  if (untrapped && v.trap !== 'off') {
    v.trap = 'off';
    v.trapBy = ctx.ref;
  }
  emit(ctx, inst, v, 'CNTPCT', observed, untrapped ? raw : guestCntpct(ctx.host, v, ctx.t), span, 'guest', {
    hz: ctx.host.freq,
    untrapped,
  });
}

export function observeKvmCntpct(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  observed: bigint,
  span: Span,
  source: 'ioctl' | 'kvm',
): void {
  emit(
    ctx,
    inst,
    v,
    'CNTPCT_KVM',
    observed,
    kvmCntpct(ctx.host, v, ctx.t),
    span,
    source,
    { hz: ctx.host.freq },
    window(ctx, (t) => kvmCntpct(ctx.host, v, t)),
  );
}

/**
 * The TSC read by the guest (rdtsc: the hardware's view) or through KVM (KVM_GET_MSRS IA32_TSC:
 * kvm_read_l1_tsc(), which differs only for a vCPU with a zero scaling ratio).
 */
export function observeTsc(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  observed: bigint,
  span: Span,
  source: 'guest' | 'ioctl',
): void {
  const predict = (t: bigint): bigint => (source === 'ioctl' ? kvmL1Tsc(ctx.host, v, t) : guestTsc(ctx.host, v, t));
  if (!v.tscOffsetKnown) {
    v.tscOffset = sub64(observed, sub64(predict(ctx.t), v.tscOffset));
    v.tscOffsetKnown = true;
    return;
  }
  emit(
    ctx,
    inst,
    v,
    'TSC',
    observed,
    predict(ctx.t),
    span,
    source,
    { hz: guestRate(ctx.host, v) },
    window(ctx, predict),
  );
}

/**
 * kvmclock read by the guest or through KVM_GET_CLOCK. `at`: the instant the value belongs to when
 * the trace says it exactly (a KVM_GET_CLOCK's host_tsc), else the statement's time and its took=.
 */
export function observeKvmclock(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState | undefined,
  observed: bigint,
  span: Span,
  source: 'guest' | 'ioctl',
  at?: bigint,
): void {
  if (!inst.kvmclockKnown) {
    inst.kvmclockBase = observed;
    inst.kvmclockAt = at ?? ctx.t;
    inst.kvmclockKnown = true;
    return;
  }
  if (at !== undefined) emit(ctx, inst, v, 'kvmclock', observed, kvmclockAt(inst, at), span, source);
  else
    emit(
      ctx,
      inst,
      v,
      'kvmclock',
      observed,
      kvmclockAt(inst, ctx.t),
      span,
      source,
      {},
      window(ctx, (t) => kvmclockAt(inst, t)),
    );
}

export function observeExact(
  ctx: StepContext,
  inst: InstanceState | undefined,
  v: VcpuState | undefined,
  quantity: Quantity,
  observed: bigint,
  predicted: bigint,
  span: Span,
  source: 'guest' | 'ioctl' | 'kvm' | 'vmm',
  hz?: bigint,
): void {
  emit(ctx, inst, v, quantity, observed, predicted, span, source, hz === undefined ? { exact: true } : { hz });
}

export function observeCntfrq(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  observed: bigint,
  span: Span,
  source: 'guest' | 'ioctl',
): void {
  emit(ctx, inst, v, 'CNTFRQ', observed, guestFreq(ctx.host, v), span, source, { exact: true });
}
