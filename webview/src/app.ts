// The timeline webview: receives a document's overview and visible-range data from the extension,
// draws the rows (lanes.ts) and the charts (charts.ts), and handles zoom, pan, fit, the cursor, the
// A/B markers, clicks and the keyboard. It asks for data per visible range (never the whole trace),
// persists its view with `setState`, and never puts trace text into HTML (textContent only).
import { unhandled, type FromWebview, type TimelineViewState, type ToWebview } from '../../protocol/webview';
import { WINDOW_LIMIT, type TimelineOverviewResult, type TimelineWindowResult } from '../../protocol/requests';
import { ACTORS } from '../../protocol/views';
import { Chart, clockErrorSeries, stolenSeries } from './charts';
import { exportPng, exportSvg } from './export';
import { Lanes, type Hit } from './lanes';
import { readPalette, watchTheme, type Palette } from './palette';
import { formatExactDuration, formatSeconds, TimeBase } from './time';
import { fit, pan, reveal, span, zoom, type Range } from './viewport';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): TimelineViewState | undefined;
  setState(state: TimelineViewState): void;
}

/** Bounds asked of the server per visible range: the most it answers. */
const MAX_ITEMS = WINDOW_LIMIT;
/** Zoom factor of one step (+/-, W/S, the buttons) and pan fraction of one step (A/D, arrows with Shift). */
export const ZOOM_STEP = 2;
export const PAN_STEP = 0.25;
/** Each request covers the visible range plus this fraction of it on each side, so small pans need no new data. */
const PREFETCH = 0.5;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export class TimelineApp {
  private overview: TimelineOverviewResult | null = null;
  private window: TimelineWindowResult | null = null;
  private base = new TimeBase(0n);
  private view: Range = { fromMs: 0, toMs: 1 };
  private palette: Palette = readPalette();
  private cursorNs: bigint | null = null;
  private markerA: bigint | null = null;
  private markerB: bigint | null = null;
  private selectedLine: number | null = null;
  private focusedRow = 0;
  private focusedLine: number | null = null;
  private seq = 0;
  private requested: { seq: number; from: number; to: number } | null = null;
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;
  private restored: TimelineViewState | null;
  private readonly lanes: Lanes;
  private readonly clockChart: Chart;
  private readonly stolenChart: Chart;
  private readonly canvas = $<HTMLCanvasElement>('lanes');
  private readonly labels = $('labels');
  private readonly tooltip = $('tooltip');
  private drag: { x: number; view: Range; moved: boolean } | null = null;

  constructor(private readonly vscode: VsCodeApi) {
    this.restored = vscode.getState() ?? null;
    this.lanes = new Lanes(this.canvas);
    this.clockChart = new Chart($('clock-chart'), 'µs', (v) => `${v.toFixed(3)} µs`);
    this.stolenChart = new Chart($('stolen-chart'), 'ms', (v) => `${v.toFixed(3)} ms`);
    this.stolenChart.overlay = (u, x) => this.drawWaits(u.ctx, x, u.bbox.top + u.bbox.height);
    if (this.restored) {
      this.cursorNs = this.restored.cursorNs === null ? null : BigInt(this.restored.cursorNs);
      this.markerA = this.restored.markerA === null ? null : BigInt(this.restored.markerA);
      this.markerB = this.restored.markerB === null ? null : BigInt(this.restored.markerB);
      this.selectedLine = this.restored.selectedLine;
    }
  }

  start(): void {
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.onMessage(e.data));
    this.wire();
    watchTheme(() => { this.palette = readPalette(); this.render(); });
    new ResizeObserver(() => this.render()).observe($('scroll'));
    this.legend();
    this.post({ type: 'ready', state: this.restored });
  }

  private post(message: FromWebview): void { this.vscode.postMessage(message); }

  private onMessage(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'overview': return this.setOverview(m.overview, m.cursorLine);
      case 'window':
        if (this.requested && m.seq !== this.requested.seq) return; // overtaken by a newer request
        if (!this.overview || m.window.uri !== this.overview.uri) return;
        this.window = m.window;
        this.status('');
        this.render();
        return;
      case 'cursor': return this.cursorToLine(m.line);
      case 'error': return this.status(m.message);
      default: return unhandled(m);
    }
  }

  private setOverview(o: TimelineOverviewResult, cursorLine: number | null): void {
    const sameDoc = this.overview?.uri === o.uri;
    this.overview = o;
    this.base = new TimeBase(o.extent ? BigInt(o.extent.startNs) : 0n);
    const extentMs = o.extent ? this.base.toMs(o.extent.endNs) : 0;
    const restored = this.restored?.uri === o.uri ? this.restored : null;
    if (restored?.view) this.view = { fromMs: this.base.toMs(restored.view.fromNs), toMs: this.base.toMs(restored.view.toNs) };
    else if (!sameDoc) {
      this.view = fit(extentMs);
      this.cursorNs = null; this.markerA = null; this.markerB = null; this.selectedLine = null;
    }
    this.restored = null;
    if (!sameDoc) this.window = null;
    // A new overview (another document, or the same one edited): the data at hand is stale.
    this.requested = null;
    $('title').textContent = o.name;
    this.buildLabels();
    if (cursorLine !== null && this.cursorNs === null) this.cursorToLine(cursorLine, false);
    this.viewChanged();
  }

  // ---- data ------------------------------------------------------------------------------------

  /** Asks for the visible range (with a margin) unless the data at hand covers it. */
  private fetchWindow(): void {
    clearTimeout(this.fetchTimer);
    if (!this.overview?.extent) return;
    const covered = this.window && this.requested && this.requested.from <= this.view.fromMs && this.requested.to >= this.view.toMs
      && span(this.view) >= (this.requested.to - this.requested.from) / (1 + 2 * PREFETCH) / 1.01;
    if (covered) return;
    this.fetchTimer = setTimeout(() => {
      const margin = span(this.view) * PREFETCH;
      const from = this.view.fromMs - margin;
      const to = this.view.toMs + margin;
      this.requested = { seq: ++this.seq, from, to };
      this.post({ type: 'requestWindow', seq: this.seq, fromNs: this.base.toNs(from).toString(), toNs: this.base.toNs(to).toString(), maxMarkers: MAX_ITEMS, maxSamples: MAX_ITEMS });
    }, 30);
  }

  // ---- view ------------------------------------------------------------------------------------

  private viewChanged(): void {
    this.persist();
    this.render();
    this.fetchWindow();
  }

  private setView(r: Range): void {
    this.view = r;
    this.viewChanged();
  }

  /** Zooms around `anchorMs`, else around the cursor when it is in view, else around the centre. */
  private zoomBy(factor: number, anchorMs?: number): void {
    const cursor = this.cursorNs === null ? undefined : this.base.toMs(this.cursorNs);
    const anchor = anchorMs ?? (cursor !== undefined && cursor >= this.view.fromMs && cursor <= this.view.toMs ? cursor : undefined);
    this.setView(zoom(this.view, factor, anchor));
  }
  private panBy(fraction: number): void { this.setView(pan(this.view, fraction)); }
  private fitAll(): void {
    if (!this.overview?.extent) return;
    this.setView(fit(this.base.toMs(this.overview.extent.endNs)));
  }

  private persist(): void {
    this.vscode.setState({
      uri: this.overview?.uri ?? null,
      view: this.overview ? { fromNs: this.base.toNs(this.view.fromMs).toString(), toNs: this.base.toNs(this.view.toMs).toString() } : null,
      cursorNs: this.cursorNs?.toString() ?? null, selectedLine: this.selectedLine,
      markerA: this.markerA?.toString() ?? null, markerB: this.markerB?.toString() ?? null,
    });
  }

  /** The time of a line: exact from the data at hand, else from the overview's line index. */
  private timeOfLine(line: number): bigint | null {
    const m = this.window?.markers.find((x) => x.line === line);
    if (m) return BigInt(m.timeNs);
    const index = this.overview?.lineIndex ?? [];
    let found: string | null = null;
    for (const e of index) { if (e.line <= line) found = e.timeNs; else break; }
    return found === null ? (index[0] ? BigInt(index[0].timeNs) : null) : BigInt(found);
  }

  private cursorToLine(line: number, move = true): void {
    const t = this.timeOfLine(line);
    if (t === null) return;
    this.cursorNs = t;
    this.selectedLine = line;
    if (move) this.setView(reveal(this.view, this.base.toMs(t)));
    else this.persist();
    this.render();
  }

  // ---- drawing ---------------------------------------------------------------------------------

  private labelWidth(): number {
    return Number.parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--tl-label-width')) || 150;
  }

  private render(): void {
    if (!this.overview) return;
    const total = $('scroll').clientWidth;
    const labelWidth = this.labelWidth();
    const width = Math.max(50, total - labelWidth);
    this.lanes.draw({
      overview: this.overview, window: this.window, base: this.base, view: this.view, palette: this.palette, width,
      cursorNs: this.cursorNs, markerA: this.markerA, markerB: this.markerB, selectedLine: this.selectedLine,
      focusedRow: this.focusedRow, focusedLine: this.focusedLine,
    });
    $('rows').style.height = `${this.canvas.height / (window.devicePixelRatio || 1)}px`;
    this.positionLabels();
    const chartInput = { window: this.window, base: this.base, view: this.view, palette: this.palette, width: total, labelWidth };
    // A chart without data (no stolen time in this trace) is hidden rather than drawn empty.
    for (const [chart, series, id] of [[this.clockChart, clockErrorSeries(this.window, this.base, this.palette), 'clock-chart'],
      [this.stolenChart, stolenSeries(this.window, this.base, this.palette), 'stolen-chart']] as const) {
      const section = $(id).parentElement!;
      section.hidden = series.length === 0 && (id === 'stolen-chart' ? !this.overview.series.some((x) => x.stolen) : !this.overview.series.some((x) => x.clockError));
      if (!section.hidden) chart.update(series, chartInput);
    }
    $('range').textContent = `${formatSeconds(this.base.toNs(this.view.fromMs))} – ${formatSeconds(this.base.toNs(this.view.toMs))}`;
    this.showDelta();
  }

  private drawWaits(ctx: CanvasRenderingContext2D, x: (ms: number) => number, bottom: number): void {
    if (!this.window) return;
    const ids = Object.keys(this.window.stolen);
    const dpr = window.devicePixelRatio || 1;
    for (const w of this.window.waits) {
      const i = Math.max(0, ids.indexOf(w.series));
      const x0 = x(this.base.toMs(w.fromNs));
      const x1 = x(this.base.toMs(w.toNs));
      ctx.fillStyle = this.palette.series[i % this.palette.series.length];
      ctx.globalAlpha = 0.5;
      ctx.fillRect(x0, bottom - 8 * dpr * (1 + (i % 3)), Math.max(2 * dpr, x1 - x0), 6 * dpr);
      ctx.globalAlpha = 1;
    }
  }

  private buildLabels(): void {
    const o = this.overview!;
    this.labels.replaceChildren(...o.rows.map((r, i) => {
      const div = document.createElement('div');
      div.className = `row-label ${r.kind}`;
      div.setAttribute('role', 'listitem');
      div.tabIndex = 0;
      div.dataset.row = r.id;
      div.textContent = r.label;
      const running = r.intervals.filter((x) => x.phase === 'running').length;
      div.setAttribute('aria-label', `${r.kind === 'instance' ? `instance ${r.instance}` : `${r.label} of ${r.instance}`}, ${running} running interval${running === 1 ? '' : 's'} (row ${i + 1} of ${o.rows.length})`);
      div.title = r.kind === 'instance' ? `${r.instance} (${r.origin})` : `${r.instance}/${r.label}`;
      div.addEventListener('focus', () => { this.focusedRow = i; this.render(); });
      div.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') { this.focusedRow = i; this.canvas.focus(); this.focusMarker(0); e.preventDefault(); }
      });
      return div;
    }));
  }

  private positionLabels(): void {
    const byId = new Map(this.lanes.layout.map((l) => [l.row.id, l]));
    for (const div of Array.from(this.labels.children) as HTMLElement[]) {
      const l = byId.get(div.dataset.row ?? '');
      if (!l) continue;
      div.style.top = `${l.top}px`;
      div.style.height = `${l.height}px`;
      div.classList.toggle('focused', l.index === this.focusedRow);
    }
  }

  private legend(): void {
    const item = (cls: string, text: string): HTMLElement => {
      const span = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = `swatch ${cls}`;
      span.append(swatch, document.createTextNode(text));
      return span;
    };
    $('legend').replaceChildren(
      item('phase-setup', 'setup'), item('phase-running', 'running'), item('phase-paused', 'paused'),
      ...ACTORS.map((a) => item(`actor-${a}`, a)),
      item('sev-error', 'error'), item('sev-warning', 'warning'), item('sev-info', 'info'),
    );
  }

  private showDelta(): void {
    const parts: string[] = [];
    if (this.cursorNs !== null) parts.push(`cursor ${formatSeconds(this.cursorNs)}`);
    if (this.markerA !== null) parts.push(`A ${formatSeconds(this.markerA)}`);
    if (this.markerB !== null) parts.push(`B ${formatSeconds(this.markerB)}`);
    if (this.markerA !== null && this.markerB !== null) parts.push(`Δt = ${formatExactDuration(this.markerB - this.markerA)} (${(this.markerB - this.markerA).toString()} ns)`);
    $('delta').textContent = parts.join(' · ');
  }

  private status(text: string): void { $('status').textContent = text; }

  // ---- interaction -----------------------------------------------------------------------------

  private wire(): void {
    $('fit').addEventListener('click', () => this.fitAll());
    $('zoom-in').addEventListener('click', () => this.zoomBy(ZOOM_STEP));
    $('zoom-out').addEventListener('click', () => this.zoomBy(1 / ZOOM_STEP));
    $('set-a').addEventListener('click', () => this.setAB('A'));
    $('set-b').addEventListener('click', () => this.setAB('B'));
    $('clear-ab').addEventListener('click', () => this.setAB(null));
    $('export-png').addEventListener('click', () => this.exportImage('png'));
    $('export-svg').addEventListener('click', () => this.exportImage('svg'));
    const scroll = $('scroll');
    scroll.addEventListener('wheel', (e) => {
      if (!this.overview) return;
      e.preventDefault();
      const anchor = this.msAt(e.clientX);
      if (e.shiftKey) this.panBy(e.deltaY / 1000);
      else this.zoomBy(Math.pow(1.0015, -e.deltaY), anchor);
    }, { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      this.drag = { x: e.clientX, view: this.view, moved: false };
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (this.drag) {
        const dx = e.clientX - this.drag.x;
        if (Math.abs(dx) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          this.canvas.classList.add('dragging');
          const msPerPx = span(this.drag.view) / this.canvas.clientWidth;
          this.view = { fromMs: this.drag.view.fromMs - dx * msPerPx, toMs: this.drag.view.toMs - dx * msPerPx };
          this.render();
          return;
        }
      }
      this.hover(e);
    });
    this.canvas.addEventListener('pointerup', (e) => {
      const drag = this.drag;
      this.drag = null;
      this.canvas.classList.remove('dragging');
      if (drag?.moved) { this.viewChanged(); return; }
      this.click(e);
    });
    this.canvas.addEventListener('pointerleave', () => { this.tooltip.hidden = true; });
    document.addEventListener('keydown', (e) => this.key(e));
  }

  private msAt(clientX: number): number {
    const rect = this.canvas.getBoundingClientRect();
    return this.view.fromMs + ((clientX - rect.left) / rect.width) * span(this.view);
  }

  private click(e: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const hit = this.lanes.hitAt(e.clientX - rect.left, e.clientY - rect.top);
    const row = this.lanes.rowAt(e.clientY - rect.top);
    if (row) this.focusedRow = row.index;
    if (hit) return this.choose(hit);
    this.cursorNs = this.base.toNs(this.msAt(e.clientX));
    this.persist();
    this.render();
  }

  /** A marker chosen by click or Enter: select it, move the cursor there, reveal its line. */
  private choose(hit: Hit): void {
    this.selectedLine = hit.line;
    this.focusedLine = hit.line;
    this.cursorNs = BigInt(hit.timeNs);
    this.persist();
    this.render();
    this.post({ type: 'reveal', line: hit.line });
    $('announce').textContent = this.describe(hit);
  }

  private hover(e: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const hit = this.lanes.hitAt(e.clientX - rect.left, e.clientY - rect.top);
    if (!hit) { this.tooltip.hidden = true; return; }
    this.fillTooltip(hit);
    this.tooltip.hidden = false;
    const x = Math.min(e.clientX + 12, window.innerWidth - this.tooltip.offsetWidth - 4);
    const y = e.clientY + 16 + this.tooltip.offsetHeight > window.innerHeight ? e.clientY - this.tooltip.offsetHeight - 8 : e.clientY + 16;
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${Math.max(0, y)}px`;
  }

  /** The tooltip's content, built with DOM nodes: trace text is only ever text. */
  private fillTooltip(hit: Hit): void {
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `line ${hit.line + 1} · ${formatSeconds(BigInt(hit.timeNs))}${hit.row ? ` · ${hit.row}` : ''}`;
    const parts: HTMLElement[] = [meta];
    if (hit.kind === 'marker') {
      const code = document.createElement('code');
      code.textContent = hit.marker.text;
      parts.push(code);
    }
    const findings = hit.kind === 'finding' ? [hit.finding] : hit.kind === 'marker' ? (this.window?.findings.filter((f) => f.line === hit.line) ?? []) : [];
    for (const f of findings) {
      const div = document.createElement('div');
      div.className = `finding ${f.severity}`;
      div.textContent = `${f.code} (${f.severity}): ${f.message}`;
      parts.push(div);
    }
    if (hit.kind === 'cluster' || hit.kind === 'findingCluster') {
      const div = document.createElement('div');
      div.textContent = hit.kind === 'cluster'
        ? `${hit.cluster.count} statements (lines ${hit.cluster.firstLine + 1}–${hit.cluster.lastLine + 1}): ${hit.cluster.actors.join(', ')}. Zoom in to see each.`
        : `${hit.cluster.count} findings: ${hit.cluster.codes.join(', ')}. Zoom in to see each.`;
      parts.push(div);
    }
    this.tooltip.replaceChildren(...parts);
  }

  private describe(hit: Hit): string {
    const what = hit.kind === 'marker' ? hit.marker.text : hit.kind === 'finding' ? `${hit.finding.code} ${hit.finding.severity}: ${hit.finding.message}` : `${hit.cluster.count} items`;
    return `line ${hit.line + 1}, ${formatSeconds(BigInt(hit.timeNs))}: ${what}`;
  }

  private setAB(which: 'A' | 'B' | null): void {
    if (which === null) { this.markerA = null; this.markerB = null; }
    else {
      const t = this.cursorNs ?? this.base.toNs((this.view.fromMs + this.view.toMs) / 2);
      if (which === 'A') this.markerA = t; else this.markerB = t;
    }
    this.persist();
    this.render();
  }

  /** Markers of the focused row in time order (what the arrow keys move through). */
  private rowMarkers(): Hit[] {
    const row = this.overview?.rows[this.focusedRow]?.id;
    return this.lanes.hits.filter((h) => h.row === row && (h.kind === 'marker' || h.kind === 'cluster' || h.kind === 'finding')).sort((a, b) => a.x - b.x);
  }

  private focusMarker(direction: -1 | 0 | 1): void {
    const list = this.rowMarkers();
    if (!list.length) { $('announce').textContent = `${this.overview?.rows[this.focusedRow]?.label ?? ''}: no markers in view`; this.render(); return; }
    const at = list.findIndex((h) => h.line === this.focusedLine);
    const next = at < 0 ? (direction < 0 ? list.length - 1 : 0) : Math.min(list.length - 1, Math.max(0, at + direction));
    const hit = list[next];
    this.focusedLine = hit.line;
    this.cursorNs = BigInt(hit.timeNs);
    this.persist();
    this.render();
    $('announce').textContent = this.describe(hit);
  }

  private key(e: KeyboardEvent): void {
    if (!this.overview || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target?.tagName === 'BUTTON' && (e.key === 'Enter' || e.key === ' ')) return;
    const onCanvas = target === this.canvas;
    const rows = this.overview.rows.length;
    let handled = true;
    switch (e.key) {
      case '+': case '=': case 'w': case 'W': this.zoomBy(ZOOM_STEP); break;
      case '-': case '_': case 's': case 'S': this.zoomBy(1 / ZOOM_STEP); break;
      case 'a': case 'A': this.panBy(-PAN_STEP); break;
      case 'd': case 'D': this.panBy(PAN_STEP); break;
      case '0': case 'f': case 'F': this.fitAll(); break;
      case '[': this.setAB('A'); break;
      case ']': this.setAB('B'); break;
      case 'Escape': this.setAB(null); break;
      case 'ArrowLeft': if (onCanvas && !e.shiftKey) this.focusMarker(-1); else this.panBy(-PAN_STEP); break;
      case 'ArrowRight': if (onCanvas && !e.shiftKey) this.focusMarker(1); else this.panBy(PAN_STEP); break;
      case 'ArrowUp': this.focusedRow = Math.max(0, this.focusedRow - 1); this.focusedLine = null; this.focusMarker(0); break;
      case 'ArrowDown': this.focusedRow = Math.min(rows - 1, this.focusedRow + 1); this.focusedLine = null; this.focusMarker(0); break;
      case 'Enter': {
        const hit = this.lanes.hits.find((h) => h.line === this.focusedLine && h.row === this.overview?.rows[this.focusedRow]?.id);
        if (onCanvas && hit) this.choose(hit); else handled = false;
        break;
      }
      default: handled = false;
    }
    if (handled) e.preventDefault();
  }

  private exportImage(format: 'png' | 'svg'): void {
    if (!this.overview) return;
    const labelWidth = this.labelWidth();
    if (format === 'png') {
      const labels = this.lanes.layout.map((l) => ({ text: l.row.label, top: l.top, height: l.height, instance: l.row.kind === 'instance' }));
      const charts = [this.clockChart, this.stolenChart].filter((c) => c.root && !c.root.closest('[hidden]'))
        .map((c) => c.canvas).filter((c): c is HTMLCanvasElement => c !== undefined);
      this.post({ type: 'export', format, data: exportPng(labels, this.canvas, charts, labelWidth, this.palette) });
    } else {
      const data = exportSvg({
        overview: this.overview, window: this.window, base: this.base, view: this.view, palette: this.palette, width: $('scroll').clientWidth, labelWidth,
        charts: [{ title: 'Guest clock error (µs)', series: this.clockChart.series }, { title: 'Stolen time (ms)', series: this.stolenChart.series }].filter((c) => c.series.length > 0),
      });
      this.post({ type: 'export', format, data });
    }
  }

  // ---- inspection (tests and debugging: what is drawn, where, in which colour) -----------------

  inspect(): object {
    const rect = this.canvas.getBoundingClientRect();
    return {
      uri: this.overview?.uri ?? null,
      view: { fromNs: this.base.toNs(this.view.fromMs).toString(), toNs: this.base.toNs(this.view.toMs).toString(), fromMs: this.view.fromMs, toMs: this.view.toMs },
      cursorNs: this.cursorNs?.toString() ?? null,
      markerA: this.markerA?.toString() ?? null,
      markerB: this.markerB?.toString() ?? null,
      selectedLine: this.selectedLine,
      focusedRow: this.focusedRow,
      focusedLine: this.focusedLine,
      windowRange: this.window ? [this.window.fromNs, this.window.toNs] : null,
      rows: this.lanes.layout.map((l) => ({ id: l.row.id, label: l.row.label, top: l.top, height: l.height })),
      hits: this.lanes.hits.map((h) => ({
        kind: h.kind, line: h.line, row: h.row, timeNs: h.timeNs, color: h.color,
        severity: h.kind === 'finding' ? h.finding.severity : h.kind === 'marker' ? h.marker.severity : h.cluster.severity,
        clientX: rect.left + h.x, clientY: rect.top + h.y,
      })),
      handoffs: this.lanes.handoffsDrawn.map((h) => ({ ...h, clientX0: rect.left + h.x0, clientX1: rect.left + h.x1 })),
      deltaText: $('delta').textContent,
      charts: {
        clockError: this.clockChart.series.map((s) => ({ id: s.id, xs: s.xs, ys: s.ys })),
        stolen: this.stolenChart.series.map((s) => ({ id: s.id, xs: s.xs, ys: s.ys })),
      },
      palette: this.palette,
    };
  }
}


