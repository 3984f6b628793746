// VM lifecycle (docs/format.md#45-vmm--vm-lifecycle) and the guest time line across pauses, migrations and
// restores (docs/format.md#64-resume-points-and-the-guest-time-line).
import { ticksIn } from '../values/units';
import { add64 } from '../values/u64';
import { guestCounter, guestFreq, guestRate, kvmclockAt } from './clock';
import { getGuest, guestVcpu, instanceKey, newInstance, type StepContext } from './context';
import type { GuestState, HostState, InstanceState, Ref, StopRecord, VcpuState } from './state';

/** G_before for every vCPU of the instance at the moment it stops running. */
function stopRecord(ctx: StepContext, inst: InstanceState, kind: StopRecord['kind']): StopRecord {
  const counters = new Map<number, bigint>();
  const freq = new Map<number, bigint>();
  const pv = new Map<number, Ref>();
  for (const v of inst.vcpus.values()) {
    counters.set(v.id, guestCounter(ctx.host, v, ctx.t));
    freq.set(v.id, guestFreq(ctx.host, v));
    const addr = v.pvAddressBy ?? (v.stealMsr !== undefined && v.stealMsr & 1n ? v.stealMsrBy : undefined);
    if (addr) pv.set(v.id, addr);
  }
  return {
    kind,
    at: ctx.ref,
    time: ctx.t,
    instance: inst.key,
    host: inst.host,
    counters,
    freq,
    offsets: new Map([...inst.vcpus.values()].map((v) => [v.id, ctx.host.arch === 'arm64' ? v.voffset : v.tscOffset])),
    kvmclock: inst.kvmclockKnown ? kvmclockAt(inst, ctx.t) : undefined,
    savedClock: inst.savedClockBy,
    pv,
    resumed: new Set(),
  };
}

/** Stops a running instance: records G_before (a pause, or a migration / snapshot without one). */
function stopInstance(ctx: StepContext, inst: InstanceState, g: GuestState, kind: StopRecord['kind']): void {
  if (!inst.running) return;
  const record = stopRecord(ctx, inst, kind);
  g.stop = record;
  inst.running = false;
  for (const v of inst.vcpus.values()) {
    v.running = false;
    v.kvmclockCtrl = false;
  }
  ctx.emit({ kind: 'stop', inst: inst.key, record });
}

export function pause(ctx: StepContext, inst: InstanceState): void {
  stopInstance(ctx, inst, getGuest(ctx.state, inst.vm), 'pause');
}

export function migrate(ctx: StepContext, inst: InstanceState, dest: HostState): void {
  const g = getGuest(ctx.state, inst.vm);
  stopInstance(ctx, inst, g, 'migrate');
  // An instance on the destination that already ran belongs to an earlier stay of the guest there:
  // the incoming guest gets a new KVM VM.
  const existing = ctx.state.instances.get(instanceKey(dest.name, inst.vm));
  const target =
    !existing || [...existing.vcpus.values()].some((v) => v.everRan) || existing === inst
      ? newInstance(ctx.state, dest, inst.vm, 'migration', ctx.ref)
      : Object.assign(existing, { origin: 'migration' as const, originRef: ctx.ref });
  target.sourceSavedClock = inst.savedClockBy;
  target.sourcePv = g.stop ? new Map(g.stop.pv) : new Map();
  g.current = target.key;
}

export function snapshot(ctx: StepContext, inst: InstanceState): void {
  const g = getGuest(ctx.state, inst.vm);
  stopInstance(ctx, inst, g, 'snapshot');
  if (g.stop) g.snapshot = { ...g.stop, savedClock: g.stop.savedClock ?? inst.savedClockBy, resumed: new Set() };
}

export function restore(ctx: StepContext, vm: string): void {
  const g = getGuest(ctx.state, vm);
  const old = ctx.state.instances.get(instanceKey(ctx.host.name, vm));
  if (old) {
    old.running = false;
    for (const v of old.vcpus.values()) v.running = false;
  }
  const inst = newInstance(ctx.state, ctx.host, vm, 'restore', ctx.ref);
  g.stop = g.snapshot ? { ...g.snapshot, resumed: new Set() } : undefined;
  inst.sourceSavedClock = g.stop?.savedClock;
  inst.sourcePv = g.stop ? new Map(g.stop.pv) : new Map();
  g.current = inst.key;
}

/**
 * KVM_RUN: the resume point (docs/format.md#64-resume-points-and-the-guest-time-line) if the guest was
 * stopped, then KVM's stolen-time update.
 */
export function run(ctx: StepContext, inst: InstanceState, v: VcpuState): void {
  const g = getGuest(ctx.state, inst.vm);
  const firstOnInstance = !v.everRan;
  const stop = g.stop;
  if (stop && !stop.resumed.has(v.id) && stop.counters.has(v.id)) {
    stop.resumed.add(v.id);
    const gBefore = stop.counters.get(v.id)!;
    const freqBefore = stop.freq.get(v.id)!;
    const gAfter = guestCounter(ctx.host, v, ctx.t);
    const expected = g.policy === 'advance' ? add64(gBefore, ticksIn(ctx.t - stop.time, freqBefore)) : gBefore;
    ctx.emit({
      kind: 'resumePoint',
      inst: inst.key,
      vcpu: v.id,
      stop,
      gBefore,
      gAfter,
      expected,
      freqBefore,
      freqAfter: guestFreq(ctx.host, v),
      rateAfter: guestRate(ctx.host, v),
      counterName: ctx.host.arch === 'arm64' ? 'CNTVCT' : 'TSC',
    });
    if ([...stop.counters.keys()].every((id) => stop.resumed.has(id))) g.stop = undefined;
  }
  inst.running = true;
  v.running = true;
  v.everRan = true;
  g.started = true;
  g.current = inst.key;
  updateStolenTime(ctx, inst, v);
  ctx.emit({ kind: 'run', inst: inst.key, vcpu: v.id, firstOnInstance });
}

/**
 * KVM adds the run delay accumulated since its last update to the guest's stolen time at each
 * entry (arm64 kvm_update_stolen_time, x86 record_steal_time;
 * docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time item 3).
 */
function updateStolenTime(ctx: StepContext, inst: InstanceState, v: VcpuState): void {
  const x86Enabled = ctx.host.arch === 'x86_64' && v.stealMsr !== undefined && (v.stealMsr & 1n) === 1n;
  if (v.pvAddress === undefined && !x86Enabled) return;
  const gv = guestVcpu(getGuest(ctx.state, inst.vm), v.id);
  const delta = v.runDelay - v.lastSteal;
  gv.stolen = add64(gv.stolen, delta);
  gv.folded += delta;
  v.lastSteal = v.runDelay;
  if (x86Enabled) v.stealVersion += v.stealVersion % 2n === 1n ? 3n : 2n;
}
