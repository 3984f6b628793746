// What the timeline shows of a time range, with level of detail decided here, on the server: every
// statement when they fit the bound, else per-row clusters over time buckets (coarser until they
// fit); chart series reduced to the lowest and highest point of each bucket, so jumps and backward
// steps survive any zoom level; scheduler waits merged per row and bucket. However many lines the
// range spans, the answer stays within the bounds (protocol `hvtimer/timelineWindow`).
import type { Diagnostic } from '../analysis';
import type { TraceDocument } from '../syntax/document';
import type {
  Actor,
  ClockErrorPoint,
  FindingCluster,
  FindingSeverity,
  MarkerCluster,
  SchedWait,
  StolenPoint,
  TimelineFinding,
  TimelineMarker,
  TimelineWindow,
} from '../../../protocol/views';
import { ACTORS } from '../../../protocol/views';
import { type ClockErrorEntry, type StolenEntry, type TimelineIndex, type WaitEntry } from './timelineIndex';
import { timerWindow } from './timerWindow';
import { bucketOf, cluster } from './cluster';

export interface WindowBounds {
  fromNs: bigint;
  toNs: bigint;
  maxMarkers: number;
  maxSamples: number;
}

/** Longest statement text sent for a tooltip. */
const TEXT_LIMIT = 300;
const RANK: Record<FindingSeverity, number> = { error: 4, warning: 3, info: 2, hint: 1 };

const worst = (a: FindingSeverity | null, b: FindingSeverity | null): FindingSeverity | null =>
  a === null ? b : b === null ? a : RANK[a] >= RANK[b] ? a : b;

function severities(diagnostics: readonly Diagnostic[]): Map<number, FindingSeverity> {
  const out = new Map<number, FindingSeverity>();
  for (const d of diagnostics) {
    const line = d.range.start.line;
    out.set(line, worst(out.get(line) ?? null, d.severity)!);
  }
  return out;
}

function statementText(doc: TraceDocument, line: number): { op: string; text: string } {
  const node = doc.node(line);
  if (node.kind !== 'statement') return { op: '', text: doc.text(line).slice(0, TEXT_LIMIT) };
  const s = node.statement;
  return { op: s.op.value, text: doc.text(line).slice(s.span.start, s.span.end).slice(0, TEXT_LIMIT) };
}

/**
 * The points of a series in [from, to] plus the nearest one on each side (so lines run to the
 * edges); past `max`, the lowest and highest `value` of each time bucket, in time order.
 */
export function reduceSeries<P extends { t: bigint }>(
  points: readonly P[],
  value: (p: P) => bigint,
  from: bigint,
  to: bigint,
  max: number,
): { points: P[]; reduced: boolean } {
  let before: P | undefined;
  let after: P | undefined;
  const inside: P[] = [];
  for (const p of points) {
    if (p.t < from) {
      if (!before || p.t >= before.t) before = p;
    } else if (p.t > to) {
      if (!after || p.t < after.t) after = p;
    } else inside.push(p);
  }
  const edges = (before ? 1 : 0) + (after ? 1 : 0);
  let kept = inside;
  let reduced = false;
  if (inside.length + edges > max) {
    reduced = true;
    const buckets = Math.max(1, Math.floor((max - edges) / 2));
    const lowHigh = new Map<number, [P, P]>();
    for (const p of inside) {
      const b = bucketOf(p.t, from, to, buckets);
      const lh = lowHigh.get(b);
      if (!lh) {
        lowHigh.set(b, [p, p]);
        continue;
      }
      if (value(p) < value(lh[0])) lh[0] = p;
      if (value(p) > value(lh[1])) lh[1] = p;
    }
    kept = [...lowHigh.values()]
      .flatMap(([lo, hi]) => (lo === hi ? [lo] : lo.t <= hi.t ? [lo, hi] : [hi, lo]))
      .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  }
  return { points: [...(before ? [before] : []), ...kept, ...(after ? [after] : [])], reduced };
}

const clockPoint = (p: ClockErrorEntry): ClockErrorPoint => ({
  line: p.line,
  timeNs: p.t.toString(),
  instance: p.instance,
  guest: p.guest.toString(),
  expected: p.expected.toString(),
  errorTicks: p.error.toString(),
  errorNs: p.errorNs.toString(),
  freq: p.freq.toString(),
});

const stolenPoint = (p: StolenEntry): StolenPoint => ({
  line: p.line,
  timeNs: p.t.toString(),
  instance: p.instance,
  stolenNs: p.stolen.toString(),
  waitedNs: p.waited.toString(),
});

function waitsIn(
  waits: readonly WaitEntry[],
  from: bigint,
  to: bigint,
  max: number,
): { waits: SchedWait[]; reduced: boolean } {
  const inside = waits.filter((w) => w.t <= to && w.t + w.duration >= from);
  const one = (w: WaitEntry): SchedWait => ({
    line: w.line,
    row: w.row,
    series: w.series,
    fromNs: w.t.toString(),
    toNs: (w.t + w.duration).toString(),
    durationNs: w.duration.toString(),
    count: 1,
  });
  if (inside.length <= max) return { waits: inside.map(one), reduced: false };
  const groups = cluster(
    inside,
    (w) => w.row,
    (w) => w.t,
    from,
    to,
    max,
  );
  return {
    reduced: true,
    waits: groups.map((g) => {
      let lo = g[0].t;
      let hi = g[0].t + g[0].duration;
      let total = 0n;
      for (const w of g) {
        if (w.t < lo) lo = w.t;
        if (w.t + w.duration > hi) hi = w.t + w.duration;
        total += w.duration;
      }
      return {
        line: g[0].line,
        row: g[0].row,
        series: g[0].series,
        fromNs: lo.toString(),
        toNs: hi.toString(),
        durationNs: total.toString(),
        count: g.length,
      };
    }),
  };
}

export function timelineWindow(
  index: TimelineIndex,
  doc: TraceDocument,
  diagnostics: readonly Diagnostic[],
  bounds: WindowBounds,
): TimelineWindow {
  const start = index.startNs ?? 0n;
  const end = index.endNs ?? 0n;
  let from = bounds.fromNs < start ? start : bounds.fromNs;
  let to = bounds.toNs > end ? end : bounds.toNs;
  if (to < from) [from, to] = [to, from];
  const maxMarkers = Math.max(1, Math.floor(bounds.maxMarkers));
  const maxSamples = Math.max(4, Math.floor(bounds.maxSamples));
  const severityOf = severities(diagnostics);
  let reduced = false;

  // Statements in range, in time order, that have a row.
  const inRange: number[] = [];
  for (let k = index.lowerBound(from), hi = index.upperBound(to); k < hi; k++) {
    const i = index.byTime[k];
    if (index.rowOf[i] >= 0) inRange.push(i);
  }
  const markers: TimelineMarker[] = [];
  const clusters: MarkerCluster[] = [];
  if (inRange.length <= maxMarkers) {
    for (const i of inRange) {
      const line = index.lines[i];
      markers.push({
        line,
        timeNs: index.times[i].toString(),
        row: index.rowIds[index.rowOf[i]],
        actor: ACTORS[index.actorOf[i]],
        ...statementText(doc, line),
        severity: severityOf.get(line) ?? null,
      });
    }
  } else {
    reduced = true;
    for (const g of cluster(
      inRange,
      (i) => index.rowOf[i],
      (i) => index.times[i],
      from,
      to,
      maxMarkers,
    )) {
      // A group keeps the range's time order (byTime): its first and last statements bound it in time.
      const lo = index.times[g[0]];
      const hi = index.times[g[g.length - 1]];
      let severity: FindingSeverity | null = null;
      let firstLine = index.lines[g[0]];
      let lastLine = firstLine;
      const actors = new Set<Actor>();
      for (const i of g) {
        if (index.lines[i] < firstLine) firstLine = index.lines[i];
        if (index.lines[i] > lastLine) lastLine = index.lines[i];
        actors.add(ACTORS[index.actorOf[i]]);
        if (severityOf.size !== 0) severity = worst(severity, severityOf.get(index.lines[i]) ?? null);
      }
      clusters.push({
        row: index.rowIds[index.rowOf[g[0]]],
        fromNs: lo.toString(),
        toNs: hi.toString(),
        count: g.length,
        firstLine,
        lastLine,
        actors: ACTORS.filter((a) => actors.has(a)),
        severity,
      });
    }
  }

  // Findings placed at their statement's time and row.
  const placed: TimelineFinding[] = [];
  for (const d of diagnostics) {
    const line = d.range.start.line;
    const i = index.statementAtOrBefore(line);
    if (i < 0) continue;
    const t = index.times[i];
    if (t < from || t > to) continue;
    const row = index.lines[i] === line && index.rowOf[i] >= 0 ? index.rowIds[index.rowOf[i]] : null;
    placed.push({ line, timeNs: t.toString(), row, code: d.code, severity: d.severity, message: d.message });
  }
  const findings: TimelineFinding[] = [];
  const findingClusters: FindingCluster[] = [];
  if (placed.length <= maxMarkers) findings.push(...placed);
  else {
    reduced = true;
    for (const g of cluster(
      placed,
      (f) => f.row ?? '',
      (f) => BigInt(f.timeNs),
      from,
      to,
      maxMarkers,
    )) {
      const times = g.map((f) => BigInt(f.timeNs));
      findingClusters.push({
        row: g[0].row,
        fromNs: times.reduce((a, b) => (b < a ? b : a)).toString(),
        toNs: times.reduce((a, b) => (b > a ? b : a)).toString(),
        count: g.length,
        firstLine: g.reduce((m, f) => Math.min(m, f.line), g[0].line),
        severity: g.reduce<FindingSeverity | null>((s, f) => worst(s, f.severity), null)!,
        codes: [...new Set(g.map((f) => f.code))].sort(),
      });
    }
  }

  const clockError: Record<string, ClockErrorPoint[]> = {};
  const stolen: Record<string, StolenPoint[]> = {};
  for (const s of index.series) {
    const c = reduceSeries(s.clockError, (p) => p.error, from, to, maxSamples);
    const st = reduceSeries(s.stolen, (p) => p.stolen, from, to, maxSamples);
    reduced ||= c.reduced || st.reduced;
    if (c.points.length) clockError[s.id] = c.points.map(clockPoint);
    if (st.points.length) stolen[s.id] = st.points.map(stolenPoint);
  }
  const w = waitsIn(index.waits, from, to, maxSamples);
  reduced ||= w.reduced;
  const tw = timerWindow(index.timers, from, to, maxMarkers, maxSamples);
  reduced ||= tw.reduced;
  return {
    fromNs: from.toString(),
    toNs: to.toString(),
    markers,
    clusters,
    findings,
    findingClusters,
    clockError,
    stolen,
    waits: w.waits,
    timers: tw.timers,
    runs: tw.runs,
    runClusters: tw.runClusters,
    lateness: tw.lateness,
    reduced,
  };
}
