// Wording shared by the editor queries (hover, inlay hints, code lenses, timeline): numbers in
// decimal, hex and as time at a frequency, signed durations. Exact bigint arithmetic throughout.
import { formatFrequency, formatTime } from '../values/format';
import { abs, hex, signedDiff } from '../values/u64';
import { NS_PER_S } from '../values/units';
import { displayText } from '../text/escape';

export { formatFrequency, formatTime, hex };

/** Nanoseconds that `ticks` take at `hz`, rounded toward zero (0 for a zero frequency). */
export const nsOf = (ticks: bigint, hz: bigint): bigint => (hz === 0n ? 0n : (ticks * NS_PER_S) / hz);

/** A u64 counter as time at `hz`, in the TIME column's format: `220.600100000 s`. */
export const counterTime = (ticks: bigint, hz: bigint): string => `${formatTime(nsOf(ticks, hz))} s`;

/** An offset as time at `hz`: read as signed 64-bit (a huge u64 is a negative offset). */
export const offsetTime = (offset: bigint, hz: bigint): string => `${formatTime(nsOf(signedDiff(offset, 0n), hz))} s`;

/** Rounds `num/den` half away from zero to `digits` decimals. */
function fixed(num: bigint, den: bigint, digits: number): string {
  const neg = num < 0n !== den < 0n && num !== 0n;
  const n = abs(num);
  const d = abs(den);
  const scale = 10n ** BigInt(digits);
  const scaled = (n * scale * 2n + d) / (2n * d);
  const int = scaled / scale;
  const frac = digits > 0 ? `.${(scaled % scale).toString().padStart(digits, '0')}` : '';
  return `${neg && scaled !== 0n ? '-' : ''}${int}${frac}`;
}

/** A counter as guest seconds with 3 decimals and a sign: `+10.000 s`. */
export function guestSeconds(ticks: bigint, hz: bigint): string {
  if (hz === 0n) return '+0.000 s';
  const s = fixed(ticks, hz, 3);
  return `${s.startsWith('-') ? '' : '+'}${s} s`;
}

/** A duration with a unit picked by size and 3 decimals: `599.990 ms`, `1.500 s`, `250 ns`. */
export function duration(ns: bigint): string {
  const a = abs(ns);
  if (a >= NS_PER_S) return `${fixed(ns, NS_PER_S, 3)} s`;
  if (a >= 1_000_000n) return `${fixed(ns, 1_000_000n, 3)} ms`;
  if (a >= 1_000n) return `${fixed(ns, 1_000n, 3)} µs`;
  return `${ns} ns`;
}

/** A signed duration: `+600.100 ms`, `-599.990 ms`, `+0 ns`. */
export const signedDuration = (ns: bigint): string => `${ns < 0n ? '' : '+'}${duration(ns)}`;

/** A signed tick count: `+2750`, `-14999750`. */
export const signedTicks = (n: bigint): string => `${n < 0n ? '' : '+'}${n}`;

/** Plural `tick`/`ticks`. */
export const ticksWord = (n: bigint): string => (abs(n) === 1n ? 'tick' : 'ticks');

/** 1-based line number for people. */
export const lineNo = (line: number): number => line + 1;

/** Escapes text for a markdown table cell or inline text. */
export const mdEscape = (s: string): string => displayText(s).replace(/[\\`*_|<>[\]]/g, (c) => `\\${c}`);
