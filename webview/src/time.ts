// Reference time in the webview. Times arrive as decimal strings of ns; they become doubles (ms from
// the start of the trace) only to be plotted. What is shown as a number (cursor, A/B, Δt, tooltips)
// is computed on the exact bigint values.

export class TimeBase {
  constructor(readonly startNs: bigint) {}

  /** ms from the start of the trace, for plotting. */
  toMs(ns: string | bigint): number {
    return Number(BigInt(ns) - this.startNs) / 1e6;
  }

  /** The ns closest to a plotted position. */
  toNs(ms: number): bigint {
    return this.startNs + BigInt(Math.round(ms * 1e6));
  }
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** `20.600100000 s`, exactly. */
export function formatSeconds(ns: bigint): string {
  const a = abs(ns);
  return `${ns < 0n ? '-' : ''}${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, '0')} s`;
}

/**
 * A signed duration with an exact decimal in a unit picked by size: `+600.1 ms`, `-599.99 ms`,
 * `+1.234567 ms`, `+250 ns`. Unlike the engine's `formatDuration` (messages, hovers: rounded to 3
 * decimals below a second, 6 above) it never rounds: it is the Δt between two markers the user set.
 */
export function formatExactDuration(ns: bigint): string {
  const sign = ns < 0n ? '-' : '+';
  const a = abs(ns);
  const [unit, scale] =
    a >= 1_000_000_000n
      ? ['s', 1_000_000_000n]
      : a >= 1_000_000n
        ? ['ms', 1_000_000n]
        : a >= 1_000n
          ? ['µs', 1_000n]
          : ['ns', 1n];
  const digits = scale.toString().length - 1;
  const frac = digits ? `.${(a % scale).toString().padStart(digits, '0')}`.replace(/\.?0+$/, '') : '';
  return `${sign}${a / scale}${frac} ${unit}`;
}

/** A tick label for an axis position (a double is fine for labels): seconds with as many decimals as the step needs. */
export function tickLabel(startNs: bigint, ms: number, stepMs: number): string {
  const decimals = Math.min(9, Math.max(0, Math.ceil(-Math.log10(stepMs / 1000) + 1e-9)));
  const seconds = Number(startNs / 1_000_000n) / 1000 + ms / 1000;
  return seconds.toFixed(decimals);
}

/** Steps of 1, 2, 5 × 10^k ms giving about `target` ticks over `spanMs`. */
export function tickStep(spanMs: number, target: number): number {
  const raw = spanMs / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
