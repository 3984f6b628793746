// The fast path of the line parser (issue #17): a statement line read in one pass over its
// characters, without the intermediate word list, regular expressions or per-word substrings of
// the reference parser (parseLine.ts `parseLineReference`). It builds exactly the tree the
// reference builds — the argument and result parsers of statementParsers.ts are shared — and
// declines (returns undefined) every line it is not sure of: directives, suppression comments,
// overlong lines and any line with an error, which the reference parser then reads and reports.
// scanStatement.test.ts compares the two on generated traces of every statement kind.
import type { Actor, Arg, Body, LineNode, Note, Result, Span, Statement, Tok, Where } from './ast';
import { capNotes, levelOk, resolveOperation, statementBody } from './parseLine';
import { COUNTER, OPS_BY_ACTOR } from './statementParsers';
import { parseCounter, parseTime } from '../values/parse';
import { parseTok } from './context';
import { GUEST_REGISTERS, type GuestRegister } from '../uapi/sysregs';
import { MAX_LINE_LENGTH } from '../text/limits';

/** Word boundaries of the line being scanned (reused: one line at a time). */
const MAX_WORDS = 256;
const starts = new Int32Array(MAX_WORDS);
const ends = new Int32Array(MAX_WORDS);

/** The actors, so an actor word becomes the shared constant rather than a new string. */
const ACTOR_WORDS: readonly Actor[] = ['ioctl', 'guest', 'kvm', 'sched', 'vmm'];

/**
 * Names seen on recent lines: a trace names the same few hosts and VMs on every line, and a
 * string the replay has already looked up in its Maps keeps its hash (the replay looks a host up
 * several times per statement).
 */
let lastHost = '';
let lastVm = '';
/** Operation words seen recently (a trace uses a few): the same strings, so table lookups reuse their hash. */
const recentOps: string[] = [];

/**
 * Whether `text` holds `s` at `from`: the characters compared in a loop, which for the short words
 * of a trace line is several times cheaper than a call of String.prototype.startsWith (issue #17).
 */
function sameAt(text: string, from: number, s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) if (text.charCodeAt(from + i) !== s.charCodeAt(i)) return false;
  return true;
}

/** text[from, to) as a recent operation string when it is one, else a new string (remembered). */
function opAt(text: string, from: number, to: number): string {
  const n = to - from;
  for (let i = 0; i < recentOps.length; i++) {
    const op = recentOps[i];
    if (op.length === n && sameAt(text, from, op)) return op;
  }
  const op = text.slice(from, to);
  if (recentOps.length === 16) recentOps.pop();
  recentOps.unshift(op);
  return op;
}

/** The seconds before the `.` of the last time read, and their value in ns (consecutive statements share them). */
let lastSeconds = '';
let lastSecondsNs = 0n;

/** The time at text[from, to) (values/parse.ts `parseTime`), or undefined. */
function timeAt(text: string, from: number, to: number): bigint | undefined {
  const dot = text.indexOf('.', from);
  if (
    dot > from &&
    dot < to - 1 &&
    dot - from === lastSeconds.length &&
    to - dot <= 10 &&
    sameAt(text, from, lastSeconds)
  ) {
    // The same seconds: only the fraction (1 to 9 digits) is new.
    let frac = 0;
    for (let i = dot + 1; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      frac = frac * 10 + (c - 48);
    }
    for (let i = to - dot - 1; i < 9; i++) frac *= 10;
    return lastSecondsNs + BigInt(frac);
  }
  const r = parseTime(text.slice(from, to));
  if (!r.ok) return undefined;
  if (dot > from && dot < to) {
    lastSeconds = text.slice(from, dot);
    lastSecondsNs = r.value - (r.value % 1_000_000_000n);
  }
  return r.value;
}

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;

/**
 * Splits text[0, bodyEnd) at spaces and tabs into `starts` / `ends`: the number of words, or -1
 * when there are too many. Words are found with indexOf (native code, much faster per character
 * than a JavaScript loop); a line with a tab takes the character loop.
 */
function splitWords(text: string, bodyEnd: number): number {
  let count = 0;
  const tab = text.indexOf('\t');
  if (tab >= 0 && tab < bodyEnd) {
    for (let i = 0; i < bodyEnd;) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (count === MAX_WORDS) return -1;
      starts[count] = i;
      do {
        i++;
        c = text.charCodeAt(i);
      } while (i < bodyEnd && c !== 32 && c !== 9);
      ends[count++] = i;
    }
    return count;
  }
  for (let i = 0; i < bodyEnd;) {
    if (text.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    if (count === MAX_WORDS) return -1;
    const space = text.indexOf(' ', i);
    const end = space < 0 || space > bodyEnd ? bodyEnd : space;
    starts[count] = i;
    ends[count++] = end;
    i = end + 1;
  }
  return count;
}

/** text[from, to) when it is a name (`[A-Za-z0-9_.-]+`), as the recent string if it is the same; else undefined. */
function nameAt(text: string, from: number, to: number, recent: string): string | undefined {
  if (to - from === recent.length && recent.length > 0 && sameAt(text, from, recent)) return recent;
  if (to <= from) return undefined;
  for (let i = from; i < to; i++) if (!isNameChar(text.charCodeAt(i))) return undefined;
  return text.slice(from, to);
}

const tok = <T>(value: T, start: number, end: number): Tok<T> => ({ value, span: { start, end } });

/*
 * Parts of recent lines reused as they are (issue #17): the same word at the same columns is the
 * same subtree (the location, actor, operation and most arguments of consecutive lines), and
 * nothing changes a tree once parsed, so lines may share them instead of allocating their own.
 * Each cache is a few slots chosen by a column or a character; a slot holds the last subtree made
 * there and is reused only when the line has the very same characters at the very same columns.
 */
const SLOTS = 64;
const recentArgs: (Arg | undefined)[] = new Array<Arg | undefined>(SLOTS).fill(undefined);
const recentWheres: ({ where: Where; text: string } | undefined)[] = new Array<
  { where: Where; text: string } | undefined
>(SLOTS).fill(undefined);
const recentOpToks: (Tok<string> | undefined)[] = new Array<Tok<string> | undefined>(SLOTS).fill(undefined);
const recentActorToks: (Tok<Actor> | undefined)[] = new Array<Tok<Actor> | undefined>(SLOTS).fill(undefined);

/** Whether text[s, e) is the word `a` was made from (its key, `=` and value, or its value). */
function sameArg(text: string, a: Arg, s: number, e: number): boolean {
  if (a.span.start !== s || a.span.end !== e) return false;
  if (!a.key) return sameAt(text, s, a.value.value);
  return (
    sameAt(text, s, a.key.value) &&
    text.charCodeAt(a.key.span.end) === 61 &&
    sameAt(text, a.value.span.start, a.value.value)
  );
}

/** A word as an argument (tokenize.ts `toArg`): `key=value` when `=` is not its first character. */
function argAt(text: string, i: number): Arg {
  const s = starts[i];
  const e = ends[i];
  const slot = s & (SLOTS - 1);
  const recent = recentArgs[slot];
  if (recent !== undefined && sameArg(text, recent, s, e)) return recent;
  const eq = text.indexOf('=', s);
  const arg: Arg =
    eq <= s || eq >= e
      ? { value: tok(text.slice(s, e), s, e), span: { start: s, end: e } }
      : {
          key: tok(text.slice(s, eq), s, eq),
          value: tok(text.slice(eq + 1, e), eq + 1, e),
          span: { start: s, end: e },
        };
  recentArgs[slot] = arg;
  return arg;
}

/**
 * The statement on `text`, or undefined when the reference parser must read the line. Never
 * throws.
 */
export function scanStatement(text: string): LineNode | undefined {
  const n = text.length;
  if (n > MAX_LINE_LENGTH) return undefined;
  const hash = text.indexOf('#');
  // Suppression comments are read by the reference parser (tokenize.ts `parseSuppression`).
  if (hash >= 0 && text.indexOf('hvtimer-disable', hash) >= 0) return undefined;
  const bodyEnd = hash < 0 ? n : hash;
  const count = splitWords(text, bodyEnd);
  if (count < 0) return undefined;
  const comment = hash < 0 ? undefined : { span: { start: hash, end: n }, text: text.slice(hash + 1) };
  if (count === 0) return comment ? { kind: 'empty', comment } : { kind: 'empty' };
  if (count < 4 || text.charCodeAt(0) === 64 || text.charCodeAt(starts[0]) === 64) return undefined; // `@`: a directive
  try {
    const statement = scanWords(text, count);
    if (!statement) return undefined;
    const node: LineNode = comment ? { kind: 'statement', statement, comment } : { kind: 'statement', statement };
    return capNotes(node);
  } catch {
    // An error (a ParseFailure of an argument parser, or a bug): the reference parser reads the
    // line and reports it with its own message.
    return undefined;
  }
}

function scanWords(text: string, count: number): Statement | undefined {
  const end = ends[count - 1];
  const span: Span = { start: starts[0], end };
  const timeValue = timeAt(text, starts[0], ends[0]);
  if (timeValue === undefined) return undefined;
  const time = tok(timeValue, starts[0], ends[0]);
  const where = scanWhere(text, starts[1], ends[1]);
  if (!where) return undefined;
  const actor = actorAt(text, starts[2], ends[2]);
  if (!actor) return undefined;
  const opStart = starts[3];
  const opEnd = ends[3];
  const opText = opAt(text, opStart, opEnd);
  const notes: Note[] = [];

  if (actor.value === 'vmm' && opText === 'note') {
    // Free text up to the comment (parseLine.ts: it may contain `->` and `=`).
    const textSpan = count > 4 ? { start: starts[4], end } : { start: opEnd, end: opEnd };
    const note: Body = { type: 'note', text: { value: text.slice(textSpan.start, textSpan.end), span: textSpan } };
    return { span, time, where, actor, op: tok('note', opStart, opEnd), args: [], body: note, notes };
  }

  let arrow = -1;
  for (let i = 4; i < count; i++)
    if (ends[i] - starts[i] === 2 && text.charCodeAt(starts[i]) === 45 && text.charCodeAt(starts[i] + 1) === 62) {
      arrow = i;
      break;
    }
  const argEnd = arrow < 0 ? count : arrow;
  const args: Arg[] = [];
  for (let i = 4; i < argEnd; i++) args.push(argAt(text, i));
  let result: Result | undefined;
  if (arrow >= 0) {
    result = scanResult(text, arrow, count, end);
    if (!result) return undefined;
  }

  const {
    name: opName,
    spec,
    took,
    opArgs,
  } = resolveOperation(actor.value, { text: opText, span: { start: opStart, end: opEnd } }, args, result, notes);
  const op = opTok(opName, opStart, opEnd);

  let body: Body;
  // The commonest statement of a trace, read without the argument reader (same tree).
  const read = spec === GUEST_READ && result === undefined && levelOk(spec.level, where) ? guestRead(args) : undefined;
  if (read) {
    body = read;
  } else {
    if (spec && !levelOk(spec.level, where)) return undefined;
    body = statementBody(actor.value, op, spec, opArgs, result, end, notes);
  }
  // The reference's key order (no object spread, which is slow).
  return took
    ? { span, time, where, actor, op, args, result, took, body, notes }
    : { span, time, where, actor, op, args, result, body, notes };
}

const GUEST_READ = OPS_BY_ACTOR.guest.read;
const REGISTER_NAMES: ReadonlySet<string> = new Set(GUEST_REGISTERS);

/**
 * `guest read REG = VALUE` with a register of GUEST_REGISTERS and nothing else: the tree
 * statementParsers.ts `GUEST_OPS.read` builds (no notes), without the argument reader; undefined
 * for any other form (the general path reads it).
 */
function guestRead(args: Arg[]): Body | undefined {
  if (args.length !== 3) return undefined;
  const [a, b, c] = args;
  if (a.key || b.key || c.key || b.value.value !== '=' || !REGISTER_NAMES.has(a.value.value)) return undefined;
  return {
    type: 'guest_read',
    reg: { value: a.value.value as GuestRegister, span: a.value.span },
    value: counterTok(c.value),
    version: undefined,
  };
}

/**
 * A counter value (values/parse.ts `parseCounter`): up to 15 plain decimal digits read here (exact
 * in a double, below 2^53), anything else by parseCounter.
 */
function counterTok(t: Tok<string>): Tok<bigint> {
  const v = t.value;
  const n = v.length;
  if (n > 0 && n <= 15) {
    let x = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) break;
      x = x * 10 + (c - 48);
    }
    if (i === n) return { value: BigInt(x), span: t.span };
  }
  return parseTok(t, parseCounter, COUNTER);
}

function opTok(name: string, start: number, end: number): Tok<string> {
  const slot = start & (SLOTS - 1);
  const recent = recentOpToks[slot];
  if (recent !== undefined && recent.value === name && recent.span.start === start && recent.span.end === end)
    return recent;
  const t = tok(name, start, end);
  recentOpToks[slot] = t;
  return t;
}

/** HOST[/VM[/vcpuN]] at text[from, to), or undefined: the location of a recent line when the same characters are at the same columns. */
function scanWhere(text: string, from: number, to: number): Where | undefined {
  // The slot: the last character, which tells the vCPUs of a VM apart.
  const slot = text.charCodeAt(to - 1) & (SLOTS - 1);
  const recent = recentWheres[slot];
  if (
    recent !== undefined &&
    recent.where.span.start === from &&
    recent.where.span.end === to &&
    sameAt(text, from, recent.text)
  )
    return recent.where;
  const where = readWhere(text, from, to);
  if (where) recentWheres[slot] = { where, text: text.slice(from, to) };
  return where;
}

/** HOST[/VM[/vcpuN]] at text[from, to), or undefined (the reference parser reports what is wrong). */
function readWhere(text: string, from: number, to: number): Where | undefined {
  let s1 = -1;
  let s2 = -1;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 47) continue; // `/`
    if (s1 < 0) s1 = i;
    else if (s2 < 0) s2 = i;
    else return undefined;
  }
  const hostEnd = s1 < 0 ? to : s1;
  const host = nameAt(text, from, hostEnd, lastHost);
  if (host === undefined) return undefined;
  lastHost = host;
  const where: Where = { span: { start: from, end: to }, host: tok(host, from, hostEnd) };
  if (s1 < 0) return where;
  const vmEnd = s2 < 0 ? to : s2;
  const vm = nameAt(text, s1 + 1, vmEnd, lastVm);
  if (vm === undefined) return undefined;
  lastVm = vm;
  where.vm = tok(vm, s1 + 1, vmEnd);
  if (s2 < 0) return where;
  // `vcpu[0-9]{1,4}`
  const digits = to - (s2 + 5);
  if (digits < 1 || digits > 4 || !sameAt(text, s2 + 1, 'vcpu')) return undefined;
  let id = 0;
  for (let i = s2 + 5; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    id = id * 10 + (c - 48);
  }
  where.vcpu = tok(id, s2 + 1, to);
  return where;
}

function actorAt(text: string, from: number, to: number): Tok<Actor> | undefined {
  for (let i = 0; i < ACTOR_WORDS.length; i++) {
    const a = ACTOR_WORDS[i];
    if (to - from !== a.length || !sameAt(text, from, a)) continue;
    const slot = (from + i) & (SLOTS - 1);
    const recent = recentActorToks[slot];
    if (recent !== undefined && recent.value === a && recent.span.start === from) return recent;
    const t = tok(a, from, to);
    recentActorToks[slot] = t;
    return t;
  }
  return undefined;
}

/** The result after `->` (parseLine.ts `parseResult`), or undefined when it is not well formed. */
function scanResult(text: string, arrow: number, count: number, end: number): Result | undefined {
  const span = { start: starts[arrow], end };
  const first = arrow + 1;
  if (first === count) return undefined;
  if (count - first === 1 && isErrnoWord(text, starts[first], ends[first])) {
    return { kind: 'errno', span, errno: tok(text.slice(starts[first] + 1, ends[first]), starts[first], ends[first]) };
  }
  const entries: Arg[] = [];
  let allKeyed = true;
  for (let i = first; i < count; i++) {
    const a = argAt(text, i);
    if (!a.key) allKeyed = false;
    entries.push(a);
  }
  if (allKeyed) return { kind: 'named', span, entries };
  if (count - first === 1) return { kind: 'value', span, value: entries[0].value };
  return undefined;
}

/** `^-E[A-Z0-9]+$` */
function isErrnoWord(text: string, from: number, to: number): boolean {
  if (to - from < 3 || text.charCodeAt(from) !== 45 || text.charCodeAt(from + 1) !== 69) return false;
  for (let i = from + 2; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}
