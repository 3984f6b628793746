// One drawing API, two backends: a canvas 2D context (the screen and the PNG export) and an SVG
// document built with DOM calls (the SVG export). Every part of the timeline is drawn through it,
// so the screen, the PNG and the SVG are the same drawing. Text is made printable on the way in
// (elide.ts `printable`: control characters, lone surrogates), and SVG text is set with
// `textContent`, so trace strings are always text and the SVG stays well-formed XML.
import { printable } from './elide';

export interface Style {
  fill?: string;
  stroke?: string;
  lineWidth?: number;
  dash?: number[];
  alpha?: number;
}

export interface Font {
  size: number;
  family: string;
  weight?: 400 | 600;
}

export interface TextStyle {
  fill: string;
  font: Font;
  align?: 'left' | 'center' | 'right';
  /** The y passed to `text` is the line's vertical middle. */
  alpha?: number;
}

export type PathCmd =
  ['M', number, number] | ['L', number, number] | ['C', number, number, number, number, number, number] | ['Z'];

/** Attributes of a group: an id or classes and data attributes (SVG only; they say what a part is). */
export interface GroupAttrs {
  id?: string;
  cls?: string;
  data?: Record<string, string | number>;
}

export interface Painter {
  rect(x: number, y: number, w: number, h: number, s: Style): void;
  line(x1: number, y1: number, x2: number, y2: number, s: Style): void;
  path(cmds: readonly PathCmd[], s: Style): void;
  circle(cx: number, cy: number, r: number, s: Style): void;
  text(x: number, y: number, text: string, s: TextStyle): void;
  measure(text: string, font: Font): number;
  /** A named part (an SVG <g> with an optional <title> tooltip); the canvas just draws it. */
  group(attrs: GroupAttrs, title: string | null, draw: () => void): void;
  clip(x: number, y: number, w: number, h: number, draw: () => void): void;
}

export const fontString = (f: Font): string => `${f.weight === 600 ? '600 ' : ''}${f.size}px ${f.family}`;

// ---- text measurement (shared by both backends, so the SVG elides exactly as the canvas) ------

let measureCtx: CanvasRenderingContext2D | null = null;
export function measureText(text: string, font: Font): number {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * font.size * 0.6;
  measureCtx.font = fontString(font);
  return measureCtx.measureText(printable(text)).width;
}

// ---- canvas ---------------------------------------------------------------------------------

export class CanvasPainter implements Painter {
  constructor(readonly ctx: CanvasRenderingContext2D) {}

  private apply(s: Style, draw: (fill: boolean, stroke: boolean) => void): void {
    const c = this.ctx;
    c.save();
    if (s.alpha !== undefined) c.globalAlpha = s.alpha;
    if (s.fill) c.fillStyle = s.fill;
    if (s.stroke) {
      c.strokeStyle = s.stroke;
      c.lineWidth = s.lineWidth ?? 1;
      c.setLineDash(s.dash ?? []);
    }
    draw(Boolean(s.fill), Boolean(s.stroke));
    c.restore();
  }

  rect(x: number, y: number, w: number, h: number, s: Style): void {
    this.apply(s, (fill, stroke) => {
      if (fill) this.ctx.fillRect(x, y, w, h);
      if (stroke) this.ctx.strokeRect(x, y, w, h);
    });
  }

  line(x1: number, y1: number, x2: number, y2: number, s: Style): void {
    this.apply(s, () => {
      const c = this.ctx;
      c.beginPath();
      c.moveTo(x1, y1);
      c.lineTo(x2, y2);
      c.stroke();
    });
  }

  path(cmds: readonly PathCmd[], s: Style): void {
    this.apply(s, (fill, stroke) => {
      const c = this.ctx;
      c.beginPath();
      for (const cmd of cmds) {
        if (cmd[0] === 'M') c.moveTo(cmd[1], cmd[2]);
        else if (cmd[0] === 'L') c.lineTo(cmd[1], cmd[2]);
        else if (cmd[0] === 'C') c.bezierCurveTo(cmd[1], cmd[2], cmd[3], cmd[4], cmd[5], cmd[6]);
        else c.closePath();
      }
      if (fill) c.fill();
      if (stroke) c.stroke();
    });
  }

  circle(cx: number, cy: number, r: number, s: Style): void {
    this.apply(s, (fill, stroke) => {
      const c = this.ctx;
      c.beginPath();
      c.arc(cx, cy, r, 0, 2 * Math.PI);
      if (fill) c.fill();
      if (stroke) c.stroke();
    });
  }

  text(x: number, y: number, text: string, s: TextStyle): void {
    const c = this.ctx;
    c.save();
    if (s.alpha !== undefined) c.globalAlpha = s.alpha;
    c.font = fontString(s.font);
    c.fillStyle = s.fill;
    c.textAlign = s.align ?? 'left';
    c.textBaseline = 'middle';
    c.fillText(printable(text), x, y);
    c.restore();
  }

  measure(text: string, font: Font): number {
    return measureText(text, font);
  }

  group(_attrs: GroupAttrs, _title: string | null, draw: () => void): void {
    draw();
  }

  clip(x: number, y: number, w: number, h: number, draw: () => void): void {
    const c = this.ctx;
    c.save();
    c.beginPath();
    c.rect(x, y, w, h);
    c.clip();
    draw();
    c.restore();
  }
}

// ---- SVG ------------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
const num = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0');

export class SvgPainter implements Painter {
  readonly svg: SVGSVGElement;
  private parent: Element;
  private clipId = 0;

  constructor(width: number, height: number, font: Font) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('xmlns', SVG_NS);
    this.svg.setAttribute('width', num(width));
    this.svg.setAttribute('height', num(height));
    this.svg.setAttribute('viewBox', `0 0 ${num(width)} ${num(height)}`);
    this.svg.setAttribute('font-family', printable(font.family));
    this.svg.setAttribute('font-size', num(font.size));
    this.parent = this.svg;
  }

  private el(name: string, attrs: Record<string, string>, parent: Element = this.parent): SVGElement {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    parent.appendChild(e);
    return e;
  }

  private style(s: Style): Record<string, string> {
    const a: Record<string, string> = { fill: s.fill ?? 'none' };
    if (s.stroke) {
      a.stroke = s.stroke;
      a['stroke-width'] = num(s.lineWidth ?? 1);
      if (s.dash?.length) a['stroke-dasharray'] = s.dash.map(num).join(' ');
    }
    if (s.alpha !== undefined && s.alpha < 1) a.opacity = num(s.alpha);
    return a;
  }

  rect(x: number, y: number, w: number, h: number, s: Style): void {
    this.el('rect', {
      x: num(x),
      y: num(y),
      width: num(Math.max(0, w)),
      height: num(Math.max(0, h)),
      ...this.style(s),
    });
  }

  line(x1: number, y1: number, x2: number, y2: number, s: Style): void {
    this.el('line', { x1: num(x1), y1: num(y1), x2: num(x2), y2: num(y2), ...this.style(s) });
  }

  path(cmds: readonly PathCmd[], s: Style): void {
    const d = cmds
      .map((c) =>
        c[0] === 'Z'
          ? 'Z'
          : `${c[0]} ${c
              .slice(1)
              .map((v) => num(v as number))
              .join(' ')}`,
      )
      .join(' ');
    this.el('path', { d, ...this.style(s) });
  }

  circle(cx: number, cy: number, r: number, s: Style): void {
    this.el('circle', { cx: num(cx), cy: num(cy), r: num(r), ...this.style(s) });
  }

  text(x: number, y: number, text: string, s: TextStyle): void {
    const a: Record<string, string> = {
      x: num(x),
      y: num(y),
      fill: s.fill,
      'dominant-baseline': 'central',
      'text-anchor': s.align === 'center' ? 'middle' : s.align === 'right' ? 'end' : 'start',
      'font-size': num(s.font.size),
    };
    if (s.font.weight === 600) a['font-weight'] = '600';
    if (s.alpha !== undefined && s.alpha < 1) a.opacity = num(s.alpha);
    this.el('text', a).textContent = printable(text);
  }

  measure(text: string, font: Font): number {
    return measureText(text, font);
  }

  group(attrs: GroupAttrs, title: string | null, draw: () => void): void {
    const a: Record<string, string> = {};
    if (attrs.id) a.id = attrs.id;
    if (attrs.cls) a.class = attrs.cls;
    for (const [k, v] of Object.entries(attrs.data ?? {}))
      a[`data-${k}`] = typeof v === 'number' ? num(v) : printable(v);
    const g = this.el('g', a);
    if (title !== null) this.el('title', {}, g).textContent = printable(title);
    const outer = this.parent;
    this.parent = g;
    try {
      draw();
    } finally {
      this.parent = outer;
    }
  }

  clip(x: number, y: number, w: number, h: number, draw: () => void): void {
    const id = `clip${++this.clipId}`;
    const cp = this.el('clipPath', { id }, this.svg);
    this.el('rect', { x: num(x), y: num(y), width: num(Math.max(0, w)), height: num(Math.max(0, h)) }, cp);
    const g = this.el('g', { 'clip-path': `url(#${id})` });
    const outer = this.parent;
    this.parent = g;
    try {
      draw();
    } finally {
      this.parent = outer;
    }
  }

  /** The document's text, with its XML declaration. */
  serialize(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(this.svg)}`;
  }
}
