// Timer tolerances (docs/timers.md#t2-model "Tolerances"), overridable by
// `@tolerance timer_early=… timer_late=… timer_lost=…`:
//   early = 2 counter ticks + 1 µs (arm64), 200 ns + 1 µs (x86: TSC cycles, or ns for a one-shot
//           or periodic timer whose compare value is a reference time);
//   late  = 1 ms if the vCPU was blocked at t_d, else 100 µs (timer_late replaces the running
//           value; a blocked vCPU keeps at least 1 ms);
//   lost  = max(100 ms, 10 × late) (timer_lost replaces it);
//   storm = 2000 deliveries within 1 s (timer_storm=N replaces the count: an hvtimer extension).
import type { ToleranceDirective } from '../../syntax/ast';
import { ticksIn } from '../../values/units';
import type { ModelState, Ref } from '../state';
import type { TimerName } from '../../uapi/timers';
import type { TimerTolerances } from './state';

export const EARLY_MAP_NS = 1_000n;
export const EARLY_X86_NS = 200n;
export const EARLY_ARM64_TICKS = 2n;
export const LATE_RUNNING_NS = 100_000n;
export const LATE_BLOCKED_NS = 1_000_000n;
export const LOST_MIN_NS = 100_000_000n;
export const STORM_EDGES = 2000;

/** `@tolerance … timer_*=` sets the overrides it names. */
export function setTimerTolerances(state: ModelState, d: ToleranceDirective, by: Ref): void {
  const t = state.timers.tolerances;
  if (d.timerEarly) t.early = d.timerEarly.value;
  if (d.timerLate) t.late = d.timerLate.value;
  if (d.timerLost) t.lost = d.timerLost.value;
  if (d.timerStorm) t.storm = d.timerStorm.value;
  if (d.timerEarly || d.timerLate || d.timerLost || d.timerStorm) t.by = by;
}

/** The early tolerance in ticks of the timer's counter at `hz`, and as reference ns. */
export function earlyTolerance(t: TimerTolerances, timer: TimerName, hz: bigint): { ticks: bigint; ns: bigint } {
  if (t.early !== undefined) return { ticks: ticksIn(t.early, hz), ns: t.early };
  if (timer === 'lapic') {
    const ns = EARLY_X86_NS + EARLY_MAP_NS;
    return { ticks: ticksIn(ns, hz), ns };
  }
  return {
    ticks: EARLY_ARM64_TICKS + ticksIn(EARLY_MAP_NS, hz),
    ns: EARLY_MAP_NS + (hz > 0n ? (EARLY_ARM64_TICKS * 1_000_000_000n) / hz : 0n),
  };
}

export function lateTolerance(t: TimerTolerances, blocked: boolean): bigint {
  const running = t.late ?? LATE_RUNNING_NS;
  return blocked ? (running > LATE_BLOCKED_NS ? running : LATE_BLOCKED_NS) : running;
}

export function lostTolerance(t: TimerTolerances, blocked: boolean): bigint {
  if (t.lost !== undefined) return t.lost;
  const tenLate = 10n * lateTolerance(t, blocked);
  return tenLate > LOST_MIN_NS ? tenLate : LOST_MIN_NS;
}
