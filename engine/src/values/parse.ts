// Parsers for the value kinds of docs/format.md#2-values. Each returns the exact value (bigint, never
// a float) or a description of what was expected, for the HVT090 message.
import { u64 } from './u64';

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

const DEC = /^[0-9](?:_?[0-9])*$/;
const HEX = /^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;

/** integer: decimal or 0x hex, optional leading `-`, optional `_` separators. */
export function parseInteger(text: string): Parsed<bigint> {
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  let value: bigint;
  if (/^0[xX]/.test(body)) {
    const digits = body.slice(2);
    if (!HEX.test(digits)) return fail('an integer like 25000000, 0x603000000013DF1A or -1000');
    value = BigInt(`0x${digits.replaceAll('_', '')}`);
  } else {
    if (!DEC.test(body)) return fail('an integer like 25000000, 0x603000000013DF1A or -1000');
    value = BigInt(body.replaceAll('_', ''));
  }
  return ok(neg ? -value : value);
}

/** counter / offset: an integer taken modulo 2^64. */
export function parseCounter(text: string): Parsed<bigint> {
  const r = parseInteger(text);
  return r.ok ? ok(u64(r.value)) : fail('a counter value like 250000225, 0x2540BE400 or -856010509473');
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
  const m = /^([0-9]+)(?:\.([0-9]{1,9}))?$/.exec(text);
  if (!m) return fail(/^[0-9]+\.[0-9]{10,}$/.test(text) ? `${expected} (at most 9 fractional digits)` : expected);
  const frac = (m[2] ?? '').padEnd(9, '0');
  return ok(BigInt(m[1]) * 1_000_000_000n + BigInt(frac));
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, 'µs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** duration: integer or decimal followed by ns, us, ms or s -> integer nanoseconds. */
export function parseDuration(text: string): Parsed<bigint> {
  const expected = 'a duration like 154233ns, 1.5ms or 30s';
  const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s)$/.exec(text);
  if (!m) return fail(expected);
  const v = scaledDecimal(m[1], DURATION_UNITS[m[2]]);
  return v === undefined ? fail(`${expected} (a whole number of nanoseconds)`) : ok(v);
}

const FREQ_UNITS: Record<string, bigint> = { hz: 1n, khz: 1_000n, mhz: 1_000_000n, ghz: 1_000_000_000n };

/** frequency: integer Hz, or a decimal with kHz, MHz or GHz -> integer Hz. */
export function parseFrequency(text: string): Parsed<bigint> {
  const expected = 'a frequency like 25000000, 25MHz or 2.345678GHz';
  // Integer Hz is the integer kind of docs/format.md#2-values (`_` separators, `0x` hex).
  const hz = parseInteger(text);
  if (hz.ok) return hz.value > 0n ? ok(hz.value) : fail(`${expected} (${hz.value === 0n ? 'not zero' : 'not negative'})`);
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

const NAME = /^[A-Za-z0-9_.-]+$/;
/** name: letters, digits, `_`, `-`, `.` */
export function parseName(text: string): Parsed<string> {
  return NAME.test(text) ? ok(text) : fail('a name (letters, digits, `_`, `-`, `.`)');
}
export const isName = (text: string): boolean => NAME.test(text);
