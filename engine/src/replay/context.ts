// The context one statement is replayed in: its host, VM instance, guest and vCPU, resolved and
// created on first use (docs/format.md#3-directives-lines-starting-with-: undeclared VMs are declared implicitly).
import type { Statement } from '../syntax/ast';
import type { ReplayEvent } from './events';
import { guestCounter, guestCntpct, physicalOffsetApplied, kvmclockAt, guestRate } from './clock';
import type { GuestState, GuestVcpu, HostState, InstanceState, ModelState, Ref, VcpuState } from './state';

export interface StepContext {
  state: ModelState;
  stmt: Statement;
  line: number;
  ref: Ref;
  t: bigint;
  host: HostState;
  emit(e: ReplayEvent): void;
  /** The statement's result is an errno: KVM rejected it and nothing changed. */
  failed: boolean;
}

/** `host/vm`, the one definition of an instance key (shared with the protocol). */
export { instanceKey } from '../../../protocol/instanceKey';
import { instanceKey } from '../../../protocol/instanceKey';

export function kernelAtLeast(h: HostState, major: number, minor: number): boolean {
  if (!h.kernel) return true; // default: the newest behaviour
  return h.kernel.major > major || (h.kernel.major === major && h.kernel.minor >= minor);
}

export function getGuest(state: ModelState, name: string): GuestState {
  let g = state.guests.get(name);
  if (!g) {
    g = { name, policy: 'advance', pvtime: true, started: false, vcpus: new Map(), pvDiscovered: false };
    state.guests.set(name, g);
  }
  return g;
}

export function guestVcpu(g: GuestState, id: number): GuestVcpu {
  let v = g.vcpus.get(id);
  if (!v) {
    v = { stolen: 0n, enrolled: false, folded: 0n };
    g.vcpus.set(id, v);
  }
  return v;
}

export function newInstance(
  state: ModelState,
  host: HostState,
  vm: string,
  origin: InstanceState['origin'],
  originRef?: Ref,
): InstanceState {
  const key = instanceKey(host.name, vm);
  const previous = state.instances.get(key);
  const inst: InstanceState = {
    key,
    host: host.name,
    vm,
    generation: (previous?.generation ?? 0) + 1,
    origin,
    originRef,
    vcpus: new Map(),
    counterOffsetUsed: false,
    running: false,
    voffset: 0n,
    poffset: 0n,
    tsc: { lastWrite: 0n, lastNs: 0n, lastKhz: 0n, lastOffset: 0n, curOffset: 0n, curGeneration: 0, userSetTsc: false },
    kvmclockBase: 0n,
    kvmclockAt: 0n,
    kvmclockKnown: false,
    sourcePv: new Map(),
  };
  state.instances.set(key, inst);
  const g = getGuest(state, vm);
  if (!g.current) g.current = key;
  return inst;
}

export function getInstance(state: ModelState, host: HostState, vm: string): InstanceState {
  return state.instances.get(knownInstanceKey(host.name, vm)) ?? newInstance(state, host, vm, 'fresh');
}

/**
 * instanceKey, remembered: the same key string for every statement of an instance, whose hash the
 * Maps then need not compute again (issue #17: one lookup per statement). A pure memo, bounded.
 */
const KEYS = new Map<string, Map<string, string>>();
function knownInstanceKey(host: string, vm: string): string {
  let byVm = KEYS.get(host);
  if (!byVm) {
    if (KEYS.size >= 1000) KEYS.clear();
    byVm = new Map();
    KEYS.set(host, byVm);
  }
  let key = byVm.get(vm);
  if (key === undefined) {
    if (byVm.size >= 10_000) byVm.clear();
    key = instanceKey(host, vm);
    byVm.set(vm, key);
  }
  return key;
}

/** A vCPU with the instance's VM-wide values; `implicit` when the trace never created it. */
export function newVcpu(inst: InstanceState, id: number, created?: Ref): VcpuState {
  const v: VcpuState = {
    id,
    created,
    running: false,
    everRan: false,
    voffset: inst.voffset,
    poffset: inst.poffset,
    voffsetBy: inst.voffsetBy,
    poffsetBy: inst.poffsetBy,
    offsetKnown: created !== undefined || inst.vcpus.size > 0 || inst.voffsetBy !== undefined,
    trap: 'unknown',
    tscOffset: inst.tsc.curOffset,
    tscOffsetKnown: created !== undefined || inst.tsc.curGeneration > 0,
    virtualKhz: inst.defaultTscKhz,
    scaled: inst.defaultTscScaled ?? false,
    zeroRatio: inst.defaultTscZeroRatio ?? false,
    tscAdjust: 0n,
    tscGeneration: inst.tsc.curGeneration,
    kvmclockCtrl: false,
    runDelay: 0n,
    lastSteal: 0n,
    stealVersion: 0n,
  };
  inst.vcpus.set(id, v);
  return v;
}

export function getVcpu(inst: InstanceState, id: number): VcpuState {
  return inst.vcpus.get(id) ?? newVcpu(inst, id);
}

/** The guest-visible values of the running vCPUs of an instance (to detect host-made steps). */
export interface VisibleValues {
  vcpu: number;
  counter: bigint;
  cntpct?: bigint;
  kvmclock?: bigint;
}

export function visibleValues(h: HostState, inst: InstanceState, t: bigint): VisibleValues[] {
  if (!inst.running) return [];
  const out: VisibleValues[] = [];
  for (const v of inst.vcpus.values()) {
    if (!v.running) continue;
    out.push({
      vcpu: v.id,
      counter: guestCounter(h, v, t),
      cntpct: h.arch === 'arm64' && physicalOffsetApplied(h, v) ? guestCntpct(h, v, t) : undefined,
      kvmclock: h.arch === 'x86_64' && inst.kvmclockKnown ? kvmclockAt(inst, t) : undefined,
    });
  }
  return out;
}

/**
 * Runs a host-initiated change and reports every guest-visible value of a running vCPU it moved
 * (rules decide whether a move is a step back).
 */
export function hostChange(ctx: StepContext, inst: InstanceState, change: () => void): void {
  const before = visibleValues(ctx.host, inst, ctx.t);
  change();
  if (before.length === 0) return;
  const after = new Map(visibleValues(ctx.host, inst, ctx.t).map((x) => [x.vcpu, x]));
  for (const b of before) {
    const a = after.get(b.vcpu);
    if (!a) continue;
    const v = inst.vcpus.get(b.vcpu)!;
    const counterName = ctx.host.arch === 'arm64' ? 'CNTVCT' : 'TSC';
    if (a.counter !== b.counter)
      ctx.emit({
        kind: 'guestStep',
        inst: inst.key,
        vcpu: b.vcpu,
        counter: counterName,
        before: b.counter,
        after: a.counter,
        hz: guestRate(ctx.host, v),
      });
    if (a.cntpct !== undefined && b.cntpct !== undefined && a.cntpct !== b.cntpct)
      ctx.emit({
        kind: 'guestStep',
        inst: inst.key,
        vcpu: b.vcpu,
        counter: 'CNTPCT',
        before: b.cntpct,
        after: a.cntpct,
        hz: ctx.host.freq,
      });
    if (a.kvmclock !== undefined && b.kvmclock !== undefined && a.kvmclock !== b.kvmclock)
      ctx.emit({
        kind: 'guestStep',
        inst: inst.key,
        vcpu: b.vcpu,
        counter: 'kvmclock',
        before: b.kvmclock,
        after: a.kvmclock,
      });
  }
}
