// Exact unsigned 64-bit arithmetic on bigint (counters and offsets are u64; KVM wraps mod 2^64).
export const U64_MOD = 1n << 64n;
export const U64_MAX = U64_MOD - 1n;
const I64_MIN = -(1n << 63n);

/** Reduces any integer to its u64 representative (negative numbers become two's complement). */
export function u64(x: bigint): bigint {
  // Most values already are u64: two comparisons are much cheaper than a bigint remainder.
  if (x >= 0n && x < U64_MOD) return x;
  const r = x % U64_MOD;
  return r < 0n ? r + U64_MOD : r;
}

export const add64 = (a: bigint, b: bigint): bigint => u64(a + b);
export const sub64 = (a: bigint, b: bigint): bigint => u64(a - b);

/** `a - b` read as a signed 64-bit number: a wrap from 0xFFFFFFFFFFFFFFF0 to 0x10 is +0x20. */
export function signedDiff(a: bigint, b: bigint): bigint {
  const d = u64(a - b);
  return d >= -I64_MIN ? d - U64_MOD : d;
}

export const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** Floor division for bigint (bigint `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (a >= 0n && b > 0n) return a / b; // the usual case: truncation is the floor
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export const hex = (x: bigint): string => `0x${u64(x).toString(16).toUpperCase()}`;
