// The time-axis row above the tracks, drawn through a Painter: in the corner over the track names
// the origin of relative labels (as Perfetto's `renderOffsetTimestamp`: "t₀ = 95.000 s"), then the major
// ticks with their labels (ticks.ts decides which fit; a label never crosses the edge), the minor
// ticks, the A/B flags and the cursor's notch. (The origin's tick is labelled t₀.)
import type { Painter } from './painter';
import type { Palette } from './palette';
import type { TimeAxis } from './ticks';

export const AXIS_HEIGHT = 34;
/** The A/B flags sit in the lower half, under the labels, among the tick marks. */
export const FLAG_TOP = 19;
export const FLAG_SIZE = 12;

export interface AxisInput {
  axis: TimeAxis;
  /** The row spans [0, width); the time scale starts at `left` (the track-name column is the corner). */
  left: number;
  width: number;
  top: number;
  palette: Palette;
  xOf: (ns: bigint) => number;
  cursorNs: bigint | null;
  markerA: bigint | null;
  markerB: bigint | null;
}

export function drawAxis(p: Painter, input: AxisInput): void {
  const { axis, left, width, top, palette: pal } = input;
  const bottom = top + AXIS_HEIGHT;
  const labelY = top + 9;
  p.group(
    {
      id: 'axis',
      data: { top, step: axis.stepNs.toString(), unit: axis.unit, relative: axis.relative ? 'yes' : 'no' },
    },
    null,
    () => {
      p.rect(0, top, width, AXIS_HEIGHT, { fill: pal.background });
      if (axis.originLabel) {
        p.group({ id: 'axis-origin' }, `the labels are offsets from ${axis.originLabel}`, () => {
          p.text(left - 8, labelY, axis.originLabel!, { fill: pal.foreground, font: pal.font, align: 'right' });
        });
      }
      p.clip(left, top, width - left, AXIS_HEIGHT, () => {
        for (const t of axis.ticks) {
          const x = Math.round(left + t.x) + 0.5;
          if (t.major) {
            p.line(x, bottom - 9, x, bottom, { stroke: pal.muted, lineWidth: 1 });
            if (t.label !== null)
              p.group({ cls: 'tick-label', data: { ns: t.ns.toString() } }, null, () =>
                p.text(left + t.labelX, labelY, t.label!, { fill: pal.muted, font: pal.font }),
              );
          } else p.line(x, bottom - 4, x, bottom, { stroke: pal.muted, lineWidth: 1, alpha: 0.6 });
        }
        const flag = (ns: bigint, name: string): void => {
          const x = Math.round(input.xOf(ns)) + 0.5;
          if (x < left || x > width) return;
          p.group({ cls: `ab-flag flag-${name.toLowerCase()}`, data: { x } }, null, () => {
            p.line(x, top + FLAG_TOP, x, bottom, { stroke: pal.colours.ab, lineWidth: 1.5, dash: [5, 3] });
            p.rect(x, top + FLAG_TOP, FLAG_SIZE, FLAG_SIZE, { fill: pal.colours.ab });
            p.text(x + FLAG_SIZE / 2, top + FLAG_TOP + FLAG_SIZE / 2, name, {
              fill: pal.background,
              font: { ...pal.font, size: 10, weight: 600 },
              align: 'center',
            });
          });
        };
        if (input.markerA !== null) flag(input.markerA, 'A');
        if (input.markerB !== null) flag(input.markerB, 'B');
        if (input.cursorNs !== null) {
          const x = Math.round(input.xOf(input.cursorNs)) + 0.5;
          p.group({ cls: 'cursor-notch', data: { x } }, null, () =>
            p.path([['M', x - 5, bottom - 7], ['L', x + 5, bottom - 7], ['L', x, bottom], ['Z']], {
              fill: pal.colours.cursor,
            }),
          );
        }
      });
      p.line(left, bottom - 0.5, width, bottom - 0.5, { stroke: pal.grid, lineWidth: 1 });
    },
  );
}
