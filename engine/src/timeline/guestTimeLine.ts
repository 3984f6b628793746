// The time line each guest vCPU should follow, for the clock error (guest counter minus expected):
// anchored at the vCPU's first run, advancing at the guest's frequency, through downtime too under
// policy `advance`, not under `freeze` (docs/format.md#64-resume-points-and-the-guest-time-line). Used by the
// timeline index.
import { guestCounter, guestFreq } from '../replay/clock';
import type { ReplayEvent } from '../replay/events';
import type { ModelState } from '../replay/state';
import { add64 } from '../values/u64';
import { ticksIn } from '../values/units';
import { guestVcpuKey, parseInstanceKey } from '../../../protocol/instanceKey';

/** E(t) = base + (t - at) * freq while it advances. */
export interface Anchor {
  at: bigint;
  base: bigint;
  freq: bigint;
}

export class GuestTimeLines {
  private readonly anchors = new Map<string, Anchor>();

  /** Keeps each vCPU's time line up to date with one replay event at reference time `t`. */
  track(e: ReplayEvent, state: ModelState, t: bigint): void {
    if (e.kind === 'resumePoint') {
      const { vm } = parseInstanceKey(e.inst);
      const key = guestVcpuKey(vm, e.vcpu);
      const a = this.anchors.get(key);
      if (!a) {
        this.anchors.set(key, { at: t, base: e.expected, freq: e.freqBefore });
        return;
      }
      // Continue the time line from the stop: it advanced through the downtime unless frozen.
      const atStop = expectedAt(a, e.stop.time);
      const policy = state.guests.get(vm)?.policy ?? 'advance';
      const base = policy === 'advance' ? add64(atStop, ticksIn(t - e.stop.time, a.freq)) : atStop;
      this.anchors.set(key, { at: t, base, freq: e.freqBefore });
    } else if (e.kind === 'run') {
      const key = guestVcpuKey(parseInstanceKey(e.inst).vm, e.vcpu);
      if (this.anchors.has(key)) return;
      const inst = state.instances.get(e.inst);
      const host = inst ? state.hosts.get(inst.host) : undefined;
      const v = inst?.vcpus.get(e.vcpu);
      if (host && v) this.anchors.set(key, { at: t, base: guestCounter(host, v, t), freq: guestFreq(host, v) });
    }
  }

  /** A copy that tracks on independently (anchors are replaced, never changed, so sharing them is safe). */
  clone(): GuestTimeLines {
    const c = new GuestTimeLines();
    for (const [k, a] of this.anchors) c.anchors.set(k, a);
    return c;
  }

  anchor(vm: string, vcpu: number): Anchor | undefined {
    return this.anchors.get(guestVcpuKey(vm, vcpu));
  }
}

/** The time line's value at `t`. */
export const expectedAt = (a: Anchor, t: bigint): bigint => add64(a.base, ticksIn(t - a.at, a.freq));
