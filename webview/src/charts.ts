// The charts under the tracks, on the tracks' time scale and drawn through a Painter (so the
// screen, the PNG and the SVG are the same drawing): the guest clock error per vCPU (a step line: a
// jump, a lag or a backward step shows as a cliff), the stolen time per vCPU (cumulative, with
// the scheduler's waits dashed and each `sched wait` as an I-bar) and the timers' lateness (each
// delivery a point in its verdict's shape and colour, early below zero, docs/timers.md#t4-editor-and-timeline). Each chart
// draws its title, its legend, its value axis (unit chosen from the visible range: ns, µs, ms or s),
// the time grid, the cursor and the A/B markers.
import type { DeliveryVerdict, TimelineWindow } from '../../protocol/views';
import { drawIBeam, drawGlyph } from './glyphs';
import { elide } from './elide';
import { drawVerticals } from './lanes';
import { LEGEND, type Category, type Shape } from './legend';
import type { Painter } from './painter';
import type { Palette } from './palette';
import { valueAxis, valueLabel, type TimeAxis } from './ticks';
import { formatExactDuration, type TimeBase } from './time';
import type { Range } from './viewport';

/** Height of a chart block: title, legend, plot. */
export const CHART_HEIGHT = 200;
const TITLE_H = 20;
const LEGEND_H = 18;

/**
 * One plotted series: x in ms from the trace's start (for plotting only), y in ns. A step line, or
 * with `marks` one glyph per point (joined by a thin line), each with the line it comes from.
 */
export interface PlotSeries {
  id: string;
  label: string;
  xs: number[];
  ys: number[];
  dashed?: boolean;
  color: string;
  marks?: { shape: Shape; color: string }[];
  lines?: number[];
  /** Per point: its time (ns) and what it says, for the tooltip. */
  notes?: { timeNs: string; text: string }[];
}

/** A `sched wait` bar of a series (lane = the series' order among the stolen-time series). */
export interface WaitBar {
  fromMs: number;
  toMs: number;
  lane: number;
  series: string;
  line: number;
  durationNs: string;
  count: number;
}

export interface ChartSpec {
  id: 'clock-chart' | 'stolen-chart' | 'lateness-chart';
  title: string;
  description: string;
  series: PlotSeries[];
  waits: WaitBar[];
  /** Glyphs the legend explains after the series (the lateness chart's verdicts). */
  glyphs?: { label: string; shape: Shape; color: string }[];
}

/** Clock error per vCPU in ns (errorNs as a double: for plotting only). */
export function clockErrorSeries(window: TimelineWindow | null, base: TimeBase, palette: Palette): PlotSeries[] {
  if (!window) return [];
  return Object.entries(window.clockError).map(([id, points], i) => ({
    id,
    label: id,
    color: palette.series[i % palette.series.length],
    xs: points.map((p) => base.toMs(p.timeNs)),
    ys: points.map((p) => Number(p.errorNs)),
  }));
}

/** Stolen time and cumulative scheduler waits per vCPU in ns. */
export function stolenSeries(window: TimelineWindow | null, base: TimeBase, palette: Palette): PlotSeries[] {
  if (!window) return [];
  return Object.entries(window.stolen).flatMap(([id, points], i) => {
    const color = palette.series[i % palette.series.length];
    const xs = points.map((p) => base.toMs(p.timeNs));
    return [
      { id, label: `${id} stolen`, color, xs, ys: points.map((p) => Number(p.stolenNs)) },
      { id: `${id}:waited`, label: `${id} waited`, color, xs, ys: points.map((p) => Number(p.waitedNs)), dashed: true },
    ];
  });
}

const SHAPE = Object.fromEntries(LEGEND.map((e) => [e.category, e.shape])) as Record<Category, Shape>;
const VERDICT_WORD: Record<DeliveryVerdict, string> = {
  early: 'early',
  'on-time': 'on time',
  late: 'late',
  unjudged: 'not judged',
};

/** Each timer's judged deliveries: lateness in ns (signed, early negative), a glyph per verdict. */
export function latenessSeries(window: TimelineWindow | null, base: TimeBase, palette: Palette): PlotSeries[] {
  if (!window) return [];
  return Object.entries(window.lateness ?? {}).map(([id, points], i) => ({
    id,
    label: id,
    color: palette.series[i % palette.series.length],
    xs: points.map((p) => base.toMs(p.timeNs)),
    ys: points.map((p) => Number(p.latenessNs)),
    marks: points.map((p) => {
      const cat: Category = `timer:${p.verdict}`;
      return { shape: SHAPE[cat], color: palette.colours[cat] };
    }),
    lines: points.map((p) => p.line),
    notes: points.map((p) => ({
      timeNs: p.timeNs,
      text: `${VERDICT_WORD[p.verdict]}: ${formatExactDuration(BigInt(p.latenessNs))} from its deadline${BigInt(p.waitNs) > 0n ? `, of which ${formatExactDuration(BigInt(p.waitNs)).replace(/^\+/, '')} run-queue wait` : ''}`,
    })),
  }));
}

/** The plotted point nearest to (x, y) in the chart's coordinates, within `radius` px. */
export function nearestPoint(
  spec: ChartSpec,
  drawn: ChartDrawn,
  x: number,
  y: number,
  radius: number,
): { line: number; timeNs: string; series: string; text: string } | null {
  let best: { line: number; timeNs: string; series: string; text: string } | null = null;
  let bestD = radius;
  for (const s of spec.series) {
    if (!s.marks || !s.lines || !s.notes) continue;
    s.xs.forEach((ms, i) => {
      const d = Math.hypot(drawn.xOfMs(ms) - x, drawn.y(s.ys[i]) - y);
      if (d <= bestD) {
        bestD = d;
        best = { line: s.lines![i], timeNs: s.notes![i].timeNs, series: s.label, text: s.notes![i].text };
      }
    });
  }
  return best;
}

export function waitBars(window: TimelineWindow | null, base: TimeBase): WaitBar[] {
  if (!window) return [];
  const lanes = Object.keys(window.stolen);
  return window.waits.map((w) => ({
    fromMs: base.toMs(w.fromNs),
    toMs: base.toMs(w.toNs),
    lane: Math.max(0, lanes.indexOf(w.series)),
    series: w.series,
    line: w.line,
    durationNs: w.durationNs,
    count: w.count,
  }));
}

export interface ChartInput {
  spec: ChartSpec;
  /** The block spans [0, width) × [top, top + CHART_HEIGHT); the plot starts at `left`. */
  left: number;
  width: number;
  top: number;
  view: Range;
  axis: TimeAxis;
  palette: Palette;
  xOf: (ns: bigint) => number;
  cursorNs: bigint | null;
  markerA: bigint | null;
  markerB: bigint | null;
}

export interface ChartDrawn {
  plotTop: number;
  plotBottom: number;
  y: (v: number) => number;
  xOfMs: (ms: number) => number;
}

/** The value of a step series at `ms`: its last point at or before it. */
export function valueAt(s: PlotSeries, ms: number): number | null {
  let v: number | null = null;
  for (let i = 0; i < s.xs.length && s.xs[i] <= ms; i++) v = s.ys[i];
  return v;
}

/** The chart's legend items, flowed into rows from `left` to `right` (a label longer than a row is elided). */
type LegendItem = { label: string; series?: PlotSeries; glyph?: { shape: Shape; color: string } };
function legendLayout(
  spec: ChartSpec,
  left: number,
  right: number,
  measure: (s: string) => number,
): (LegendItem & { text: string; x: number; row: number })[] {
  const items: LegendItem[] = spec.series.map((s) => ({ label: s.label, series: s }));
  if (spec.id === 'stolen-chart') items.push({ label: 'sched wait' });
  for (const g of spec.glyphs ?? []) items.push({ label: g.label, glyph: g });
  const out: (LegendItem & { text: string; x: number; row: number })[] = [];
  let x = left;
  let row = 0;
  for (const item of items) {
    const text = elide(item.label, Math.max(16, right - 8 - left - 24), measure);
    const w = 24 + measure(text);
    if (x > left && x + w > right - 8) {
      row++;
      x = left;
    }
    out.push({ ...item, text, x, row });
    x += w + 16;
  }
  return out;
}

export function drawChart(p: Painter, input: ChartInput): ChartDrawn {
  const { spec, left, width, top, view, palette: pal } = input;
  const right = width;
  const legend = legendLayout(spec, left, right, (s) => p.measure(s, pal.font));
  const legendRows = (legend.at(-1)?.row ?? 0) + 1;
  const plotTop = top + TITLE_H + legendRows * LEGEND_H + 6;
  const plotBottom = top + CHART_HEIGHT - 8;
  const span = view.toMs - view.fromMs || 1;
  const xOfMs = (ms: number): number => left + ((ms - view.fromMs) / span) * (right - left);
  // The value range of what is visible: points in view and the value holding at the left edge.
  const values: number[] = [];
  for (const s of spec.series) {
    const atLeft = s.marks ? null : valueAt(s, view.fromMs);
    if (atLeft !== null) values.push(atLeft);
    s.xs.forEach((ms, i) => {
      if (ms >= view.fromMs && ms <= view.toMs) values.push(s.ys[i]);
    });
  }
  // Points around zero (the lateness): zero stays on the axis, so early and late read as such.
  if (spec.series.some((s) => s.marks)) values.push(0);
  const va = valueAxis(
    values.length ? Math.min(...values) : 0,
    values.length ? Math.max(...values) : 0,
    Math.max(2, Math.floor((plotBottom - plotTop) / 30)),
  );
  const y = (v: number): number => plotBottom - ((v - va.lo) / (va.hi - va.lo || 1)) * (plotBottom - plotTop);
  const font = pal.font;
  const measure = (s: string): number => p.measure(s, font);

  p.group({ id: spec.id, cls: 'chart' }, null, () => {
    p.rect(0, top, width, CHART_HEIGHT, { fill: pal.background });
    p.line(0, top + 0.5, width, top + 0.5, { stroke: pal.grid, lineWidth: 1 });
    // Title and description on one line, the description elided to what is left.
    const titleFont = { ...font, weight: 600 as const };
    p.text(8, top + TITLE_H / 2 + 2, spec.title, { fill: pal.foreground, font: titleFont });
    const after = 8 + p.measure(spec.title, titleFont) + 10;
    const desc = elide(spec.description, right - 8 - after, measure);
    if (desc) p.text(after, top + TITLE_H / 2 + 2, desc, { fill: pal.muted, font });
    // Legend: a swatch per series (and the waits' I-bar), in as many rows as it takes.
    p.group({ cls: 'chart-legend' }, null, () => {
      for (const item of legend) {
        const ly = top + TITLE_H + item.row * LEGEND_H + LEGEND_H / 2 + 2;
        const s = item.series;
        p.group({ cls: 'legend-item' }, item.label, () => {
          if (s) p.line(item.x, ly, item.x + 18, ly, { stroke: s.color, lineWidth: 2, dash: s.dashed ? [4, 3] : [] });
          else if (item.glyph) drawGlyph(p, item.glyph.shape, item.x + 9, ly, 5, item.glyph.color);
          else drawGlyph(p, 'ibeam', item.x + 9, ly, 5, pal.colours.wait);
          p.text(item.x + 24, ly, item.text, { fill: pal.foreground, font });
        });
      }
    });
    // Value axis: labels in the track-name column, grid lines across the plot.
    p.group({ cls: 'value-axis', data: { unit: va.unit } }, null, () => {
      for (const v of va.ticks) {
        const yy = Math.round(y(v)) + 0.5;
        p.line(left, yy, right, yy, { stroke: pal.grid, lineWidth: 1, alpha: v === 0 ? 1 : 0.6 });
        p.text(left - 6, yy, valueLabel(v, va), { fill: pal.muted, font, align: 'right' });
      }
    });
    p.clip(left, plotTop - 4, right - left, plotBottom - plotTop + 8, () => {
      for (const t of input.axis.ticks) {
        if (!t.major) continue;
        const x = Math.round(left + t.x) + 0.5;
        p.line(x, plotTop - 4, x, plotBottom + 4, { stroke: pal.grid, lineWidth: 1, alpha: 0.6 });
      }
      for (const s of spec.series) {
        if (!s.xs.length) continue;
        const clampX = (x: number): number => Math.max(left - 20, Math.min(right + 20, x));
        if (s.marks) {
          // One glyph per point on a stem from zero in the series' colour: each delivery stands alone
          // (nothing is interpolated between two interrupts).
          p.group({ cls: 'series points', data: { series: s.id } }, s.label, () => {
            s.xs.forEach((ms, i) => {
              const x = xOfMs(ms);
              if (x < left - 6 || x > right + 6) return;
              p.line(x, y(0), x, y(s.ys[i]), { stroke: s.color, lineWidth: 1.5, alpha: 0.8 });
              p.group(
                { cls: 'point', data: { line: s.lines?.[i] ?? -1, x, y: y(s.ys[i]) } },
                s.notes?.[i]?.text ?? null,
                () => drawGlyph(p, s.marks![i].shape, x, y(s.ys[i]), 4, s.marks![i].color),
              );
            });
          });
          continue;
        }
        const cmds: ['M' | 'L', number, number][] = [['M', clampX(xOfMs(s.xs[0])), y(s.ys[0])]];
        for (let i = 1; i < s.xs.length; i++) {
          const x = clampX(xOfMs(s.xs[i]));
          cmds.push(['L', x, y(s.ys[i - 1])], ['L', x, y(s.ys[i])]);
        }
        // A step holds its last value to the right edge.
        cmds.push(['L', right + 20, y(s.ys[s.ys.length - 1])]);
        p.group({ cls: 'series', data: { series: s.id } }, s.label, () =>
          p.path(cmds, { stroke: s.color, lineWidth: 2, dash: s.dashed ? [6, 4] : [] }),
        );
      }
      for (const w of spec.waits) {
        const x0 = xOfMs(w.fromMs);
        const x1 = xOfMs(w.toMs);
        if (x1 < left || x0 > right) continue;
        const wy = plotBottom - 5 - 9 * (w.lane % 4);
        p.group(
          { cls: 'wait', data: { line: w.line } },
          `sched wait of ${w.series}: ${w.durationNs} ns${w.count > 1 ? ` (${w.count} waits)` : ''}`,
          () => drawIBeam(p, Math.max(left - 4, x0), Math.min(right + 4, x1), wy, 3.5, pal.colours.wait),
        );
      }
      drawVerticals(
        p,
        {
          xOf: input.xOf,
          left,
          width: right - left,
          palette: pal,
          cursorNs: input.cursorNs,
          markerA: input.markerA,
          markerB: input.markerB,
        },
        plotTop - 4,
        plotBottom + 4,
      );
    });
  });
  return { plotTop, plotBottom, y, xOfMs };
}
