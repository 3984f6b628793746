// Parses one line of a .hvtrace file (docs/format.md#1-lines to docs/format.md#4-statements). Pure and
// position-independent, so the
// document can re-parse only the lines an edit touched. Never throws.
import type { Actor, Arg, Body, LineNode, Note, Result, Span, Statement, Tok, Where } from './ast';
import { ACTORS } from './ast';
import { ArgReader, ParseFailure, expectedFound, parseTok } from './context';
import { parseDirective } from './directiveParsers';
import { OPS_BY_ACTOR, type Level, type OpSpec } from './statementParsers';
import { splitComment, toArg, words, type Word } from './tokenize';
import { parseDuration, parseInteger, parseName, parseTime } from '../values/parse';
import { ioctlByCode, ioctlByName } from '../uapi/ioctls';
import { isErrnoName } from '../uapi/errno';
import { pushAll } from '../util/arrays';
import { MAX_LINE_LENGTH, MAX_NOTES_PER_LINE } from '../text/limits';
import { scanStatement } from './scanStatement';

/**
 * One line as a syntax tree. Statement lines take the fast scanner (scanStatement.ts), which gives
 * the same tree as the reference parser below for the lines it accepts and declines the rest
 * (directives, errors, suppression comments), which the reference parser then reads.
 */
export function parseLine(text: string): LineNode {
  return scanStatement(text) ?? parseLineReference(text);
}

/** What a line longer than MAX_LINE_LENGTH parses to, from its length alone (a streamed line is not kept). */
export function overlongLine(length: number): LineNode {
  return {
    kind: 'error',
    error: {
      span: { start: 0, end: length },
      message: `expected a line of at most ${MAX_LINE_LENGTH} characters, found one of ${length}: the line is not read (split it, or shorten its note)`,
    },
  };
}

/** The reference parser: every line, every error message (the fast scanner is checked against it). */
export function parseLineReference(text: string): LineNode {
  // A line this long is not a trace line (a binary file, a runaway log): not parsed, not kept.
  if (text.length > MAX_LINE_LENGTH) return overlongLine(text.length);
  try {
    return capNotes(parseLineUnsafe(text));
  } catch (e) {
    // A bug in a parser must not take the document down: report it on the whole line.
    const message =
      e instanceof ParseFailure ? e.message : `internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const span = e instanceof ParseFailure ? e.span : { start: 0, end: text.length };
    return { kind: 'error', error: { span, message } };
  }
}

function parseLineUnsafe(text: string): LineNode {
  const { body, comment } = splitComment(text);
  const ws = words(body);
  const withComment = <T extends LineNode>(node: T): T => (comment ? { ...node, comment } : node);
  if (ws.length === 0) return withComment({ kind: 'empty' });
  const end = ws[ws.length - 1].span.end;
  const span: Span = { start: ws[0].span.start, end };
  try {
    if (ws[0].text.startsWith('@')) {
      const keyword = { value: ws[0].text, span: ws[0].span };
      const args = ws.slice(1).map(toArg);
      const { directive, notes } = parseDirective(keyword, args, end);
      return withComment({ kind: 'directive', span, keyword, args, directive, notes });
    }
    return withComment({ kind: 'statement', statement: parseStatement(body, ws, span) });
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    return withComment({ kind: 'error', error: { span: e.span, message: e.message } });
  }
}

/**
 * At most MAX_NOTES_PER_LINE notes (unknown names, proposed APIs) per line; the rest are summed up
 * in one more note over their span, so a line of 30,000 unknown arguments is not 30,000 findings.
 */
export function capNotes(node: LineNode): LineNode {
  const notes = node.kind === 'statement' ? node.statement.notes : node.kind === 'directive' ? node.notes : undefined;
  if (!notes || notes.length <= MAX_NOTES_PER_LINE) return node;
  const rest = notes.splice(MAX_NOTES_PER_LINE - 1);
  const span = { start: rest[0].span.start, end: rest[rest.length - 1].span.end };
  notes.push({
    code: 'HVT091',
    span,
    message: `${rest.length} more notes on this line (unknown names, ignored arguments); the first ${MAX_NOTES_PER_LINE - 1} are reported`,
  });
  return node;
}

export const LEVEL_EXAMPLE: Record<Level, string> = {
  vcpu: 'a vCPU location like src/vm1/vcpu0',
  vm: 'a VM location like src/vm1',
  vm_or_vcpu: 'a VM or vCPU location like src/vm1 or src/vm1/vcpu0',
  host_or_vm: 'a host or VM location like src or src/vm1',
  any: 'a location like src, src/vm1 or src/vm1/vcpu0',
};

export function levelOk(level: Level, where: Where): boolean {
  switch (level) {
    case 'vcpu':
      return where.vcpu !== undefined;
    case 'vm':
      return where.vm !== undefined && where.vcpu === undefined;
    case 'vm_or_vcpu':
      return where.vm !== undefined;
    case 'host_or_vm':
      return where.vcpu === undefined;
    case 'any':
      return true;
  }
}

function parseWhere(w: Word): Where {
  // HOST[/VM[/vcpuN]], scanned by hand (it is on every statement line).
  const text = w.text;
  const s1 = text.indexOf('/');
  const s2 = s1 < 0 ? -1 : text.indexOf('/', s1 + 1);
  if (s2 >= 0 && text.indexOf('/', s2 + 1) >= 0)
    throw new ParseFailure(w.span, expectedFound('a location like src, src/vm1 or src/vm1/vcpu0', text));
  const col = w.span.start;
  const part = (from: number, to: number): Tok<string> => ({
    value: text.slice(from, to),
    span: { start: col + from, end: col + to },
  });
  const hostTok = part(0, s1 < 0 ? text.length : s1);
  const vmTok = s1 < 0 ? undefined : part(s1 + 1, s2 < 0 ? text.length : s2);
  const vcpuTok = s2 < 0 ? undefined : part(s2 + 1, text.length);
  const where: Where = { span: w.span, host: parseTok(hostTok, parseName, 'a host name like src') };
  if (vmTok) where.vm = parseTok(vmTok, parseName, 'a VM name like vm1');
  if (vcpuTok) {
    const id = vcpuNumber(vcpuTok.value);
    if (id < 0) throw new ParseFailure(vcpuTok.span, expectedFound('a vCPU like vcpu0', vcpuTok.value));
    where.vcpu = { value: id, span: vcpuTok.span };
  }
  return where;
}

/** N of `vcpuN` (`^vcpu[0-9]{1,4}$`), or -1. */
function vcpuNumber(text: string): number {
  if (text.length < 5 || text.length > 8 || !text.startsWith('vcpu')) return -1;
  let n = 0;
  for (let i = 4; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

function parseResult(ws: Word[], arrow: Word, end: number): Result {
  const span = { start: arrow.span.start, end };
  if (ws.length === 0)
    throw new ParseFailure(
      { start: arrow.span.end, end: arrow.span.end },
      expectedFound('a result after `->` (a value, an errno like -EINVAL, or name=value outputs)', ''),
    );
  if (ws.length === 1 && /^-E[A-Z0-9]+$/.test(ws[0].text)) {
    return { kind: 'errno', span, errno: { value: ws[0].text.slice(1), span: ws[0].span } };
  }
  const args = ws.map(toArg);
  if (args.every((a) => a.key)) return { kind: 'named', span, entries: args };
  if (ws.length === 1) return { kind: 'value', span, value: { value: ws[0].text, span: ws[0].span } };
  const bad = args.find((a) => !a.key)!;
  throw new ParseFailure(bad.span, expectedFound('`name=value` outputs after `->`', bad.value.value));
}

export function resolveIoctl(op: Word, notes: Note[]): { name: string; spec?: OpSpec; known: boolean } {
  const byName = ioctlByName(op.text);
  const n = byName ? undefined : parseInteger(op.text);
  const info = byName ?? (n?.ok ? ioctlByCode(n.value) : undefined);
  if (info) {
    const spec = OPS_BY_ACTOR.ioctl[info.name];
    return { name: info.name, spec, known: true };
  }
  if (!n?.ok && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(op.text)) {
    throw new ParseFailure(
      op.span,
      expectedFound('an ioctl name like KVM_RUN or a request code like 0x4010AEAC', op.text),
    );
  }
  notes.push({
    code: 'HVT091',
    span: op.span,
    message: `unknown ioctl \`${op.text}\`; accepted without effect on the model`,
  });
  return { name: op.text, known: false };
}

function parseStatement(body: string, ws: Word[], span: Span): Statement {
  const end = span.end;
  const need = (i: number, expected: string): Word => {
    if (ws[i]) return ws[i];
    const at = ws[i - 1].span.end;
    throw new ParseFailure({ start: at, end: at }, expectedFound(expected, ''));
  };
  const time = parseTok({ value: ws[0].text, span: ws[0].span }, parseTime);
  const where = parseWhere(need(1, 'a location like src/vm1/vcpu0'));
  const actorWord = need(2, 'an actor (ioctl, guest, kvm, sched, vmm)');
  if (!(ACTORS as readonly string[]).includes(actorWord.text)) {
    throw new ParseFailure(actorWord.span, expectedFound('an actor (ioctl, guest, kvm, sched, vmm)', actorWord.text));
  }
  const actor: Tok<Actor> = { value: actorWord.text as Actor, span: actorWord.span };
  const opWord = need(3, `an operation for \`${actor.value}\``);
  const notes: Note[] = [];

  // `vmm note TEXT...`: free text up to the comment (it may contain `->` and `=`).
  if (actor.value === 'vmm' && opWord.text === 'note') {
    const rest = ws.slice(4);
    const textSpan = rest.length
      ? { start: rest[0].span.start, end }
      : { start: opWord.span.end, end: opWord.span.end };
    const note: Body = { type: 'note', text: { value: body.slice(textSpan.start, textSpan.end), span: textSpan } };
    return { span, time, where, actor, op: { value: 'note', span: opWord.span }, args: [], body: note, notes };
  }

  const rest = ws.slice(4);
  const arrowAt = rest.findIndex((w) => w.text === '->');
  const argWords = arrowAt < 0 ? rest : rest.slice(0, arrowAt);
  const result = arrowAt < 0 ? undefined : parseResult(rest.slice(arrowAt + 1), rest[arrowAt], end);
  const args: Arg[] = argWords.map(toArg);

  const { name: opName, spec, took, opArgs } = resolveOperation(actor.value, opWord, args, result, notes);
  const op: Tok<string> = { value: opName, span: opWord.span };

  if (spec && !levelOk(spec.level, where)) {
    throw new ParseFailure(
      where.span,
      `${opName}: ${expectedFound(LEVEL_EXAMPLE[spec.level], body.slice(where.span.start, where.span.end))}`,
    );
  }
  const parsedBody = statementBody(actor.value, op, spec, opArgs, result, end, notes);
  return { span, time, where, actor, op, args, result, ...(took ? { took } : {}), body: parsedBody, notes };
}

/**
 * The operation of a statement (both parsers, this one and scanStatement.ts): an ioctl by name or
 * code with its `took=` taken out of the arguments, else the actor's operation; notes for an
 * unknown operation or errno.
 */
export function resolveOperation(
  actor: Actor,
  opWord: Word,
  args: Arg[],
  result: Result | undefined,
  notes: Note[],
): { name: string; spec?: OpSpec; took?: Tok<bigint>; opArgs: Arg[] } {
  let name = opWord.text;
  let spec: OpSpec | undefined;
  let took: Tok<bigint> | undefined;
  let opArgs = args;
  if (actor === 'ioctl') {
    ({ took, rest: opArgs } = tookArgument(args));
    const r = resolveIoctl(opWord, notes);
    name = r.name;
    spec = r.spec;
  } else {
    spec = Object.hasOwn(OPS_BY_ACTOR[actor], opWord.text) ? OPS_BY_ACTOR[actor][opWord.text] : undefined;
    if (!spec)
      notes.push({
        code: 'HVT091',
        span: opWord.span,
        message: `unknown ${actor} operation \`${opWord.text}\`; accepted without effect on the model`,
      });
  }
  if (result?.kind === 'errno' && !isErrnoName(result.errno.value)) {
    notes.push({ code: 'HVT091', span: result.errno.span, message: `unknown errno \`-${result.errno.value}\`` });
  }
  return { name, spec, took, opArgs };
}

/**
 * The body of a statement whose location fits its operation (each parser checks that first, in its
 * own way): the operation's arguments read by its spec, or an ioctl or operation the model does
 * not know; notes for proposed APIs and registers.
 */
export function statementBody(
  actor: Actor,
  op: Tok<string>,
  spec: OpSpec | undefined,
  opArgs: Arg[],
  result: Result | undefined,
  end: number,
  notes: Note[],
): Body {
  let body: Body;
  if (!spec) {
    const info = actor === 'ioctl' ? ioctlByName(op.value) : undefined;
    body =
      actor !== 'ioctl'
        ? { type: 'unknown_op', name: op.value }
        : info
          ? { type: 'other_ioctl', ioctl: info, name: op.value }
          : { type: 'other_ioctl', name: op.value };
  } else {
    const reader = new ArgReader(opArgs, result, op.value, end, spec.repeatedKeys);
    body = spec.parse(reader);
    reader.finish();
    pushAll(notes, reader.notes);
    if (spec.proposed)
      notes.push({
        code: 'HVT094',
        span: op.span,
        message: `${op.value} is a proposed API from the seed discussions, not an upstream KVM API`,
      });
  }
  proposedOperands(body, notes);
  return body;
}

/**
 * `took=DURATION`, accepted on any ioctl statement (an extension of format v1, see
 * docs/format-extensions.md): the ioctl's own latency. Taken out before the ioctl's own arguments.
 */
export function tookArgument(args: Arg[]): { took?: Tok<bigint>; rest: Arg[] } {
  const found = args.filter((a) => a.key?.value === 'took');
  if (found.length === 0) return { rest: args };
  if (found.length > 1) throw new ParseFailure(found[1].key!.span, 'duplicate argument `took=`');
  const a = found[0];
  if (a.value.value === '')
    throw new ParseFailure({ start: a.key!.span.start, end: a.span.end }, expectedFound('a value after `took=`', ''));
  return {
    took: parseTok(a.value, parseDuration, "the ioctl's latency as a duration like 45us or 0.5ms"),
    rest: args.filter((x) => x !== a),
  };
}

/** Proposed APIs reached through upstream ioctls (a proposed register id or attribute). */
export function proposedOperands(body: Body, notes: Note[]): void {
  if (
    (body.type === 'set_one_reg' || body.type === 'get_one_reg') &&
    'known' in body.reg.value &&
    body.reg.value.known.proposed
  ) {
    notes.push({
      code: 'HVT094',
      span: body.reg.span,
      message: `${body.reg.value.known.name} is a proposed register (seed 002), not an upstream KVM API`,
    });
  }
  if (body.type === 'device_attr' && 'known' in body.attr.value && body.attr.value.known.proposed) {
    notes.push({
      code: 'HVT094',
      span: body.attr.span,
      message: `${body.attr.value.known.name} is a proposed attribute (seed 002), not an upstream KVM API`,
    });
  }
}
