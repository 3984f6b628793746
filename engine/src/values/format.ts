// Human-readable numbers for messages, hovers, inlay hints, reports and state views: times,
// durations, frequencies, counters as time, signed quantities. One formatter per kind of number;
// exact bigint arithmetic throughout.
import { abs, hex, signedDiff } from './u64';
import { NS_PER_S, nsOfTicks } from './units';
import { displayText } from '../text/escape';

export { hex };

/** Reference time in seconds with 9 decimals (`20.600100000`), as in the TIME column. */
export function formatTime(ns: bigint): string {
  const neg = ns < 0n;
  const a = abs(ns);
  return `${neg ? '-' : ''}${a / NS_PER_S}.${(a % NS_PER_S).toString().padStart(9, '0')}`;
}

/**
 * `num/den` rounded half away from zero to `digits` decimals, as a plain decimal string; trailing
 * zeros are dropped unless `keepZeros`.
 */
function decimal(num: bigint, den: bigint, digits: number, keepZeros = false): string {
  const neg = num < 0n !== den < 0n && num !== 0n;
  const n = abs(num),
    d = abs(den);
  const scale = 10n ** BigInt(digits);
  const scaled = (n * scale * 2n + d) / (2n * d);
  const int = scaled / scale;
  let frac = digits === 0 ? '' : (scaled % scale).toString().padStart(digits, '0');
  if (!keepZeros) frac = frac.replace(/0+$/, '');
  return `${neg && scaled !== 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** A duration in ns with an adaptive unit: `599.99 ms`, `30 s`, `1.5 µs`, `250 ns` (up to 6 decimals in s, 3 below). */
export function formatDuration(ns: bigint): string {
  const a = abs(ns);
  if (a >= NS_PER_S) return `${decimal(ns, NS_PER_S, 6)} s`;
  if (a >= 1_000_000n) return `${decimal(ns, 1_000_000n, 3)} ms`;
  if (a >= 1_000n) return `${decimal(ns, 1_000n, 3)} µs`;
  return `${ns} ns`;
}

/** A duration with three decimals kept, for labels that line up: `3.200 ms`, `899.990 ms`, `1.500 s`, `250 ns`. */
export function fixedDuration(ns: bigint): string {
  const a = abs(ns);
  if (a >= NS_PER_S) return `${decimal(ns, NS_PER_S, 3, true)} s`;
  if (a >= 1_000_000n) return `${decimal(ns, 1_000_000n, 3, true)} ms`;
  if (a >= 1_000n) return `${decimal(ns, 1_000n, 3, true)} µs`;
  return `${ns} ns`;
}

/** A signed duration: `+600.1 ms`, `-599.99 ms`, `+0 ns`. */
export const signedDuration = (ns: bigint): string => `${ns < 0n ? '' : '+'}${formatDuration(ns)}`;

/** A frequency: `25 MHz`, `1 GHz`, `2.345678 GHz`, `32.768 kHz`, `100 Hz`. */
export function formatFrequency(hz: bigint): string {
  if (hz >= 1_000_000_000n) return `${decimal(hz, 1_000_000_000n, 9)} GHz`;
  if (hz >= 1_000_000n) return `${decimal(hz, 1_000_000n, 6)} MHz`;
  if (hz >= 1_000n) return `${decimal(hz, 1_000n, 3)} kHz`;
  return `${hz} Hz`;
}

/** Ticks as time at a frequency: `599.99 ms`. */
export const ticksAsDuration = (ticks: bigint, hz: bigint): string => formatDuration(nsOfTicks(ticks, hz));

/** A u64 counter as time at `hz`, in the TIME column's format: `220.600100000 s`. */
export const counterTime = (ticks: bigint, hz: bigint): string => `${formatTime(nsOfTicks(ticks, hz))} s`;

/** An offset as time at `hz`: read as signed 64-bit (a huge u64 is a negative offset). */
export const offsetTime = (offset: bigint, hz: bigint): string =>
  `${formatTime(nsOfTicks(signedDiff(offset, 0n), hz))} s`;

/** A counter as guest seconds with 3 decimals and a sign: `+10.000 s` (the inlay hints). */
export function guestSeconds(ticks: bigint, hz: bigint): string {
  if (hz === 0n) return '+0.000 s';
  const s = decimal(ticks, hz, 3, true);
  return `${s.startsWith('-') ? '' : '+'}${s} s`;
}

/** A signed tick count: `+2750`, `-14999750`. */
export const signedTicks = (n: bigint): string => `${n < 0n ? '' : '+'}${n}`;

/** Plural `tick`/`ticks`. */
export const ticksWord = (n: bigint): string => (abs(n) === 1n ? 'tick' : 'ticks');

/** 1-based line number for people. */
export const lineNo = (line: number): number => line + 1;

/** Escapes text for a markdown table cell or inline text. */
export const mdEscape = (s: string): string => displayText(s).replace(/[\\`*_|<>[\]]/g, (c) => `\\${c}`);
