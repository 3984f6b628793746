// Where the timeline looks first, and where "Show timeline" on a line looks: pure functions on
// reference times (bigint ns), so the rule can be tested without a browser.
//
// The first view frames what a person opens the timeline for — the handoffs and the findings —
// instead of the whole trace, where a migration is a sliver at the right edge:
//   * the interesting times are each finding's time, each handoff's `vmm migrate` / `vmm restore`
//     statement and the destination's resume point, and a migration's stop (a restore's stop is a
//     snapshot taken any time earlier, so it is left out: the handoff's curve comes in from the left);
//   * the frame is their span padded by FRAME_PAD of it on each side (a single instant gets a span
//     of FOCUS_NEIGHBOURS × its distance to the nearest other statement, so that the neighbours on
//     both sides show, off the edges);
//   * with nothing interesting, or when the frame would cover most of the trace anyway
//     (FIT_ALL_FRACTION), the whole trace (`fit`, also on `0`).

export interface NsRange {
  fromNs: bigint;
  toNs: bigint;
}

export interface HandoffTimes {
  kind: 'migrate' | 'restore';
  stopNs: string;
  timeNs: string;
  resumeNs: string | null;
}

/** Padding on each side of the interesting span, as a fraction of it. */
export const FRAME_PAD = 0.25;
/** A frame covering at least this fraction of the trace becomes the whole trace. */
export const FIT_ALL_FRACTION = 0.8;
/** Fit leaves this fraction of the trace's span free on each side (viewport.ts `FIT_MARGIN`). */
export const FIT_MARGIN_NS_FRACTION = 0.02;
/** Narrowest frame: 10 µs. */
export const MIN_FRAME_NS = 10_000n;
/** A single instant is framed with this many times its distance to the nearest other statement. */
export const FOCUS_NEIGHBOURS = 5n;

const scale = (x: bigint, f: number): bigint => BigInt(Math.round(Number(x) * f));

/** The whole trace [start, end] with FIT_MARGIN_NS_FRACTION on each side (at least 1 µs). */
export function fitAllNs(extent: NsRange): NsRange {
  const span = extent.toNs - extent.fromNs;
  let margin = scale(span, FIT_MARGIN_NS_FRACTION);
  if (margin < 1000n) margin = 1000n;
  return { fromNs: extent.fromNs - margin, toNs: extent.toNs + margin };
}

/** The times the first view should show (sorted, distinct). */
export function interestingTimes(handoffs: readonly HandoffTimes[], findingTimes: readonly bigint[]): bigint[] {
  const out = new Set<bigint>(findingTimes);
  for (const h of handoffs) {
    out.add(BigInt(h.timeNs));
    if (h.resumeNs !== null) out.add(BigInt(h.resumeNs));
    if (h.kind === 'migrate') out.add(BigInt(h.stopNs));
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The distance from `t` to the nearest statement at another time (null: no other statement). */
export function nearestGap(t: bigint, statementTimes: readonly bigint[]): bigint | null {
  let best: bigint | null = null;
  for (const s of statementTimes) {
    const d = s > t ? s - t : t - s;
    if (d > 0n && (best === null || d < best)) best = d;
  }
  return best;
}

/** Centred on `t`, FOCUS_NEIGHBOURS × the gap to its nearest neighbour wide (at least MIN_FRAME_NS). */
export function frameAround(t: bigint, statementTimes: readonly bigint[], extent: NsRange): NsRange {
  const gap = nearestGap(t, statementTimes) ?? extent.toNs - extent.fromNs;
  let span = gap * FOCUS_NEIGHBOURS;
  if (span < MIN_FRAME_NS) span = MIN_FRAME_NS;
  return clampTo({ fromNs: t - span / 2n, toNs: t - span / 2n + span }, fitAllNs(extent));
}

/** `r` moved (and if need be narrowed) to lie within `bounds`. */
export function clampTo(r: NsRange, bounds: NsRange): NsRange {
  const span = r.toNs - r.fromNs;
  if (span >= bounds.toNs - bounds.fromNs) return { ...bounds };
  if (r.fromNs < bounds.fromNs) return { fromNs: bounds.fromNs, toNs: bounds.fromNs + span };
  if (r.toNs > bounds.toNs) return { fromNs: bounds.toNs - span, toNs: bounds.toNs };
  return r;
}

/** The first view of a trace (see the rule at the top of this file). */
export function initialFrame(
  extent: NsRange,
  handoffs: readonly HandoffTimes[],
  findingTimes: readonly bigint[],
  statementTimes: readonly bigint[],
): NsRange {
  const all = fitAllNs(extent);
  const times = interestingTimes(handoffs, findingTimes);
  if (times.length === 0) return all;
  const lo = times[0];
  const hi = times[times.length - 1];
  let frame: NsRange;
  if (hi === lo) frame = frameAround(lo, statementTimes, extent);
  else {
    const pad = scale(hi - lo, FRAME_PAD);
    frame = { fromNs: lo - pad, toNs: hi + pad };
    if (frame.toNs - frame.fromNs < MIN_FRAME_NS) {
      const mid = (lo + hi) / 2n;
      frame = { fromNs: mid - MIN_FRAME_NS / 2n, toNs: mid - MIN_FRAME_NS / 2n + MIN_FRAME_NS };
    }
    frame = clampTo(frame, all);
  }
  const traceSpan = extent.toNs - extent.fromNs;
  if (traceSpan > 0n && Number(frame.toNs - frame.fromNs) >= FIT_ALL_FRACTION * Number(traceSpan)) return all;
  return frame;
}
