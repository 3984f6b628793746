// arm64 generic timer under KVM (docs/format.md#61-arm64-counters,
// docs/reference/kvm-time.md#1-arm64-generic-timer-under-kvm): offsets, counter writes, traps.
import type { Body } from '../syntax/ast';
import { sub64 } from '../values/u64';
import { hostCounter } from './clock';
import { hostChange, kernelAtLeast, newVcpu, type StepContext } from './context';
import { el1pctenBit } from '../uapi/sysregs';
import type { InstanceState, TrapState, VcpuState } from './state';

/** Sets the VM-wide offsets (and every vCPU's copy). */
function setVmOffset(ctx: StepContext, inst: InstanceState, which: 'virtual' | 'physical', offset: bigint): void {
  hostChange(ctx, inst, () => {
    if (which === 'virtual') {
      inst.voffset = offset;
      inst.voffsetBy = ctx.ref;
    } else {
      inst.poffset = offset;
      inst.poffsetBy = ctx.ref;
    }
    for (const v of inst.vcpus.values()) {
      if (which === 'virtual') {
        v.voffset = offset;
        v.voffsetBy = ctx.ref;
        v.offsetKnown = true;
      } else {
        v.poffset = offset;
        v.poffsetBy = ctx.ref;
      }
    }
  });
}

/**
 * docs/format.md#61-arm64-counters item 1 KVM_CREATE_VCPU: voffset = C_H(t) for every vCPU unless
 * KVM_ARM_SET_COUNTER_OFFSET was used.
 */
export function createVcpuArm64(ctx: StepContext, inst: InstanceState, id: number): VcpuState {
  const undoesRestore = inst.counterOffsetUsed ? undefined : inst.counterRestoredBy;
  const v = newVcpu(inst, id, ctx.ref);
  if (!inst.counterOffsetUsed) {
    setVmOffset(ctx, inst, 'virtual', hostCounter(ctx.host, ctx.t));
    inst.counterRestoredBy = undefined;
  }
  ctx.emit({ kind: 'vcpuCreated', inst: inst.key, vcpu: id, resetOffsets: !inst.counterOffsetUsed, undoesRestore });
  return v;
}

/**
 * docs/format.md#61-arm64-counters item 2 KVM_SET_ONE_REG TIMER_CNT / PTIMER_CNT: offset = C_H(t) - V for
 * every vCPU.
 */
export function writeCounter(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  which: 'virtual' | 'physical',
  value: bigint,
): void {
  if (which === 'physical' && !kernelAtLeast(ctx.host, 6, 4)) {
    ctx.emit({
      kind: 'problem',
      code: 'HVT091',
      span: ctx.stmt.op.span,
      severity: 'info',
      message: `KVM_REG_ARM_PTIMER_CNT does not exist before Linux 6.4 (host ${ctx.host.name} models kernel ${ctx.host.kernel!.major}.${ctx.host.kernel!.minor}): KVM rejects the write and nothing changes`,
    });
    return;
  }
  const implied = sub64(hostCounter(ctx.host, ctx.t), value);
  const previous = which === 'virtual' ? v.voffset : v.poffset;
  ctx.emit({
    kind: 'counterWrite',
    inst: inst.key,
    vcpu: v.id,
    counter: which,
    value,
    impliedOffset: implied,
    ignored: inst.counterOffsetUsed,
    ignoredBecause: inst.counterOffsetBy,
    previousOffset: previous,
  });
  // KVM returns 0 and does nothing (docs/reference/kvm-time.md#13-what-a-userspace-write-of-the-counter-does)
  if (inst.counterOffsetUsed) return;
  setVmOffset(ctx, inst, which, implied);
  if (which === 'virtual') inst.counterRestoredBy = ctx.ref;
}

/**
 * docs/format.md#61-arm64-counters item 3 KVM_ARM_SET_COUNTER_OFFSET: voffset = poffset = O for all vCPUs,
 * now and future.
 */
export function setCounterOffset(
  ctx: StepContext,
  inst: InstanceState,
  body: Extract<Body, { type: 'set_counter_offset' }>,
): void {
  if (!kernelAtLeast(ctx.host, 6, 4)) {
    ctx.emit({
      kind: 'problem',
      code: 'HVT091',
      span: ctx.stmt.op.span,
      severity: 'info',
      message: `KVM_ARM_SET_COUNTER_OFFSET does not exist before Linux 6.4 (host ${ctx.host.name} models kernel ${ctx.host.kernel!.major}.${ctx.host.kernel!.minor}): the offset is unchanged`,
    });
    return;
  }
  if (body.reserved && body.reserved.value !== 0n) {
    if (!ctx.failed)
      ctx.emit({
        kind: 'problem',
        code: 'HVT093',
        span: body.reserved.span,
        message: `reserved=${body.reserved.value} is not 0: KVM answers -EINVAL and changes nothing, but the trace shows success`,
      });
    return;
  }
  if (ctx.failed) return;
  setVmOffset(ctx, inst, 'virtual', body.offset.value);
  setVmOffset(ctx, inst, 'physical', body.offset.value);
  inst.counterOffsetUsed = true;
  inst.counterOffsetBy = ctx.ref;
  inst.counterRestoredBy = undefined;
}

/**
 * Proposed per-vCPU APIs (docs/reference/seeds/seed-000.txt, docs/reference/seeds/seed-002.txt): only this
 * vCPU's offset changes.
 */
export function setVcpuOffset(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  which: 'virtual' | 'physical',
  offset: bigint,
): void {
  hostChange(ctx, inst, () => {
    if (which === 'virtual') {
      v.voffset = offset;
      v.voffsetBy = ctx.ref;
      v.offsetKnown = true;
    } else {
      v.poffset = offset;
      v.poffsetBy = ctx.ref;
    }
  });
}

export function setTrap(ctx: StepContext, inst: InstanceState, v: VcpuState, state: TrapState): void {
  if (v.trap === state) {
    v.trapBy = v.trapBy ?? ctx.ref;
    return;
  }
  hostChange(ctx, inst, () => {
    v.trap = state;
    v.trapBy = ctx.ref;
  });
  ctx.emit({ kind: 'trapChange', inst: inst.key, vcpu: v.id, state });
}

/** `kvm write CNTHCTL_EL2 = V`: EL1PCTEN (bit 0, or bit 10 with VHE) set means CNTPCT does not trap. */
export function cnthctlTrap(vhe: boolean, value: bigint): TrapState {
  return (value & el1pctenBit(vhe)) !== 0n ? 'off' : 'on';
}
