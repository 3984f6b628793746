// The guest TSC frequency under KVM (docs/format.md#62-x86-tsc item 4, docs/reference/kvm-time.md#36-kvm_set_tsc_khz--kvm_get_tsc_khz): KVM_SET_TSC_KHZ per vCPU and VM-wide,
// and what vCPU creation does with the VM's default. Follows torvalds/linux arch/x86/kvm/x86.c:
// kvm_arch_vcpu_ioctl / kvm_arch_vm_ioctl KVM_SET_TSC_KHZ, kvm_set_tsc_khz(), set_tsc_khz().
import { hostKhz } from './clock';
import { hostChange, type StepContext } from './context';
import type { HostState, InstanceState, VcpuState } from './state';

/** tsc_tolerance_ppm: a rate this close to the host's needs no scaling. */
const TSC_TOLERANCE_PPM = 250n;
/** KVM reads the frequency as `(u32)arg`. */
const U32_MASK = 0xffffffffn;

/**
 * kvm_caps.max_guest_tsc_khz with TSC scaling: min(0x7fffffff, __scale_tsc(max ratio, tsc_khz))
 * (kvm_x86_vendor_init). The vendor's maximum ratio is not modelled, only the cap and tsc_khz = 0.
 */
const maxGuestTscKhz = (h: HostState): bigint => (hostKhz(h) === 0n ? 0n : 0x7fffffffn);

/** adjust_tsc_khz(khz, ppm) = khz * (1e6 + ppm) / 1e6, in u64. */
const adjustKhz = (khz: bigint, ppm: bigint): bigint => (khz * (1_000_000n + ppm)) / 1_000_000n;

/** How kvm_set_tsc_khz() leaves the vCPU's scaling ratio. */
export type RatioChange = 'identity' | 'scaled' | 'keep';

export interface TscKhzOutcome {
  /** kvm_set_tsc_khz() returned 0. */
  ok: boolean;
  /** virtual_tsc_khz was set to the requested value (also on failure: it is stored first). */
  stores: boolean;
  ratio: RatioChange;
  /** Why KVM refuses it (for messages). */
  why?: string;
}

/**
 * kvm_set_tsc_khz(vcpu, K): K = 0 (tsc_khz 0) sets the default ratio and fails; otherwise
 * virtual_tsc_khz = K, then within tsc_tolerance_ppm of tsc_khz the default ratio (no scaling);
 * beyond it set_tsc_khz(): without TSC scaling, above tsc_khz is accepted by catch-up emulation and
 * below fails — both leave the ratio as it was; with scaling the ratio is K / tsc_khz.
 */
export function kvmSetTscKhz(h: HostState, khz: bigint): TscKhzOutcome {
  const host = hostKhz(h);
  if (khz === 0n)
    return {
      ok: false,
      stores: false,
      ratio: 'identity',
      why: `host ${h.name}'s TSC frequency is below 1 kHz, so KVM's tsc_khz is 0`,
    };
  if (khz >= adjustKhz(host, -TSC_TOLERANCE_PPM) && khz <= adjustKhz(host, TSC_TOLERANCE_PPM))
    return { ok: true, stores: true, ratio: 'identity' };
  if (!h.tscScaling) {
    return khz > host
      ? { ok: true, stores: true, ratio: 'keep' }
      : {
          ok: false,
          stores: true,
          ratio: 'keep',
          why: `host ${h.name} cannot scale the TSC (tsc_scaling=0) and ${khz} kHz is below its ${host} kHz by more than 250 ppm`,
        };
  }
  // Unreachable through the ioctls when tsc_khz = 0 (max_guest_tsc_khz is 0): no ratio from a 0 divisor.
  if (host === 0n)
    return {
      ok: false,
      stores: true,
      ratio: 'keep',
      why: `host ${h.name}'s TSC frequency is below 1 kHz, so KVM's tsc_khz is 0`,
    };
  return { ok: true, stores: true, ratio: 'scaled' };
}

/** Applies a ratio change to a vCPU (`keep` leaves it; a new vCPU starts with ratio 0). */
function applyRatio(v: VcpuState, ratio: RatioChange): void {
  if (ratio === 'keep') return;
  v.scaled = ratio === 'scaled';
  v.zeroRatio = false;
}

/**
 * The ioctl's own checks before kvm_set_tsc_khz(): with TSC scaling, K >= max_guest_tsc_khz is
 * -EINVAL; K = 0 means tsc_khz. Returns the effective K, or a reason for -EINVAL.
 */
function effectiveKhz(h: HostState, requested: bigint): { khz: bigint } | { why: string } {
  const k = requested & U32_MASK;
  if (h.tscScaling && k >= maxGuestTscKhz(h)) {
    return {
      why:
        hostKhz(h) === 0n
          ? `host ${h.name}'s TSC frequency is below 1 kHz, so KVM's tsc_khz is 0 and it accepts no TSC frequency`
          : `${k} kHz is at or above KVM's max_guest_tsc_khz`,
    };
  }
  return { khz: k === 0n ? hostKhz(h) : k };
}

function reportRejected(ctx: StepContext, why: string, after: string): void {
  if (ctx.failed) return;
  ctx.emit({
    kind: 'problem',
    code: 'HVT093',
    span: ctx.stmt.op.span,
    message: `KVM answers -EINVAL to KVM_SET_TSC_KHZ here (${why}), but the trace shows success; ${after}`,
  });
}

/**
 * docs/format.md#62-x86-tsc item 4 KVM_SET_TSC_KHZ value=K. VM-wide: the default for vCPUs created later, for any K before the
 * instance's first vCPU, -EINVAL after. Per vCPU: kvm_set_tsc_khz(), whose side effects (the stored
 * nominal frequency, the ratio) happen even when it answers -EINVAL. A trace that shows a failure
 * KVM would not have is believed: nothing changes.
 */
export function setTscKhz(ctx: StepContext, inst: InstanceState, v: VcpuState | undefined, requested: bigint): void {
  const h = ctx.host;
  const eff = effectiveKhz(h, requested);
  if ('why' in eff) return reportRejected(ctx, eff.why, 'nothing changes');
  // K = 0 asks for the host's frequency: kept as "the host's" (undefined) in the model.
  const stored = (requested & U32_MASK) === 0n ? undefined : eff.khz;
  if (v === undefined) {
    if (inst.vcpus.size > 0)
      return reportRejected(ctx, 'the VM already has vCPUs', 'the default frequency is unchanged');
    if (ctx.failed) return;
    const creation = kvmSetTscKhz(h, eff.khz);
    inst.defaultTscKhz = stored;
    // kvm_arch_vcpu_create() -> kvm_set_tsc_khz(default): a ratio it leaves alone stays 0.
    inst.defaultTscScaled = creation.ratio === 'scaled';
    inst.defaultTscZeroRatio = creation.ratio === 'keep';
    return;
  }
  const outcome = kvmSetTscKhz(h, eff.khz);
  if (ctx.failed && outcome.ok) return;
  if (!outcome.ok)
    reportRejected(
      ctx,
      outcome.why!,
      outcome.stores
        ? `KVM still stores ${eff.khz} kHz as the vCPU's frequency (KVM_GET_TSC_KHZ reports it) but does not scale to it`
        : 'the frequency is unchanged',
    );
  hostChange(ctx, inst, () => {
    if (outcome.stores) v.virtualKhz = stored;
    applyRatio(v, outcome.ratio);
  });
}
