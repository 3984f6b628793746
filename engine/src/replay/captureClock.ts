// Replay of the x86 clock tracepoints an imported capture carries (docs/format-capture-statements.md):
// `kvm track_tsc` and `kvm update_master_clock` are KVM's own view of its TSC matching, checked
// against the model's matching (HVT093); `kvm pvclock_update` is the exact kvmclock KVM gives the
// guest: its system_time checked against the model's kvmclock and its tsc_timestamp against the
// vCPU's TSC at the same instant (HVT093), and against the previous update of the same vCPU (a step
// back of a running guest's kvmclock, HVT001).
import type { CaptureBody } from '../syntax/ast';
import { signedDiff, u64 } from '../values/u64';
import { guestRate, kvmL1Tsc, kvmclockAt } from './clock';
import { instanceName } from '../rules/describe';
import type { StepContext } from './context';
import type { InstanceState, Ref, VcpuState } from './state';

/** The parameters of one kvm_pvclock_update (struct pvclock_vcpu_time_info). */
export interface PvclockRecord {
  tscTimestamp: bigint;
  systemTime: bigint;
  mul: bigint;
  shift: number;
  flags: bigint;
  time: bigint;
  at: Ref;
}

/** What the capture told about an instance's kvmclock (per instance, checkpointed with the model). */
export interface KvmclockTracking {
  /** ka->use_master_clock after the last kvm_update_master_clock, and when that was. */
  masterclock?: boolean;
  masterclockAt?: bigint;
  masterclockBy?: Ref;
  /** The last pvclock update of each vCPU. */
  pvclock: Map<number, PvclockRecord>;
}

/** PVCLOCK_TSC_STABLE_BIT: set only while the masterclock is in use. */
const PVCLOCK_TSC_STABLE_BIT = 1n;

const tracking = (inst: InstanceState): KvmclockTracking => (inst.kvmclockTracking ??= { pvclock: new Map() });

/**
 * __pvclock_read_cycles / pvclock_scale_delta: the kvmclock a guest computes at guest TSC `tsc`
 * (u64 delta, shifted, times the 32.32 multiplier; 128-bit product as in mul_u64_u32_shr).
 */
export function pvclockRead(
  p: Pick<PvclockRecord, 'tscTimestamp' | 'systemTime' | 'mul' | 'shift'>,
  tsc: bigint,
): bigint {
  let delta = u64(tsc - p.tscTimestamp);
  delta = p.shift < 0 ? delta >> BigInt(-p.shift) : u64(delta << BigInt(p.shift));
  return u64(p.systemTime + ((delta * p.mul) >> 32n));
}

/**
 * KVM's kvm->arch.nr_vcpus_matched_tsc as __kvm_synchronize_tsc keeps it: the vCPUs that joined
 * the current generation without starting it. Undefined when the model did not see the writes
 * (no KVM_CREATE_VCPU / IA32_TSC write in the trace started the generation).
 */
export function nrVcpusMatchedTsc(inst: InstanceState): { matched: number; online: number } | undefined {
  if (inst.tsc.curBy === undefined) return undefined;
  const created = [...inst.vcpus.values()].filter((v) => v.created !== undefined);
  const inGeneration = created.filter((v) => v.tscGeneration === inst.tsc.curGeneration).length;
  return { matched: Math.max(0, inGeneration - 1), online: created.length };
}

/** kvm_track_tsc (kvm_track_tsc_matching): KVM's count of matched vCPUs after a TSC write. */
export function trackTsc(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  b: Extract<CaptureBody, { type: 'track_tsc' }>,
): void {
  const model = nrVcpusMatchedTsc(inst);
  if (!model || v.created === undefined) return;
  if (b.offsetmatched.value !== model.matched) {
    ctx.emit({
      kind: 'problem',
      code: 'HVT093',
      span: b.offsetmatched.span,
      message: `KVM counts ${b.offsetmatched.value} vCPU(s) matched to the current TSC generation of ${instanceName(inst.key)} here, but the model matched ${model.matched} (of ${model.online} created): a TSC write in the trace was matched differently by KVM, or the trace misses one`,
    });
  } else if (b.nrOnline.value !== model.online) {
    ctx.emit({
      kind: 'problem',
      code: 'HVT093',
      span: b.nrOnline.span,
      message: `KVM has ${b.nrOnline.value} online vCPU(s) in ${instanceName(inst.key)} here, but the trace created ${model.online}: the trace misses a KVM_CREATE_VCPU`,
    });
  }
}

/** kvm_update_master_clock (pvclock_update_vm_gtod_copy): the masterclock state and KVM's "all matched". */
export function updateMasterClock(
  ctx: StepContext,
  inst: InstanceState,
  b: Extract<CaptureBody, { type: 'update_master_clock' }>,
): void {
  const t = tracking(inst);
  t.masterclock = b.masterclock.value;
  t.masterclockAt = ctx.t;
  t.masterclockBy = ctx.ref;
  const model = nrVcpusMatchedTsc(inst);
  if (!model) return;
  const allMatched = model.matched + 1 === model.online;
  if (b.offsetmatched.value !== allMatched) {
    ctx.emit({
      kind: 'problem',
      code: 'HVT093',
      span: b.offsetmatched.span,
      message: `KVM finds the vCPUs' TSCs of ${instanceName(inst.key)} ${b.offsetmatched.value ? 'all matched' : 'not all matched'} here, but in the model ${model.matched + 1} of ${model.online} vCPU(s) share the current generation: a TSC write in the trace was matched differently by KVM, or the trace misses one`,
    });
  }
}

/**
 * kvm_pvclock_update (kvm_guest_time_update / kvm_setup_guest_pvclock). Without the masterclock,
 * KVM read the clocks now: system_time is kvmclock at this statement's time. With it,
 * system_time is kvmclock at the last masterclock update (master_kernel_ns). The model's kvmclock
 * is checked when the trace set it (KVM_SET_CLOCK) since this vCPU's previous update; otherwise
 * the update is the truth and the model adopts it.
 */
export function pvclockUpdate(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  b: Extract<CaptureBody, { type: 'pvclock_update' }>,
): void {
  const t = tracking(inst);
  const rec: PvclockRecord = {
    tscTimestamp: b.tscTimestamp.value,
    systemTime: b.systemTime.value,
    mul: b.tscToSystemMul.value,
    shift: b.tscShift.value,
    flags: b.flags?.value ?? 0n,
    time: ctx.t,
    at: ctx.ref,
  };
  const prev = t.pvclock.get(v.id);
  // The guest switches from the old parameters to the new ones at about the new tsc_timestamp.
  if (prev && v.running && signedDiff(rec.tscTimestamp, prev.tscTimestamp) >= 0n) {
    const before = pvclockRead(prev, rec.tscTimestamp);
    if (signedDiff(rec.systemTime, before) < 0n)
      ctx.emit({ kind: 'guestStep', inst: inst.key, vcpu: v.id, counter: 'kvmclock', before, after: rec.systemTime });
  }
  t.pvclock.set(v.id, rec);
  const stable = (rec.flags & PVCLOCK_TSC_STABLE_BIT) !== 0n;
  const anchor = !stable ? ctx.t : t.masterclock ? t.masterclockAt : undefined;
  if (anchor === undefined) return;
  // kvm_guest_time_update: tsc_timestamp = kvm_read_l1_tsc(v, host_tsc), the host TSC read with
  // kernel_ns (ka->master_cycle_now with the masterclock, else rdtsc() now): the vCPU's TSC at the
  // same instant as system_time.
  if (v.tscOffsetKnown && v.created !== undefined) {
    ctx.emit({
      kind: 'observation',
      inst: inst.key,
      vcpu: v.id,
      quantity: 'TSC',
      observed: rec.tscTimestamp,
      predicted: kvmL1Tsc(ctx.host, v, anchor),
      hz: guestRate(ctx.host, v),
      span: b.tscTimestamp.span,
      source: 'kvm',
    });
  }
  const setSincePrevious = inst.clockSetBy !== undefined && (!prev || inst.clockSetBy.line > prev.at.line);
  if (inst.kvmclockKnown && setSincePrevious) {
    ctx.emit({
      kind: 'observation',
      inst: inst.key,
      vcpu: v.id,
      quantity: 'kvmclock',
      observed: rec.systemTime,
      predicted: kvmclockAt(inst, anchor),
      span: b.systemTime.span,
      source: 'kvm',
    });
  } else if (inst.clockSetBy === undefined) {
    inst.kvmclockBase = rec.systemTime;
    inst.kvmclockAt = anchor;
    inst.kvmclockKnown = true;
  }
}
