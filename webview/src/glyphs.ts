// The shapes of legend.ts drawn through a Painter: on the tracks, in the charts, in the legend's
// swatches and in the exports alike, so a shape means the same thing everywhere.
import type { Shape } from './legend';
import type { Painter } from './painter';

/** A mark centred on (cx, cy) with "radius" r (half its height). */
export function drawGlyph(p: Painter, shape: Shape, cx: number, cy: number, r: number, colour: string): void {
  switch (shape) {
    case 'bar':
      p.rect(cx - 1.5, cy - r - 1, 3, 2 * r + 2, { fill: colour });
      return;
    case 'circle':
      p.circle(cx, cy, r, { fill: colour });
      return;
    case 'diamond':
      p.path(
        [['M', cx, cy - r - 0.5], ['L', cx + r + 0.5, cy], ['L', cx, cy + r + 0.5], ['L', cx - r - 0.5, cy], ['Z']],
        { fill: colour },
      );
      return;
    case 'square':
      p.rect(cx - r + 0.5, cy - r + 0.5, 2 * r - 1, 2 * r - 1, { fill: colour });
      return;
    case 'flag':
      p.line(cx - r + 1, cy + r + 0.5, cx - r + 1, cy - r - 0.5, { stroke: colour, lineWidth: 1.5 });
      p.path([['M', cx - r + 1, cy - r - 0.5], ['L', cx + r + 0.5, cy - r / 2], ['L', cx - r + 1, cy + 0.5], ['Z']], {
        fill: colour,
      });
      return;
    case 'triangle-down':
      p.path([['M', cx - r - 0.5, cy - r * 0.8], ['L', cx + r + 0.5, cy - r * 0.8], ['L', cx, cy + r], ['Z']], {
        fill: colour,
      });
      return;
    case 'triangle-up':
      p.path([['M', cx, cy - r], ['L', cx + r + 0.5, cy + r * 0.8], ['L', cx - r - 0.5, cy + r * 0.8], ['Z']], {
        fill: colour,
      });
      return;
    case 'ring':
      p.circle(cx, cy, r - 0.75, { stroke: colour, lineWidth: 2 });
      return;
    case 'dots':
      for (const dx of [-3.2, 0, 3.2]) p.circle(cx + dx, cy, 1.4, { fill: colour });
      return;
    case 'band-hatched':
    case 'band-solid':
    case 'band-outline':
      drawBand(p, shape, cx - r * 1.4, cx + r * 1.4, cy - r * 0.6, r * 1.2, colour);
      return;
    case 'arrow':
      p.line(cx - r * 1.4, cy, cx + r * 0.6, cy, { stroke: colour, lineWidth: 2, dash: [3, 2] });
      p.path([['M', cx + r * 1.4, cy], ['L', cx + r * 0.3, cy - r * 0.7], ['L', cx + r * 0.3, cy + r * 0.7], ['Z']], {
        fill: colour,
      });
      return;
    case 'line-dashed':
      p.line(cx, cy - r - 1, cx, cy + r + 1, { stroke: colour, lineWidth: 1.5, dash: [3, 2] });
      p.rect(cx, cy - r - 1, r, r * 0.8, { fill: colour });
      return;
    case 'line-solid':
      p.line(cx, cy - r - 1, cx, cy + r + 1, { stroke: colour, lineWidth: 1.5 });
      return;
    case 'ibeam':
      drawIBeam(p, cx - r * 1.4, cx + r * 1.4, cy, r * 0.7, colour);
      return;
    case 'span':
      drawSpan(p, cx - r * 1.4, cx + r * 1.4, cy - r * 0.6, r * 1.2, colour, 1);
      return;
    case 'deadline':
      drawDeadline(p, cx, cy - r - 1, cy + r + 1, colour);
      return;
    case 'chevron':
      drawChevron(p, cx, cy, r, colour, 1);
      return;
    case 'triangle-left':
      p.path([['M', cx + r * 0.8, cy - r - 0.5], ['L', cx + r * 0.8, cy + r + 0.5], ['L', cx - r - 0.5, cy], ['Z']], {
        fill: colour,
      });
      return;
    case 'triangle-right':
      p.path([['M', cx - r * 0.8, cy - r - 0.5], ['L', cx - r * 0.8, cy + r + 0.5], ['L', cx + r + 0.5, cy], ['Z']], {
        fill: colour,
      });
      return;
    case 'hexagon': {
      const h = r + 0.5;
      p.path(
        [
          ['M', cx - h, cy],
          ['L', cx - h / 2, cy - h * 0.87],
          ['L', cx + h / 2, cy - h * 0.87],
          ['L', cx + h, cy],
          ['L', cx + h / 2, cy + h * 0.87],
          ['L', cx - h / 2, cy + h * 0.87],
          ['Z'],
        ],
        { fill: colour },
      );
      return;
    }
    case 'plus':
      p.line(cx - r, cy, cx + r, cy, { stroke: colour, lineWidth: 2 });
      p.line(cx, cy - r, cx, cy + r, { stroke: colour, lineWidth: 2 });
      return;
    case 'cross':
      p.line(cx - r, cy - r, cx + r, cy + r, { stroke: colour, lineWidth: 2.4 });
      p.line(cx - r, cy + r, cx + r, cy - r, { stroke: colour, lineWidth: 2.4 });
      return;
    case 'strip':
      p.rect(cx - r * 1.4, cy - 1.5, r * 2.8, 3, { fill: colour });
      return;
    case 'strip-dotted':
      p.line(cx - r * 1.4, cy, cx + r * 1.4, cy, { stroke: colour, lineWidth: 2, dash: [2, 2] });
      return;
  }
}

/** An armed timer over [x0, x1]: a translucent bar with a solid cap where it was armed (`opacity`: how much of it is armed). */
export function drawSpan(
  p: Painter,
  x0: number,
  x1: number,
  y: number,
  h: number,
  colour: string,
  opacity: number,
): void {
  const w = Math.max(1, x1 - x0);
  p.rect(x0, y, w, h, { fill: colour, alpha: 0.35 + 0.3 * opacity });
  p.line(x0, y + 0.5, x0 + w, y + 0.5, { stroke: colour, lineWidth: 1, alpha: opacity });
  p.line(x0, y + h - 0.5, x0 + w, y + h - 0.5, { stroke: colour, lineWidth: 1, alpha: opacity });
  p.rect(x0, y - 1, 2, h + 2, { fill: colour });
}

/** A deadline t_d: a pin from y0 to y1 with a bar across its top. */
export function drawDeadline(p: Painter, x: number, y0: number, y1: number, colour: string): void {
  p.line(x, y0, x, y1, { stroke: colour, lineWidth: 1.5 });
  p.rect(x - 3.5, y0 - 0.5, 7, 2.5, { fill: colour });
}

/** A moved deadline: a double chevron pointing the way it moved (`dir` 1: later, -1: earlier). */
export function drawChevron(p: Painter, cx: number, cy: number, r: number, colour: string, dir: 1 | -1): void {
  const h = r * 0.9;
  for (const dx of [-h * 0.55, h * 0.45]) {
    const x = cx + dir * dx;
    p.path(
      [
        ['M', x - dir * h * 0.5, cy - h],
        ['L', x + dir * h * 0.5, cy],
        ['L', x - dir * h * 0.5, cy + h],
      ],
      { stroke: colour, lineWidth: 2 },
    );
  }
}

/** A phase band over [x0, x1]: hatched (setup), solid (running) or outlined (paused). */
export function drawBand(
  p: Painter,
  shape: 'band-hatched' | 'band-solid' | 'band-outline',
  x0: number,
  x1: number,
  y: number,
  h: number,
  colour: string,
): void {
  const w = Math.max(1, x1 - x0);
  if (shape === 'band-solid') {
    p.rect(x0, y, w, h, { fill: colour });
    return;
  }
  if (shape === 'band-outline') {
    p.rect(x0 + 0.75, y + 0.75, Math.max(0.5, w - 1.5), Math.max(0.5, h - 1.5), { stroke: colour, lineWidth: 1.5 });
    return;
  }
  p.clip(x0, y, w, h, () => {
    p.line(x0, y + 0.5, x0 + w, y + 0.5, { stroke: colour, lineWidth: 1 });
    p.line(x0, y + h - 0.5, x0 + w, y + h - 0.5, { stroke: colour, lineWidth: 1 });
    // Hatching at a fixed phase in x, so bands line up as they pan.
    const stepPx = 4;
    const start = Math.floor((x0 - h) / stepPx) * stepPx;
    for (let x = start; x < x0 + w; x += stepPx) p.line(x, y + h, x + h, y, { stroke: colour, lineWidth: 1.2 });
  });
}

/** A scheduler wait: a horizontal bar with end caps over [x0, x1]. */
export function drawIBeam(p: Painter, x0: number, x1: number, cy: number, half: number, colour: string): void {
  const w = Math.max(2, x1 - x0);
  p.line(x0, cy, x0 + w, cy, { stroke: colour, lineWidth: 2.5 });
  p.line(x0 + 0.75, cy - half, x0 + 0.75, cy + half, { stroke: colour, lineWidth: 1.5 });
  p.line(x0 + w - 0.75, cy - half, x0 + w - 0.75, cy + half, { stroke: colour, lineWidth: 1.5 });
}
