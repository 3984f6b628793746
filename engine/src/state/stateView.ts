// A richer view of the model state than replayJson.ts (which is the CLI's JSON contract and stays
// as it is): every instance with its vCPUs, each counter in decimal, hex and as time at the
// host's frequency, the line that set each offset, and each vCPU's timers (the CLI's shape).
// Decimal strings for every u64.
import { guestCntpct, guestCntvct, guestFreq, guestTsc, hasCntpoff, hostCounter, kvmclockAt } from '../replay/clock';
import type { GuestState, HostState, InstanceState, ModelState, VcpuState } from '../replay/state';
import { stolenConfigured } from '../replay/stolen';
import { timersSnapshot } from '../replay/timers/query';
import { counterTime, formatTime, hex, offsetTime } from '../values/format';
import type { ValueView, VcpuView, InstanceView, HostView, GuestView, StateView } from '../../../protocol/views';
export type { ValueView, VcpuView, InstanceView, HostView, GuestView, StateView } from '../../../protocol/views';

const view = (value: bigint, time: string): ValueView => ({ decimal: value.toString(), hex: hex(value), time });
const lineOf = (r: { line: number } | undefined): number | null => (r ? r.line : null);

export function vcpuView(state: ModelState, host: HostState, inst: InstanceState, v: VcpuState): VcpuView {
  const t = state.time;
  const arm = host.arch === 'arm64';
  const g = state.guests.get(inst.vm);
  const f = host.freq;
  const counter = arm ? guestCntvct(host, v, t) : guestTsc(host, v, t);
  const gf = guestFreq(host, v);
  return {
    id: v.id,
    running: v.running,
    everRan: v.everRan,
    createdLine: lineOf(v.created),
    counterName: arm ? 'CNTVCT' : 'TSC',
    guestCounter: view(counter, counterTime(counter, gf)),
    guestFreq: gf.toString(),
    cntpct: arm
      ? (() => {
          const c = guestCntpct(host, v, t);
          return view(c, counterTime(c, f));
        })()
      : null,
    virtualOffset: arm ? view(v.voffset, offsetTime(v.voffset, f)) : null,
    physicalOffset: arm ? view(v.poffset, offsetTime(v.poffset, f)) : null,
    physicalTrap: arm ? v.trap : null,
    tscOffset: arm ? null : view(v.tscOffset, offsetTime(v.tscOffset, gf)),
    tscKhz: arm ? null : (v.virtualKhz ?? f / 1000n).toString(),
    tscAdjust: arm ? null : v.tscAdjust.toString(),
    kvmclockCtrl: arm ? null : v.kvmclockCtrl,
    stolenNs: stolenConfigured(v) ? (g?.vcpus.get(v.id)?.stolen ?? 0n).toString() : null,
    pvAddress: v.pvAddress !== undefined ? hex(v.pvAddress) : v.stealMsr !== undefined ? hex(v.stealMsr) : null,
    setBy: {
      virtualOffset: lineOf(v.voffsetBy),
      physicalOffset: lineOf(v.poffsetBy),
      trap: lineOf(v.trapBy),
      tscOffset: lineOf(v.tscOffsetBy),
      pvAddress: lineOf(v.pvAddressBy ?? v.stealMsrBy),
    },
    timers: timersSnapshot(state, inst.key, v.id),
  };
}

export function instanceView(state: ModelState, inst: InstanceState): InstanceView | undefined {
  const host = state.hosts.get(inst.host);
  if (!host) return undefined;
  const t = state.time;
  const g = state.guests.get(inst.vm);
  const kvmclock = host.arch === 'x86_64' && inst.kvmclockKnown ? kvmclockAt(inst, t) : undefined;
  return {
    key: inst.key,
    host: inst.host,
    vm: inst.vm,
    generation: inst.generation,
    origin: inst.origin,
    originLine: lineOf(inst.originRef),
    current: g?.current === inst.key,
    running: inst.running,
    counterOffsetUsed: inst.counterOffsetUsed,
    kvmclock: kvmclock === undefined ? null : view(kvmclock, `${formatTime(kvmclock)} s`),
    kvmclockSetLine: lineOf(inst.clockSetBy),
    vcpus: [...inst.vcpus.values()].sort((a, b) => a.id - b.id).map((v) => vcpuView(state, host, inst, v)),
  };
}

function hostView(state: ModelState, h: HostState): HostView {
  const c = hostCounter(h, state.time);
  return {
    name: h.name,
    arch: h.arch,
    freq: h.freq.toString(),
    counter: view(c, counterTime(c, h.freq)),
    cntpoff: h.arch === 'arm64' && hasCntpoff(h),
    kernel: h.kernel ? `${h.kernel.major}.${h.kernel.minor}` : null,
    declaredLine: h.declared.line,
  };
}

function guestView(g: GuestState): GuestView {
  const s = g.stop;
  return {
    name: g.name,
    policy: g.policy,
    currentInstance: g.current ?? null,
    started: g.started,
    stop: s
      ? {
          kind: s.kind,
          line: s.at.line,
          timeNs: s.time.toString(),
          instance: s.instance,
          counters: Object.fromEntries([...s.counters].map(([k, v]) => [String(k), v.toString()])),
        }
      : null,
  };
}

export function stateView(state: ModelState): StateView {
  return {
    line: state.line,
    time: formatTime(state.time),
    timeNs: state.time.toString(),
    tolerance: state.tolerance.toString(),
    hosts: [...state.hosts.values()].map((h) => hostView(state, h)),
    guests: [...state.guests.values()].map(guestView),
    instances: [...state.instances.values()]
      .map((i) => instanceView(state, i))
      .filter((i): i is InstanceView => i !== undefined),
  };
}
