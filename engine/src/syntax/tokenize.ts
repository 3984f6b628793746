// Splits a line into its comment and its words (space/tab separated) with column spans.
import type { Arg, Comment, Span, Suppression, Tok } from './ast';

export interface Word {
  text: string;
  span: Span;
}

/** Splits off the `#` comment (it may start anywhere on the line). */
export function splitComment(line: string): { body: string; comment?: Comment } {
  const hash = line.indexOf('#');
  if (hash < 0) return { body: line };
  const text = line.slice(hash + 1);
  const comment: Comment = { span: { start: hash, end: line.length }, text };
  const suppression = parseSuppression(text, hash + 1);
  if (suppression) comment.suppression = suppression;
  return { body: line.slice(0, hash), comment };
}

const SUPPRESS = /^(\s*)(hvtimer-disable-next-line|hvtimer-disable)(?=\s|$)/;

/**
 * `# hvtimer-disable-next-line CODE[,CODE...]` or `# hvtimer-disable CODE[,CODE...]`. Without
 * codes every code is suppressed (as with eslint-disable).
 */
function parseSuppression(text: string, offset: number): Suppression | undefined {
  const m = SUPPRESS.exec(text);
  if (!m) return undefined;
  const kind = m[2] === 'hvtimer-disable-next-line' ? 'next-line' : 'rest-of-file';
  const codes: Tok<string>[] = [];
  const rest = text.slice(m[0].length);
  const re = /[A-Za-z0-9_]+/g;
  // Codes are separated by commas (spaces around them tolerated); prose after them is ignored.
  const list = /^\s*([A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)/.exec(rest);
  if (list) {
    const base = offset + m[0].length + list[0].indexOf(list[1]);
    for (let c = re.exec(list[1]); c; c = re.exec(list[1])) {
      codes.push({ value: c[0].toUpperCase(), span: { start: base + c.index, end: base + c.index + c[0].length } });
    }
  }
  return { kind, codes };
}

/** Words separated by spaces or tabs (the runs of `[^ \t]+`, scanned by hand: this runs on every line). */
export function words(body: string): Word[] {
  const out: Word[] = [];
  const n = body.length;
  let i = 0;
  while (i < n) {
    let c = body.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    do {
      i++;
      c = body.charCodeAt(i);
    } while (i < n && c !== 32 && c !== 9);
    out.push({ text: body.slice(start, i), span: { start, end: i } });
  }
  return out;
}

/** A word as an argument: `key=value` or positional. */
export function toArg(w: Word): Arg {
  const eq = w.text.indexOf('=');
  if (eq <= 0) return { value: { value: w.text, span: w.span }, span: w.span };
  const keySpan = { start: w.span.start, end: w.span.start + eq };
  const valueSpan = { start: w.span.start + eq + 1, end: w.span.end };
  return {
    key: { value: w.text.slice(0, eq), span: keySpan },
    value: { value: w.text.slice(eq + 1), span: valueSpan },
    span: w.span,
  };
}
