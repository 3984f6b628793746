// The replay state as plain JSON (docs/cli.md `replay --format json`, and the language server's state
// request). Every counter is a decimal string: u64 values do not fit JSON numbers.
import { guestCounter, hostCounter } from '../replay/clock';
import type { ReplayJson, VcpuReplayJson } from '../../../protocol/views';
export type { ReplayJson, VcpuReplayJson } from '../../../protocol/views';
import type { ModelState, InstanceState, GuestState } from '../replay/state';
import { formatTime } from '../values/format';
import { stolenConfigured } from '../replay/stolen';
import { timersSnapshot } from '../replay/timers/query';

export function currentInstance(state: ModelState, g: GuestState): InstanceState | undefined {
  return g.current ? state.instances.get(g.current) : undefined;
}

export function replayJson(state: ModelState): ReplayJson {
  const t = state.time;
  const hosts: ReplayJson['hosts'] = {};
  for (const h of state.hosts.values())
    hosts[h.name] = { counter: hostCounter(h, t).toString(), freq: h.freq.toString() };
  const vms: ReplayJson['vms'] = {};
  for (const g of state.guests.values()) {
    const inst = currentInstance(state, g);
    const host = inst ? state.hosts.get(inst.host) : undefined;
    const vcpus: Record<string, VcpuReplayJson> = {};
    if (inst && host) {
      for (const v of [...inst.vcpus.values()].sort((a, b) => a.id - b.id)) {
        const arm = host.arch === 'arm64';
        vcpus[String(v.id)] = {
          guest_counter: guestCounter(host, v, t).toString(),
          virtual_offset: arm ? v.voffset.toString() : null,
          physical_offset: arm ? v.poffset.toString() : null,
          physical_trap: arm ? v.trap : null,
          tsc_offset: arm ? null : v.tscOffset.toString(),
          stolen_ns: stolenConfigured(v) ? (g.vcpus.get(v.id)?.stolen ?? 0n).toString() : null,
          timers: timersSnapshot(state, inst.key, v.id),
        };
      }
    }
    vms[g.name] = { host: inst?.host ?? null, running: inst?.running ?? false, vcpus };
  }
  return { time: formatTime(t), hosts, vms };
}
