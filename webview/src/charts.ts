// The two charts under the rows, drawn by uPlot on the same time axis: the guest clock error per
// vCPU (µs, a step line: a jump, a lag or a backward step shows as a cliff) and the stolen time per
// vCPU (ms, cumulative, with the scheduler's waits dashed and each `sched wait` as a bar).
import uPlot from 'uplot';
import type { TimelineWindow } from '../../protocol/views';
import type { Palette } from './palette';
import { tickLabel, type TimeBase } from './time';
import type { Range } from './viewport';

export const CHART_HEIGHT = 170;

/** One plotted series: x in ms from the trace's start, y in the chart's unit. */
export interface PlotSeries { id: string; label: string; xs: number[]; ys: number[]; dashed?: boolean; color: string }

export interface ChartInput {
  window: TimelineWindow | null;
  base: TimeBase;
  view: Range;
  palette: Palette;
  width: number;
  labelWidth: number;
}

/** Clock error per vCPU in µs (errorNs / 1000: a double, for plotting only). */
export function clockErrorSeries(window: TimelineWindow | null, base: TimeBase, palette: Palette): PlotSeries[] {
  if (!window) return [];
  return Object.entries(window.clockError).map(([id, points], i) => ({
    id, label: id, color: palette.series[i % palette.series.length],
    xs: points.map((p) => base.toMs(p.timeNs)), ys: points.map((p) => Number(p.errorNs) / 1000),
  }));
}

/** Stolen time and cumulative scheduler waits per vCPU in ms. */
export function stolenSeries(window: TimelineWindow | null, base: TimeBase, palette: Palette): PlotSeries[] {
  if (!window) return [];
  return Object.entries(window.stolen).flatMap(([id, points], i) => {
    const color = palette.series[i % palette.series.length];
    const xs = points.map((p) => base.toMs(p.timeNs));
    return [
      { id, label: `${id} stolen`, color, xs, ys: points.map((p) => Number(p.stolenNs) / 1e6) },
      { id: `${id}:waited`, label: `${id} waited`, color, xs, ys: points.map((p) => Number(p.waitedNs) / 1e6), dashed: true },
    ];
  });
}

/** Aligns series on one x array, as uPlot wants (null where a series has no point). */
export function align(series: readonly PlotSeries[]): uPlot.AlignedData {
  if (series.length === 0) return [[]];
  return uPlot.join(series.map((s) => [s.xs, s.ys] as uPlot.AlignedData), series.map(() => [0]));
}

export class Chart {
  private plot: uPlot | undefined;
  private signature = '';
  series: PlotSeries[] = [];
  /** Drawn on the plot after the series (the scheduler-wait bars). */
  overlay: ((u: uPlot, x: (ms: number) => number) => void) | undefined;

  constructor(private readonly host: HTMLElement, private readonly yLabel: string, private readonly yValue: (v: number) => string) {}

  get canvas(): HTMLCanvasElement | undefined { return this.plot?.ctx.canvas; }
  get root(): HTMLElement | undefined { return this.plot?.root; }

  update(series: PlotSeries[], input: ChartInput): void {
    this.series = series;
    const data = align(series);
    // A new uPlot when the series or the theme change; otherwise new data and scale only.
    const signature = JSON.stringify([series.map((s) => [s.label, s.color, s.dashed]), input.palette.foreground, input.palette.grid, input.palette.fontFamily]);
    if (!this.plot || signature !== this.signature) {
      this.plot?.destroy();
      this.signature = signature;
      this.plot = new uPlot(this.options(series, input), data, this.host);
    } else {
      this.plot.setData(data, false);
    }
    if (this.plot.width !== input.width) this.plot.setSize({ width: input.width, height: CHART_HEIGHT });
    this.plot.setScale('x', { min: input.view.fromMs, max: input.view.toMs });
  }

  private options(series: PlotSeries[], input: ChartInput): uPlot.Options {
    const p = input.palette;
    const font = `${p.fontSize}px ${p.fontFamily}`;
    const axis = { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 }, font };
    return {
      width: input.width,
      height: CHART_HEIGHT,
      padding: [8, 0, 0, 0],
      scales: { x: { time: false, auto: false } },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      legend: { show: true, live: true },
      series: [
        { label: 'time (s)', value: (_u, v) => (v === null || v === undefined ? '—' : tickLabel(input.base.startNs, v, 0.000001)) },
        ...series.map((s) => ({
          label: s.label, stroke: s.color, width: 2, spanGaps: true, dash: s.dashed ? [6, 4] : undefined,
          paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : this.yValue(v)),
        })),
      ],
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t, _i) => tickLabel(input.base.startNs, t, ticks.length > 1 ? ticks[1] - ticks[0] : 1)) },
        { ...axis, size: input.labelWidth - 16, label: this.yLabel, labelFont: font, labelSize: 16 },
      ],
      hooks: {
        draw: [(u) => {
          if (!this.overlay) return;
          const ctx = u.ctx;
          ctx.save();
          this.overlay(u, (ms) => u.valToPos(ms, 'x', true));
          ctx.restore();
        }],
      },
    };
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }
}
