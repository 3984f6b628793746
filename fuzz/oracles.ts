// What must hold of every result, whatever the input (issue #15): positions inside the document,
// messages bounded and free of control characters, nothing thrown. Each check returns the first
// problem it finds as a sentence, or undefined.
import type { Diagnostic } from '../engine/src/index';
import type { TraceDocument } from '../engine/src/syntax/document';
import { hasControl } from '../engine/src/text/escape';
import { MAX_MESSAGE_LENGTH } from '../engine/src/text/limits';

/** A message after escaping: MAX_MESSAGE_LENGTH characters, each at most 8 once escaped (`\u{202e}`). */
export const MAX_SHOWN_MESSAGE = MAX_MESSAGE_LENGTH * 8;

export function checkDiagnostics(doc: TraceDocument, diagnostics: readonly Diagnostic[]): string | undefined {
  for (const d of diagnostics) {
    if (!/^HVT\d{3}$/.test(d.code)) return `bad code ${JSON.stringify(d.code)}`;
    if (!['error', 'warning', 'info', 'hint'].includes(d.severity)) return `bad severity ${d.severity}`;
    const bad = checkRange(doc, d.range);
    if (bad) return `${d.code} ${bad}`;
    for (const r of d.related) {
      const b = checkRange(doc, r.range);
      if (b) return `${d.code} related ${b}`;
      const m = checkMessage(r.message);
      if (m) return `${d.code} related message ${m}`;
    }
    const m = checkMessage(d.message);
    if (m) return `${d.code} message ${m}`;
    if (/internal (parser )?error/.test(d.message))
      return `${d.code} reports an internal error: ${d.message.slice(0, 200)}`;
  }
  return undefined;
}

function checkRange(doc: TraceDocument, r: Diagnostic['range']): string | undefined {
  const { start, end } = r;
  if (![start.line, start.character, end.line, end.character].every((n) => Number.isInteger(n) && n >= 0))
    return `range not natural: ${JSON.stringify(r)}`;
  if (start.line >= doc.lineCount || end.line >= doc.lineCount)
    return `range past the last line ${doc.lineCount - 1}: ${JSON.stringify(r)}`;
  if (end.line < start.line || (end.line === start.line && end.character < start.character))
    return `range reversed: ${JSON.stringify(r)}`;
  if (start.character > doc.text(start.line).length || end.character > doc.text(end.line).length)
    return `range past the end of its line: ${JSON.stringify(r)}`;
  return undefined;
}

export function checkMessage(m: string): string | undefined {
  if (typeof m !== 'string' || m.length === 0) return 'empty';
  if (hasControl(m)) return `has a raw control character: ${JSON.stringify(m.slice(0, 200))}`;
  if (m.length > MAX_SHOWN_MESSAGE) return `is ${m.length} characters long`;
  return undefined;
}

/** Text meant for a terminal or a markdown view: no raw control characters except LF (and tab). */
export function checkShownText(what: string, text: string): string | undefined {
  return hasControl(text.replace(/\n/g, ''))
    ? `${what} has a raw control character: ${JSON.stringify(text.slice(0, 300))}`
    : undefined;
}

/** JSON.stringify with bigints as strings (to compare results). */
export const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
