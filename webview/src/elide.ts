// Text that is drawn: made printable (a trace string may hold control characters, which a canvas
// draws as nothing and which XML 1.0 forbids in an SVG — issue #15 item 4), elided to a width
// with "…" (the full text goes to a tooltip / <title>), and labels placed so that they neither
// cross the edges nor overlap each other. No DOM: widths come from a `measure` function.

export type Measure = (text: string) => number;

const hex = (n: number, digits: number): string => n.toString(16).toUpperCase().padStart(digits, '0');

/**
 * `s` with every character that is not printable on one line written as an escape: C0 controls
 * (tab and line breaks included: a label is one line), DEL and C1 controls as `\xNN`, the line and
 * paragraph separators, U+FFFE / U+FFFF and lone surrogates as `\uNNNN` (XML 1.0 `Char` excludes
 * all of these but tab and line breaks). Backslashes stay as they are.
 */
export function printable(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
      out += `\\u${hex(c, 4)}`;
    } else if (c >= 0xdc00 && c <= 0xdfff) out += `\\u${hex(c, 4)}`;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${hex(c, 2)}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfffe || c === 0xffff) out += `\\u${hex(c, 4)}`;
    else out += s[i];
  }
  return out;
}

export const ELLIPSIS = '…';

/**
 * The longest prefix of `text` that fits `maxWidth` with "…" after it (`text` itself if it fits;
 * "" when not even "…" fits). Never splits a surrogate pair.
 */
export function elide(text: string, maxWidth: number, measure: Measure): string {
  if (measure(text) <= maxWidth) return text;
  if (measure(ELLIPSIS) > maxWidth) return '';
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length - 1;
  // Largest n with measure(first n chars + "…") <= maxWidth (measure grows with n).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(chars.slice(0, mid).join('') + ELLIPSIS) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('').trimEnd() + ELLIPSIS;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

export interface LabelRequest {
  text: string;
  /** The point the label belongs to (e.g. the end of a handoff arrow). */
  x: number;
  y: number;
  /** Other places where the whole label may start (left edge, vertical middle), tried after "right of the point". */
  alsoAt?: { x: number; y: number }[];
}

export interface PlacedLabel {
  request: LabelRequest;
  /** What is drawn (elided, or the whole text), left edge and vertical centre; `drawn` false: no room at all. */
  text: string;
  x: number;
  y: number;
  w: number;
  elided: boolean;
  drawn: boolean;
}

/**
 * Places labels in order within [left, right]: for each, the first candidate position (right of its
 * point, at each of its `alsoAt` places, left of its point, then right and left a line
 * above and below) where the whole text fits without overlapping an earlier label or a `reserved`
 * box; if none, the widest free span right or left of the point, with the text elided to it. A
 * label that cannot show even "…" is not drawn (its full text is still the caller's tooltip).
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  bounds: { left: number; right: number },
  lineHeight: number,
  measure: Measure,
  reserved: readonly Box[] = [],
  gap = 4,
): PlacedLabel[] {
  const taken: Box[] = [...reserved];
  const out: PlacedLabel[] = [];
  for (const r of requests) {
    const full = measure(r.text);
    const ys = [r.y, r.y - lineHeight, r.y + lineHeight];
    const candidates: { x: number; y: number; room: number }[] = [];
    for (const y of ys) {
      // Right of the point: room up to the right edge or the next box on that line.
      const rightStart = Math.max(bounds.left, r.x + gap);
      candidates.push({ x: rightStart, y, room: freeRight(rightStart, y, lineHeight, bounds.right, taken) });
      // Left of the point: the label ends at the point.
      const leftEnd = Math.min(bounds.right, r.x - gap);
      const roomLeft = freeLeft(leftEnd, y, lineHeight, bounds.left, taken);
      candidates.push({ x: leftEnd - Math.min(full, roomLeft), y, room: roomLeft });
    }
    const also = (r.alsoAt ?? []).find(
      (c) =>
        c.x >= bounds.left &&
        c.x + full <= bounds.right &&
        !taken.some((b) => overlaps(b, { x: c.x, y: c.y - lineHeight / 2, w: full, h: lineHeight })),
    );
    const rightHere = candidates[0].room >= full ? candidates[0] : undefined;
    const whole = rightHere ?? also ?? candidates.find((c) => c.room >= full);
    let placed: PlacedLabel;
    if (whole) placed = { request: r, text: r.text, x: whole.x, y: whole.y, w: full, elided: false, drawn: true };
    else {
      const best = candidates.reduce((a, b) => (b.room > a.room + 0.5 ? b : a));
      const text = elide(r.text, best.room, measure);
      const w = text ? measure(text) : 0;
      // Left candidates end at the point: re-anchor the elided text there.
      const isLeft = candidates.indexOf(best) % 2 === 1;
      const x = isLeft ? best.x + (Math.min(full, best.room) - w) : best.x;
      placed = { request: r, text, x, y: best.y, w, elided: true, drawn: text.length > 0 };
    }
    if (placed.drawn) taken.push({ x: placed.x, y: placed.y - lineHeight / 2, w: placed.w, h: lineHeight });
    out.push(placed);
  }
  return out;
}

/** Free width from `x` rightwards on the line centred at `y`, up to `right` or the first box in the way. */
function freeRight(x: number, y: number, h: number, right: number, boxes: readonly Box[]): number {
  let end = right;
  const line: Box = { x, y: y - h / 2, w: Math.max(0, right - x), h };
  for (const b of boxes) if (overlaps(line, b)) end = Math.min(end, b.x);
  return Math.max(0, end - x - (end < right ? 4 : 0));
}

/** Free width from `x` leftwards on the line centred at `y`, down to `left` or the first box in the way. */
function freeLeft(x: number, y: number, h: number, left: number, boxes: readonly Box[]): number {
  let start = left;
  const line: Box = { x: left, y: y - h / 2, w: Math.max(0, x - left), h };
  for (const b of boxes) if (overlaps(line, b)) start = Math.max(start, b.x + b.w);
  return Math.max(0, x - start - (start > left ? 4 : 0));
}
