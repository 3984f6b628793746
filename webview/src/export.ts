// Export of what the timeline shows: PNG (the rows' canvas and the charts' canvases composed on one
// canvas) and SVG (built from the same data with DOM APIs, so trace text ends up as escaped text).
import type { TimelineOverview } from '../../protocol/views';
import type { ChartInput, PlotSeries } from './charts';
import { AXIS_HEIGHT, handoffGeometry, layoutRows } from './lanes';
import type { Palette } from './palette';
import { tickLabel, tickStep } from './time';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The rows (labels + lanes canvas) above the chart canvases, as a `data:image/png;base64,` URL. */
export function exportPng(labels: { text: string; top: number; height: number; instance: boolean }[], lanes: HTMLCanvasElement,
  charts: HTMLCanvasElement[], labelWidth: number, palette: Palette): string {
  const dpr = window.devicePixelRatio || 1;
  const width = labelWidth * dpr + lanes.width;
  const height = lanes.height + charts.reduce((h, c) => h + c.height, 0);
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(width));
  out.height = Math.max(1, Math.round(height));
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(dpr, dpr);
  ctx.textBaseline = 'middle';
  for (const l of labels) {
    ctx.font = `${l.instance ? '600 ' : ''}${palette.fontSize}px ${palette.fontFamily}`;
    ctx.fillStyle = l.instance ? palette.foreground : palette.muted;
    ctx.fillText(l.text, l.instance ? 8 : 20, l.top + l.height / 2, labelWidth - 12);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(lanes, labelWidth * dpr, 0);
  let y = lanes.height;
  for (const c of charts) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  return out.toDataURL('image/png');
}

export interface SvgInput extends ChartInput {
  overview: TimelineOverview;
  charts: { title: string; series: PlotSeries[] }[];
}

function el(name: string, attrs: Record<string, string | number>, parent: Element, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

/** An SVG document of the rows, markers, findings, handoffs and charts in the visible range. */
export function exportSvg(input: SvgInput): string {
  const { palette: p, view, base, labelWidth } = input;
  const lanesWidth = input.width - labelWidth;
  const { rows, height: rowsHeight } = layoutRows(input.overview.rows);
  const chartHeight = 140;
  const height = rowsHeight + input.charts.length * (chartHeight + 20);
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(input.width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('font-family', p.fontFamily);
  svg.setAttribute('font-size', String(p.fontSize));
  el('title', {}, svg, `hvtimer timeline: ${input.overview.name}`);
  el('rect', { x: 0, y: 0, width: input.width, height, fill: p.background }, svg);
  const x = (ns: string | bigint): number => labelWidth + ((base.toMs(ns) - view.fromMs) / (view.toMs - view.fromMs)) * lanesWidth;
  const inView = (px: number): boolean => px >= labelWidth - 1 && px <= input.width + 1;
  const clampX = (px: number): number => Math.min(input.width, Math.max(labelWidth, px));

  const step = tickStep(view.toMs - view.fromMs, Math.max(2, Math.floor(lanesWidth / 110)));
  for (let ms = Math.ceil(view.fromMs / step) * step; ms <= view.toMs; ms += step) {
    const px = labelWidth + ((ms - view.fromMs) / (view.toMs - view.fromMs)) * lanesWidth;
    el('line', { x1: px, y1: AXIS_HEIGHT - 6, x2: px, y2: rowsHeight, stroke: p.grid }, svg);
    el('text', { x: px, y: AXIS_HEIGHT / 2 + 2, 'text-anchor': 'middle', fill: p.muted }, svg, `${tickLabel(base.startNs, ms, step)} s`);
  }
  const rowTop = new Map(rows.map((r) => [r.row.id, r]));
  for (const r of rows) {
    el('text', { x: r.row.kind === 'instance' ? 8 : 20, y: r.top + r.height / 2 + 4, fill: r.row.kind === 'instance' ? p.foreground : p.muted, 'font-weight': r.row.kind === 'instance' ? 600 : 400 }, svg, r.row.label);
    for (const i of r.row.intervals) {
      if (i.phase === 'gone') continue;
      const x0 = clampX(x(i.fromNs));
      const x1 = clampX(x(i.toNs));
      if (x1 <= x0) continue;
      const inset = r.row.kind === 'instance' ? 3 : 5;
      el('rect', { x: x0, y: r.top + inset, width: x1 - x0, height: r.height - 2 * inset, fill: p.phase[i.phase], 'fill-opacity': i.phase === 'running' ? 0.35 : 0.25 }, svg);
    }
  }
  for (const { x0, y0, x1, y1 } of handoffGeometry(input.overview, rowTop, x)) {
    const mid = (y0 + y1) / 2;
    el('path', { d: `M ${x0} ${y0} C ${x0} ${mid} ${x1} ${mid} ${x1} ${y1}`, fill: 'none', stroke: p.handoff, 'stroke-width': 2, 'stroke-dasharray': '5 3' }, svg);
  }
  const w = input.window;
  if (w) {
    for (const m of w.markers) {
      const r = rowTop.get(m.row);
      const px = x(m.timeNs);
      if (!r || !inView(px)) continue;
      const g = el('rect', { x: px - 1, y: r.top + 4, width: 3, height: r.height - 8, fill: p.actor[m.actor] }, svg);
      el('title', {}, g, `line ${m.line + 1}: ${m.text}`);
    }
    for (const c of w.clusters) {
      const r = rowTop.get(c.row);
      if (!r) continue;
      const x0 = clampX(x(c.fromNs));
      el('rect', { x: x0, y: r.top + 5, width: Math.max(3, clampX(x(c.toNs)) - x0), height: r.height - 10, fill: p.actor[c.actors[0] ?? 'vmm'], 'fill-opacity': 0.6 }, svg);
    }
    for (const f of w.findings) {
      const px = x(f.timeNs);
      if (!inView(px)) continue;
      const top = f.row ? (rowTop.get(f.row)?.top ?? AXIS_HEIGHT - 10) + 1 : AXIS_HEIGHT - 10;
      const g = el('path', { d: `M ${px - 6} ${top} L ${px + 6} ${top} L ${px} ${top + 8} Z`, fill: p.severity[f.severity] }, svg);
      el('title', {}, g, `line ${f.line + 1}: ${f.code} ${f.message}`);
    }
  }
  let top = rowsHeight;
  for (const chart of input.charts) {
    el('text', { x: 8, y: top + 14, fill: p.muted }, svg, chart.title);
    const plotTop = top + 20;
    el('rect', { x: labelWidth, y: plotTop, width: lanesWidth, height: chartHeight, fill: 'none', stroke: p.grid }, svg);
    const ys = chart.series.flatMap((s) => s.ys);
    // A loop, not Math.min(0, ...ys): spreading an unbounded array into a call overflows the stack.
    let lo = 0;
    let hi = 0;
    for (const v of ys) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const y = (v: number): number => plotTop + chartHeight - ((v - lo) / (hi - lo || 1)) * chartHeight;
    el('text', { x: labelWidth - 4, y: y(hi) + 10, 'text-anchor': 'end', fill: p.muted }, svg, String(hi));
    el('text', { x: labelWidth - 4, y: y(lo), 'text-anchor': 'end', fill: p.muted }, svg, String(lo));
    for (const s of chart.series) {
      // A step line: horizontal to the next point's x, then vertical.
      let d = '';
      s.xs.forEach((ms, i) => {
        const px = clampX(labelWidth + ((ms - view.fromMs) / (view.toMs - view.fromMs)) * lanesWidth);
        const py = y(s.ys[i]);
        d += i === 0 ? `M ${px} ${py}` : ` H ${px} V ${py}`;
      });
      if (d) el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, ...(s.dashed ? { 'stroke-dasharray': '6 4' } : {}) }, svg);
    }
    top = plotTop + chartHeight;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
}
