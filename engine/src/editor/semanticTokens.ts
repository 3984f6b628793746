// Semantic classification of what the TextMate grammar cannot know: whether a host is declared
// (before its use), which names are VMs and vCPUs, which numbers are known register / ioctl / MSR
// ids, and which operations are proposed (never merged) APIs. From the syntax alone.
import type { Statement, Tok } from '../syntax/ast';
import type { TraceDocument } from '../syntax/document';
import { parseInteger } from '../values/parse';

export type TokenKind = 'host' | 'undeclaredHost' | 'vm' | 'vcpu' | 'ioctl' | 'register' | 'msr';

export interface SemanticToken {
  line: number;
  start: number;
  length: number;
  kind: TokenKind;
  /** The name is declared here (`@host`, `@vm`). */
  declaration: boolean;
  /** A known uapi name written as a number (decoded by the tool). */
  decoded: boolean;
  /** A proposed API from the seed discussions (HVT094). */
  proposed: boolean;
}

const isNumber = (text: string): boolean => parseInteger(text).ok;

/** Tokens of lines `from`..`to` (inclusive), in document order. */
export function semanticTokens(doc: TraceDocument, from = 0, to = doc.lineCount - 1): SemanticToken[] {
  const declaredAt = new Map<string, number>();
  for (let line = 0; line < doc.lineCount; line++) {
    const n = doc.node(line);
    if (n.kind === 'directive' && n.directive.type === 'host' && !declaredAt.has(n.directive.name.value))
      declaredAt.set(n.directive.name.value, line);
  }
  const out: SemanticToken[] = [];
  const push = (line: number, tok: Tok<unknown>, kind: TokenKind, extra: Partial<SemanticToken> = {}): void => {
    out.push({
      line,
      start: tok.span.start,
      length: tok.span.end - tok.span.start,
      kind,
      declaration: false,
      decoded: false,
      proposed: false,
      ...extra,
    });
  };
  const host = (line: number, tok: Tok<string>): void => {
    const at = declaredAt.get(tok.value);
    push(line, tok, at !== undefined && at < line ? 'host' : 'undeclaredHost');
  };
  for (let line = Math.max(0, from); line <= Math.min(to, doc.lineCount - 1); line++) {
    const n = doc.node(line);
    if (n.kind === 'directive') {
      const d = n.directive;
      if (d.type === 'host') push(line, d.name, 'host', { declaration: declaredAt.get(d.name.value) === line });
      if (d.type === 'vm') push(line, d.name, 'vm', { declaration: true });
      continue;
    }
    if (n.kind !== 'statement') continue;
    statementTokens(doc, line, n.statement, push, host);
  }
  return out;
}

function statementTokens(
  doc: TraceDocument,
  line: number,
  s: Statement,
  push: (line: number, tok: Tok<unknown>, kind: TokenKind, extra?: Partial<SemanticToken>) => void,
  host: (line: number, tok: Tok<string>) => void,
): void {
  const text = doc.text(line);
  const raw = (tok: Tok<unknown>): string => text.slice(tok.span.start, tok.span.end);
  host(line, s.where.host);
  if (s.where.vm) push(line, s.where.vm, 'vm');
  if (s.where.vcpu) push(line, s.where.vcpu, 'vcpu');
  const proposed = s.notes.some((n) => n.code === 'HVT094' && n.span.start === s.op.span.start);
  if (s.actor.value === 'ioctl') {
    const known = s.body.type !== 'other_ioctl' || s.body.ioctl !== undefined;
    if (known) push(line, s.op, 'ioctl', { decoded: isNumber(raw(s.op)), proposed });
  }
  const b = s.body;
  if (b.type === 'migrate') host(line, b.to);
  if ((b.type === 'set_one_reg' || b.type === 'get_one_reg') && 'known' in b.reg.value) {
    push(line, b.reg, 'register', { decoded: isNumber(raw(b.reg)), proposed: b.reg.value.known.proposed === true });
  }
  const msrs =
    b.type === 'set_msrs'
      ? b.writes.map((w) => w.msr)
      : b.type === 'get_msrs'
        ? [...b.msrs, ...b.values.map((w) => w.msr)]
        : [];
  for (const m of msrs) if ('known' in m.value && isNumber(raw(m))) push(line, m, 'msr', { decoded: true });
}
