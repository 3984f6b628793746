// Human-readable numbers for messages and hovers: times, durations, frequencies, tick counts.
import { NS_PER_S } from './units';
import { abs } from './u64';

/** Reference time in seconds with 9 decimals (`20.600100000`), as in the TIME column. */
export function formatTime(ns: bigint): string {
  const neg = ns < 0n;
  const a = abs(ns);
  return `${neg ? '-' : ''}${a / NS_PER_S}.${(a % NS_PER_S).toString().padStart(9, '0')}`;
}

/** Rounds `num/den` to `digits` decimals, half away from zero, as a plain decimal string. */
function decimal(num: bigint, den: bigint, digits: number): string {
  const neg = (num < 0n) !== (den < 0n) && num !== 0n;
  const n = abs(num), d = abs(den);
  const scale = 10n ** BigInt(digits);
  const scaled = (n * scale * 2n + d) / (2n * d);
  const int = scaled / scale;
  let frac = (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (digits === 0) frac = '';
  return `${neg && scaled !== 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** A duration in ns with an adaptive unit: `599.99 ms`, `30 s`, `1.5 µs`, `250 ns`. */
export function formatDuration(ns: bigint): string {
  const a = abs(ns);
  if (a >= NS_PER_S) return `${decimal(ns, NS_PER_S, 6)} s`;
  if (a >= 1_000_000n) return `${decimal(ns, 1_000_000n, 3)} ms`;
  if (a >= 1_000n) return `${decimal(ns, 1_000n, 3)} µs`;
  return `${ns} ns`;
}

/** A frequency: `25 MHz`, `1 GHz`, `2.345678 GHz`, `32.768 kHz`, `100 Hz`. */
export function formatFrequency(hz: bigint): string {
  if (hz >= 1_000_000_000n) return `${decimal(hz, 1_000_000_000n, 9)} GHz`;
  if (hz >= 1_000_000n) return `${decimal(hz, 1_000_000n, 6)} MHz`;
  if (hz >= 1_000n) return `${decimal(hz, 1_000n, 3)} kHz`;
  return `${hz} Hz`;
}

/** Ticks as time at a frequency: `599.99 ms`. */
export function ticksAsDuration(ticks: bigint, hz: bigint): string {
  return formatDuration(hz === 0n ? 0n : (ticks * NS_PER_S) / hz);
}

