// The outline of a trace, from the syntax alone (no replay, so it is instant on big files): hosts,
// VMs with their instances (HOST/VM) and vCPUs, and the trace's life-cycle sections — each pause,
// resume, migration, snapshot or restore starts a section that runs to the next one — so a long
// trace can be navigated and folded.
import type { Range } from '../analysis';
import type { Statement } from '../syntax/ast';
import type { TraceDocument } from '../syntax/document';
import { formatFrequency, formatTime } from '../values/format';
import { instanceKey } from '../../../protocol/instanceKey';

export type OutlineKind = 'host' | 'vm' | 'instance' | 'vcpu' | 'section';

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: OutlineKind;
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}

interface Extent {
  first: number;
  last: number;
  selection: Range;
}

const lineRange = (doc: TraceDocument, first: number, last: number): Range => ({
  start: { line: first, character: 0 },
  end: { line: last, character: doc.text(last).length },
});
const span = (line: number, start: number, end: number): Range => ({
  start: { line, character: start },
  end: { line, character: end },
});

const LIFECYCLE = new Set(['pause', 'resume', 'migrate', 'snapshot', 'restore']);

function sectionName(stmt: Statement): string {
  const vm = stmt.where.vm?.value ?? '';
  const host = stmt.where.host.value;
  const b = stmt.body;
  if (b.type === 'migrate') return `migrate ${vm}: ${host} → ${b.to.value}`;
  return `${b.type} ${vm} on ${host}`;
}

export function outline(doc: TraceDocument): OutlineSymbol[] {
  const hosts: OutlineSymbol[] = [];
  const vmDecl = new Map<string, { line: number; range: Range; detail: string }>();
  const vmUse = new Map<string, Extent>();
  const instances = new Map<string, Extent & { vm: string }>();
  const vcpus = new Map<string, Map<number, Extent>>();
  const sectionStarts: { line: number; stmt: Statement }[] = [];
  let firstStatement = -1;
  let lastContent = -1;
  const extend = <T extends Extent>(map: Map<string, T>, key: string, line: number, make: () => T): void => {
    const e = map.get(key);
    if (e) e.last = line;
    else map.set(key, make());
  };
  for (let line = 0; line < doc.lineCount; line++) {
    const node = doc.node(line);
    if (node.kind !== 'empty') lastContent = line;
    if (node.kind === 'directive') {
      const d = node.directive;
      if (d.type === 'host') {
        const sel = span(line, d.name.span.start, d.name.span.end);
        hosts.push({
          name: d.name.value,
          detail: `${d.arch.value} · ${formatFrequency(d.freq.value)}`,
          kind: 'host',
          range: lineRange(doc, line, line),
          selectionRange: sel,
          children: [],
        });
      } else if (d.type === 'vm' && !vmDecl.has(d.name.value)) {
        const details = [`policy ${d.policy?.value ?? 'advance'}`];
        if (d.vcpus) details.push(`${d.vcpus.value} vCPUs`);
        vmDecl.set(d.name.value, {
          line,
          range: span(line, d.name.span.start, d.name.span.end),
          detail: details.join(' · '),
        });
      }
      continue;
    }
    if (node.kind !== 'statement') continue;
    const stmt = node.statement;
    if (firstStatement < 0) firstStatement = line;
    if (LIFECYCLE.has(stmt.body.type) && stmt.where.vm) sectionStarts.push({ line, stmt });
    const vm = stmt.where.vm;
    if (!vm) continue;
    const instKey = instanceKey(stmt.where.host.value, vm.value);
    const whereSel = span(line, stmt.where.span.start, stmt.where.span.end);
    extend(vmUse, vm.value, line, () => ({
      first: line,
      last: line,
      selection: span(line, vm.span.start, vm.span.end),
    }));
    extend(instances, instKey, line, () => ({ first: line, last: line, selection: whereSel, vm: vm.value }));
    const id = stmt.body.type === 'create_vcpu' ? stmt.body.id.value : stmt.where.vcpu?.value;
    if (id !== undefined) {
      const m = vcpus.get(instKey) ?? new Map<number, Extent>();
      vcpus.set(instKey, m);
      const sel =
        stmt.body.type === 'create_vcpu'
          ? span(line, stmt.body.id.span.start, stmt.body.id.span.end)
          : span(line, stmt.where.vcpu!.span.start, stmt.where.vcpu!.span.end);
      const e = m.get(id);
      if (e) e.last = line;
      else m.set(id, { first: line, last: line, selection: sel });
    }
  }

  const vms: OutlineSymbol[] = [];
  // Instances grouped by VM once (a trace may name a new VM on every line: no VMs × instances scan).
  const instancesOf = new Map<string, [string, Extent & { vm: string }][]>();
  for (const entry of instances) {
    const list = instancesOf.get(entry[1].vm);
    if (list) list.push(entry);
    else instancesOf.set(entry[1].vm, [entry]);
  }
  for (const name of new Set([...vmDecl.keys(), ...vmUse.keys()])) {
    const decl = vmDecl.get(name);
    const use = vmUse.get(name);
    const first = Math.min(decl?.line ?? Infinity, use?.first ?? Infinity);
    const last = Math.max(decl?.line ?? -1, use?.last ?? -1);
    const children: OutlineSymbol[] = [];
    for (const [key, inst] of instancesOf.get(name) ?? []) {
      const vc = [...(vcpus.get(key) ?? new Map<number, Extent>())]
        .sort((a, b) => a[0] - b[0])
        .map(([id, e]): OutlineSymbol => ({
          name: `vcpu${id}`,
          detail: `lines ${e.first + 1}–${e.last + 1}`,
          kind: 'vcpu',
          range: lineRange(doc, e.first, e.last),
          selectionRange: e.selection,
          children: [],
        }));
      children.push({
        name: key,
        detail: `lines ${inst.first + 1}–${inst.last + 1}`,
        kind: 'instance',
        range: lineRange(doc, inst.first, inst.last),
        selectionRange: inst.selection,
        children: vc,
      });
    }
    vms.push({
      name,
      detail: decl?.detail ?? 'declared implicitly',
      kind: 'vm',
      range: lineRange(doc, first, last),
      selectionRange: decl?.range ?? use!.selection,
      children,
    });
  }

  const sections: OutlineSymbol[] = [];
  const ends = (i: number): number => {
    let end = i + 1 < sectionStarts.length ? sectionStarts[i + 1].line - 1 : lastContent;
    while (end > sectionStarts[i].line && doc.node(end).kind === 'empty') end--;
    return end;
  };
  if (sectionStarts.length && firstStatement >= 0 && firstStatement < sectionStarts[0].line) {
    let end = sectionStarts[0].line - 1;
    while (end > firstStatement && doc.node(end).kind === 'empty') end--;
    const stmt = (doc.node(firstStatement) as { statement: Statement }).statement;
    sections.push({
      name: 'start',
      detail: `t = ${formatTime(stmt.time.value)} s`,
      kind: 'section',
      range: lineRange(doc, firstStatement, end),
      selectionRange: span(firstStatement, stmt.span.start, stmt.span.end),
      children: [],
    });
  }
  sectionStarts.forEach((s, i) => {
    sections.push({
      name: sectionName(s.stmt),
      detail: `t = ${formatTime(s.stmt.time.value)} s`,
      kind: 'section',
      range: lineRange(doc, s.line, ends(i)),
      selectionRange: span(s.line, s.stmt.span.start, s.stmt.span.end),
      children: [],
    });
  });
  return [...hosts, ...vms, ...sections];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind: 'region' | 'comment';
}

/** Folding: each life-cycle section, and runs of two or more comment-only lines. */
export function foldingRanges(doc: TraceDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const s of outline(doc))
    if (s.kind === 'section' && s.range.end.line > s.range.start.line)
      out.push({ startLine: s.range.start.line, endLine: s.range.end.line, kind: 'region' });
  let run = -1;
  for (let line = 0; line <= doc.lineCount; line++) {
    const n = line < doc.lineCount ? doc.node(line) : undefined;
    const commentOnly = n?.kind === 'empty' && n.comment !== undefined;
    if (commentOnly && run < 0) run = line;
    if (!commentOnly && run >= 0) {
      if (line - 1 > run) out.push({ startLine: run, endLine: line - 1, kind: 'comment' });
      run = -1;
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}
