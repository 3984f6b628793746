// Helpers the quick fixes share: the statement on a line, a line rewritten with a new statement
// (keeping its indentation and comment), a new statement line at another's time and location, and
// the next statement of a vCPU or instance. Fixes are whole-line edits (rules/rule.ts `Fix`).
import type { Fix } from '../../rules/rule';
import type { LineNode, MsrWrite, Statement } from '../../syntax/ast';
import type { TraceDocument } from '../../syntax/document';

export type Edit = Fix['edits'][number];

export const statementAt = (doc: TraceDocument, line: number): Statement | undefined => {
  const n: LineNode = doc.node(line);
  return n.kind === 'statement' ? n.statement : undefined;
};

/** The line's text with the statement part replaced, keeping indentation and any comment. */
export function replaceStatement(doc: TraceDocument, line: number, stmt: Statement, text: string): string {
  const old = doc.text(line);
  return old.slice(0, stmt.span.start) + text + old.slice(stmt.span.end);
}

/** The time as written on the line (`20.600000000`), so a fix keeps the trace's own precision. */
export const timeText = (doc: TraceDocument, line: number, stmt: Statement): string =>
  doc.text(line).slice(stmt.time.span.start, stmt.time.span.end);
export const whereText = (doc: TraceDocument, line: number, stmt: Statement): string =>
  doc.text(line).slice(stmt.where.span.start, stmt.where.span.end);
export const indentOf = (doc: TraceDocument, line: number, stmt: Statement): string =>
  doc.text(line).slice(0, stmt.span.start);

/** `TIME WHERE REST` at the time and indentation of the statement on `line`; `where` defaults to its location. */
export function lineLike(
  doc: TraceDocument,
  line: number,
  stmt: Statement,
  rest: string,
  where = whereText(doc, line, stmt),
): string {
  return `${indentOf(doc, line, stmt)}${timeText(doc, line, stmt)} ${where} ${rest}`;
}

/** The VM location `host/vm` of a statement at VM or vCPU level. */
export const vmWhere = (stmt: Statement): string | undefined =>
  stmt.where.vm ? `${stmt.where.host.value}/${stmt.where.vm.value}` : undefined;

export const isMsr = (w: MsrWrite, role: string): boolean => 'known' in w.msr.value && w.msr.value.known.role === role;
export const writeText = (doc: TraceDocument, line: number, w: MsrWrite): string =>
  doc.text(line).slice(w.msr.span.start, w.value.span.end);

/** The line's text without one `MSR=VALUE` argument (and the blank before it). */
export function withoutWrite(doc: TraceDocument, line: number, w: MsrWrite): string {
  const text = doc.text(line);
  let start = w.msr.span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return text.slice(0, start) + text.slice(w.value.span.end);
}

/** A line moved: deleted where it is and inserted before `before` (with a new text), as one fix's edits. */
export function moveLine(from: number, before: number, text: string): Edit[] {
  return [
    { line: from, newText: '', delete: true },
    { line: before, newText: text, insertBefore: true },
  ];
}

/**
 * The first line after `from` (up to `to`, exclusive) whose statement matches `pred`; stops at a
 * line for which `stop` holds. Lines that are not statements are skipped.
 */
export function findStatement(
  doc: TraceDocument,
  from: number,
  to: number,
  pred: (s: Statement, line: number) => boolean,
  stop?: (s: Statement, line: number) => boolean,
): number | undefined {
  for (let l = from; l < Math.min(to, doc.lineCount); l++) {
    const s = statementAt(doc, l);
    if (!s) continue;
    if (stop?.(s, l)) return undefined;
    if (pred(s, l)) return l;
  }
  return undefined;
}

/** Lines of the same VM (`host/vm`, any of its vCPUs or the VM itself). */
export const sameVm = (a: Statement, b: Statement): boolean =>
  a.where.host.value === b.where.host.value && a.where.vm?.value === b.where.vm?.value && a.where.vm !== undefined;
export const sameVcpu = (a: Statement, b: Statement): boolean =>
  sameVm(a, b) && a.where.vcpu?.value === b.where.vcpu?.value && a.where.vcpu !== undefined;
