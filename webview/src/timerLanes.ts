// The guest timers and guest mode on the tracks (timers.md T4), drawn through a Painter like the
// rest of lanes.ts: on each timer track its armed intervals as bands (a cap where the timer was
// armed), each deadline t_d as a pin, a moved deadline (an arm64 offset change, or HVT044's "should
// fire at") as a dashed link to a chevron, each delivery as a glyph by verdict (early ◀, on time ⬢,
// late ▶, re-raised +), each loss as ×, clusters where the server reduced them; on a vCPU track its
// guest mode as a strip above the phase band (in guest solid, out of guest dotted). A collapsed
// ancestor of a timer track shows its deliveries and losses. Every mark is a hit (click → its line)
// with the numbers for its tooltip (`timerHitText`).
import type {
  DeliveryVerdict,
  RunCluster,
  RunInterval,
  TimelineWindow,
  TimerArmedSpan,
  TimerDeadlineMark,
  TimerDeliveryMark,
  TimerLossMark,
  TimerMarkCluster,
  TimerSpanCluster,
  TimerTrack,
  TimerWindow,
} from '../../protocol/views';
import { drawChevron, drawDeadline, drawGlyph, drawSpan } from './glyphs';
import { LEGEND, type Category, type Shape } from './legend';
import type { Painter } from './painter';
import type { Palette } from './palette';
import { formatExactDuration, formatSeconds } from './time';
import type { TrackLayout } from './tracks';

interface HitBase {
  row: string | null;
  track: string;
  line: number;
  timeNs: string;
  x: number;
  y: number;
  color: string;
}

export type TimerHit = HitBase &
  (
    | { kind: 'delivery'; delivery: TimerDeliveryMark }
    /** A deadline pin (`moved` false, line: the arming or the moving statement) or its moved-from link (`moved` true, line: the cause). */
    | { kind: 'deadline'; deadline: TimerDeadlineMark; moved: boolean }
    | { kind: 'loss'; loss: TimerLossMark }
    | { kind: 'armed'; width: number; span: TimerArmedSpan }
    | { kind: 'timerCluster'; width: number; cluster: TimerMarkCluster }
    | { kind: 'spanCluster'; width: number; cluster: TimerSpanCluster }
    | { kind: 'run'; width: number; run: RunInterval }
    | { kind: 'runCluster'; width: number; cluster: RunCluster }
  );

/** Where the hits go (the tracks' list of every hit). */
export interface HitSink {
  push(hit: TimerHit): unknown;
}

export const TIMER_HIT_KINDS: ReadonlySet<string> = new Set([
  'delivery',
  'deadline',
  'loss',
  'armed',
  'timerCluster',
  'spanCluster',
  'run',
  'runCluster',
]);

const SHAPE = Object.fromEntries(LEGEND.map((e) => [e.category, e.shape])) as Record<Category, Shape>;
export const verdictCategory = (v: DeliveryVerdict): Category => `timer:${v}`;

export const EMPTY_TIMERS: TimerWindow = {
  spans: [],
  spanClusters: [],
  deadlines: [],
  deliveries: [],
  losses: [],
  clusters: [],
};

export interface TimerLanesInput {
  window: TimelineWindow | null;
  left: number;
  top: number;
  width: number;
  xOf: (ns: bigint | string) => number;
  palette: Palette;
  selectedLine: number | null;
  focusedLine: number | null;
}

/** Inside a timer track: the band's middle, the deadline pin's ends, the moved-deadline link's height. */
export function timerGeometry(t: { top: number; height: number }): {
  mid: number;
  bandY: number;
  bandH: number;
  pinTop: number;
  pinBottom: number;
  linkY: number;
} {
  // The moved-deadline link on top, the band and the deliveries below it, the pins across both.
  const mid = t.top + t.height - 12;
  return { mid, bandY: mid - 3, bandH: 6, pinTop: t.top + 9, pinBottom: t.top + t.height - 3, linkY: t.top + 5 };
}

/** The guest-mode strip of a vCPU track, just above its phase band (`bandY`). */
export function drawRuns(p: Painter, t: TrackLayout, input: TimerLanesInput, bandY: number, hits: HitSink): void {
  const win = input.window;
  const row = t.node.row?.id;
  if (!win || !row) return;
  const pal = input.palette;
  const { left, width } = input;
  const y = bandY - 4;
  const clip = (x: number): number => Math.max(left - 2, Math.min(left + width + 2, x));
  const guest = pal.colours['run:guest'];
  const exit = pal.colours['run:exit'];
  p.group({ cls: 'runs', data: { row } }, null, () => {
    for (const r of win.runs ?? []) {
      if (r.row !== row) continue;
      const x0 = clip(input.xOf(r.fromNs));
      const x1 = clip(input.xOf(r.toNs));
      if (x1 < left || x0 > left + width || x1 - x0 < 0.5) continue;
      const color = r.inGuest ? guest : exit;
      p.group({ cls: r.inGuest ? 'run in-guest' : 'run out-of-guest', data: { line: r.fromLine } }, null, () => {
        if (r.inGuest) p.rect(x0, y, x1 - x0, 3, { fill: guest });
        else p.line(x0, y + 1.5, x1, y + 1.5, { stroke: exit, lineWidth: 2, dash: [2, 2] });
      });
      if (x1 - x0 >= 3)
        hits.push({
          kind: 'run',
          row,
          track: t.node.id,
          line: r.fromLine,
          timeNs: r.fromNs,
          x: (x0 + x1) / 2,
          y: y + 1.5,
          width: x1 - x0,
          color,
          run: r,
        });
    }
    for (const c of win.runClusters ?? []) {
      if (c.row !== row) continue;
      const x0 = clip(input.xOf(c.fromNs));
      const x1 = Math.max(x0 + 2, clip(input.xOf(c.toNs)));
      const span = BigInt(c.toNs) - BigInt(c.fromNs);
      const share = span > 0n ? Number((BigInt(c.guestNs) * 1000n) / span) / 1000 : 1;
      p.group({ cls: 'run-cluster', data: { line: c.firstLine, exits: c.exits } }, null, () => {
        p.rect(x0, y, x1 - x0, 3, { fill: exit, alpha: 0.5 });
        p.rect(x0, y, x1 - x0, 3, { fill: guest, alpha: Math.max(0.15, share) });
      });
      hits.push({
        kind: 'runCluster',
        row,
        track: t.node.id,
        line: c.firstLine,
        timeNs: c.fromNs,
        x: (x0 + x1) / 2,
        y: y + 1.5,
        width: x1 - x0,
        color: guest,
        cluster: c,
      });
    }
  });
}

/** What colours a cluster of deliveries: late or early if any is, else the commoner of on time and re-raised (a storm). */
const clusterVerdict = (c: TimerMarkCluster): DeliveryVerdict =>
  c.verdicts.late
    ? 'late'
    : c.verdicts.early
      ? 'early'
      : c.verdicts.unjudged > c.verdicts['on-time']
        ? 'unjudged'
        : 'on-time';

/**
 * Every timer mark of the window on the track that draws it (`trackOf`): the timer track itself, or
 * a collapsed ancestor, on which deliveries and losses are drawn at `summaryY`.
 */
export function drawTimerMarks(
  p: Painter,
  input: TimerLanesInput,
  trackOf: Map<string, TrackLayout>,
  summaryY: (t: TrackLayout) => number,
  hits: HitSink,
): void {
  const win = input.window;
  if (!win) return;
  const T = win.timers ?? EMPTY_TIMERS;
  const pal = input.palette;
  const { left, width, top } = input;
  const right = left + width;
  const visible = (x: number, pad = 8): boolean => x >= left - pad && x <= right + pad;
  const clip = (x: number): number => Math.max(left - 2, Math.min(right + 2, x));
  const own = (track: string): { t: TrackLayout; g: ReturnType<typeof timerGeometry> } | undefined => {
    const t = trackOf.get(track);
    return t && t.node.kind === 'timer' ? { t, g: timerGeometry({ top: top + t.top, height: t.height }) } : undefined;
  };
  const ring = (line: number, x: number, y: number, r: number): void => {
    if (line === input.selectedLine || line === input.focusedLine)
      p.rect(x - r - 2.5, y - r - 2.5, 2 * r + 5, 2 * r + 5, { stroke: pal.focus, lineWidth: 1.5 });
  };

  p.group({ id: 'timers' }, null, () => {
    // Armed intervals under everything else.
    const armed = pal.colours['timer:armed'];
    for (const s of T.spans) {
      const o = own(s.track);
      if (!o) continue;
      const x0 = clip(input.xOf(s.fromNs));
      const x1 = clip(input.xOf(s.toNs));
      if (x1 < left || x0 > right) continue;
      p.group({ cls: `timer-span end-${s.end}`, data: { line: s.line, track: s.track } }, null, () =>
        drawSpan(p, x0, Math.max(x0 + 2, x1), o.g.bandY, o.g.bandH, armed, 1),
      );
      hits.push({
        kind: 'armed',
        row: s.track,
        track: o.t.node.id,
        line: s.line,
        timeNs: s.fromNs,
        x: (x0 + Math.max(x0 + 2, x1)) / 2,
        y: o.g.mid,
        width: Math.max(2, x1 - x0),
        color: armed,
        span: s,
      });
    }
    for (const c of T.spanClusters) {
      const o = own(c.track);
      if (!o) continue;
      const x0 = clip(input.xOf(c.fromNs));
      const x1 = Math.max(x0 + 2, clip(input.xOf(c.toNs)));
      const span = BigInt(c.toNs) - BigInt(c.fromNs);
      const share = span > 0n ? Number((BigInt(c.armedNs) * 1000n) / span) / 1000 : 1;
      p.group({ cls: 'timer-span-cluster', data: { line: c.firstLine, count: c.count } }, null, () =>
        drawSpan(p, x0, x1, o.g.bandY, o.g.bandH, armed, Math.max(0.2, share)),
      );
      hits.push({
        kind: 'spanCluster',
        row: c.track,
        track: o.t.node.id,
        line: c.firstLine,
        timeNs: c.fromNs,
        x: (x0 + x1) / 2,
        y: o.g.mid,
        width: x1 - x0,
        color: armed,
        cluster: c,
      });
    }

    // Deadlines: a pin at t_d; a moved one (or one HVT044 judged) linked from where it was / should be.
    const moved = pal.colours['timer:moved'];
    const deadline = pal.colours['timer:deadline'];
    for (const d of T.deadlines) {
      const o = own(d.track);
      if (!o) continue;
      const x = input.xOf(d.timeNs);
      const fromNs = d.previousNs ?? d.shift?.expectedNs ?? null;
      const fromX = fromNs === null ? null : input.xOf(fromNs);
      if (!visible(x) && (fromX === null || (!visible(fromX) && Math.sign(fromX - left) === Math.sign(x - left))))
        continue;
      p.group({ cls: `timer-deadline ${d.kind}`, data: { line: d.line, x, y: o.g.mid, track: d.track } }, null, () => {
        drawDeadline(p, x, o.g.pinTop, o.g.pinBottom, deadline);
        ring(d.line, x, o.g.mid, 4);
      });
      hits.push({
        kind: 'deadline',
        row: d.track,
        track: o.t.node.id,
        line: d.line,
        timeNs: d.timeNs,
        x,
        y: o.g.mid,
        color: deadline,
        deadline: d,
        moved: false,
      });
      if (fromX === null || fromNs === d.timeNs) continue;
      const dir = BigInt(d.timeNs) >= BigInt(fromNs!) ? 1 : -1;
      const cause = d.shift ? (d.shift.causeLine ?? d.shift.reportedLine) : d.line;
      const cx = x - dir * 5;
      p.group(
        { cls: 'timer-moved', data: { line: cause, x: cx, y: o.g.linkY, from: fromX, track: d.track } },
        null,
        () => {
          p.line(clip(fromX), o.g.linkY, clip(cx), o.g.linkY, { stroke: moved, lineWidth: 1.5, dash: [4, 3] });
          p.line(clip(fromX), o.g.linkY - 3, clip(fromX), o.g.linkY + 3, { stroke: moved, lineWidth: 1.5 });
          drawChevron(p, cx, o.g.linkY, 3.2, moved, dir);
        },
      );
      hits.push({
        kind: 'deadline',
        row: d.track,
        track: o.t.node.id,
        line: cause,
        timeNs: d.timeNs,
        x: cx,
        y: o.g.linkY,
        color: moved,
        deadline: d,
        moved: true,
      });
    }

    // Losses, clusters, then the deliveries on top; a collapsed ancestor shows deliveries and losses.
    const at = (track: string): { t: TrackLayout; y: number; r: number } | undefined => {
      const t = trackOf.get(track);
      if (!t) return undefined;
      return t.node.kind === 'timer'
        ? { t, y: timerGeometry({ top: top + t.top, height: t.height }).mid, r: 4.5 }
        : { t, y: summaryY(t), r: 3.5 };
    };
    const lost = pal.colours['timer:lost'];
    for (const l of T.losses) {
      const a = at(l.track);
      const x = input.xOf(l.timeNs);
      if (!a || !visible(x)) continue;
      p.group({ cls: `timer-loss ${l.kind}`, data: { line: l.line, x, y: a.y, track: l.track } }, null, () => {
        drawGlyph(p, 'cross', x, a.y, a.r - 0.5, lost);
        ring(l.line, x, a.y, a.r);
      });
      hits.push({
        kind: 'loss',
        row: l.track,
        track: a.t.node.id,
        line: l.line,
        timeNs: l.timeNs,
        x,
        y: a.y,
        color: lost,
        loss: l,
      });
    }
    for (const c of T.clusters) {
      const a = at(c.track);
      if (!a || (a.t.node.kind !== 'timer' && c.kind === 'deadline')) continue;
      const x0 = input.xOf(c.fromNs);
      const w = Math.max(5, input.xOf(c.toNs) - x0);
      if (!visible(x0) && !visible(x0 + w)) continue;
      const cat: Category =
        c.kind === 'delivery'
          ? verdictCategory(clusterVerdict(c))
          : c.kind === 'loss'
            ? 'timer:lost'
            : 'timer:deadline';
      const color = pal.colours[cat];
      const small = { ...pal.font, size: Math.max(9, pal.font.size - 2) };
      p.group(
        { cls: `timer-cluster ${c.kind}`, data: { line: c.firstLine, count: c.count, track: c.track } },
        null,
        () => {
          if (c.kind === 'deadline') {
            // Pins at both ends joined along their tops.
            const g = timerGeometry({ top: top + a.t.top, height: a.t.height });
            drawDeadline(p, x0, g.pinTop, g.pinBottom, color);
            drawDeadline(p, x0 + w, g.pinTop, g.pinBottom, color);
            p.line(x0, g.pinTop + 0.75, x0 + w, g.pinTop + 0.75, { stroke: color, lineWidth: 1.5 });
            if (w > 30)
              p.text(x0 + w / 2, g.pinTop - 4, String(c.count), { fill: pal.foreground, font: small, align: 'center' });
            return;
          }
          p.rect(x0, a.y - a.r, w, 2 * a.r, { fill: color, alpha: 0.55 });
          drawGlyph(p, SHAPE[cat], x0 + w / 2, a.y, a.r - 1, color);
          if (w > 40) p.text(x0 + w / 2 + a.r + 2, a.y, String(c.count), { fill: pal.foreground, font: small });
        },
      );
      hits.push({
        kind: 'timerCluster',
        row: c.track,
        track: a.t.node.id,
        line: c.firstLine,
        timeNs: c.fromNs,
        x: x0 + w / 2,
        y: a.y,
        width: w,
        color,
        cluster: c,
      });
    }
    for (const d of T.deliveries) {
      const a = at(d.track);
      const x = input.xOf(d.timeNs);
      if (!a || !visible(x)) continue;
      const cat = verdictCategory(d.verdict);
      const color = pal.colours[cat];
      p.group(
        { cls: `timer-delivery verdict-${d.verdict}`, data: { line: d.line, x, y: a.y, track: d.track } },
        null,
        () => {
          drawGlyph(p, SHAPE[cat], x, a.y, a.r, color);
          ring(d.line, x, a.y, a.r);
        },
      );
      hits.push({
        kind: 'delivery',
        row: d.track,
        track: a.t.node.id,
        line: d.line,
        timeNs: d.timeNs,
        x,
        y: a.y,
        color,
        delivery: d,
      });
    }
  });
}

// ---- words for the tooltips and the screen reader ---------------------------------------------------

const dur = (ns: string | bigint): string => formatExactDuration(BigInt(ns)).replace(/^\+/, '');
const at = (ns: string): string => formatSeconds(BigInt(ns));
const VERDICT: Record<DeliveryVerdict, string> = {
  early: 'early',
  'on-time': 'on time',
  late: 'late',
  unjudged: 'not judged',
};

/** What a timer hit says, one line per fact, for people (tooltips, the announcement of a chosen mark). */
export function timerHitText(hit: TimerHit, timers: ReadonlyMap<string, TimerTrack>): string[] {
  const name = (track: string): string => timers.get(track)?.label ?? track.split('/').at(-1) ?? track;
  switch (hit.kind) {
    case 'delivery': {
      const d = hit.delivery;
      const out = [`${name(d.track)} interrupt: ${VERDICT[d.verdict]}`];
      if (d.latenessNs !== null) {
        const l = BigInt(d.latenessNs);
        out.push(
          `${l < 0n ? `${dur(-l)} before` : `${dur(l)} after`} its deadline${d.toleranceNs !== null ? ` (tolerance ${dur(d.toleranceNs)})` : ''}`,
        );
        if (BigInt(d.waitNs) > 0n)
          out.push(`of which ${dur(d.waitNs)} waiting on the host run queue (not the timer's fault)`);
      } else out.push('no watched deadline: the line was re-raised for a compare value that already passed');
      if (d.deadlineNs !== null)
        out.push(`deadline t_d ${at(d.deadlineNs)}${d.armedLine !== null ? `, armed on line ${d.armedLine + 1}` : ''}`);
      if (d.cmp !== null) out.push(`compare value ${d.cmp}${d.counter !== null ? `, counter ${d.counter}` : ''}`);
      if (d.judgedLine !== d.line) out.push(`measured by kvm wait_lapic_expire on line ${d.judgedLine + 1}`);
      if (d.policyLatenessNs !== null) {
        const l = BigInt(d.policyLatenessNs);
        out.push(
          `${l < 0n ? `${dur(-l)} earlier` : `${dur(l)} later`} than the VM's policy says (HVT044: the deadline itself was shifted)`,
        );
      }
      return out;
    }
    case 'deadline': {
      const d = hit.deadline;
      const out = [
        `${name(d.track)} deadline t_d ${at(d.timeNs)}`,
        `compare value ${d.cmp}${d.cmpIsTime ? ' (a reference time)' : ''}, armed on line ${d.armedLine + 1} at ${at(d.armedNs)}`,
      ];
      if (d.kind === 'moved' && d.previousNs !== null)
        out.push(
          `moved from ${at(d.previousNs)} by the offset change on line ${d.line + 1} (${formatExactDuration(BigInt(d.timeNs) - BigInt(d.previousNs))})`,
        );
      if (d.shift) {
        const s = BigInt(d.shift.shiftNs);
        out.push(
          `HVT044: fires ${s < 0n ? `${dur(-s)} earlier` : `${dur(s)} later`} than the VM's policy says (${at(d.shift.expectedNs)}), reported on line ${d.shift.reportedLine + 1}`,
        );
        if (d.shift.causeLine !== null) out.push(`caused by line ${d.shift.causeLine + 1}`);
      }
      return out;
    }
    case 'loss': {
      const l = hit.loss;
      const what =
        l.kind === 'lost'
          ? 'deadline lost (HVT042): no interrupt came'
          : l.kind === 'dropped'
            ? 'deadline dropped: LVTT was not in TSC-deadline mode (HVT042)'
            : 'deadline cleared by KVM_SET_LAPIC (HVT045)';
      const out = [`${name(l.track)} ${what}`];
      if (l.deadlineNs !== null)
        out.push(
          `deadline t_d ${at(l.deadlineNs)}${l.toleranceNs !== null ? `, lost after ${dur(l.toleranceNs)}` : ''}`,
        );
      if (l.cmp !== null) out.push(`compare value ${l.cmp}`);
      if (l.relatedLine !== null)
        out.push(
          l.kind === 'cleared' ? `the deadline written on line ${l.relatedLine + 1}` : `see line ${l.relatedLine + 1}`,
        );
      return out;
    }
    case 'armed': {
      const s = hit.span;
      const ended =
        s.end === 'open'
          ? 'still armed at the end'
          : `${s.end === 'fired' ? 'fired' : s.end === 'rearmed' ? 're-armed' : s.end === 'reset' ? 'reset (vCPU re-created)' : 'disarmed'} on line ${(s.endLine ?? 0) + 1}`;
      return [
        `${name(s.track)} armed on line ${s.line + 1} for ${dur(BigInt(s.toNs) - BigInt(s.fromNs))}, ${ended}`,
        `compare value ${s.cmp}, deadline t_d ${at(s.deadlineNs)}`,
      ];
    }
    case 'timerCluster': {
      const c = hit.cluster;
      const v = c.verdicts;
      const what =
        c.kind === 'delivery'
          ? `${c.count} interrupts: ${v.late} late, ${v.early} early, ${v['on-time']} on time, ${v.unjudged} re-raised`
          : `${c.count} ${c.kind === 'loss' ? 'losses' : 'deadlines'}`;
      const range =
        c.minLatenessNs !== null
          ? [
              `lateness ${formatExactDuration(BigInt(c.minLatenessNs))} to ${formatExactDuration(BigInt(c.maxLatenessNs!))}`,
            ]
          : [];
      return [
        `${name(c.track)}: ${what} (lines ${c.firstLine + 1}–${c.lastLine + 1})`,
        ...range,
        'Zoom in to see each.',
      ];
    }
    case 'spanCluster': {
      const c = hit.cluster;
      return [
        `${name(c.track)}: armed ${c.count} times, ${dur(c.armedNs)} of ${dur(BigInt(c.toNs) - BigInt(c.fromNs))}`,
        'Zoom in to see each.',
      ];
    }
    case 'run': {
      const r = hit.run;
      const length = dur(BigInt(r.toNs) - BigInt(r.fromNs));
      return [
        r.inGuest
          ? `in guest mode for ${length}${r.reason ? `, until a ${r.reason} exit` : ''}`
          : `out of guest mode for ${length} after a ${r.reason ?? 'recorded'} exit`,
        `from line ${r.fromLine + 1}${r.toLine !== null ? ` to line ${r.toLine + 1}` : ''}`,
      ];
    }
    case 'runCluster': {
      const c = hit.cluster;
      return [
        `${c.exits} exits in ${dur(BigInt(c.toNs) - BigInt(c.fromNs))}, ${dur(c.guestNs)} in guest mode`,
        c.reasons.map((r) => `${r.reason} × ${r.count}`).join(', '),
        'Zoom in to see each.',
      ];
    }
  }
}
