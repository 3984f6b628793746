// What is under a position of a line: the parsed node and the token the cursor is on, with its
// role (a host, a VM, an ioctl, a register, a number and what unit it is in).
import type {
  AttrGroupRef,
  AttrRef,
  Body,
  DirectiveLine,
  LineNode,
  MsrRef,
  RegRef,
  SmcccRef,
  Span,
  Statement,
  Tok,
} from '../syntax/ast';
import type { TraceDocument } from '../syntax/document';

export const contains = (span: Span, character: number): boolean => character >= span.start && character < span.end;

/** How a number is to be read: counter ticks, nanoseconds, kHz, Hz, an address, flags, or plain. */
export type NumberUnit = 'ticks' | 'ns' | 'khz' | 'hz' | 'address' | 'flags' | 'plain';

export type Target =
  | { kind: 'host'; name: string; span: Span }
  | { kind: 'vm'; name: string; span: Span }
  | { kind: 'vcpu'; id: number; span: Span }
  | { kind: 'ioctl'; span: Span; text: string }
  | { kind: 'register'; span: Span; tok: Tok<RegRef> }
  | { kind: 'msr'; span: Span; tok: Tok<MsrRef> }
  | { kind: 'attrGroup'; span: Span; tok: Tok<AttrGroupRef> }
  | { kind: 'attr'; span: Span; tok: Tok<AttrRef> }
  | { kind: 'smccc'; span: Span; tok: Tok<SmcccRef> }
  | { kind: 'number'; span: Span; value: bigint; unit: NumberUnit; key: string; text: string }
  | { kind: 'code'; span: Span; code: string };

export interface Located {
  node: LineNode;
  stmt?: Statement;
  directive?: DirectiveLine;
  target?: Target;
}

export function locate(doc: TraceDocument, line: number, character: number): Located {
  const node = doc.node(line);
  const text = doc.text(line);
  const out: Located = { node };
  const codes = node.comment?.suppression?.codes ?? [];
  const code = codes.find((c) => contains(c.span, character));
  if (code) return { ...out, target: { kind: 'code', span: code.span, code: code.value } };
  if (node.kind === 'statement') {
    out.stmt = node.statement;
    out.target = statementTarget(node.statement, character, text);
  } else if (node.kind === 'directive') {
    out.directive = node;
    out.target = directiveTarget(node, character, text);
  }
  return out;
}

function statementTarget(stmt: Statement, ch: number, text: string): Target | undefined {
  const w = stmt.where;
  if (contains(w.host.span, ch)) return { kind: 'host', name: w.host.value, span: w.host.span };
  if (w.vm && contains(w.vm.span, ch)) return { kind: 'vm', name: w.vm.value, span: w.vm.span };
  if (w.vcpu && contains(w.vcpu.span, ch)) return { kind: 'vcpu', id: w.vcpu.value, span: w.vcpu.span };
  if (stmt.actor.value === 'ioctl' && contains(stmt.op.span, ch))
    return { kind: 'ioctl', span: stmt.op.span, text: text.slice(stmt.op.span.start, stmt.op.span.end) };
  const b = stmt.body;
  if (b.type === 'migrate' && contains(b.to.span, ch)) return { kind: 'host', name: b.to.value, span: b.to.span };
  if ((b.type === 'set_one_reg' || b.type === 'get_one_reg') && contains(b.reg.span, ch))
    return { kind: 'register', span: b.reg.span, tok: b.reg };
  if (b.type === 'device_attr') {
    if (contains(b.group.span, ch)) return { kind: 'attrGroup', span: b.group.span, tok: b.group };
    if (contains(b.attr.span, ch)) return { kind: 'attr', span: b.attr.span, tok: b.attr };
  }
  if (b.type === 'set_msrs' || b.type === 'get_msrs') {
    const msr = [
      ...(b.type === 'get_msrs' ? b.msrs : []),
      ...(b.type === 'set_msrs' ? b.writes : b.values).map((x) => x.msr),
    ].find((m) => contains(m.span, ch));
    if (msr) return { kind: 'msr', span: msr.span, tok: msr };
  }
  if (
    (b.type === 'guest_read' || b.type === 'guest_write') &&
    typeof b.reg.value !== 'string' &&
    contains(b.reg.span, ch)
  ) {
    return { kind: 'msr', span: b.reg.span, tok: b.reg as Tok<MsrRef> };
  }
  if (b.type === 'hvc') {
    const fn = [b.fn, ...b.args].find((f) => contains(f.span, ch));
    if (fn) return { kind: 'smccc', span: fn.span, tok: fn };
  }
  const num = findNumber(b, ch);
  if (num)
    return {
      kind: 'number',
      span: num.tok.span,
      value: num.tok.value,
      unit: unitOf(b, num.path),
      key: num.path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? '',
      text: text.slice(num.tok.span.start, num.tok.span.end),
    };
  return undefined;
}

function directiveTarget(d: DirectiveLine, ch: number, text: string): Target | undefined {
  const dir = d.directive;
  const num = (tok: Tok<bigint>, unit: NumberUnit, key: string): Target => ({
    kind: 'number',
    span: tok.span,
    value: tok.value,
    unit,
    key,
    text: text.slice(tok.span.start, tok.span.end),
  });
  if (dir.type === 'host') {
    if (contains(dir.name.span, ch)) return { kind: 'host', name: dir.name.value, span: dir.name.span };
    if (contains(dir.freq.span, ch)) return num(dir.freq, 'hz', 'freq');
    if (dir.counter && contains(dir.counter.value.span, ch)) return num(dir.counter.value, 'ticks', 'counter');
    if (dir.counter && contains(dir.counter.time.span, ch)) return num(dir.counter.time, 'ns', 'time');
  }
  if (dir.type === 'vm' && contains(dir.name.span, ch))
    return { kind: 'vm', name: dir.name.value, span: dir.name.span };
  if (dir.type === 'tolerance' && dir.duration && contains(dir.duration.span, ch))
    return num(dir.duration, 'ns', 'tolerance');
  return undefined;
}

const isTok = (x: unknown): x is Tok<unknown> => typeof x === 'object' && x !== null && 'span' in x && 'value' in x;

/** The innermost bigint token of a body that contains the column, with its key path. */
function findNumber(node: unknown, ch: number, path: string[] = []): { tok: Tok<bigint>; path: string[] } | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (isTok(node)) {
    if (typeof node.value === 'bigint' && contains(node.span, ch)) return { tok: node as Tok<bigint>, path };
    if (typeof node.value !== 'object') return undefined;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'span') continue;
    const found = findNumber(v, ch, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

const NS_KEYS = new Set(['clock', 'realtime', 'nsec', 'ns', 'duration']);

function unitOf(b: Body, path: string[]): NumberUnit {
  const key = path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? '';
  if (NS_KEYS.has(key)) return 'ns';
  if (key === 'khz') return 'khz';
  if (key === 'flags') return 'flags';
  if (key === 'version') return 'plain';
  if (
    b.type === 'guest_read' &&
    typeof b.reg.value === 'string' &&
    ['stolen_time', 'steal', 'kvmclock'].includes(b.reg.value)
  )
    return 'ns';
  if (b.type === 'device_attr') {
    const a = b.attr.value;
    const role = 'known' in a ? a.known.role : undefined;
    if (role === 'pvtime_ipa') return 'address';
    if (role && role.startsWith('irq_')) return 'plain';
  }
  if ((b.type === 'set_msrs' || b.type === 'get_msrs') && path[0] !== undefined) {
    const list = b.type === 'set_msrs' ? b.writes : b.values;
    const w = list[Number(path[1])];
    const role = w && 'known' in w.msr.value ? w.msr.value.known.role : undefined;
    if (role === 'kvm_steal_time' || role === 'kvm_system_time') return 'address';
  }
  if (
    b.type === 'guest_write' &&
    typeof b.reg.value !== 'string' &&
    'known' in b.reg.value &&
    ['kvm_steal_time', 'kvm_system_time'].includes(b.reg.value.known.role)
  )
    return 'address';
  if (b.type === 'hvc') return 'address';
  return 'ticks';
}
