// The timeline webview: receives a document's overview and visible-range data from the extension,
// keeps the view (what time range, which tracks collapsed, cursor, A/B), draws the time axis, the
// tracks and the charts through the Painter (axis.ts, lanes.ts, charts.ts — the exports draw the
// same), and handles framing, zoom (keys about the cursor, the wheel about the pointer, a brushed
// range), pan, the track list, clicks and the keyboard. It asks for data per visible range (never the
// whole trace), persists its view with `setState`, and never puts trace text into HTML (textContent only).
import { unhandled, type FromWebview, type TimelineViewState, type ToWebview } from '../../protocol/webview';
import { WINDOW_LIMIT, type TimelineOverviewResult, type TimelineWindowResult } from '../../protocol/requests';
import { AXIS_HEIGHT, drawAxis } from './axis';
import {
  CHART_HEIGHT,
  clockErrorSeries,
  drawChart,
  latenessSeries,
  nearestPoint,
  stolenSeries,
  valueAt,
  waitBars,
  type ChartDrawn,
  type ChartSpec,
} from './charts';
import { printable } from './elide';
import { exportPng, exportSvg, type SceneInput } from './export';
import { fitAllNs, frameAround, initialFrame, type NsRange } from './framing';
import { drawGlyph } from './glyphs';
import { drawTracks, hitAt, type DrawnHandoff, type Hit } from './lanes';
import { LEGEND, legendFor, type LegendEntry } from './legend';
import { CanvasPainter, measureText } from './painter';
import { readPalette, watchTheme, type Palette } from './palette';
import { timeAxis, type TimeAxis } from './ticks';
import { formatExactDuration, formatSeconds, TimeBase } from './time';
import { allIds, buildTrackTree, layoutTracks, TRACK_HEIGHT, type TrackLayout, type TrackNode } from './tracks';
import { TIMER_HIT_KINDS, timerHitText, verdictCategory, type TimerHit } from './timerLanes';
import type { TimerTrack } from '../../protocol/views';
import { MIN_SPAN_MS, pan, reveal, span, zoom, type Range } from './viewport';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): TimelineViewState | undefined;
  setState(state: TimelineViewState): void;
}

/** The chart canvases under the tracks (media/timeline.html), in order. */
const CHART_IDS = ['clock-chart', 'stolen-chart', 'lateness-chart'] as const;
/** The timer marks the arrow keys move through (with the statements and findings). */
const KEYBOARD_TIMER_KINDS: ReadonlySet<string> = new Set(['delivery', 'deadline', 'loss', 'timerCluster']);

/** Bounds asked of the server per visible range: the most it answers. */
const MAX_ITEMS = WINDOW_LIMIT;
/** Zoom factor of one step (+/-, W/S, the buttons) and pan fraction of one step (A/D, arrows with Shift). */
export const ZOOM_STEP = 2;
export const PAN_STEP = 0.25;
/** Each request covers the visible range plus this fraction of it on each side, so small pans need no new data. */
const PREFETCH = 0.5;
/** A drag shorter than this (px) is a click; a brush narrower than this does not zoom. */
const DRAG_PX = 4;

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
  private focusedTrack = 0;
  private focusedLine: number | null = null;
  private collapsed = new Set<string>();
  private tree: TrackNode[] = [];
  private tracks: TrackLayout[] = [];
  private tracksHeight = 0;
  private hits: Hit[] = [];
  private handoffs: DrawnHandoff[] = [];
  private axis: TimeAxis | null = null;
  private charts: ChartSpec[] = [];
  /** Where each chart drew its plot (for the lateness chart's hover and clicks). */
  private chartDrawn = new Map<string, ChartDrawn>();
  /** The overview's timer tracks by id (their labels for tooltips). */
  private timerTracks = new Map<string, TimerTrack>();
  /** The first view waits for the findings of the whole trace (the first window) to frame them. */
  private framePending = false;
  /** A `focusLine` that arrived before its document's overview. */
  private pendingFocus: number | null = null;
  /** Finding times from the last window that covered the whole trace (the first one, or after Fit all). */
  private knownFindings: bigint[] = [];
  private seq = 0;
  private requested: { seq: number; from: number; to: number } | null = null;
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;
  private restored: TimelineViewState | null;
  private readonly lanes = $<HTMLCanvasElement>('lanes');
  private readonly axisCanvas = $<HTMLCanvasElement>('axis');
  private readonly labels = $('labels');
  private readonly tooltip = $('tooltip');
  private drag: { x: number; view: Range; moved: boolean; brush: boolean; on: HTMLElement } | null = null;

  constructor(private readonly vscode: VsCodeApi) {
    this.restored = vscode.getState() ?? null;
    if (this.restored) {
      this.cursorNs = this.restored.cursorNs === null ? null : BigInt(this.restored.cursorNs);
      this.markerA = this.restored.markerA === null ? null : BigInt(this.restored.markerA);
      this.markerB = this.restored.markerB === null ? null : BigInt(this.restored.markerB);
      this.selectedLine = this.restored.selectedLine;
    }
  }

  start(): void {
    // The sticky track names sit under the axis and the VM header (style.css): one source for their heights.
    document.documentElement.style.setProperty('--tl-axis-height', `${AXIS_HEIGHT}px`);
    document.documentElement.style.setProperty('--tl-vm-height', `${TRACK_HEIGHT.vm}px`);
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.onMessage(e.data));
    this.wire();
    watchTheme(() => {
      this.palette = readPalette();
      this.legend();
      this.render();
    });
    new ResizeObserver(() => this.render()).observe($('scroll'));
    this.legend();
    this.post({ type: 'ready', state: this.restored });
  }

  private post(message: FromWebview): void {
    this.vscode.postMessage(message);
  }

  private onMessage(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'overview':
        return this.setOverview(m.overview, m.cursorLine);
      case 'window':
        if (this.requested && m.seq !== this.requested.seq) return; // overtaken by a newer request
        if (!this.overview || m.window.uri !== this.overview.uri) return;
        this.window = m.window;
        this.status('');
        if (this.coversTrace(m.window)) this.knownFindings = this.findingTimesOf(m.window);
        if (this.framePending) {
          this.framePending = false;
          this.setView(this.rangeOf(this.interestingFrame()));
          return;
        }
        this.render();
        return;
      case 'cursor':
        return this.cursorToLine(m.line);
      case 'focusLine':
        return this.focusLine(m.line);
      case 'error':
        return this.status(m.message);
      default:
        return unhandled(m);
    }
  }

  private setOverview(o: TimelineOverviewResult, cursorLine: number | null): void {
    const sameDoc = this.overview?.uri === o.uri;
    this.overview = o;
    this.base = new TimeBase(o.extent ? BigInt(o.extent.startNs) : 0n);
    const restored = this.restored?.uri === o.uri ? this.restored : null;
    this.timerTracks = new Map((o.timers ?? []).map((t) => [t.id, t]));
    this.tree = buildTrackTree(o.rows, o.timers ?? []);
    const ids = allIds(this.tree);
    if (restored) this.collapsed = new Set((restored.collapsed ?? []).filter((id) => ids.has(id)));
    else if (!sameDoc) this.collapsed = new Set();
    else this.collapsed = new Set([...this.collapsed].filter((id) => ids.has(id)));
    if (restored?.view)
      this.view = { fromMs: this.base.toMs(restored.view.fromNs), toMs: this.base.toMs(restored.view.toNs) };
    else if (!sameDoc) {
      // Framed on the handoffs for now; the findings come with the first window (of the whole trace).
      this.view = this.rangeOf(this.interestingFrame());
      this.framePending = true;
      this.cursorNs = null;
      this.markerA = null;
      this.markerB = null;
      this.selectedLine = null;
    }
    this.restored = null;
    if (!sameDoc) {
      this.window = null;
      this.knownFindings = [];
      this.focusedTrack = 0;
      this.focusedLine = null;
    }
    // A new overview (another document, or the same one edited): the data at hand is stale.
    this.requested = null;
    $('title').textContent = printable(o.name);
    $('title').title = printable(o.name);
    this.legend();
    this.relayout();
    if (this.pendingFocus !== null) {
      const line = this.pendingFocus;
      this.pendingFocus = null;
      this.focusLine(line);
      return;
    }
    if (cursorLine !== null && this.cursorNs === null) this.cursorToLine(cursorLine, false);
    this.viewChanged();
  }

  // ---- framing ---------------------------------------------------------------------------------

  private extentNs(): NsRange | null {
    const e = this.overview?.extent;
    return e ? { fromNs: BigInt(e.startNs), toNs: BigInt(e.endNs) } : null;
  }

  private statementTimes(): bigint[] {
    const times = new Set<bigint>((this.overview?.lineIndex ?? []).map((e) => BigInt(e.timeNs)));
    for (const m of this.window?.markers ?? []) times.add(BigInt(m.timeNs));
    return [...times];
  }

  private coversTrace(w: TimelineWindowResult): boolean {
    const e = this.overview?.extent;
    return Boolean(e) && BigInt(w.fromNs) <= BigInt(e!.startNs) && BigInt(w.toNs) >= BigInt(e!.endNs);
  }

  private findingTimesOf(w: TimelineWindowResult | null): bigint[] {
    if (!w) return [];
    return [
      ...w.findings.map((f) => BigInt(f.timeNs)),
      ...w.findingClusters.flatMap((c) => [BigInt(c.fromNs), BigInt(c.toNs)]),
    ];
  }

  /** framing.ts `initialFrame` with the findings known: of the whole trace, and of the window at hand (after an edit). */
  private interestingFrame(): NsRange {
    const extent = this.extentNs();
    if (!extent || !this.overview) return { fromNs: 0n, toNs: 1_000_000n };
    const findings = [...this.knownFindings, ...this.findingTimesOf(this.window)];
    return initialFrame(extent, this.overview.handoffs, findings, this.statementTimes());
  }

  private rangeOf(r: NsRange): Range {
    return { fromMs: this.base.toMs(r.fromNs), toMs: this.base.toMs(r.toNs) };
  }

  /** "Show timeline" on a line: zoom to its statement (a directive: frame the handoffs and findings). */
  private focusLine(line: number): void {
    if (!this.overview) {
      this.pendingFocus = line;
      return;
    }
    const extent = this.extentNs();
    const t = this.timeOfLine(line);
    if (!extent || t === null) return;
    const isStatement =
      this.overview.lineIndex.some((e) => e.line === line) ||
      (this.window?.markers.some((m) => m.line === line) ?? false) ||
      this.overview.lineIndex.length < this.overview.statementCount;
    this.cursorNs = t;
    this.selectedLine = line;
    if (isStatement) {
      this.framePending = false;
      this.setView(this.rangeOf(frameAround(t, this.statementTimes(), extent)));
    } else {
      if (this.window) this.framePending = false;
      this.setView(this.rangeOf(this.interestingFrame()));
    }
  }

  // ---- data ------------------------------------------------------------------------------------

  /** Asks for the visible range (with a margin) unless the data at hand covers it; for the first frame, the whole trace. */
  private fetchWindow(): void {
    clearTimeout(this.fetchTimer);
    const extent = this.extentNs();
    if (!extent) return;
    const covered =
      this.window &&
      this.requested &&
      this.requested.from <= this.view.fromMs &&
      this.requested.to >= this.view.toMs &&
      span(this.view) >= (this.requested.to - this.requested.from) / (1 + 2 * PREFETCH) / 1.01;
    if (covered && !this.framePending) return;
    this.fetchTimer = setTimeout(() => {
      const margin = span(this.view) * PREFETCH;
      let { fromMs: from, toMs: to } = { fromMs: this.view.fromMs - margin, toMs: this.view.toMs + margin };
      if (this.framePending) ({ fromMs: from, toMs: to } = this.rangeOf(fitAllNs(extent)));
      this.requested = { seq: ++this.seq, from, to };
      this.post({
        type: 'requestWindow',
        seq: this.seq,
        fromNs: this.base.toNs(from).toString(),
        toNs: this.base.toNs(to).toString(),
        maxMarkers: MAX_ITEMS,
        maxSamples: MAX_ITEMS,
      });
    }, 30);
  }

  // ---- view ------------------------------------------------------------------------------------

  private viewChanged(): void {
    this.persist();
    this.render();
    this.fetchWindow();
  }

  private setView(r: Range): void {
    const s = Math.max(MIN_SPAN_MS, r.toMs - r.fromMs);
    const mid = (r.fromMs + r.toMs) / 2;
    this.view = r.toMs - r.fromMs >= MIN_SPAN_MS ? r : { fromMs: mid - s / 2, toMs: mid + s / 2 };
    this.viewChanged();
  }

  /** What the keys zoom about: the cursor when in view, else the A/B markers in view (their middle), else the centre. */
  private keyAnchor(): number | undefined {
    const inView = (ns: bigint | null): number | undefined => {
      if (ns === null) return undefined;
      const ms = this.base.toMs(ns);
      return ms >= this.view.fromMs && ms <= this.view.toMs ? ms : undefined;
    };
    const cursor = inView(this.cursorNs);
    if (cursor !== undefined) return cursor;
    const ab = [inView(this.markerA), inView(this.markerB)].filter((x): x is number => x !== undefined);
    return ab.length ? ab.reduce((a, b) => a + b) / ab.length : undefined;
  }

  private zoomBy(factor: number, anchorMs?: number): void {
    this.framePending = false;
    this.setView(zoom(this.view, factor, anchorMs ?? this.keyAnchor()));
  }
  private panBy(fraction: number): void {
    this.framePending = false;
    this.setView(pan(this.view, fraction));
  }
  private fitAll(): void {
    const extent = this.extentNs();
    if (!extent) return;
    this.framePending = false;
    this.setView(this.rangeOf(fitAllNs(extent)));
  }
  private frame(): void {
    if (this.extentNs()) this.setView(this.rangeOf(this.interestingFrame()));
  }
  private zoomToAB(): void {
    if (this.markerA === null || this.markerB === null || this.markerA === this.markerB) return;
    const [a, b] = this.markerA < this.markerB ? [this.markerA, this.markerB] : [this.markerB, this.markerA];
    const pad = (b - a) / 10n;
    this.framePending = false;
    this.setView(this.rangeOf({ fromNs: a - pad, toNs: b + pad }));
  }

  private persist(): void {
    this.vscode.setState({
      uri: this.overview?.uri ?? null,
      view: this.overview
        ? { fromNs: this.base.toNs(this.view.fromMs).toString(), toNs: this.base.toNs(this.view.toMs).toString() }
        : null,
      cursorNs: this.cursorNs?.toString() ?? null,
      selectedLine: this.selectedLine,
      markerA: this.markerA?.toString() ?? null,
      markerB: this.markerB?.toString() ?? null,
      collapsed: [...this.collapsed].sort(),
    });
  }

  /** The time of a line: exact from the data at hand, else from the overview's line index. */
  private timeOfLine(line: number): bigint | null {
    const m = this.window?.markers.find((x) => x.line === line);
    if (m) return BigInt(m.timeNs);
    const index = this.overview?.lineIndex ?? [];
    let found: string | null = null;
    for (const e of index) {
      if (e.line <= line) found = e.timeNs;
      else break;
    }
    return found === null ? (index[0] ? BigInt(index[0].timeNs) : null) : BigInt(found);
  }

  private cursorToLine(line: number, move = true): void {
    const t = this.timeOfLine(line);
    if (t === null) return;
    this.cursorNs = t;
    this.selectedLine = line;
    if (move) {
      this.framePending = false;
      this.setView(reveal(this.view, this.base.toMs(t)));
    } else this.persist();
    this.render();
  }

  // ---- tracks ----------------------------------------------------------------------------------

  private relayout(): void {
    const { tracks, height } = layoutTracks(this.tree, this.collapsed);
    this.tracks = tracks;
    this.tracksHeight = height + 2;
    this.focusedTrack = Math.min(this.focusedTrack, Math.max(0, tracks.length - 1));
    this.buildLabels();
  }

  private toggle(id: string, collapse?: boolean): void {
    const now = this.collapsed.has(id);
    const next = collapse ?? !now;
    if (next === now) return;
    if (next) this.collapsed.add(id);
    else this.collapsed.delete(id);
    this.relayout();
    this.persist();
    this.render();
    (this.labels.querySelector(`[data-track="${CSS.escape(id)}"]`) as HTMLElement | null)?.focus();
  }

  /** The track list: nested groups so that group headers stick while their tracks scroll (style.css). */
  private buildLabels(): void {
    const visible = new Map(this.tracks.map((t) => [t.node.id, t]));
    const make = (n: TrackNode): HTMLElement[] => {
      const t = visible.get(n.id);
      if (!t) return [];
      const div = document.createElement('div');
      div.className = `row-label ${n.kind}`;
      div.setAttribute('role', 'treeitem');
      div.setAttribute('aria-level', String(n.depth + 1));
      div.tabIndex = 0;
      div.dataset.track = n.id;
      if (n.row) div.dataset.row = n.row.id;
      div.title = printable(n.title);
      div.style.height = `${TRACK_HEIGHT[n.kind]}px`;
      div.style.paddingLeft = `${4 + n.depth * 12}px`;
      const twisty = document.createElement('span');
      twisty.className = n.children.length ? 'twisty' : 'twisty leaf';
      twisty.textContent = n.children.length ? (t.collapsed ? '▸' : '▾') : '';
      twisty.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = printable(n.label);
      div.append(twisty, name);
      const running = n.row ? n.row.intervals.filter((x) => x.phase === 'running').length : 0;
      const what =
        n.kind === 'vm'
          ? `VM ${n.label}, ${n.children.length} instance${n.children.length === 1 ? '' : 's'}`
          : n.kind === 'instance'
            ? `instance ${n.id} (${n.row?.label ?? n.label}), ${running} running interval${running === 1 ? '' : 's'}`
            : n.kind === 'timer'
              ? `timer ${n.title}`
              : `${n.label} of ${n.row?.instance ?? ''}, ${running} running interval${running === 1 ? '' : 's'}`;
      if (n.children.length) div.setAttribute('aria-expanded', String(!t.collapsed));
      div.setAttribute(
        'aria-label',
        printable(
          `${what}${n.children.length ? (t.collapsed ? ', collapsed' : ', expanded') : ''} (track ${t.index + 1} of ${this.tracks.length})`,
        ),
      );
      twisty.addEventListener('click', (e) => {
        if (n.children.length) {
          this.toggle(n.id);
          e.stopPropagation();
        }
      });
      div.addEventListener('dblclick', () => {
        if (n.children.length) this.toggle(n.id);
      });
      div.addEventListener('focus', () => {
        this.focusedTrack = visible.get(n.id)?.index ?? 0;
        this.render();
      });
      div.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          this.focusedTrack = visible.get(n.id)?.index ?? 0;
          this.lanes.focus();
          this.focusMarker(0);
          e.preventDefault();
          e.stopPropagation();
        } else if (n.children.length && (e.key === ' ' || e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
          this.toggle(n.id, e.key === ' ' ? undefined : e.key === 'ArrowLeft');
          e.preventDefault();
          e.stopPropagation();
        }
      });
      if (!n.children.length || t.collapsed) return [div];
      const group = document.createElement('div');
      group.className = `track-group ${n.kind}-group`;
      group.setAttribute('role', 'group');
      group.append(div, ...n.children.flatMap(make));
      return [group];
    };
    this.labels.replaceChildren(...this.tree.flatMap(make));
  }

  // ---- drawing ---------------------------------------------------------------------------------

  private labelWidth(): number {
    return Number.parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--tl-label-width')) || 160;
  }

  private measure = (s: string): number => measureText(s, this.palette.font);

  /** Sizes a canvas for `w` × `h` CSS px at the screen's resolution and returns a painter on it, cleared. */
  private painterFor(canvas: HTMLCanvasElement, w: number, h: number): CanvasPainter {
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.max(1, Math.round(w * dpr));
    const ph = Math.max(1, Math.round(h * dpr));
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return new CanvasPainter(ctx);
  }

  private chartSpecs(): ChartSpec[] {
    const o = this.overview;
    if (!o) return [];
    const out: ChartSpec[] = [];
    if (o.series.some((s) => s.clockError)) {
      out.push({
        id: 'clock-chart',
        title: 'Guest clock error',
        description: "guest counter minus what the VM's policy expects, per vCPU",
        series: clockErrorSeries(this.window, this.base, this.palette),
        waits: [],
      });
    }
    if (o.series.some((s) => s.stolen)) {
      out.push({
        id: 'stolen-chart',
        title: 'Stolen time',
        description: "cumulative per vCPU; dashed: the scheduler's waits so far; I-bars: each sched wait",
        series: stolenSeries(this.window, this.base, this.palette),
        waits: waitBars(this.window, this.base),
      });
    }
    if ((o.lateness ?? []).length) {
      out.push({
        id: 'lateness-chart',
        title: 'Timer lateness',
        description: 'each timer interrupt minus its deadline, per timer (early below 0), run-queue waits included',
        series: latenessSeries(this.window, this.base, this.palette),
        waits: [],
        glyphs: (['early', 'on-time', 'late'] as const).map((v) => ({
          label: LEGEND.find((e) => e.category === verdictCategory(v))!.label,
          shape: LEGEND.find((e) => e.category === verdictCategory(v))!.shape,
          color: this.palette.colours[verdictCategory(v)],
        })),
      });
    }
    return out;
  }

  private xOf(lanesLeft: number, lanesWidth: number): (ns: bigint | string) => number {
    return (ns) => lanesLeft + ((this.base.toMs(ns) - this.view.fromMs) / span(this.view)) * lanesWidth;
  }

  private render(): void {
    if (!this.overview) return;
    const total = Math.max(320, $('scroll').clientWidth);
    const labelWidth = this.labelWidth();
    const lanesWidth = Math.max(50, total - labelWidth);
    const pal = this.palette;
    const fromNs = this.base.toNs(this.view.fromMs);
    const toNs = this.base.toNs(this.view.toMs);
    const axis = timeAxis(fromNs, toNs, lanesWidth, this.measure);
    this.axis = axis;
    const marks = { cursorNs: this.cursorNs, markerA: this.markerA, markerB: this.markerB };

    const ap = this.painterFor(this.axisCanvas, total, AXIS_HEIGHT);
    drawAxis(ap, {
      axis,
      left: labelWidth,
      width: total,
      top: 0,
      palette: pal,
      xOf: this.xOf(labelWidth, lanesWidth),
      ...marks,
    });

    const lp = this.painterFor(this.lanes, lanesWidth, this.tracksHeight);
    lp.rect(0, 0, lanesWidth, this.tracksHeight, { fill: pal.background });
    const drawn = drawTracks(lp, {
      overview: this.overview,
      window: this.window,
      tracks: this.tracks,
      left: 0,
      top: 0,
      width: lanesWidth,
      height: this.tracksHeight,
      xOf: this.xOf(0, lanesWidth),
      axis,
      palette: pal,
      ...marks,
      // The focus ring only while the keyboard is in the track list or on the tracks.
      selectedLine: this.selectedLine,
      focusedTrack: $('rows').contains(document.activeElement) ? this.focusedTrack : -1,
      focusedLine: this.focusedLine,
    });
    this.hits = drawn.hits;
    this.handoffs = drawn.handoffs;
    for (const div of Array.from(this.labels.querySelectorAll<HTMLElement>('.row-label'))) {
      const t = this.tracks.find((x) => x.node.id === div.dataset.track);
      div.classList.toggle('focused', t?.index === this.focusedTrack);
    }

    this.charts = this.chartSpecs();
    for (const id of CHART_IDS) {
      const canvas = $<HTMLCanvasElement>(id);
      const spec = this.charts.find((c) => c.id === id);
      canvas.hidden = !spec;
      if (!spec) continue;
      const cp = this.painterFor(canvas, total, CHART_HEIGHT);
      this.chartDrawn.set(
        id,
        drawChart(cp, {
          spec,
          left: labelWidth,
          width: total,
          top: 0,
          view: this.view,
          axis,
          palette: pal,
          xOf: this.xOf(labelWidth, lanesWidth),
          ...marks,
        }),
      );
    }
    $('range').textContent =
      `${formatSeconds(fromNs)} – ${formatSeconds(toNs)} (${formatExactDuration(toNs - fromNs).replace(/^\+/, '')})`;
    this.showDelta();
  }

  /** The legend of the trace at hand: the timer and guest-mode entries only when it has them. */
  private legendEntries(): LegendEntry[] {
    return legendFor({
      timers: (this.overview?.timers ?? []).length > 0,
      runs: (this.overview?.runRows ?? []).length > 0,
    });
  }

  /** The HTML legend: each entry's shape drawn by the same code as on the tracks, in its colour. */
  private legend(): void {
    $('legend').replaceChildren(
      ...this.legendEntries().map((e) => {
        const item = document.createElement('span');
        item.className = 'legend-item';
        item.setAttribute('role', 'listitem');
        item.dataset.category = e.category;
        item.title = e.description;
        const swatch = document.createElement('canvas');
        swatch.setAttribute('aria-hidden', 'true');
        drawGlyph(this.painterFor(swatch, 18, 14), e.shape, 9, 7, 5, this.palette.colours[e.category]);
        const label = document.createElement('span');
        label.textContent = e.label;
        item.append(swatch, label);
        return item;
      }),
    );
  }

  private deltaText(): string {
    const parts: string[] = [];
    if (this.cursorNs !== null) parts.push(`cursor ${formatSeconds(this.cursorNs)}`);
    if (this.markerA !== null) parts.push(`A ${formatSeconds(this.markerA)}`);
    if (this.markerB !== null) parts.push(`B ${formatSeconds(this.markerB)}`);
    if (this.markerA !== null && this.markerB !== null)
      parts.push(
        `Δt = ${formatExactDuration(this.markerB - this.markerA)} (${(this.markerB - this.markerA).toString()} ns)`,
      );
    return parts.join(' · ');
  }

  private showDelta(): void {
    $('delta').textContent = this.deltaText();
  }

  private status(text: string): void {
    $('status').textContent = text;
  }

  // ---- interaction -----------------------------------------------------------------------------

  private wire(): void {
    $('fit').addEventListener('click', () => this.fitAll());
    $('frame').addEventListener('click', () => this.frame());
    $('zoom-in').addEventListener('click', () => this.zoomBy(ZOOM_STEP));
    $('zoom-out').addEventListener('click', () => this.zoomBy(1 / ZOOM_STEP));
    $('set-a').addEventListener('click', () => this.setAB('A'));
    $('set-b').addEventListener('click', () => this.setAB('B'));
    $('zoom-ab').addEventListener('click', () => this.zoomToAB());
    $('clear-ab').addEventListener('click', () => this.setAB(null));
    $('export-png').addEventListener('click', () => this.exportImage('png'));
    $('export-svg').addEventListener('click', () => this.exportImage('svg'));
    // The wheel zooms about the pointer over the time scale (axis, tracks, charts) and scrolls over
    // the track list; with Shift it pans.
    $('scroll').addEventListener(
      'wheel',
      (e) => {
        if (!this.overview || this.labels.contains(e.target as Node)) return;
        const rect = this.lanes.getBoundingClientRect();
        if (e.clientX < rect.left) return;
        e.preventDefault();
        if (e.shiftKey) this.panBy((e.deltaY || e.deltaX) / 1000);
        else this.zoomBy(Math.pow(1.0015, -e.deltaY), this.msAt(e.clientX));
      },
      { passive: false },
    );
    for (const el of [this.lanes, this.axisCanvas]) {
      el.addEventListener('pointerdown', (e) => {
        if (e.button !== 0) return;
        el.setPointerCapture(e.pointerId);
        // On the axis, or with Shift on the tracks: brush a range to zoom to; else drag to pan.
        this.drag = {
          x: e.clientX,
          view: this.view,
          moved: false,
          brush: el === this.axisCanvas || e.shiftKey,
          on: el,
        };
      });
      el.addEventListener('pointermove', (e) => this.pointerMove(e));
      el.addEventListener('pointerup', (e) => this.pointerUp(e));
      el.addEventListener('pointercancel', () => {
        this.drag = null;
        $('brush').hidden = true;
        this.lanes.classList.remove('dragging');
      });
    }
    this.lanes.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
    });
    this.lanes.addEventListener('focus', () => this.render());
    this.lanes.addEventListener('blur', () => this.render());
    for (const id of CHART_IDS) {
      const canvas = $<HTMLCanvasElement>(id);
      canvas.addEventListener('pointermove', (e) => this.chartHover(canvas, e));
      canvas.addEventListener('pointerleave', () => {
        this.tooltip.hidden = true;
      });
      canvas.addEventListener('click', (e) => {
        if (e.clientX < this.lanes.getBoundingClientRect().left) return;
        // A point of the lateness chart is its delivery: the click selects its line.
        const point = this.chartPoint(canvas, e);
        if (point) {
          this.selectedLine = point.line;
          this.cursorNs = BigInt(point.timeNs);
          this.persist();
          this.render();
          this.post({ type: 'reveal', line: point.line });
          return;
        }
        this.cursorNs = this.base.toNs(this.msAt(e.clientX));
        this.persist();
        this.render();
      });
    }
    document.addEventListener('keydown', (e) => this.key(e));
  }

  private pointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (d) {
      const dx = e.clientX - d.x;
      if (Math.abs(dx) > DRAG_PX) d.moved = true;
      if (d.moved && d.brush) {
        this.showBrush(d.x, e.clientX);
        return;
      }
      if (d.moved) {
        this.lanes.classList.add('dragging');
        const msPerPx = span(d.view) / this.lanes.clientWidth;
        this.view = { fromMs: d.view.fromMs - dx * msPerPx, toMs: d.view.toMs - dx * msPerPx };
        this.render();
        return;
      }
    }
    if (e.currentTarget === this.lanes) this.hover(e);
  }

  private pointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    this.lanes.classList.remove('dragging');
    $('brush').hidden = true;
    if (!d) return;
    this.framePending = false;
    if (d.moved && d.brush) {
      const a = this.msAt(Math.min(d.x, e.clientX));
      const b = this.msAt(Math.max(d.x, e.clientX));
      if (Math.abs(e.clientX - d.x) >= DRAG_PX) this.setView({ fromMs: a, toMs: b });
      return;
    }
    if (d.moved) {
      this.viewChanged();
      return;
    }
    if (d.on === this.lanes) this.click(e);
    else {
      this.cursorNs = this.base.toNs(this.msAt(e.clientX));
      this.persist();
      this.render();
    }
  }

  /** The brushed range over the tracks, with its duration (screen only: never exported). */
  private showBrush(x0: number, x1: number): void {
    const rect = this.lanes.getBoundingClientRect();
    const left = Math.max(rect.left, Math.min(x0, x1));
    const right = Math.min(rect.right, Math.max(x0, x1));
    const brush = $('brush');
    brush.hidden = false;
    brush.style.left = `${this.lanes.offsetLeft + left - rect.left}px`;
    brush.style.width = `${Math.max(0, right - left)}px`;
    brush.style.height = `${this.tracksHeight}px`;
    $('brush-label').textContent = formatExactDuration(
      this.base.toNs(this.msAt(right)) - this.base.toNs(this.msAt(left)),
    ).replace(/^\+/, '');
  }

  private msAt(clientX: number): number {
    const rect = this.lanes.getBoundingClientRect();
    return this.view.fromMs + ((clientX - rect.left) / rect.width) * span(this.view);
  }

  private trackAt(py: number): TrackLayout | undefined {
    return this.tracks.find((t) => py >= t.top && py < t.top + t.height);
  }

  private click(e: PointerEvent): void {
    const rect = this.lanes.getBoundingClientRect();
    const hit = hitAt(this.hits, e.clientX - rect.left, e.clientY - rect.top);
    const track = this.trackAt(e.clientY - rect.top);
    if (track) this.focusedTrack = track.index;
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
    $('announce').textContent = printable(this.describe(hit));
  }

  private placeTooltip(clientX: number, clientY: number): void {
    this.tooltip.hidden = false;
    const x = Math.min(clientX + 12, window.innerWidth - this.tooltip.offsetWidth - 4);
    const y =
      clientY + 16 + this.tooltip.offsetHeight > window.innerHeight
        ? clientY - this.tooltip.offsetHeight - 8
        : clientY + 16;
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${Math.max(0, y)}px`;
  }

  private hover(e: PointerEvent): void {
    const rect = this.lanes.getBoundingClientRect();
    const hit = hitAt(this.hits, e.clientX - rect.left, e.clientY - rect.top);
    if (!hit) {
      this.tooltip.hidden = true;
      return;
    }
    this.fillTooltip(hit);
    this.placeTooltip(e.clientX, e.clientY);
  }

  /** Where the lateness chart drew each point (client coordinates), for the inspection hook. */
  private latenessPoints(): { line: number; clientX: number; clientY: number }[] {
    const spec = this.charts.find((c) => c.id === 'lateness-chart');
    const drawn = this.chartDrawn.get('lateness-chart');
    if (!spec || !drawn) return [];
    const rect = $('lateness-chart').getBoundingClientRect();
    return spec.series.flatMap((s) =>
      s.xs.map((ms, i) => ({
        line: s.lines?.[i] ?? -1,
        clientX: rect.left + drawn.xOfMs(ms),
        clientY: rect.top + drawn.y(s.ys[i]),
      })),
    );
  }

  /** The lateness chart's point under the pointer (within 6 px), if any. */
  private chartPoint(
    canvas: HTMLCanvasElement,
    e: PointerEvent | MouseEvent,
  ): { line: number; timeNs: string; series: string; text: string } | null {
    const spec = this.charts.find((c) => c.id === canvas.id);
    const drawn = this.chartDrawn.get(canvas.id);
    if (!spec || !drawn || spec.id !== 'lateness-chart') return null;
    const rect = canvas.getBoundingClientRect();
    return nearestPoint(spec, drawn, e.clientX - rect.left, e.clientY - rect.top, 6);
  }

  /** The values of a chart's series at the pointer (the step value holding there; a lateness point under it). */
  private chartHover(canvas: HTMLCanvasElement, e: PointerEvent): void {
    const spec = this.charts.find((c) => c.id === canvas.id);
    if (!spec || e.clientX < this.lanes.getBoundingClientRect().left) {
      this.tooltip.hidden = true;
      return;
    }
    if (spec.id === 'lateness-chart') {
      const point = this.chartPoint(canvas, e);
      if (!point) {
        this.tooltip.hidden = true;
        return;
      }
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = printable(`line ${point.line + 1} · ${formatSeconds(BigInt(point.timeNs))} · ${point.series}`);
      const div = document.createElement('div');
      div.textContent = printable(point.text);
      this.tooltip.replaceChildren(meta, div);
      this.placeTooltip(e.clientX, e.clientY);
      return;
    }
    const ms = this.msAt(e.clientX);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${spec.title} at ${formatSeconds(this.base.toNs(ms))}`;
    const rows = spec.series.map((s) => {
      const v = valueAt(s, ms);
      const div = document.createElement('div');
      div.textContent = printable(`${s.label}: ${v === null ? '—' : `${formatExactDuration(BigInt(Math.round(v)))}`}`);
      return div;
    });
    this.tooltip.replaceChildren(meta, ...rows);
    this.placeTooltip(e.clientX, e.clientY);
  }

  /** The tooltip's content, built with DOM nodes: trace text is only ever text. */
  private fillTooltip(hit: Hit): void {
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = printable(
      `line ${hit.line + 1} · ${formatSeconds(BigInt(hit.timeNs))}${hit.row ? ` · ${hit.row}` : ''}`,
    );
    const parts: HTMLElement[] = [meta];
    if (TIMER_HIT_KINDS.has(hit.kind)) {
      for (const text of timerHitText(hit as TimerHit, this.timerTracks)) {
        const div = document.createElement('div');
        div.textContent = printable(text);
        parts.push(div);
      }
    }
    if (hit.kind === 'marker') {
      const code = document.createElement('code');
      code.textContent = printable(hit.marker.text);
      parts.push(code);
    }
    if (hit.kind === 'handoff') {
      const div = document.createElement('div');
      div.textContent = printable(hit.full);
      parts.push(div);
    }
    const findings =
      hit.kind === 'finding' || hit.kind === 'marker'
        ? (this.window?.findings.filter((f) => f.line === hit.line) ?? [])
        : [];
    for (const f of findings) {
      const div = document.createElement('div');
      div.className = `finding ${f.severity}`;
      const swatch = document.createElement('canvas');
      const cat = `severity:${f.severity}` as const;
      drawGlyph(
        this.painterFor(swatch, 12, 12),
        LEGEND.find((x) => x.category === cat)!.shape,
        6,
        6,
        4.5,
        this.palette.colours[cat],
      );
      const text = document.createElement('span');
      text.textContent = printable(` ${f.code} (${f.severity}): ${f.message}`);
      div.append(swatch, text);
      parts.push(div);
    }
    if (hit.kind === 'cluster' || hit.kind === 'findingCluster') {
      const div = document.createElement('div');
      div.textContent =
        hit.kind === 'cluster'
          ? `${hit.cluster.count} statements (lines ${hit.cluster.firstLine + 1}–${hit.cluster.lastLine + 1}): ${hit.cluster.actors.join(', ')}. Zoom in to see each.`
          : `${hit.cluster.count} findings: ${hit.cluster.codes.join(', ')}. Zoom in to see each.`;
      parts.push(div);
    }
    this.tooltip.replaceChildren(...parts);
  }

  private describe(hit: Hit): string {
    const what =
      hit.kind === 'marker'
        ? hit.marker.text
        : hit.kind === 'finding'
          ? `${hit.finding.code} ${hit.finding.severity}: ${hit.finding.message}`
          : hit.kind === 'handoff'
            ? hit.full
            : hit.kind === 'cluster' || hit.kind === 'findingCluster'
              ? `${hit.cluster.count} items`
              : timerHitText(hit, this.timerTracks).join('; ');
    return `line ${hit.line + 1}, ${formatSeconds(BigInt(hit.timeNs))}: ${what}`;
  }

  private setAB(which: 'A' | 'B' | null): void {
    if (which === null) {
      this.markerA = null;
      this.markerB = null;
    } else {
      const t = this.cursorNs ?? this.base.toNs((this.view.fromMs + this.view.toMs) / 2);
      if (which === 'A') this.markerA = t;
      else this.markerB = t;
    }
    this.persist();
    this.render();
  }

  /** Markers of the focused track in time order (what the arrow keys move through). */
  private trackMarkers(): Hit[] {
    const track = this.tracks[this.focusedTrack]?.node.id;
    return this.hits
      .filter(
        (h) =>
          h.track === track &&
          (h.kind === 'marker' || h.kind === 'cluster' || h.kind === 'finding' || KEYBOARD_TIMER_KINDS.has(h.kind)),
      )
      .sort((a, b) => a.x - b.x);
  }

  private focusMarker(direction: -1 | 0 | 1): void {
    const list = this.trackMarkers();
    if (!list.length) {
      $('announce').textContent = printable(`${this.tracks[this.focusedTrack]?.node.label ?? ''}: no markers in view`);
      this.render();
      return;
    }
    const at = list.findIndex((h) => h.line === this.focusedLine);
    const next =
      at < 0 ? (direction < 0 ? list.length - 1 : 0) : Math.min(list.length - 1, Math.max(0, at + direction));
    const hit = list[next];
    this.focusedLine = hit.line;
    this.cursorNs = BigInt(hit.timeNs);
    this.persist();
    this.render();
    $('announce').textContent = printable(this.describe(hit));
  }

  private key(e: KeyboardEvent): void {
    if (!this.overview || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (
      (target?.tagName === 'BUTTON' || target?.tagName === 'SELECT') &&
      (e.key === 'Enter' || e.key === ' ' || target.tagName === 'SELECT')
    )
      return;
    const onCanvas = target === this.lanes;
    const count = this.tracks.length;
    let handled = true;
    switch (e.key) {
      case '+':
      case '=':
      case 'w':
      case 'W':
        this.zoomBy(ZOOM_STEP);
        break;
      case '-':
      case '_':
      case 's':
      case 'S':
        this.zoomBy(1 / ZOOM_STEP);
        break;
      case 'a':
      case 'A':
        this.panBy(-PAN_STEP);
        break;
      case 'd':
      case 'D':
        this.panBy(PAN_STEP);
        break;
      case '0':
      case 'f':
      case 'F':
        this.fitAll();
        break;
      case 'Home':
        this.frame();
        break;
      case 'z':
      case 'Z':
        this.zoomToAB();
        break;
      case '[':
        this.setAB('A');
        break;
      case ']':
        this.setAB('B');
        break;
      case 'Escape':
        this.setAB(null);
        break;
      case 'ArrowLeft':
        if (onCanvas && !e.shiftKey) this.focusMarker(-1);
        else this.panBy(-PAN_STEP);
        break;
      case 'ArrowRight':
        if (onCanvas && !e.shiftKey) this.focusMarker(1);
        else this.panBy(PAN_STEP);
        break;
      case 'ArrowUp':
        this.focusedTrack = Math.max(0, this.focusedTrack - 1);
        this.focusedLine = null;
        this.focusMarker(0);
        break;
      case 'ArrowDown':
        this.focusedTrack = Math.min(count - 1, this.focusedTrack + 1);
        this.focusedLine = null;
        this.focusMarker(0);
        break;
      case 'Enter': {
        const hit = this.hits.find(
          (h) => h.line === this.focusedLine && h.track === this.tracks[this.focusedTrack]?.node.id,
        );
        if (onCanvas && hit) this.choose(hit);
        else handled = false;
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  // ---- export ----------------------------------------------------------------------------------

  /** What the exports draw: the view as it is, at `width` px (default: the view's width). */
  scene(width?: number): SceneInput {
    const o = this.overview!;
    return {
      title: o.name,
      subtitle: [
        `${formatSeconds(this.base.toNs(this.view.fromMs))} – ${formatSeconds(this.base.toNs(this.view.toMs))}`,
        this.deltaText(),
      ]
        .filter(Boolean)
        .join(' · '),
      overview: o,
      window: this.window,
      tracks: this.tracks,
      tracksHeight: this.tracksHeight,
      base: this.base,
      view: this.view,
      palette: this.palette,
      width: Math.max(320, Math.round(width ?? $('scroll').clientWidth)),
      labelWidth: this.labelWidth(),
      legend: this.legendEntries(),
      charts: this.chartSpecs(),
      cursorNs: this.cursorNs,
      markerA: this.markerA,
      markerB: this.markerB,
    };
  }

  private exportImage(format: 'png' | 'svg'): void {
    if (!this.overview) return;
    const choice = $<HTMLSelectElement>('export-width').value;
    const scene = this.scene(choice === 'view' ? undefined : Number(choice));
    const data =
      format === 'png' ? exportPng(scene, this.measure, window.devicePixelRatio || 1) : exportSvg(scene, this.measure);
    this.post({ type: 'export', format, data });
  }

  // ---- inspection (tests and debugging: what is drawn, where, in which colour) -----------------

  inspect(): object {
    const rect = this.lanes.getBoundingClientRect();
    const axisRect = this.axisCanvas.getBoundingClientRect();
    const labelWidth = this.labelWidth();
    return {
      uri: this.overview?.uri ?? null,
      view: {
        fromNs: this.base.toNs(this.view.fromMs).toString(),
        toNs: this.base.toNs(this.view.toMs).toString(),
        fromMs: this.view.fromMs,
        toMs: this.view.toMs,
      },
      cursorNs: this.cursorNs?.toString() ?? null,
      markerA: this.markerA?.toString() ?? null,
      markerB: this.markerB?.toString() ?? null,
      selectedLine: this.selectedLine,
      focusedRow: this.focusedTrack,
      focusedLine: this.focusedLine,
      framePending: this.framePending,
      windowRange: this.window ? [this.window.fromNs, this.window.toNs] : null,
      collapsed: [...this.collapsed].sort(),
      rows: this.tracks.map((t) => ({
        id: t.node.id,
        kind: t.node.kind,
        label: t.node.label,
        top: t.top,
        height: t.height,
        collapsed: t.collapsed,
        rows: t.rows,
      })),
      hits: this.hits.map((h) => ({
        kind: h.kind,
        line: h.line,
        row: h.row,
        track: h.track,
        timeNs: h.timeNs,
        color: h.color,
        severity:
          h.kind === 'finding'
            ? h.finding.severity
            : h.kind === 'marker'
              ? h.marker.severity
              : h.kind === 'cluster' || h.kind === 'findingCluster'
                ? h.cluster.severity
                : null,
        clientX: rect.left + h.x,
        clientY: rect.top + h.y,
        ...(h.kind === 'delivery' ? { verdict: h.delivery.verdict, latenessNs: h.delivery.latenessNs } : {}),
        ...(h.kind === 'deadline' ? { moved: h.moved, deadlineKind: h.deadline.kind } : {}),
        ...(h.kind === 'timerCluster' ? { count: h.cluster.count } : {}),
        ...(TIMER_HIT_KINDS.has(h.kind) ? { text: timerHitText(h as TimerHit, this.timerTracks) } : {}),
      })),
      handoffs: this.handoffs.map((h) => ({
        ...h,
        clientX0: rect.left + h.x0,
        clientX1: rect.left + h.x1,
        clientLabelX: rect.left + h.labelX,
        clientLabelY: rect.top + h.labelY,
      })),
      axis: this.axis && {
        stepNs: this.axis.stepNs.toString(),
        unit: this.axis.unit,
        relative: this.axis.relative,
        originLabel: this.axis.originLabel,
        labels: this.axis.ticks
          .filter((t) => t.label !== null)
          .map((t) => ({
            ns: t.ns.toString(),
            label: t.label,
            clientX: axisRect.left + labelWidth + t.labelX,
            width: this.measure(t.label!),
          })),
        right: axisRect.right,
      },
      deltaText: $('delta').textContent,
      charts: {
        clockError: (this.charts.find((c) => c.id === 'clock-chart')?.series ?? []).map((s) => ({
          id: s.id,
          xs: s.xs,
          ys: s.ys,
        })),
        stolen: (this.charts.find((c) => c.id === 'stolen-chart')?.series ?? []).map((s) => ({
          id: s.id,
          xs: s.xs,
          ys: s.ys,
        })),
        waits: (this.charts.find((c) => c.id === 'stolen-chart')?.waits ?? []).map((w) => ({
          series: w.series,
          lane: w.lane,
          fromMs: w.fromMs,
          toMs: w.toMs,
        })),
        lateness: (this.charts.find((c) => c.id === 'lateness-chart')?.series ?? []).map((s) => ({
          id: s.id,
          xs: s.xs,
          ys: s.ys,
          lines: s.lines ?? [],
        })),
        latenessPoints: this.latenessPoints(),
      },
      legend: this.legendEntries().map((e) => e.category),
      palette: this.palette,
    };
  }
}
