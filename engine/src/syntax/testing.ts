// Helpers for the parser tests: parse one line and insist on its kind, compare without spans.
import assert from 'node:assert/strict';
import type { Body, DirectiveLine, LineNode, Note, ParseError, Span, Statement } from './ast';
import { parseLine } from './parseLine';

const show = (n: LineNode): string =>
  n.kind === 'error' ? `error at ${n.error.span.start}-${n.error.span.end}: ${n.error.message}` : n.kind;

/** The statement of a line that must parse as one. */
export function statementOf(line: string): Statement {
  const n = parseLine(line);
  if (n.kind !== 'statement') assert.fail(`expected a statement from \`${line}\`, got ${show(n)}`);
  return n.statement;
}

/** The directive line of a line that must parse as one. */
export function directiveOf(line: string): DirectiveLine & Pick<LineNode, 'comment'> {
  const n = parseLine(line);
  if (n.kind !== 'directive') assert.fail(`expected a directive from \`${line}\`, got ${show(n)}`);
  return n;
}

/** The parse error of a line that must not parse. */
export function errorOf(line: string): ParseError {
  const n = parseLine(line);
  if (n.kind !== 'error') assert.fail(`expected a parse error from \`${line}\`, got ${n.kind}`);
  return n.error;
}

export const sp = (start: number, end: number): Span => ({ start, end });

/** `CODE@start-end` for each note. */
export const notesOf = (notes: readonly Note[]): string[] =>
  notes.map((n) => `${n.code}@${n.span.start}-${n.span.end}`);

/** A deep copy without any `span` property (for comparing typed values). */
export function withoutSpans(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutSpans);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'span' && v !== undefined) out[k] = withoutSpans(v);
    return out;
  }
  return x;
}

/** The body of a statement, narrowed to `type` (fails otherwise). */
export function bodyOf<T extends Body['type']>(s: Statement, type: T): Extract<Body, { type: T }> {
  assert.equal(s.body.type, type);
  return s.body as Extract<Body, { type: T }>;
}

/** The table entry behind a `{ known }` operand, as `{ name, ...fields }` for comparison. */
export function known(ref: object, ...fields: string[]): Record<string, unknown> {
  if (!('known' in ref))
    assert.fail(
      `expected a known operand, got ${JSON.stringify(ref, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`,
    );
  const k = (ref as { known: Record<string, unknown> }).known;
  return Object.fromEntries(['name', ...fields].map((f) => [f, k[f]]));
}
