// The tracks of the timeline, drawn through a Painter (the screen's canvas and the exports alike):
// per visible track its grid, its phase band (setup hatched / running solid / paused outlined),
// its statements as glyphs by actor (or clusters where the server reduced them), its findings as
// glyphs by severity above them, the handoffs between instance tracks with labels that never clip
// or overlap (elided, full text in the tooltip), the cursor and the A/B markers; the timer tracks and
// the vCPUs' guest mode (timerLanes.ts). A collapsed track draws its hidden descendants' marks
// (tracks.ts). Everything that can be clicked is kept in `hits`.
import type {
  FindingCluster,
  FindingSeverity,
  MarkerCluster,
  TimelineFinding,
  TimelineMarker,
  TimelineOverview,
  TimelineRow,
  TimelineWindow,
} from '../../protocol/views';
import { parseInstanceKey } from '../../protocol/instanceKey';
import { placeLabels } from './elide';
import { drawBand, drawGlyph } from './glyphs';
import { LEGEND, type Category, type Shape } from './legend';
import type { Painter } from './painter';
import type { Palette } from './palette';
import type { TimeAxis } from './ticks';
import { formatExactDuration, formatSeconds } from './time';
import { trackOfRow, type TrackKind, type TrackLayout } from './tracks';
import { drawRuns, drawTimerMarks, timerGeometry, type TimerHit } from './timerLanes';

export type Hit =
  | ({ row: string | null; track: string; line: number; timeNs: string; x: number; y: number; color: string } & (
      | { kind: 'marker'; marker: TimelineMarker }
      | { kind: 'finding'; finding: TimelineFinding }
      | { kind: 'cluster'; width: number; cluster: MarkerCluster }
      | { kind: 'findingCluster'; width: number; cluster: FindingCluster }
      | { kind: 'handoff'; width: number; label: string; full: string }
    ))
  | TimerHit;

export interface TracksInput {
  overview: TimelineOverview;
  window: TimelineWindow | null;
  tracks: readonly TrackLayout[];
  /** The track area in painter coordinates. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Reference time → x in painter coordinates. */
  xOf: (ns: bigint | string) => number;
  axis: TimeAxis;
  palette: Palette;
  cursorNs: bigint | null;
  markerA: bigint | null;
  markerB: bigint | null;
  /** Focus and selection rings: on screen only (exports pass null / -1). */
  selectedLine: number | null;
  focusedTrack: number;
  focusedLine: number | null;
}

/** A handoff as drawn: from the stop on the source track to the resume point on the destination track. */
export interface DrawnHandoff {
  from: string;
  to: string;
  label: string;
  full: string;
  elided: boolean;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  labelX: number;
  labelY: number;
}

export interface TracksDrawn {
  hits: Hit[];
  handoffs: DrawnHandoff[];
}

const RANK: Record<FindingSeverity, number> = { hint: 1, info: 2, warning: 3, error: 4 };
export const SHAPE = Object.fromEntries(LEGEND.map((e) => [e.category, e.shape])) as Record<Category, Shape>;

/**
 * What a track of each kind draws under the marks (tracks.ts `TrackKind`): the phases, a vCPU's
 * guest mode, a timer track's baseline (its armed intervals, deadlines and deliveries are marks,
 * drawn with the others by timerLanes.ts `drawTimerMarks`).
 */
const TRACK_CONTENT: Record<TrackKind, (p: Painter, t: TrackLayout, input: TracksInput, hits: Hit[]) => void> = {
  // A VM header: its instances' phases when collapsed (their vCPUs' would repeat them).
  vm: (p, t, input) =>
    drawPhases(
      p,
      t,
      input,
      input.overview.rows.filter((r) => r.kind === 'instance' && t.rows.includes(r.id)),
    ),
  instance: (p, t, input) =>
    drawPhases(
      p,
      t,
      input,
      input.overview.rows.filter((r) => t.rows.includes(r.id)),
    ),
  vcpu: (p, t, input, hits) => {
    drawPhases(
      p,
      t,
      input,
      input.overview.rows.filter((r) => t.rows.includes(r.id)),
    );
    drawRuns(p, t, input, trackGeometry({ top: input.top + t.top, height: t.height }).bandY, hits);
  },
  timer: (p, t, input) => {
    const y = Math.round(timerGeometry({ top: input.top + t.top, height: t.height }).mid) + 0.5;
    p.line(input.left, y, input.left + input.width, y, { stroke: input.palette.grid, lineWidth: 1 });
  },
};

/** The phase bands of `rows` at the bottom of track `t`: setup hatched, running solid, paused outlined. */
function drawPhases(p: Painter, t: TrackLayout, input: TracksInput, rows: readonly TimelineRow[]): void {
  const { left, width, palette: pal } = input;
  const g = trackGeometry({ top: input.top + t.top, height: t.height });
  for (const row of rows) {
    for (const i of row.intervals) {
      if (i.phase === 'gone') continue;
      const x0 = Math.max(left - 2, input.xOf(i.fromNs));
      const x1 = Math.min(left + width + 2, input.xOf(i.toNs));
      if (x1 < left || x0 > left + width) continue;
      const cat: Category = `phase:${i.phase}`;
      drawBand(
        p,
        SHAPE[cat] as 'band-hatched' | 'band-solid' | 'band-outline',
        x0,
        Math.max(x0 + 1, x1),
        g.bandY,
        g.bandH,
        pal.colours[cat],
      );
    }
  }
}

/** Vertical layout inside a track: findings on top, statements in the middle, the phase band at the bottom. */
export function trackGeometry(t: { top: number; height: number }): {
  findingY: number;
  markerY: number;
  bandY: number;
  bandH: number;
} {
  const bandH = 5;
  const bandY = t.top + t.height - bandH - 2;
  return { findingY: t.top + 6, markerY: t.top + 6 + (bandY - t.top - 6) * 0.62, bandY, bandH };
}

export function drawTracks(p: Painter, input: TracksInput): TracksDrawn {
  const { palette: pal, left, top, width, height } = input;
  const right = left + width;
  const hits: Hit[] = [];
  const trackOf = trackOfRow(input.tracks);
  const visible = (x: number, pad = 8): boolean => x >= left - pad && x <= right + pad;
  let handoffs: DrawnHandoff[] = [];

  p.group({ id: 'tracks' }, null, () =>
    p.clip(left, top, width, height, () => {
      // Rows: background, grid, phase bands.
      for (const t of input.tracks) {
        const y = top + t.top;
        p.group({ cls: `track ${t.node.kind}`, data: { track: t.node.id } }, null, () => {
          if (t.node.kind === 'vm') p.rect(left, y, width, t.height, { fill: pal.rowAlt });
          else if (t.index % 2 === 1) p.rect(left, y, width, t.height, { fill: pal.rowAlt, alpha: 0.6 });
          p.line(left, y + t.height - 0.5, right, y + t.height - 0.5, { stroke: pal.grid, lineWidth: 1, alpha: 0.5 });
          TRACK_CONTENT[t.node.kind](p, t, input, hits);
        });
      }
      p.group({ id: 'grid' }, null, () => {
        for (const tick of input.axis.ticks) {
          if (!tick.major) continue;
          const x = Math.round(left + tick.x) + 0.5;
          p.line(x, top, x, top + height, { stroke: pal.grid, lineWidth: 1, alpha: 0.7 });
        }
      });

      // Handoffs under the marks.
      handoffs = drawHandoffs(p, input, trackOf, hits);

      const win = input.window;
      if (win) {
        p.group({ id: 'markers' }, null, () => {
          for (const c of win.clusters) {
            const t = trackOf.get(c.row);
            if (!t) continue;
            const g = trackGeometry({ top: top + t.top, height: t.height });
            const x0 = input.xOf(c.fromNs);
            const w = Math.max(4, input.xOf(c.toNs) - x0);
            if (!visible(x0) && !visible(x0 + w)) continue;
            const color = pal.muted;
            p.group(
              { cls: 'cluster', data: { line: c.firstLine, count: c.count } },
              `${c.count} statements (lines ${c.firstLine + 1}–${c.lastLine + 1})`,
              () => {
                p.rect(x0, g.markerY - 4, w, 8, { fill: color, alpha: 0.55 });
                if (w > 28)
                  p.text(x0 + w / 2, g.markerY, String(c.count), {
                    fill: pal.foreground,
                    font: pal.font,
                    align: 'center',
                  });
              },
            );
            hits.push({
              kind: 'cluster',
              row: c.row,
              track: t.node.id,
              line: c.firstLine,
              timeNs: c.fromNs,
              x: x0 + w / 2,
              y: g.markerY,
              width: w,
              color,
              cluster: c,
            });
          }
          for (const m of win.markers) {
            const t = trackOf.get(m.row);
            if (!t) continue;
            const x = input.xOf(m.timeNs);
            if (!visible(x)) continue;
            const g = trackGeometry({ top: top + t.top, height: t.height });
            const cat: Category = `actor:${m.actor}`;
            const color = pal.colours[cat];
            p.group(
              { cls: `marker actor-${m.actor}`, data: { line: m.line, x, y: g.markerY } },
              `line ${m.line + 1}: ${m.text}`,
              () => {
                drawGlyph(p, SHAPE[cat], x, g.markerY, 4, color);
                if (m.line === input.selectedLine || m.line === input.focusedLine)
                  p.rect(x - 6.5, g.markerY - 6.5, 13, 13, { stroke: pal.focus, lineWidth: 1.5 });
              },
            );
            hits.push({
              kind: 'marker',
              row: m.row,
              track: t.node.id,
              line: m.line,
              timeNs: m.timeNs,
              x,
              y: g.markerY,
              color,
              marker: m,
            });
          }
        });
        // The timer tracks' marks; a collapsed ancestor shows deliveries and losses between its markers and its band.
        drawTimerMarks(
          p,
          input,
          trackOf,
          (t) => {
            const g = trackGeometry({ top: top + t.top, height: t.height });
            return (g.markerY + g.bandY) / 2;
          },
          hits,
        );
        p.group({ id: 'findings' }, null, () => {
          const findings = [...win.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
          // Several findings on one statement share its place: only the worst is drawn (the tooltip lists them all).
          const worst = new Map<string, TimelineFinding>();
          for (const f of findings) worst.set(`${f.row}\u0000${f.line}`, f);
          for (const f of findings) {
            const t = f.row === null ? undefined : trackOf.get(f.row);
            const x = input.xOf(f.timeNs);
            if (!visible(x)) continue;
            const y = t ? trackGeometry({ top: top + t.top, height: t.height }).findingY : top + 6;
            const cat: Category = `severity:${f.severity}`;
            const color = pal.colours[cat];
            if (worst.get(`${f.row}\u0000${f.line}`) === f) {
              p.group(
                { cls: `finding severity-${f.severity}`, data: { line: f.line, x, y } },
                `line ${f.line + 1}: ${f.code} (${f.severity}) ${f.message}`,
                () => {
                  drawGlyph(p, SHAPE[cat], x, y, 4.5, color);
                  if (f.line === input.selectedLine)
                    p.rect(x - 7, y - 6.5, 14, 13, { stroke: pal.focus, lineWidth: 1.5 });
                },
              );
            }
            hits.push({
              kind: 'finding',
              row: f.row,
              track: t?.node.id ?? '',
              line: f.line,
              timeNs: f.timeNs,
              x,
              y,
              color,
              finding: f,
            });
          }
          for (const c of win.findingClusters) {
            const t = c.row === null ? undefined : trackOf.get(c.row);
            const x0 = input.xOf(c.fromNs);
            const w = Math.max(8, input.xOf(c.toNs) - x0);
            const y = t ? trackGeometry({ top: top + t.top, height: t.height }).findingY : top + 6;
            const cat: Category = `severity:${c.severity}`;
            const color = pal.colours[cat];
            p.group(
              { cls: `finding-cluster severity-${c.severity}`, data: { line: c.firstLine } },
              `${c.count} findings: ${c.codes.join(', ')}`,
              () => {
                drawGlyph(p, SHAPE[cat], x0 + w / 2, y, 4.5, color);
              },
            );
            hits.push({
              kind: 'findingCluster',
              row: c.row,
              track: t?.node.id ?? '',
              line: c.firstLine,
              timeNs: c.fromNs,
              x: x0 + w / 2,
              y,
              width: w,
              color,
              cluster: c,
            });
          }
        });
      }
      drawVerticals(p, input, top, top + height);
      // The focused track's outline: screen only (exports pass -1).
      const focused = input.tracks.find((t) => t.index === input.focusedTrack);
      if (focused)
        p.rect(left + 0.5, top + focused.top + 0.5, width - 1, focused.height - 1, { stroke: pal.focus, lineWidth: 1 });
    }),
  );
  return { hits, handoffs };
}

function drawHandoffs(p: Painter, input: TracksInput, trackOf: Map<string, TrackLayout>, hits: Hit[]): DrawnHandoff[] {
  const pal = input.palette;
  const color = pal.colours.handoff;
  const geometry = input.overview.handoffs.flatMap((h) => {
    const from = trackOf.get(h.from);
    const to = trackOf.get(h.to);
    if (!from || !to) return [];
    const resume = h.resumeNs ?? h.timeNs;
    const stopped = BigInt(resume) - BigInt(h.stopNs);
    const full =
      `${h.vm}: ${h.kind === 'migrate' ? `migrate ${h.from} → ${h.to}` : `restore on ${h.to}`}, stopped at ${formatSeconds(BigInt(h.stopNs))}, ` +
      `${h.resumeNs ? `resumed at ${formatSeconds(BigInt(h.resumeNs))} (${formatExactDuration(stopped)})` : 'not resumed yet'} (line ${h.line + 1})`;
    return [
      {
        h,
        full,
        label: h.kind === 'migrate' ? `migrate → ${parseInstanceKey(h.to).host}` : 'restore',
        x0: input.xOf(h.stopNs),
        y0: input.top + from.top + from.height / 2,
        x1: input.xOf(resume),
        y1: input.top + to.top + to.height / 2,
      },
    ];
  });
  // Labels right of the arrow's end on the destination track, else from the middle of the curve on
  // the side its second half leaves free (above it when it goes down), else left of the end or a
  // line up / down; inside the track area, never over one another; elided when there is no room.
  const lineHeight = pal.font.size + 4;
  const placed = placeLabels(
    geometry.map((g) => ({
      text: g.label,
      x: g.x1 + 4,
      y: g.y1 - lineHeight / 2 - 1,
      alsoAt: [{ x: (g.x0 + g.x1) / 2 + 2, y: (g.y0 + g.y1) / 2 + (g.y1 >= g.y0 ? -1 : 1) * (lineHeight / 2 + 2) }],
    })),
    { left: input.left + 2, right: input.left + input.width - 2 },
    lineHeight,
    (s) => p.measure(s, pal.font),
  );
  const out: DrawnHandoff[] = [];
  p.group({ id: 'handoffs' }, null, () => {
    geometry.forEach((g, i) => {
      const { x0, y0, x1, y1 } = g;
      const label = placed[i];
      p.group({ cls: `handoff ${g.h.kind}`, data: { line: g.h.line, x0, y0, x1, y1 } }, g.full, () => {
        const mid = (y0 + y1) / 2;
        p.path(
          [
            ['M', x0, y0],
            ['C', x0, mid, x1, mid, x1, y1 - 7 * Math.sign(y1 - y0 || 1)],
          ],
          { stroke: color, lineWidth: 2, dash: [5, 3] },
        );
        const dir = y1 >= y0 ? 1 : -1;
        p.path([['M', x1, y1], ['L', x1 - 5, y1 - 9 * dir], ['L', x1 + 5, y1 - 9 * dir], ['Z']], { fill: color });
        p.circle(x0, y0, 3, { fill: color });
        if (label.drawn) p.text(label.x, label.y, label.text, { fill: color, font: pal.font });
      });
      out.push({
        from: g.h.from,
        to: g.h.to,
        label: label.drawn ? label.text : '',
        full: g.full,
        elided: label.elided,
        x0,
        y0,
        x1,
        y1,
        labelX: label.x,
        labelY: label.y,
      });
      if (label.drawn) {
        hits.push({
          kind: 'handoff',
          row: g.h.to,
          track: trackOf.get(g.h.to)!.node.id,
          line: g.h.line,
          timeNs: g.h.timeNs,
          x: label.x + label.w / 2,
          y: label.y,
          width: label.w,
          color,
          label: label.text,
          full: g.full,
        });
      }
    });
  });
  return out;
}

/** The cursor (solid) and the A/B markers (dashed) over [y0, y1]. */
export function drawVerticals(
  p: Painter,
  input: {
    xOf: (ns: bigint) => number;
    left: number;
    width: number;
    palette: Palette;
    cursorNs: bigint | null;
    markerA: bigint | null;
    markerB: bigint | null;
  },
  y0: number,
  y1: number,
): void {
  const pal = input.palette;
  const line = (ns: bigint, cls: string, color: string, dash: number[]): void => {
    const x = Math.round(input.xOf(ns)) + 0.5;
    if (x < input.left || x > input.left + input.width) return;
    p.group({ cls, data: { x } }, null, () => p.line(x, y0, x, y1, { stroke: color, lineWidth: 1.5, dash }));
  };
  if (input.markerA !== null) line(input.markerA, 'ab-marker marker-a', pal.colours.ab, [5, 3]);
  if (input.markerB !== null) line(input.markerB, 'ab-marker marker-b', pal.colours.ab, [5, 3]);
  if (input.cursorNs !== null) line(input.cursorNs, 'cursor', pal.colours.cursor, []);
}

/** Bands: anywhere on them is as near as anywhere else, and any mark on them is nearer. */
const BANDS: ReadonlySet<Hit['kind']> = new Set(['armed', 'spanCluster', 'run', 'runCluster']);

/** The clickable thing nearest to (px, py) within a few pixels, findings first. */
export function hitAt(hits: readonly Hit[], px: number, py: number): Hit | undefined {
  let best: Hit | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const h of hits) {
    const half = 'width' in h ? h.width / 2 + 2 : h.kind === 'finding' ? 7 : 6;
    const dx = Math.abs(px - h.x);
    const dy = Math.abs(py - h.y);
    if (dx > half || dy > (h.kind === 'marker' || h.kind === 'cluster' ? 8 : BANDS.has(h.kind) ? 4 : 7)) continue;
    const d = (BANDS.has(h.kind) ? 7 : dx) + dy + (h.kind === 'finding' ? -3 : 0);
    // On a tie the one drawn last wins: it is the one on top (findings over markers, errors over warnings).
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}
