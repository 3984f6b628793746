// The rows of the timeline on one canvas: a time axis, then per instance and vCPU its phases
// (setup / running / paused), the statements as markers coloured by actor (or clusters where the
// server reduced them), the findings as triangles coloured by severity, the handoffs between
// instances, the cursor and the A/B markers. Everything drawn that can be clicked is kept in `hits`.
import type {
  FindingCluster, FindingSeverity, MarkerCluster, TimelineFinding, TimelineMarker, TimelineOverview, TimelineRow, TimelineWindow,
} from '../../protocol/views';
import { parseInstanceKey } from '../../protocol/instanceKey';
import type { Palette } from './palette';
import { tickLabel, tickStep, type TimeBase } from './time';
import type { Range } from './viewport';

export const AXIS_HEIGHT = 24;
export const ROW_HEIGHT: Record<TimelineRow['kind'], number> = { instance: 26, vcpu: 20 };

export interface RowLayout { row: TimelineRow; index: number; top: number; height: number }

export type Hit =
  | { kind: 'marker'; line: number; row: string; timeNs: string; x: number; y: number; color: string; marker: TimelineMarker }
  | { kind: 'finding'; line: number; row: string | null; timeNs: string; x: number; y: number; color: string; finding: TimelineFinding }
  | { kind: 'cluster'; line: number; row: string; timeNs: string; x: number; y: number; width: number; color: string; cluster: MarkerCluster }
  | { kind: 'findingCluster'; line: number; row: string | null; timeNs: string; x: number; y: number; width: number; color: string; cluster: FindingCluster };

export interface LanesInput {
  overview: TimelineOverview;
  window: TimelineWindow | null;
  base: TimeBase;
  view: Range;
  palette: Palette;
  width: number;
  cursorNs: bigint | null;
  markerA: bigint | null;
  markerB: bigint | null;
  selectedLine: number | null;
  focusedRow: number;
  focusedLine: number | null;
}

const RANK: Record<FindingSeverity, number> = { hint: 1, info: 2, warning: 3, error: 4 };

export function layoutRows(rows: readonly TimelineRow[]): { rows: RowLayout[]; height: number } {
  let top = AXIS_HEIGHT;
  const out = rows.map((row, index) => {
    const l = { row, index, top, height: ROW_HEIGHT[row.kind] };
    top += l.height;
    return l;
  });
  return { rows: out, height: top + 4 };
}

/** A handoff as drawn: from the stop on the source row to the resume point on the destination row. */
export interface DrawnHandoff { from: string; to: string; label: string; x0: number; y0: number; x1: number; y1: number }

/** Where each handoff goes (canvas and SVG export alike): `x` maps a time to px, `rows` a row id to its layout. */
export function handoffGeometry(overview: TimelineOverview, rows: ReadonlyMap<string, RowLayout>, x: (ns: string) => number): DrawnHandoff[] {
  return overview.handoffs.flatMap((h) => {
    const from = rows.get(h.from);
    const to = rows.get(h.to);
    if (!from || !to) return [];
    return [{
      from: h.from, to: h.to, label: h.kind === 'migrate' ? `migrate → ${parseInstanceKey(h.to).host}` : 'restore',
      x0: x(h.stopNs), y0: from.top + from.height / 2, x1: x(h.resumeNs ?? h.timeNs), y1: to.top + to.height / 2,
    }];
  });
}

export class Lanes {
  hits: Hit[] = [];
  handoffsDrawn: DrawnHandoff[] = [];
  layout: RowLayout[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Resizes the canvas (CSS px, scaled for the screen) and draws everything. */
  draw(input: LanesInput): void {
    const { rows, height } = layoutRows(input.overview.rows);
    this.layout = rows;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.floor(input.width));
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const p = input.palette;
    ctx.fillStyle = p.background;
    ctx.fillRect(0, 0, w, height);
    ctx.font = `${p.fontSize}px ${p.fontFamily}`;
    const x = (ns: string | bigint): number => ((input.base.toMs(ns) - input.view.fromMs) / (input.view.toMs - input.view.fromMs)) * w;
    const rowById = new Map(rows.map((r) => [r.row.id, r]));
    this.hits = [];
    this.handoffsDrawn = [];

    this.axis(ctx, input, w, height);
    for (const r of rows) {
      if (r.index % 2 === 1) { ctx.fillStyle = p.rowAlt; ctx.fillRect(0, r.top, w, r.height); }
      if (r.index === input.focusedRow) { ctx.strokeStyle = p.focus; ctx.lineWidth = 1; ctx.strokeRect(0.5, r.top + 0.5, w - 1, r.height - 1); }
      for (const i of r.row.intervals) {
        if (i.phase === 'gone') continue;
        const x0 = Math.max(-1, x(i.fromNs));
        const x1 = Math.min(w + 1, x(i.toNs));
        if (x1 < 0 || x0 > w) continue;
        ctx.fillStyle = p.phase[i.phase];
        ctx.globalAlpha = i.phase === 'running' ? 0.35 : 0.25;
        const inset = r.row.kind === 'instance' ? 3 : 5;
        ctx.fillRect(x0, r.top + inset, Math.max(1, x1 - x0), r.height - 2 * inset);
        ctx.globalAlpha = 1;
      }
    }
    this.handoffs(ctx, input, rowById, x);
    const win = input.window;
    if (win) {
      for (const c of win.clusters) this.cluster(ctx, input, rowById.get(c.row), c, x);
      for (const m of win.markers) this.marker(ctx, input, rowById.get(m.row), m, x);
      const findings = [...win.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
      for (const f of findings) this.finding(ctx, input, f.row === null ? undefined : rowById.get(f.row), f, x);
      for (const c of win.findingClusters) this.findingCluster(ctx, input, c.row === null ? undefined : rowById.get(c.row), c, x);
    }
    this.verticals(ctx, input, w, height, x);
  }

  private axis(ctx: CanvasRenderingContext2D, input: LanesInput, w: number, height: number): void {
    const p = input.palette;
    const spanMs = input.view.toMs - input.view.fromMs;
    const step = tickStep(spanMs, Math.max(2, Math.floor(w / 110)));
    ctx.strokeStyle = p.grid;
    ctx.fillStyle = p.muted;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (let ms = Math.ceil(input.view.fromMs / step) * step; ms <= input.view.toMs; ms += step) {
      const px = Math.round(((ms - input.view.fromMs) / spanMs) * w) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, AXIS_HEIGHT - 6);
      ctx.lineTo(px, height);
      ctx.stroke();
      ctx.fillText(`${tickLabel(input.base.startNs, ms, step)} s`, px, AXIS_HEIGHT / 2 - 2);
    }
    ctx.beginPath();
    ctx.moveTo(0, AXIS_HEIGHT - 0.5);
    ctx.lineTo(w, AXIS_HEIGHT - 0.5);
    ctx.stroke();
  }

  private handoffs(ctx: CanvasRenderingContext2D, input: LanesInput, rows: Map<string, RowLayout>, x: (ns: string) => number): void {
    const p = input.palette;
    for (const h of handoffGeometry(input.overview, rows, x)) {
      const { x0, y0, x1, y1 } = h;
      this.handoffsDrawn.push(h);
      ctx.strokeStyle = p.handoff;
      ctx.fillStyle = p.handoff;
      ctx.lineWidth = 2;
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      const mid = (y0 + y1) / 2;
      ctx.bezierCurveTo(x0, mid, x1, mid, x1, y1);
      ctx.stroke();
      ctx.setLineDash([]);
      const dir = y1 >= y0 ? 1 : -1;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 5, y1 - 8 * dir);
      ctx.lineTo(x1 + 5, y1 - 8 * dir);
      ctx.closePath();
      ctx.fill();
      ctx.textAlign = 'left';
      ctx.fillText(h.label, Math.max(x0, x1) + 6, mid);
    }
  }

  private marker(ctx: CanvasRenderingContext2D, input: LanesInput, r: RowLayout | undefined, m: TimelineMarker, x: (ns: string) => number): void {
    if (!r) return;
    const px = x(m.timeNs);
    if (px < -4 || px > input.width + 4) return;
    const color = input.palette.actor[m.actor];
    const top = r.top + 4;
    const h = r.height - 8;
    ctx.fillStyle = color;
    ctx.fillRect(Math.round(px) - 1, top, 3, h);
    if (m.line === input.selectedLine || m.line === input.focusedLine) {
      ctx.strokeStyle = input.palette.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.round(px) - 4, top - 2, 9, h + 4);
    }
    this.hits.push({ kind: 'marker', line: m.line, row: m.row, timeNs: m.timeNs, x: px, y: r.top + r.height / 2, color, marker: m });
  }

  private cluster(ctx: CanvasRenderingContext2D, input: LanesInput, r: RowLayout | undefined, c: MarkerCluster, x: (ns: string) => number): void {
    if (!r) return;
    const x0 = x(c.fromNs);
    const width = Math.max(3, x(c.toNs) - x0);
    if (x0 + width < -4 || x0 > input.width + 4) return;
    const color = c.severity ? input.palette.severity[c.severity] : input.palette.actor[c.actors[0] ?? 'vmm'];
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.6;
    ctx.fillRect(x0, r.top + 5, width, r.height - 10);
    ctx.globalAlpha = 1;
    if (width > 28) {
      ctx.fillStyle = input.palette.foreground;
      ctx.textAlign = 'center';
      ctx.fillText(String(c.count), x0 + width / 2, r.top + r.height / 2);
    }
    this.hits.push({ kind: 'cluster', line: c.firstLine, row: c.row, timeNs: c.fromNs, x: x0 + width / 2, y: r.top + r.height / 2, width, color, cluster: c });
  }

  private finding(ctx: CanvasRenderingContext2D, input: LanesInput, r: RowLayout | undefined, f: TimelineFinding, x: (ns: string) => number): void {
    const px = x(f.timeNs);
    if (px < -6 || px > input.width + 6) return;
    const top = r ? r.top + 1 : AXIS_HEIGHT - 10;
    const color = input.palette.severity[f.severity];
    triangle(ctx, px, top, 6, color);
    if (f.line === input.selectedLine) {
      ctx.strokeStyle = input.palette.focus;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(px - 7, top - 1, 14, 10);
    }
    this.hits.push({ kind: 'finding', line: f.line, row: f.row, timeNs: f.timeNs, x: px, y: top + 4, color, finding: f });
  }

  private findingCluster(ctx: CanvasRenderingContext2D, input: LanesInput, r: RowLayout | undefined, c: FindingCluster, x: (ns: string) => number): void {
    const x0 = x(c.fromNs);
    const width = Math.max(6, x(c.toNs) - x0);
    const top = r ? r.top + 1 : AXIS_HEIGHT - 10;
    const color = input.palette.severity[c.severity];
    triangle(ctx, x0 + width / 2, top, 6, color);
    this.hits.push({ kind: 'findingCluster', line: c.firstLine, row: c.row, timeNs: c.fromNs, x: x0 + width / 2, y: top + 4, width, color, cluster: c });
  }

  private verticals(ctx: CanvasRenderingContext2D, input: LanesInput, w: number, height: number, x: (ns: bigint) => number): void {
    const line = (ns: bigint, color: string, dash: number[], label: string): void => {
      const px = Math.round(x(ns)) + 0.5;
      if (px < 0 || px > w) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1;
      ctx.setLineDash(dash);
      ctx.beginPath();
      ctx.moveTo(px, AXIS_HEIGHT);
      ctx.lineTo(px, height);
      ctx.stroke();
      ctx.setLineDash([]);
      if (label) {
        ctx.fillStyle = color;
        ctx.textAlign = 'left';
        ctx.fillText(label, px + 3, AXIS_HEIGHT + 6);
      }
    };
    if (input.markerA !== null) line(input.markerA, input.palette.ab, [4, 3], 'A');
    if (input.markerB !== null) line(input.markerB, input.palette.ab, [4, 3], 'B');
    if (input.cursorNs !== null) line(input.cursorNs, input.palette.cursor, [], '');
  }

  /** The clickable thing nearest to (px, py) within a few pixels, findings first. */
  hitAt(px: number, py: number): Hit | undefined {
    let best: Hit | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const h of this.hits) {
      const half = 'width' in h ? h.width / 2 + 2 : h.kind === 'finding' ? 7 : 4;
      const dx = Math.abs(px - h.x);
      const dy = Math.abs(py - h.y);
      if (dx > half || dy > (h.kind === 'finding' || h.kind === 'findingCluster' ? 7 : 10)) continue;
      const d = dx + dy + (h.kind === 'finding' ? -3 : 0);
      // On a tie the one drawn last wins: it is the one on top (findings over markers, errors over warnings).
      if (d <= bestD) { best = h; bestD = d; }
    }
    return best;
  }

  /** The row at a y position. */
  rowAt(py: number): RowLayout | undefined {
    return this.layout.find((r) => py >= r.top && py < r.top + r.height);
  }
}

function triangle(ctx: CanvasRenderingContext2D, cx: number, top: number, half: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(cx - half, top);
  ctx.lineTo(cx + half, top);
  ctx.lineTo(cx, top + 8);
  ctx.closePath();
  ctx.fill();
}
