// The whole timeline as one picture, at a chosen width: a header (trace, visible range, A/B Δt),
// the legend, the time axis, the track names and tracks, the charts — drawn through a Painter, once
// into an SVG document and once onto a canvas for the PNG, with the same calls, so the two exports
// match each other and the screen (which draws its parts with the same functions). No focus rings,
// selection rings or hover state: those belong to the screen only.
import type { TimelineOverview, TimelineWindow } from '../../protocol/views';
import { AXIS_HEIGHT, drawAxis } from './axis';
import { CHART_HEIGHT, drawChart, type ChartSpec } from './charts';
import { elide } from './elide';
import { drawGlyph } from './glyphs';
import { drawTracks, type TracksDrawn } from './lanes';
import { LEGEND, type LegendEntry } from './legend';
import { CanvasPainter, SvgPainter, type Font, type Painter } from './painter';
import type { Palette } from './palette';
import { timeAxis } from './ticks';
import type { TimeBase } from './time';
import type { TrackLayout } from './tracks';
import type { Range } from './viewport';

export const HEADER_HEIGHT = 24;
export const LEGEND_ROW_HEIGHT = 18;
const SWATCH_W = 22;
const LEGEND_GAP = 14;

export interface SceneInput {
  title: string;
  /** What the toolbar says of the view: range, cursor, A/B and Δt. */
  subtitle: string;
  overview: TimelineOverview;
  window: TimelineWindow | null;
  tracks: readonly TrackLayout[];
  tracksHeight: number;
  base: TimeBase;
  view: Range;
  palette: Palette;
  width: number;
  labelWidth: number;
  /** The legend's entries (legend.ts `legendFor`); default: all of them. */
  legend?: readonly LegendEntry[];
  charts: ChartSpec[];
  cursorNs: bigint | null;
  markerA: bigint | null;
  markerB: bigint | null;
}

/** Where each part of the scene is (y ranges), for the tests and for callers placing things. */
export interface SceneLayout {
  height: number;
  legend: [number, number];
  axis: [number, number];
  tracks: [number, number];
  charts: Record<string, [number, number]>;
}

/** The legend's items, wrapped into rows within `width`. */
export function legendRows(
  width: number,
  measure: (s: string) => number,
  entries: readonly LegendEntry[] = LEGEND,
): { label: string; index: number; x: number; row: number }[] {
  const out: { label: string; index: number; x: number; row: number }[] = [];
  let x = 8;
  let row = 0;
  entries.forEach((e, index) => {
    const w = SWATCH_W + measure(e.label);
    if (x > 8 && x + w > width - 8) {
      row++;
      x = 8;
    }
    out.push({ label: e.label, index, x, row });
    x += w + LEGEND_GAP;
  });
  return out;
}

export function layoutScene(input: SceneInput, measure: (s: string) => number): SceneLayout {
  const rows = legendRows(input.width, measure, input.legend);
  const legendH = ((rows.at(-1)?.row ?? 0) + 1) * LEGEND_ROW_HEIGHT + 4;
  const legend: [number, number] = [HEADER_HEIGHT, HEADER_HEIGHT + legendH];
  const axis: [number, number] = [legend[1], legend[1] + AXIS_HEIGHT];
  const tracks: [number, number] = [axis[1], axis[1] + input.tracksHeight];
  const charts: Record<string, [number, number]> = {};
  let y = tracks[1];
  for (const c of input.charts) {
    charts[c.id] = [y, y + CHART_HEIGHT];
    y += CHART_HEIGHT;
  }
  return { height: y + 4, legend, axis, tracks, charts };
}

export function drawLegend(
  p: Painter,
  palette: Palette,
  width: number,
  top: number,
  entries: readonly LegendEntry[] = LEGEND,
): void {
  const font = palette.font;
  p.group({ id: 'legend' }, null, () => {
    for (const item of legendRows(width, (s) => p.measure(s, font), entries)) {
      const e = entries[item.index];
      const cy = top + item.row * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2 + 2;
      p.group({ cls: 'legend-entry', data: { category: e.category, shape: e.shape } }, e.description, () => {
        drawGlyph(p, e.shape, item.x + 8, cy, 5, palette.colours[e.category]);
        p.text(item.x + SWATCH_W, cy, e.label, { fill: palette.muted, font });
      });
    }
  });
}

/** The track names, as the screen's track list shows them (indent by depth, ▸/▾ on groups). */
export function drawTrackLabels(
  p: Painter,
  tracks: readonly TrackLayout[],
  palette: Palette,
  labelWidth: number,
  top: number,
): void {
  p.group({ id: 'track-labels' }, null, () => {
    for (const t of tracks) {
      const n = t.node;
      const x = 8 + n.depth * 12;
      const cy = top + t.top + t.height / 2;
      const font: Font = { ...palette.font, weight: n.kind === 'vcpu' || n.kind === 'timer' ? 400 : 600 };
      const twisty = n.children.length ? (t.collapsed ? '▸ ' : '▾ ') : '';
      const text = elide(twisty + n.label, labelWidth - x - 6, (s) => p.measure(s, font));
      p.group({ cls: `track-label ${n.kind}`, data: { track: n.id } }, n.title, () =>
        p.text(x, cy, text, {
          fill: n.kind === 'vcpu' || n.kind === 'timer' ? palette.muted : palette.foreground,
          font,
        }),
      );
    }
  });
}

/** Draws the whole scene; returns what the tracks drew (hits, handoffs) and the layout. */
export function drawScene(p: Painter, input: SceneInput): { layout: SceneLayout; tracks: TracksDrawn } {
  const { palette: pal, width, labelWidth, view, base } = input;
  const layout = layoutScene(input, (s) => p.measure(s, pal.font));
  const lanesWidth = Math.max(1, width - labelWidth);
  const fromNs = base.toNs(view.fromMs);
  const toNs = base.toNs(view.toMs);
  const axis = timeAxis(fromNs, toNs, lanesWidth, (s) => p.measure(s, pal.font));
  const xOf = (ns: bigint | string): number =>
    labelWidth + ((base.toMs(ns) - view.fromMs) / (view.toMs - view.fromMs)) * lanesWidth;
  const marks = { cursorNs: input.cursorNs, markerA: input.markerA, markerB: input.markerB };
  p.rect(0, 0, width, layout.height, { fill: pal.background });
  p.group({ id: 'header' }, null, () => {
    const titleFont: Font = { ...pal.font, weight: 600 };
    p.text(
      8,
      HEADER_HEIGHT / 2,
      elide(input.title, width / 2, (s) => p.measure(s, titleFont)),
      { fill: pal.foreground, font: titleFont },
    );
    const x =
      8 +
      p.measure(
        elide(input.title, width / 2, (s) => p.measure(s, titleFont)),
        titleFont,
      ) +
      12;
    p.text(
      x,
      HEADER_HEIGHT / 2,
      elide(input.subtitle, width - x - 8, (s) => p.measure(s, pal.font)),
      { fill: pal.muted, font: pal.font },
    );
  });
  drawLegend(p, pal, width, layout.legend[0], input.legend);
  drawAxis(p, { axis, left: labelWidth, width, top: layout.axis[0], palette: pal, xOf, ...marks });
  drawTrackLabels(p, input.tracks, pal, labelWidth, layout.tracks[0]);
  const tracks = drawTracks(p, {
    overview: input.overview,
    window: input.window,
    tracks: input.tracks,
    left: labelWidth,
    top: layout.tracks[0],
    width: lanesWidth,
    height: input.tracksHeight,
    xOf,
    axis,
    palette: pal,
    ...marks,
    selectedLine: null,
    focusedTrack: -1,
    focusedLine: null,
  });
  for (const spec of input.charts) {
    drawChart(p, {
      spec,
      left: labelWidth,
      width,
      top: layout.charts[spec.id][0],
      view,
      axis,
      palette: pal,
      xOf,
      ...marks,
    });
  }
  return { layout, tracks };
}

/** The SVG document (its text, with the XML declaration). */
export function exportSvg(input: SceneInput, measure: (s: string) => number): string {
  const layout = layoutScene(input, measure);
  const svg = new SvgPainter(input.width, layout.height, input.palette.font);
  svg.group({ id: 'hvtimer-timeline' }, `hvtimer timeline: ${input.title}`, () => drawScene(svg, input));
  return svg.serialize();
}

/** The PNG, `scale` device pixels per px, as a `data:image/png;base64,` URL. */
export function exportPng(input: SceneInput, measure: (s: string) => number, scale: number): string {
  const layout = layoutScene(input, measure);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(input.width * scale));
  canvas.height = Math.max(1, Math.round(layout.height * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  drawScene(new CanvasPainter(ctx), input);
  return canvas.toDataURL('image/png');
}
