// Tick marks and labels of the time axis (exact, on bigint nanoseconds) and of the charts' value
// axes. The time axis imitates Perfetto's (google/perfetto ui/src/frontend/timeline_page/
// gridline_helper.ts `getPattern` / `generateTicks`, time_axis_panel.ts `renderOffsetTimestamp`):
// a 1-2-5 × 10^k step chosen so that the labels fit, minor ticks between the major ones, labels
// left-aligned just after their tick, and — when absolute times would make long labels — labels
// relative to an origin that is shown once, at the left of the axis. No DOM here: the caller
// passes a `measure` function (canvas `measureText`, or a fixed width per character in tests).

export type TimeUnit = 's' | 'ms' | 'µs' | 'ns';
export const UNIT_NS: Readonly<Record<TimeUnit, bigint>> = { s: 1_000_000_000n, ms: 1_000_000n, µs: 1_000n, ns: 1n };

/** Labels sit this far right of their tick (Perfetto: `position + 5`). */
export const LABEL_OFFSET_PX = 4;
/** Least free space between two labels. */
export const LABEL_GAP_PX = 14;
/** Absolute labels longer than this (characters) switch the axis to labels relative to an origin. */
export const MAX_ABSOLUTE_CHARS = 9;
/** The name of the origin of relative labels. */
export const ORIGIN_MARK = 't₀';

export interface AxisTick {
  ns: bigint;
  /** x in px from the axis' left edge (a double; the caller rounds). */
  x: number;
  major: boolean;
  /** The label and where it starts, or null (a minor tick, or a label that would not fit). */
  label: string | null;
  labelX: number;
}

export interface TimeAxis {
  stepNs: bigint;
  unit: TimeUnit;
  /** Labels are `+…` offsets from `originNs` (shown once as `originLabel`). */
  relative: boolean;
  originNs: bigint | null;
  originLabel: string | null;
  ticks: AxisTick[];
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** The smallest 1, 2 or 5 × 10^k ns that is at least `minStepNs` (at least 1 ns). */
export function niceStepNs(minStepNs: bigint): bigint {
  if (minStepNs <= 1n) return 1n;
  let p = 1n;
  while (p * 10n <= minStepNs) p *= 10n;
  for (const m of [1n, 2n, 5n]) if (m * p >= minStepNs) return m * p;
  return 10n * p;
}

/** The largest unit that divides a 1-2-5 step: 2 ms → ms, 500 µs → µs, 20 s → s. */
export function unitOf(stepNs: bigint): TimeUnit {
  return stepNs >= UNIT_NS.s ? 's' : stepNs >= UNIT_NS.ms ? 'ms' : stepNs >= UNIT_NS['µs'] ? 'µs' : 'ns';
}

/** Decimal digits needed to write multiples of `stepNs` in seconds: 1 s → 0, 20 ms → 2, 5 µs → 6. */
export function decimalsFor(stepNs: bigint): number {
  let d = 0;
  for (let s = UNIT_NS.s; d < 9 && stepNs % s !== 0n; s /= 10n) d++;
  return d;
}

/** `ns` as seconds with exactly `decimals` decimals: `20.600 s`. */
export function secondsLabel(ns: bigint, decimals: number): string {
  const a = abs(ns);
  const whole = a / UNIT_NS.s;
  const frac = (a % UNIT_NS.s).toString().padStart(9, '0').slice(0, decimals);
  return `${ns < 0n ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''} s`;
}

/** A multiple of the unit as an integer in that unit, signed: `+40 µs`, `-2 ms`, `+0 µs`. */
export function offsetLabel(ns: bigint, unit: TimeUnit): string {
  const v = ns / UNIT_NS[unit];
  return `${ns < 0n ? '-' : '+'}${abs(v)} ${unit}`;
}

/** Minor ticks per step, as in Perfetto's patterns: 1 → 10 (with a medium at 5), 2 → 4, 5 → 5. */
function minorCount(stepNs: bigint): number {
  let m = stepNs;
  while (m % 10n === 0n) m /= 10n;
  return m === 1n ? 10 : m === 2n ? 4 : 5;
}

function floorTo(x: bigint, step: bigint): bigint {
  const r = ((x % step) + step) % step;
  return x - r;
}

/**
 * The ticks of the visible range [fromNs, toNs] drawn over `widthPx`. The step is the smallest 1-2-5
 * step whose widest label, plus a gap, fits between two ticks; labels that would cross the right
 * edge are left out (never clipped), so are labels of ticks left of the axis.
 */
export function timeAxis(fromNs: bigint, toNs: bigint, widthPx: number, measure: (text: string) => number): TimeAxis {
  const spanNs = toNs > fromNs ? toNs - fromNs : 1n;
  const width = Math.max(1, widthPx);
  const xOf = (ns: bigint): number => (Number(ns - fromNs) / Number(spanNs)) * width;
  // Start from a step giving a tick every ~60 px, widen until the widest label fits.
  let step = niceStepNs(BigInt(Math.ceil(Number(spanNs) / Math.max(1, Math.floor(width / 60)))));
  for (let guard = 0; guard < 64; guard++) {
    const layout = labelsFor(fromNs, toNs, step);
    const pxPerStep = (Number(step) / Number(spanNs)) * width;
    const widest = Math.max(...layout.sample.map(measure));
    if (widest + LABEL_OFFSET_PX + LABEL_GAP_PX <= pxPerStep || pxPerStep >= width) {
      const ticks: AxisTick[] = [];
      const minor = minorCount(step);
      const minorStep = step % BigInt(minor) === 0n ? step / BigInt(minor) : 0n;
      for (let t = floorTo(fromNs, step); t <= toNs; t += step) {
        if (t >= fromNs) {
          const x = xOf(t);
          const label = layout.label(t);
          const labelX = x + LABEL_OFFSET_PX;
          ticks.push({ ns: t, x, major: true, label: labelX + measure(label) <= width ? label : null, labelX });
        }
        if (minorStep > 0n) {
          for (let k = 1n; k < BigInt(minor); k++) {
            const m = t + k * minorStep;
            if (m >= fromNs && m <= toNs) ticks.push({ ns: m, x: xOf(m), major: false, label: null, labelX: 0 });
          }
        }
      }
      ticks.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
      return {
        stepNs: step,
        unit: unitOf(step),
        relative: layout.relative,
        originNs: layout.originNs,
        originLabel: layout.originLabel,
        ticks,
      };
    }
    step = niceStepNs(step + 1n);
  }
  return { stepNs: step, unit: unitOf(step), relative: false, originNs: null, originLabel: null, ticks: [] };
}

/** How labels of a step read: absolute seconds, or offsets from an origin when those would be long. */
function labelsFor(
  fromNs: bigint,
  toNs: bigint,
  step: bigint,
): {
  relative: boolean;
  originNs: bigint | null;
  originLabel: string | null;
  label: (t: bigint) => string;
  sample: string[];
} {
  const decimals = decimalsFor(step);
  const absolute = (t: bigint): string => secondsLabel(t, decimals);
  const first = floorTo(fromNs, step);
  const last = floorTo(toNs, step);
  const longest = [absolute(first), absolute(last), absolute(first + step)];
  if (Math.max(...longest.map((s) => s.length)) <= MAX_ABSOLUTE_CHARS) {
    return { relative: false, originNs: null, originLabel: null, label: absolute, sample: longest };
  }
  // The origin t₀: a multiple of the power of ten at or above the span (so that it stays put while
  // panning within it and the offsets stay short) — the one inside the view if there is one (ticks
  // left of it read "-…"), else the last one before the view.
  let decade = 1n;
  while (decade < toNs - fromNs) decade *= 10n;
  const unit = unitOf(step);
  if (decade < UNIT_NS[unit]) decade = UNIT_NS[unit];
  const inside = floorTo(toNs, decade);
  const originNs = inside >= fromNs ? inside : floorTo(fromNs, decade);
  const label = (t: bigint): string => (t === originNs ? ORIGIN_MARK : offsetLabel(t - originNs, unit));
  return {
    relative: true,
    originNs,
    originLabel: `${ORIGIN_MARK} = ${secondsLabel(originNs, decimalsFor(decade))}`,
    label,
    sample: [label(first), label(last), label(last + step), label(first + step)],
  };
}

// ---- value axes (the charts): doubles are fine, these are only drawn --------------------------

export interface ValueAxis {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
  /** The unit values are shown in and its size in the data's unit (ns). */
  unit: TimeUnit;
  scale: number;
  decimals: number;
}

/** 1-2-5 ticks covering [lo, hi] (0 always included), values in ns shown in a unit chosen by size. */
export function valueAxis(loNs: number, hiNs: number, maxTicks: number): ValueAxis {
  let lo = Math.min(0, loNs);
  let hi = Math.max(0, hiNs);
  // All zero (a clock that never drifted): show ±0 on a 1 µs scale rather than fractions of a ns.
  if (!(hi > lo)) hi = lo + 1000;
  const raw = (hi - lo) / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * p;
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  const unit: TimeUnit = big >= 1e9 ? 's' : big >= 1e6 ? 'ms' : big >= 1e3 ? 'µs' : 'ns';
  const scale = Number(UNIT_NS[unit]);
  const decimals = Math.max(0, Math.min(9, Math.ceil(-Math.log10(step / scale) - 1e-9)));
  return { lo, hi, step, ticks, unit, scale, decimals };
}

/** A value-axis label: `-400 ms`, `2.5 ms`, `0`. */
export function valueLabel(v: number, axis: ValueAxis): string {
  if (v === 0) return '0';
  return `${(v / axis.scale).toFixed(axis.decimals)} ${axis.unit}`;
}
