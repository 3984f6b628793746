// Reading numbers as the kernel and libtraceevent print them. `%#x` of 0 is `0x0` from the kernel
// but `0` from glibc (libtraceevent), so hex fields take an optional `0x` (docs/reference/real-captures.md#1-upstream-kernel-tracepoints-relevant-to-guest-time).
import { u64 } from '../values/u64';

/** A decimal integer, optionally negative, taken modulo 2^64 (negative u64 offsets printed signed). */
export function decU64(text: string): bigint | undefined {
  return /^-?[0-9]+$/.test(text) ? u64(BigInt(text)) : undefined;
}

/** A hex integer with or without `0x` (`%x`, `%#x`, `0x%llx`). */
export function hexU64(text: string): bigint | undefined {
  const m = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(text);
  return m ? u64(BigInt(`0x${m[1]}`)) : undefined;
}

/** `0x…` as hex, else decimal (raw `-R` fields print longs in hex, the rest in decimal). */
export function anyU64(text: string): bigint | undefined {
  return /^-?0[xX]/.test(text)
    ? text.startsWith('-')
      ? hexU64(text.slice(1)) !== undefined
        ? u64(-hexU64(text.slice(1))!)
        : undefined
      : hexU64(text)
    : decU64(text);
}

/** A small non-negative number for ids and counts. */
export function small(text: string, radix: 10 | 16 = 10): number | undefined {
  const v = radix === 16 ? hexU64(text) : decU64(text);
  return v !== undefined && v < 1_000_000n ? Number(v) : undefined;
}

/** The signed 64-bit reading of a u64 (kvm_wait_lapic_expire's `%lld`). */
export const signed64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * Raw `field=value` bodies (`trace-cmd report -R`, `perf script -F trace` raw, uprobe events): a
 * field starts at a space followed by `name=`, so values may hold spaces (`prev_comm=CPU 0/KVM`).
 * Undefined when the body is not such a list.
 */
export function rawFields(body: string): Map<string, string> | undefined {
  const text = body.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) return undefined;
  const out = new Map<string, string>();
  for (const part of text.split(/ +(?=[A-Za-z_][A-Za-z0-9_]*=)/)) {
    const eq = part.indexOf('=');
    out.set(part.slice(0, eq), part.slice(eq + 1).trim());
  }
  return out;
}
