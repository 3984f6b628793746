// The timer tracks, guest-mode intervals and lateness series of a visible time range, with level of
// detail decided here as for the statements (window.ts): every item when they fit `maxMarkers`,
// else per-track buckets (coarser until they fit; a bucket holding one item stays that item), and the
// lateness series reduced to the lowest and highest point of each bucket. Each per-track list is
// sorted by time, so a range costs a binary search and a walk over what it holds.
import type {
  DeliveryVerdict,
  LatenessPoint,
  RunCluster,
  RunInterval,
  TimerArmedSpan,
  TimerDeadlineMark,
  TimerDeliveryMark,
  TimerLossMark,
  TimerMarkCluster,
  TimerSpanCluster,
  TimerWindow,
} from '../../../protocol/views';
import type { ArmedEntry, DeadlineEntry, DeliveryEntry, LossEntry, RunEntry, TimerRowsIndex } from './timerRows';

export interface TimerWindowResult {
  timers: TimerWindow;
  runs: RunInterval[];
  runClusters: RunCluster[];
  lateness: Record<string, LatenessPoint[]>;
  reduced: boolean;
}

/** First index whose `key` is >= x in a list sorted by `key`. */
function lowerBound<T>(list: readonly T[], key: (e: T) => bigint, x: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The items of a list sorted by `key` with from <= key <= to. */
function pointsIn<T>(list: readonly T[], key: (e: T) => bigint, from: bigint, to: bigint): T[] {
  return list.slice(lowerBound(list, key, from), lowerBound(list, key, to + 1n));
}

/** The intervals of a non-overlapping list (sorted by start, so by end) that meet [from, to]. */
function intervalsIn<T extends { from: bigint; to: bigint }>(list: readonly T[], from: bigint, to: bigint): T[] {
  const out: T[] = [];
  for (let i = lowerBound(list, (e) => e.to, from); i < list.length && list[i].from <= to; i++) out.push(list[i]);
  return out;
}

/**
 * A time-sorted list with each item's offset from the range's start as a double, computed once: the
 * buckets only group items for drawing, so ns precision does not matter there and the halving below
 * costs float arithmetic, not bigint.
 */
interface Keyed<T> {
  items: readonly T[];
  offs: Float64Array;
}

function keyed<T>(items: readonly T[], key: (e: T) => bigint, from: bigint): Keyed<T> {
  const offs = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) offs[i] = Number(key(items[i]) - from);
  return { items, offs };
}

const bucketOf = (off: number, span: number, buckets: number): number =>
  span <= 0 ? 0 : Math.min(buckets - 1, Math.max(0, Math.floor((off * buckets) / span)));

/** How many runs of consecutive items share a bucket. */
function countGroups(k: Keyed<unknown>, span: number, buckets: number): number {
  let n = 0;
  let last = -1;
  for (let i = 0; i < k.offs.length; i++) {
    const b = bucketOf(k.offs[i], span, buckets);
    if (b !== last) {
      n++;
      last = b;
    }
  }
  return n;
}

/** Consecutive items of a time-sorted list that fall in the same bucket. */
function groups<T>(k: Keyed<T>, span: number, buckets: number): T[][] {
  const out: T[][] = [];
  let last = -1;
  for (let i = 0; i < k.items.length; i++) {
    const b = bucketOf(k.offs[i], span, buckets);
    if (b !== last) {
      out.push([k.items[i]]);
      last = b;
    } else out.at(-1)!.push(k.items[i]);
  }
  return out;
}

/** The most buckets (from `max`, halving) for which the lists' groups number at most `max`. */
function bucketsFor(lists: readonly Keyed<unknown>[], span: number, max: number): number {
  for (let buckets = Math.max(1, max); ; buckets = Math.max(1, Math.floor(buckets / 2))) {
    let total = 0;
    for (const l of lists) total += countGroups(l, span, buckets);
    if (total <= max || buckets === 1) return buckets;
  }
}

const str = (x: bigint | undefined | null): string | null => (x === undefined || x === null ? null : x.toString());

const spanOf = (track: string, a: ArmedEntry): TimerArmedSpan => ({
  track,
  fromNs: a.from.toString(),
  toNs: a.to.toString(),
  line: a.line,
  endLine: a.endLine,
  end: a.end,
  cmp: a.cmp.toString(),
  cmpIsTime: a.cmpIsTime,
  deadlineNs: a.deadline.toString(),
});

const deadlineOf = (track: string, d: DeadlineEntry): TimerDeadlineMark => ({
  track,
  kind: d.kind,
  timeNs: d.t.toString(),
  line: d.line,
  cmp: d.cmp.toString(),
  cmpIsTime: d.cmpIsTime,
  armedLine: d.armedLine,
  armedNs: d.armedAt.toString(),
  previousNs: str(d.previous),
  shift: d.shift
    ? {
        expectedNs: d.shift.expected.toString(),
        shiftNs: d.shift.shift.toString(),
        causeLine: d.shift.causeLine,
        reportedLine: d.shift.reportedLine,
        reason: d.shift.reason,
      }
    : null,
});

export const deliveryOf = (d: DeliveryEntry): TimerDeliveryMark => ({
  track: d.track,
  series: d.series,
  line: d.line,
  timeNs: d.t.toString(),
  verdict: d.verdict,
  latenessNs: str(d.lateness),
  waitNs: d.wait.toString(),
  toleranceNs: str(d.tolerance),
  deadlineNs: str(d.deadline),
  armedLine: d.armedLine ?? null,
  judgedLine: d.judgedLine,
  cmp: str(d.cmp),
  counter: str(d.counter),
  policyLatenessNs: str(d.policyLateness),
});

const lossOf = (track: string, l: LossEntry): TimerLossMark => ({
  track,
  kind: l.kind,
  timeNs: l.t.toString(),
  line: l.line,
  deadlineNs: str(l.deadline),
  toleranceNs: str(l.tolerance),
  cmp: str(l.cmp),
  relatedLine: l.relatedLine ?? null,
});

const runOf = (row: string, r: RunEntry): RunInterval => ({
  row,
  inGuest: r.inGuest,
  fromNs: r.from.toString(),
  toNs: r.to.toString(),
  fromLine: r.fromLine,
  toLine: r.toLine,
  reason: r.reason,
});

const NO_VERDICTS = (): Record<DeliveryVerdict, number> => ({ early: 0, 'on-time': 0, late: 0, unjudged: 0 });

function markCluster(
  track: string,
  kind: TimerMarkCluster['kind'],
  items: { t: bigint; line: number; verdict?: DeliveryVerdict; lateness?: bigint }[],
): TimerMarkCluster {
  const verdicts = NO_VERDICTS();
  let lo = items[0].t;
  let hi = lo;
  let first = items[0].line;
  let last = first;
  let minL: bigint | undefined;
  let maxL: bigint | undefined;
  for (const i of items) {
    if (i.t < lo) lo = i.t;
    if (i.t > hi) hi = i.t;
    if (i.line < first) first = i.line;
    if (i.line > last) last = i.line;
    if (i.verdict) verdicts[i.verdict]++;
    if (i.lateness !== undefined) {
      if (minL === undefined || i.lateness < minL) minL = i.lateness;
      if (maxL === undefined || i.lateness > maxL) maxL = i.lateness;
    }
  }
  return {
    track,
    kind,
    fromNs: lo.toString(),
    toNs: hi.toString(),
    count: items.length,
    firstLine: first,
    lastLine: last,
    verdicts,
    minLatenessNs: str(minL),
    maxLatenessNs: str(maxL),
  };
}

/** The time an interval list covers within [from, to]. */
function coveredNs(items: readonly { from: bigint; to: bigint }[], from: bigint, to: bigint): bigint {
  let sum = 0n;
  for (const i of items) {
    const a = i.from > from ? i.from : from;
    const b = i.to < to ? i.to : to;
    if (b > a) sum += b - a;
  }
  return sum;
}

export function timerWindow(
  index: TimerRowsIndex,
  from: bigint,
  to: bigint,
  maxMarkers: number,
  maxSamples: number,
): TimerWindowResult {
  let reduced = false;
  const span = Number(to - from);
  const timers: TimerWindow = { spans: [], spanClusters: [], deadlines: [], deliveries: [], losses: [], clusters: [] };

  // Deadlines, deliveries and losses: one budget for the three.
  const marks = index.tracks.map((tr) => ({
    id: tr.info.id,
    deadlines: pointsIn(tr.deadlines, (d) => d.t, from, to),
    deliveries: pointsIn(tr.deliveries, (d) => d.t, from, to),
    losses: pointsIn(tr.losses, (l) => l.t, from, to),
  }));
  const markCount = marks.reduce((n, m) => n + m.deadlines.length + m.deliveries.length + m.losses.length, 0);
  if (markCount <= maxMarkers) {
    for (const m of marks) {
      timers.deadlines.push(...m.deadlines.map((d) => deadlineOf(m.id, d)));
      timers.deliveries.push(...m.deliveries.map(deliveryOf));
      timers.losses.push(...m.losses.map((l) => lossOf(m.id, l)));
    }
  } else {
    reduced = true;
    const byT = (e: { t: bigint }): bigint => e.t;
    const k = marks.map((m) => ({
      id: m.id,
      deadlines: keyed(m.deadlines, byT, from),
      deliveries: keyed(m.deliveries, byT, from),
      losses: keyed(m.losses, byT, from),
    }));
    const buckets = bucketsFor(
      k.flatMap((m) => [m.deadlines, m.deliveries, m.losses]),
      span,
      maxMarkers,
    );
    for (const m of k) {
      for (const g of groups(m.deadlines, span, buckets)) {
        if (g.length === 1) timers.deadlines.push(deadlineOf(m.id, g[0]));
        else timers.clusters.push(markCluster(m.id, 'deadline', g));
      }
      for (const g of groups(m.deliveries, span, buckets)) {
        if (g.length === 1) timers.deliveries.push(deliveryOf(g[0]));
        else timers.clusters.push(markCluster(m.id, 'delivery', g));
      }
      for (const g of groups(m.losses, span, buckets)) {
        if (g.length === 1) timers.losses.push(lossOf(m.id, g[0]));
        else timers.clusters.push(markCluster(m.id, 'loss', g));
      }
    }
  }

  // Armed intervals.
  const spans = index.tracks.map((tr) => ({ id: tr.info.id, items: intervalsIn(tr.armed, from, to) }));
  if (spans.reduce((n, s) => n + s.items.length, 0) <= maxMarkers) {
    for (const s of spans) timers.spans.push(...s.items.map((a) => spanOf(s.id, a)));
  } else {
    reduced = true;
    const start = (a: ArmedEntry): bigint => (a.from > from ? a.from : from);
    const k = spans.map((s) => keyed(s.items, start, from));
    const buckets = bucketsFor(k, span, maxMarkers);
    spans.forEach((s, i) => {
      for (const g of groups(k[i], span, buckets)) {
        if (g.length === 1) {
          timers.spans.push(spanOf(s.id, g[0]));
          continue;
        }
        const lo = g[0].from;
        const hi = g.at(-1)!.to;
        const c: TimerSpanCluster = {
          track: s.id,
          fromNs: lo.toString(),
          toNs: hi.toString(),
          count: g.length,
          armedNs: coveredNs(g, lo, hi).toString(),
          firstLine: g[0].line,
        };
        timers.spanClusters.push(c);
      }
    });
  }

  // Guest mode per vCPU row.
  const runs: RunInterval[] = [];
  const runClusters: RunCluster[] = [];
  const rows = [...index.runs].map(([row, list]) => ({ row, items: intervalsIn(list, from, to) }));
  if (rows.reduce((n, r) => n + r.items.length, 0) <= maxMarkers) {
    for (const r of rows) runs.push(...r.items.map((x) => runOf(r.row, x)));
  } else {
    reduced = true;
    const start = (x: RunEntry): bigint => (x.from > from ? x.from : from);
    const k = rows.map((r) => keyed(r.items, start, from));
    const buckets = bucketsFor(k, span, maxMarkers);
    rows.forEach((r, i) => {
      for (const g of groups(k[i], span, buckets)) {
        if (g.length === 1) {
          runs.push(runOf(r.row, g[0]));
          continue;
        }
        const lo = g[0].from;
        const hi = g.at(-1)!.to;
        const reasons = new Map<string, number>();
        let exits = 0;
        for (const x of g) {
          if (x.inGuest) continue;
          exits++;
          if (x.reason !== null) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
        }
        runClusters.push({
          row: r.row,
          fromNs: lo.toString(),
          toNs: hi.toString(),
          exits,
          guestNs: coveredNs(
            g.filter((x) => x.inGuest),
            lo,
            hi,
          ).toString(),
          reasons: [...reasons]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, 3)
            .map(([reason, count]) => ({ reason, count })),
          firstLine: g[0].fromLine,
        });
      }
    });
  }

  // The lateness chart: the points in range and the one on each side; past `maxSamples`, the lowest
  // and highest of each bucket, so the worst deliveries survive any zoom level.
  const lateness: Record<string, LatenessPoint[]> = {};
  for (const [id, list] of index.lateness) {
    const lo = lowerBound(list, (d) => d.t, from);
    const hi = lowerBound(list, (d) => d.t, to + 1n);
    const inside = list.slice(lo, hi);
    const before = lo > 0 ? [list[lo - 1]] : [];
    const after = hi < list.length ? [list[hi]] : [];
    let kept = inside;
    if (inside.length + before.length + after.length > maxSamples) {
      reduced = true;
      const buckets = Math.max(1, Math.floor((maxSamples - before.length - after.length) / 2));
      kept = groups(
        keyed(inside, (d) => d.t, from),
        span,
        buckets,
      ).flatMap((g) => {
        let low = g[0];
        let high = g[0];
        for (const d of g) {
          if (d.lateness! < low.lateness!) low = d;
          if (d.lateness! > high.lateness!) high = d;
        }
        return low === high ? [low] : low.t <= high.t ? [low, high] : [high, low];
      });
    }
    const points = [...before, ...kept, ...after];
    if (points.length) {
      lateness[id] = points.map((d) => ({
        line: d.line,
        timeNs: d.t.toString(),
        latenessNs: d.lateness!.toString(),
        waitNs: d.wait.toString(),
        verdict: d.verdict,
      }));
    }
  }
  return { timers, runs, runClusters, lateness, reduced };
}
