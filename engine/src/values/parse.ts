// Parsers for the value kinds of docs/format.md#2-values. Each returns the exact value (bigint, never
// a float) or a description of what was expected, for the HVT090 message.
import { U64_MAX, u64 } from './u64';

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

// The patterns of docs/format.md#2-values, checked by hand rather than by regular expressions: a
// trace of a million lines parses millions of values (issue #17). parse.property.test.ts checks
// each scanner against the regular expression it replaces.
//   integer  ^-?(0[xX])?D(_?D)*$   (D a decimal digit, or a hex digit after 0x)
//   time     ^[0-9]+(\.[0-9]{1,9})?$
//   name     ^[A-Za-z0-9_.-]+$

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Whether `text` from `from` on is one or more digits with single `_` between digits (decimal, or
 * hex when `hex`): the number of `_`, or -1 when it is not.
 */
function digitRun(text: string, from: number, hex: boolean): number {
  const n = text.length;
  if (from >= n) return -1;
  let underscores = 0;
  let afterDigit = false;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 95) {
      // `_` only between two digits
      if (!afterDigit) return -1;
      afterDigit = false;
      underscores++;
    } else if (hex ? isHexDigit(c) : isDigit(c)) {
      afterDigit = true;
    } else {
      return -1;
    }
  }
  return afterDigit ? underscores : -1;
}

/**
 * The value of a run of decimal digits `text[from, to)`. Fewer than 16 digits are accumulated in a
 * double, which is exact below 2^53 (10^15 < 2^53), and converted once; longer runs go through
 * BigInt's own parser. No counter is ever rounded.
 */
export function decimalValue(text: string, from: number, to: number): bigint {
  if (to - from > 15) return BigInt(text.slice(from, to));
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return BigInt(n);
}

const INTEGER_EXPECTED = 'an integer like 25000000, 0x603000000013DF1A or -1000';

/** integer: decimal or 0x hex, optional leading `-`, optional `_` separators. */
export function parseInteger(text: string): Parsed<bigint> {
  const neg = text.charCodeAt(0) === 45; // `-`
  const start = neg ? 1 : 0;
  let value: bigint;
  if (text.charCodeAt(start) === 48 && (text.charCodeAt(start + 1) | 32) === 120) {
    // 0x or 0X
    const underscores = digitRun(text, start + 2, true);
    if (underscores < 0) return fail(INTEGER_EXPECTED);
    const digits = text.slice(start + 2);
    value = BigInt(`0x${underscores ? digits.replaceAll('_', '') : digits}`);
  } else {
    const underscores = digitRun(text, start, false);
    if (underscores < 0) return fail(INTEGER_EXPECTED);
    value = underscores ? BigInt(text.slice(start).replaceAll('_', '')) : decimalValue(text, start, text.length);
  }
  return ok(neg ? -value : value);
}

/** counter / offset: an integer taken modulo 2^64. */
export function parseCounter(text: string): Parsed<bigint> {
  const r = parseInteger(text);
  if (!r.ok) return fail('a counter value like 250000225, 0x2540BE400 or -856010509473');
  return r.value >= 0n && r.value <= U64_MAX ? r : ok(u64(r.value));
}

/** A non-negative integer that fits a JavaScript number (vCPU ids, version numbers, kHz). */
export function parseSmallInteger(text: string, what = 'a non-negative integer'): Parsed<number> {
  const r = parseInteger(text);
  if (!r.ok || r.value < 0n || r.value > BigInt(Number.MAX_SAFE_INTEGER)) return fail(what);
  return ok(Number(r.value));
}

/** A decimal scaled by `scale` units; undefined unless the result is a whole number of units. */
function scaledDecimal(text: string, scale: bigint): bigint | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const whole = BigInt(m[1]) * scale;
  if (frac.length === 0) return whole;
  // Exact: value = whole + frac * scale / 10^len, must be an integer.
  const num = BigInt(frac) * scale;
  const den = 10n ** BigInt(frac.length);
  if (num % den !== 0n) return undefined;
  return whole + num / den;
}

/** time: seconds, decimal, up to 9 fractional digits -> integer nanoseconds. */
export function parseTime(text: string): Parsed<bigint> {
  const expected = 'a time in seconds like 12.000000500';
  const n = text.length;
  let dot = 0;
  while (dot < n && isDigit(text.charCodeAt(dot))) dot++;
  if (dot === 0) return fail(expected);
  if (dot === n) return ok(decimalValue(text, 0, n) * 1_000_000_000n);
  if (text.charCodeAt(dot) !== 46) return fail(expected); // `.`
  let end = dot + 1;
  while (end < n && isDigit(text.charCodeAt(end))) end++;
  const fracDigits = end - dot - 1;
  if (end !== n || fracDigits === 0) return fail(expected);
  if (fracDigits > 9) return fail(`${expected} (at most 9 fractional digits)`);
  let frac = 0;
  for (let i = dot + 1; i < end; i++) frac = frac * 10 + (text.charCodeAt(i) - 48);
  for (let i = fracDigits; i < 9; i++) frac *= 10;
  // Seconds below 9007198 make at most 9007198999999999 ns, below 2^53: exact as one double.
  if (dot <= 7) {
    let sec = 0;
    for (let i = 0; i < dot; i++) sec = sec * 10 + (text.charCodeAt(i) - 48);
    if (sec < 9_007_198) return ok(BigInt(sec * 1_000_000_000 + frac));
  }
  return ok(decimalValue(text, 0, dot) * 1_000_000_000n + BigInt(frac));
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** duration: integer or decimal followed by ns, us, ms or s -> integer nanoseconds. */
export function parseDuration(text: string): Parsed<bigint> {
  const expected = 'a duration like 154233ns, 1.5ms or 30s';
  // `[0-9]+(\.[0-9]+)?` then the unit: the number has no letters, so the unit is all that follows it.
  const n = text.length;
  let end = 0;
  while (end < n && isDigit(text.charCodeAt(end))) end++;
  const intEnd = end;
  if (intEnd === 0) return fail(expected);
  if (text.charCodeAt(end) === 46) {
    end++;
    while (end < n && isDigit(text.charCodeAt(end))) end++;
    if (end === intEnd + 1) return fail(expected);
  }
  const unit = text.slice(end);
  const scale = Object.hasOwn(DURATION_UNITS, unit) ? DURATION_UNITS[unit] : undefined;
  if (scale === undefined) return fail(expected);
  if (end === intEnd) return ok(decimalValue(text, 0, intEnd) * scale);
  const v = scaledDecimal(text.slice(0, end), scale);
  return v === undefined ? fail(`${expected} (a whole number of nanoseconds)`) : ok(v);
}

const FREQ_UNITS: Record<string, bigint> = { hz: 1n, khz: 1_000n, mhz: 1_000_000n, ghz: 1_000_000_000n };

/** frequency: integer Hz, or a decimal with kHz, MHz or GHz -> integer Hz. */
export function parseFrequency(text: string): Parsed<bigint> {
  const expected = 'a frequency like 25000000, 25MHz or 2.345678GHz';
  // Integer Hz is the integer kind of docs/format.md#2-values (`_` separators, `0x` hex).
  const hz = parseInteger(text);
  if (hz.ok)
    return hz.value > 0n ? ok(hz.value) : fail(`${expected} (${hz.value === 0n ? 'not zero' : 'not negative'})`);
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(text);
  if (!m) return fail(expected);
  const unit = m[2].toLowerCase();
  // Own keys only: `1constructor` must not find Object.prototype.constructor.
  const scale = unit === '' ? 1n : Object.hasOwn(FREQ_UNITS, unit) ? FREQ_UNITS[unit] : undefined;
  if (scale === undefined) return fail(expected);
  const v = scaledDecimal(m[1], scale);
  if (v === undefined) return fail(`${expected} (a whole number of Hz)`);
  if (v === 0n) return fail(`${expected} (not zero)`);
  return ok(v);
}

/** A name character: letters, digits, `_`, `-`, `.` */
const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;

/** name: letters, digits, `_`, `-`, `.` */
export function parseName(text: string): Parsed<string> {
  return isName(text) ? ok(text) : fail('a name (letters, digits, `_`, `-`, `.`)');
}

export function isName(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (!isNameChar(text.charCodeAt(i))) return false;
  return true;
}
