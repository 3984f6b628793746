// Completion while writing a trace: at the start of a line the restore snippets, the directives and
// the previous statement's time; then the locations declared in the file (hosts, `host/vm`,
// `host/vm/vcpuN`), the actors, the operations of the actor that fit the location, each operation's
// `key=` arguments not written yet, and the values a key takes where they can be listed (register,
// MSR, attribute, SMCCC and timer names; enumerations; declared hosts). Everything comes from the
// parser's own tables (`sig` patterns, syntax/signatures.ts) and the uapi tables.
import type { Analysis } from '../analysis';
import type { Span } from '../syntax/ast';
import { ACTORS } from '../syntax/ast';
import { DIRECTIVE_SYNTAX } from '../syntax/directiveParsers';
import { NOTE_SYNTAX, OPS_BY_ACTOR, type Level, type OpSpec } from '../syntax/statementParsers';
import { parseSig, PLACEHOLDERS, type SigParam } from '../syntax/signatures';
import { ATTRS, ATTR_GROUPS } from '../uapi/deviceAttrs';
import { IOCTLS } from '../uapi/ioctls';
import type { Arch } from '../uapi/deviceAttrs';
import { OP_ARCH } from '../syntax/opArch';
import { formatTime } from '../values/format';
import { RULES } from '../rules/registry';
import { SNIPPETS } from './snippets';

export type CompletionKind =
  'keyword' | 'function' | 'property' | 'value' | 'variable' | 'snippet' | 'module' | 'constant';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert (default: the label); a snippet when `snippet` is set. */
  insertText?: string;
  snippet?: boolean;
  /** Ask for completion again after inserting (a `key=` whose values can be listed). */
  retrigger?: boolean;
  sortText?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The part of the line the items replace: the word being typed. */
  replace: Span;
}

interface Word {
  text: string;
  start: number;
  end: number;
}

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
  return out;
}

const ACTOR_DOC: Record<string, string> = {
  ioctl: 'a KVM ioctl the VMM issued',
  guest: 'what the guest did: a read, a write, a hypercall',
  kvm: 'what KVM did on its own (tracepoints)',
  sched: 'the host scheduler (run-queue waits)',
  vmm: 'what the VMM did: pause, resume, snapshot, restore, migrate, notes',
};

function levelFits(level: Level, depth: 1 | 2 | 3): boolean {
  switch (level) {
    case 'vcpu':
      return depth === 3;
    case 'vm':
      return depth === 2;
    case 'vm_or_vcpu':
      return depth >= 2;
    case 'host_or_vm':
      return depth <= 2;
    case 'any':
      return true;
  }
}

/** Hosts, VMs and vCPUs the document names: `@host`/`@vm` directives and the replayed instances. */
function locations(analysis: Analysis, line: number): { hosts: string[]; vms: string[]; vcpus: string[] } {
  const hosts = new Set<string>();
  const vmDecl = new Map<string, number>();
  const doc = analysis.doc;
  for (let l = 0; l < doc.lineCount; l++) {
    if (!doc.text(l).trimStart().startsWith('@')) continue;
    const n = doc.node(l);
    if (n.kind !== 'directive') continue;
    if (n.directive.type === 'host') hosts.add(n.directive.name.value);
    if (n.directive.type === 'vm') vmDecl.set(n.directive.name.value, n.directive.vcpus?.value ?? 1);
  }
  const state = analysis.stateAfter(line - 1);
  const vms = new Set<string>();
  const vcpus = new Set<string>();
  for (const inst of state.instances.values()) {
    vms.add(inst.key);
    for (const id of inst.vcpus.keys()) vcpus.add(`${inst.key}/vcpu${id}`);
  }
  // Declared VMs on every declared host (a migration target may not have an instance yet).
  for (const h of hosts) {
    for (const [vm, count] of vmDecl) {
      vms.add(`${h}/${vm}`);
      for (let i = 0; i < Math.min(count, 64); i++) vcpus.add(`${h}/${vm}/vcpu${i}`);
    }
  }
  return { hosts: [...hosts], vms: [...vms].slice(0, 500), vcpus: [...vcpus].slice(0, 2000) };
}

function specOf(actor: string, op: string): OpSpec | { sig: string; doc: string; level: Level } | undefined {
  if (actor === 'vmm' && op === 'note') return NOTE_SYNTAX;
  const table = (OPS_BY_ACTOR as Record<string, Record<string, OpSpec>>)[actor];
  return table && Object.hasOwn(table, op) ? table[op] : undefined;
}

const valueItems = (values: readonly string[], detail: string): CompletionItem[] =>
  values.map((v) => ({ label: v, kind: 'value' as const, detail }));

function placeholderValues(name: string, analysis: Analysis, line: number, written: Word[]): CompletionItem[] {
  const p = PLACEHOLDERS[name];
  if (!p) return [];
  if (p.fromDocument === 'hosts') return valueItems(locations(analysis, line).hosts, 'host declared in this file');
  if (name === 'ATTR') {
    // Only the attributes of the group already written.
    const group = written.find((w) => w.text.startsWith('group='))?.text.slice(6);
    const role = ATTR_GROUPS.find((g) => g.name === group)?.role;
    return valueItems(
      ATTRS.filter((a) => !a.proposed && (!role || a.group === role)).map((a) => a.name),
      p.doc,
    );
  }
  return p.values ? valueItems(p.values, p.doc) : [];
}

/** The `key=` items of the parameters not written yet (repeated ones stay), and the listable positionals. */
function argumentItems(
  params: SigParam[],
  written: Word[],
  analysis: Analysis,
  line: number,
  isIoctl: boolean,
): CompletionItem[] {
  const keys = new Set(
    written.map((w) => (w.text.includes('=') ? w.text.slice(0, w.text.indexOf('=')) : '')).filter(Boolean),
  );
  const out: CompletionItem[] = [];
  let positional = written.filter((w) => !w.text.includes('=') && w.text !== '=').length;
  for (const p of params) {
    if (p.literal) continue;
    if (p.key) {
      if (keys.has(p.key) && !p.repeated) continue;
      const values =
        PLACEHOLDERS[p.name]?.values !== undefined ||
        PLACEHOLDERS[p.name]?.fromDocument !== undefined ||
        p.name === 'ATTR';
      out.push({
        label: `${p.key}=`,
        kind: 'property',
        detail: p.label,
        documentation: PLACEHOLDERS[p.name]?.doc,
        retrigger: values,
        sortText: `${p.optional ? 1 : 0}${String(params.indexOf(p)).padStart(2, '0')}`,
      });
    } else if (p.keyPlaceholder) {
      for (const v of PLACEHOLDERS[p.keyPlaceholder].values ?? [])
        out.push({
          label: `${v}=`,
          kind: 'property',
          detail: p.label,
          documentation: PLACEHOLDERS[p.keyPlaceholder].doc,
        });
    } else if (positional-- === 0 || p.repeated) {
      out.push(...placeholderValues(p.name, analysis, line, written));
    }
  }
  if (isIoctl && !keys.has('took'))
    out.push({
      label: 'took=',
      kind: 'property',
      detail: '[took=DURATION]',
      documentation: "the ioctl's own latency (HVT093 accepts a value read anywhere in [TIME, TIME + took])",
      sortText: '2',
    });
  return out;
}

function directiveItems(words: Word[], current: Word, analysis: Analysis, line: number): CompletionItem[] {
  if (words.length === 0) {
    return Object.entries(DIRECTIVE_SYNTAX).map(([k, d]) => ({
      label: k,
      kind: 'keyword' as const,
      detail: `${k} ${d.sig}`,
      documentation: d.doc,
    }));
  }
  const d = DIRECTIVE_SYNTAX[words[0].text];
  if (!d) return [];
  const params = parseSig(d.sig);
  const eq = current.text.indexOf('=');
  if (eq > 0) {
    const p = params.find((x) => x.key === current.text.slice(0, eq));
    return p ? placeholderValues(p.name, analysis, line, words) : [];
  }
  // After the name of @host/@vm, or the version of @hvtrace.
  if (words.length === 1 && params[0] && !params[0].key)
    return placeholderValues(params[0].name, analysis, line, words);
  return argumentItems(
    params.filter((p) => p.key),
    words.slice(1),
    analysis,
    line,
    false,
  );
}

/** Codes for `# hvtimer-disable…` comments, and the two keywords. */
function commentItems(beforeComment: string): CompletionItem[] {
  if (/hvtimer-disable(-next-line)?\s/.test(beforeComment))
    return RULES.map((r) => ({
      label: r.meta.code,
      kind: 'constant' as const,
      detail: r.meta.name,
      documentation: r.meta.summary,
    }));
  if (/^\s*$/.test(beforeComment) || /^\s*hvtimer/.test(beforeComment)) {
    return [
      {
        label: 'hvtimer-disable-next-line',
        kind: 'keyword',
        detail: '# hvtimer-disable-next-line HVTnnn[,HVTnnn]',
        documentation: 'suppresses the codes on the next statement line',
      },
      {
        label: 'hvtimer-disable',
        kind: 'keyword',
        detail: '# hvtimer-disable [HVTnnn…]',
        documentation: 'suppresses the codes from here to the end of the file (every code without a list)',
      },
    ];
  }
  return [];
}

/** The completions at a position. */
export function completionsAt(analysis: Analysis, line: number, character: number): Completions {
  const empty = { items: [], replace: { start: character, end: character } };
  if (line < 0 || line >= analysis.doc.lineCount) return empty;
  const text = analysis.doc.text(line).slice(0, character);
  const hash = text.indexOf('#');
  if (hash >= 0) {
    const after = text.slice(hash + 1);
    const w = /\S*$/.exec(after)![0];
    return {
      items: commentItems(after.slice(0, after.length - w.length)),
      replace: { start: character - w.length, end: character },
    };
  }
  const all = wordsOf(text);
  const typing = all.length > 0 && all[all.length - 1].end === character;
  const current: Word = typing ? all[all.length - 1] : { text: '', start: character, end: character };
  const words = typing ? all.slice(0, -1) : all;
  // Inside a `key=value` word, the value is what is replaced.
  const eq = current.text.indexOf('=');
  const replace =
    eq >= 0 ? { start: current.start + eq + 1, end: character } : { start: current.start, end: character };
  const out = (items: CompletionItem[]): Completions => ({ items, replace });

  if ((words[0] ?? current).text.startsWith('@')) return out(directiveItems(words, current, analysis, line));
  switch (words.length) {
    case 0: {
      const prev = previousTime(analysis, line);
      const items: CompletionItem[] = SNIPPETS.map((s) => ({
        label: s.label,
        kind: 'snippet',
        detail: s.detail,
        documentation: s.documentation,
        insertText: s.body(prev),
        snippet: true,
        sortText: `9${s.label}`,
      }));
      if (prev !== undefined)
        items.unshift({
          label: formatTime(prev),
          kind: 'value',
          detail: "the previous statement's time",
          sortText: '0',
        });
      items.push(
        ...Object.entries(DIRECTIVE_SYNTAX).map(([k, d]) => ({
          label: k,
          kind: 'keyword' as const,
          detail: `${k} ${d.sig}`,
          documentation: d.doc,
          sortText: '5',
        })),
      );
      return out(items);
    }
    case 1: {
      const l = locations(analysis, line);
      return out([
        ...l.vcpus.map((v) => ({ label: v, kind: 'variable' as const, detail: 'vCPU', sortText: `0${v}` })),
        ...l.vms.map((v) => ({ label: v, kind: 'module' as const, detail: 'VM on a host', sortText: `1${v}` })),
        ...l.hosts.map((h) => ({ label: h, kind: 'module' as const, detail: 'host', sortText: `2${h}` })),
      ]);
    }
    case 2:
      return out(ACTORS.map((a) => ({ label: a, kind: 'keyword' as const, documentation: ACTOR_DOC[a] })));
    case 3: {
      const actor = words[2].text;
      const depth = Math.min(3, words[1].text.split('/').length) as 1 | 2 | 3;
      const table = (OPS_BY_ACTOR as Record<string, Record<string, OpSpec>>)[actor];
      if (!table) return out([]);
      // Only the host's architecture's operations (an undeclared host: all of them).
      const arch = analysis.stateAfter(line - 1).hosts.get(words[1].text.split('/')[0])?.arch;
      const archOf = (OP_ARCH as Record<string, Record<string, Arch>>)[actor] ?? {};
      const items: CompletionItem[] = Object.entries(table)
        .filter(([op, s]) => levelFits(s.level, depth) && (arch === undefined || (archOf[op] ?? arch) === arch))
        .map(([op, s]) => ({
          label: op,
          kind: 'function' as const,
          detail: `${actor} ${op}${s.sig ? ` ${s.sig}` : ''}`,
          documentation: `${s.doc}${s.proposed ? ' (proposed API, never merged)' : ''}`,
          sortText: `${s.proposed ? 1 : 0}${op}`,
        }));
      if (actor === 'vmm')
        items.push({
          label: 'note',
          kind: 'function',
          detail: `vmm note ${NOTE_SYNTAX.sig}`,
          documentation: NOTE_SYNTAX.doc,
        });
      if (actor === 'ioctl') {
        // Known ioctls that do not affect guest time: accepted without HVT091.
        for (const i of IOCTLS)
          if (!Object.hasOwn(table, i.name))
            items.push({
              label: i.name,
              kind: 'function',
              detail: `ioctl ${i.name}`,
              documentation: `${i.note} (no effect on guest time)`,
              sortText: `2${i.name}`,
            });
      }
      return out(items);
    }
    default: {
      const spec = specOf(words[2].text, words[3].text);
      if (!spec) return out([]);
      const params = parseSig(spec.sig);
      const arrow = words.findIndex((w) => w.text === '->');
      const inResult = arrow >= 4;
      const written = inResult ? words.slice(arrow + 1) : words.slice(4);
      const mine = params.filter((p) => p.result === inResult);
      if (eq > 0) {
        const key = current.text.slice(0, eq);
        const p = mine.find((x) => x.key === key) ?? mine.find((x) => x.keyPlaceholder !== undefined);
        return out(p ? placeholderValues(p.name, analysis, line, written) : []);
      }
      return out(argumentItems(mine, written, analysis, line, words[2].text === 'ioctl' && !inResult));
    }
  }
}

/** The time of the last statement above the line, if any. */
function previousTime(analysis: Analysis, line: number): bigint | undefined {
  for (let l = Math.min(line, analysis.doc.lineCount) - 1; l >= 0; l--) {
    const n = analysis.doc.node(l);
    if (n.kind === 'statement') return n.statement.time.value;
  }
  return undefined;
}
