// The visible time range (ms from the start of the trace) and how zoom, pan and fit change it.

export interface Range {
  fromMs: number;
  toMs: number;
}

/** Narrowest range: 100 ns (statements are timed to the ns; two reads 40 ns apart must come apart). */
export const MIN_SPAN_MS = 0.0001;
/** Fit leaves this fraction of the trace's span free on each side, so edge markers stay visible. */
export const FIT_MARGIN = 0.02;

export const span = (r: Range): number => r.toMs - r.fromMs;

/** Zooms by `factor` (> 1: in) keeping `anchorMs` where it is on screen. */
export function zoom(r: Range, factor: number, anchorMs = (r.fromMs + r.toMs) / 2): Range {
  const s = Math.max(MIN_SPAN_MS, span(r) / factor);
  const k = span(r) > 0 ? (anchorMs - r.fromMs) / span(r) : 0.5;
  return { fromMs: anchorMs - k * s, toMs: anchorMs - k * s + s };
}

/** Pans by a fraction of the visible span (> 0: later). */
export function pan(r: Range, fraction: number): Range {
  const d = span(r) * fraction;
  return { fromMs: r.fromMs + d, toMs: r.toMs + d };
}

/** The whole trace with a margin. */
export function fit(extentMs: number): Range {
  const margin = Math.max(extentMs * FIT_MARGIN, MIN_SPAN_MS);
  return { fromMs: -margin, toMs: extentMs + margin };
}

/** Centres `ms` keeping the span, unless it is already visible. */
export function reveal(r: Range, ms: number): Range {
  if (ms >= r.fromMs && ms <= r.toMs) return r;
  const s = span(r);
  return { fromMs: ms - s / 2, toMs: ms + s / 2 };
}
