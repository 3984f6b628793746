// The counter each timer compares with, and the reference time at which it reaches a compare value
// (t_d, docs/timers.md#t2-model "Deadline"), in exact u64 arithmetic. KVM compares unsigned: `cval <= now`
// (arm64 kvm_timer_should_fire) and `tscdeadline > guest_tsc` (x86 start_sw_tscdeadline); a
// compare value more than 2^63 ahead of the counter has "already passed" (docs/reference/kvm-timers.md#30-state-hvtimer-must-track-per-vcpu-per-timer).
import { guestCntvct, guestRate, guestTsc, kvmCntpct } from '../clock';
import type { HostState, VcpuState } from '../state';
import { sub64 } from '../../values/u64';
import { NS_PER_S } from '../../values/units';
import type { TimerName } from '../../uapi/timers';

const HALF = 1n << 63n;

/**
 * The guest counter a timer is compared with at reference time t: arm64 `P − timer_get_offset()`
 * (the vtimer uses voffset, every other timer poffset, docs/reference/kvm-timers.md#12-kvms-offsets-where-o_v-and-o_p-come-from), x86 the guest TSC.
 */
export function timerCounter(h: HostState, v: VcpuState, timer: TimerName, t: bigint): bigint {
  switch (timer) {
    case 'vtimer':
      return guestCntvct(h, v, t);
    case 'ptimer':
    case 'hvtimer':
    case 'hptimer':
      return kvmCntpct(h, v, t);
    case 'lapic':
      return guestTsc(h, v, t);
  }
}

/** Ticks per second of that counter (CNTFRQ, or the guest TSC rate). */
export const timerRate = (h: HostState, v: VcpuState, timer: TimerName): bigint =>
  timer === 'lapic' ? guestRate(h, v) : h.freq;

/** `cmp − counter` as KVM sees it: the ticks still to go, or undefined when cmp has passed. */
export function ticksUntil(cmp: bigint, counter: bigint): bigint | undefined {
  const d = sub64(cmp, counter);
  return d === 0n || d >= HALF ? undefined : d;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Reference ns that `ticks` take at `hz`, rounded up. */
export const ceilNsOfTicks = (ticks: bigint, hz: bigint): bigint => (hz <= 0n ? 0n : ceilDiv(ticks * NS_PER_S, hz));

/** Doublings of the search bracket before concluding the counter never gets there. */
const MAX_DOUBLINGS = 128;

/**
 * t_d: the first reference time, not before `now`, at which the timer's counter has reached `cmp`
 * with the vCPU's offsets as they are now. `now` itself when cmp has already passed; undefined when
 * the counter never reaches it (it does not advance: a vCPU KVM gave a zero TSC scaling ratio).
 */
export function timeReached(
  h: HostState,
  v: VcpuState,
  timer: TimerName,
  cmp: bigint,
  now: bigint,
): bigint | undefined {
  const c0 = timerCounter(h, v, timer, now);
  const d = ticksUntil(cmp, c0);
  const rate = timerRate(h, v, timer);
  if (d === undefined || rate <= 0n) return now;
  // Ticks counted since `now`, unsigned: monotone for the next 2^64 ticks (a signed distance would
  // turn negative halfway and could send the search round the wrap forever).
  const reached = (t: bigint): boolean => sub64(timerCounter(h, v, timer, t), c0) >= d;
  // The counters are floor functions of time: bracket the estimate, then bisect to the exact ns.
  let lo = now;
  let hi = now + ceilNsOfTicks(d, rate) + 2n * ceilNsOfTicks(1n, rate) + 2n;
  for (let i = 0; !reached(hi); i++) {
    if (i === MAX_DOUBLINGS) return undefined;
    lo = hi;
    hi += hi - now;
  }
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return reached(lo) ? lo : hi;
}

/**
 * When a counter that reads `counter` at `now` and runs at `hz` reaches `cmp` (the policy's time
 * line at a resume point, which has no offset of its own): now + (cmp − counter) / hz.
 */
export function timeReachedOnLine(counter: bigint, hz: bigint, cmp: bigint, now: bigint): bigint {
  const d = ticksUntil(cmp, counter);
  return d === undefined ? now : now + ceilNsOfTicks(d, hz);
}
