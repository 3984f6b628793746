// Signature help while typing a statement's arguments: the operation's pattern from the parser's
// table (`KVM_SET_ONE_REG id=REG value=VALUE`), each parameter with what goes there, and the one
// being typed highlighted — by its key (`value=…`), by its position, or, on a new word, the first
// required one not written yet. Directives get the same.
import type { Analysis } from '../analysis';
import { DIRECTIVE_SYNTAX } from '../syntax/directiveParsers';
import { NOTE_SYNTAX, OPS_BY_ACTOR, type OpSpec } from '../syntax/statementParsers';
import { parseSig, PLACEHOLDERS, type SigParam } from '../syntax/signatures';

export interface SignatureHelp {
  /** `ioctl KVM_SET_ONE_REG id=REG value=VALUE` */
  label: string;
  documentation: string;
  /** Each parameter's [start, end) in the label, and what goes there. */
  parameters: { label: [number, number]; documentation: string }[];
  /** Index into `parameters`; -1 when none applies. */
  activeParameter: number;
}

interface Word {
  text: string;
  start: number;
  end: number;
}

const paramDoc = (p: SigParam): string => {
  const what = p.literal ? `the literal \`${p.name}\`` : (PLACEHOLDERS[p.name]?.doc ?? p.name);
  const key = p.keyPlaceholder ? `${PLACEHOLDERS[p.keyPlaceholder].doc} = ` : '';
  return `${key}${what}${p.optional ? ' (optional)' : ''}${p.repeated ? ' (repeated)' : ''}`;
};

function build(
  head: string,
  sig: string,
  doc: string,
  written: Word[],
  current: Word | undefined,
  inResult: boolean,
): SignatureHelp {
  const params = parseSig(sig);
  let label = head;
  const parameters: SignatureHelp['parameters'] = [];
  let arrowDone = false;
  for (const p of params) {
    if (p.result && !arrowDone) {
      label += ' ->';
      arrowDone = true;
    }
    const start = label.length + 1;
    label += ` ${p.label}`;
    parameters.push({ label: [start, label.length], documentation: paramDoc(p) });
  }
  return { label, documentation: doc, parameters, activeParameter: active(params, written, current, inResult) };
}

/** Which parameter the word at the cursor fills. */
function active(params: SigParam[], written: Word[], current: Word | undefined, inResult: boolean): number {
  const mine = params.map((p, i) => ({ p, i })).filter((x) => x.p.result === inResult);
  const text = current?.text ?? '';
  const eq = text.indexOf('=');
  if (eq > 0) {
    const key = text.slice(0, eq);
    return (mine.find((x) => x.p.key === key) ?? mine.find((x) => x.p.keyPlaceholder !== undefined))?.i ?? -1;
  }
  const isKeyed = (x: { p: SigParam }): boolean => x.p.key !== undefined || x.p.keyPlaceholder !== undefined;
  const positionals = mine.filter((x) => !isKeyed(x));
  const isPositionalWord = (w: Word): boolean => !w.text.includes('=') || w.text === '=';
  const n = written.filter(isPositionalWord).length;
  const next = positionals[n] ?? positionals.find((x) => x.p.repeated && positionals.indexOf(x) <= n);
  // A word being typed without `=` fills the next positional.
  if (text !== '') return next?.i ?? -1;
  // A new word: the next required positional, else the first required key not written, else any key left.
  if (next && !next.p.optional) return next.i;
  const keys = new Set(written.map((w) => w.text.slice(0, Math.max(0, w.text.indexOf('=')))).filter(Boolean));
  const left = mine.filter((x) => isKeyed(x) && (x.p.keyPlaceholder !== undefined || !keys.has(x.p.key!)));
  return (left.find((x) => !x.p.optional) ?? left[0] ?? next)?.i ?? -1;
}

/** The signature of the statement or directive at a position, while its arguments are typed. */
export function signatureHelpAt(analysis: Analysis, line: number, character: number): SignatureHelp | undefined {
  if (line < 0 || line >= analysis.doc.lineCount) return undefined;
  const full = analysis.doc.text(line);
  const text = full.slice(0, character);
  if (text.includes('#')) return undefined;
  const all: Word[] = [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  const typing = all.length > 0 && all[all.length - 1].end === character;
  const current = typing ? all[all.length - 1] : undefined;
  const words = typing ? all.slice(0, -1) : all;
  const first = (words[0] ?? current)?.text ?? '';
  if (first.startsWith('@')) {
    const d = DIRECTIVE_SYNTAX[first];
    if (!d || words.length < 1) return undefined;
    return build(first, d.sig, d.doc, words.slice(1), current, false);
  }
  if (words.length < 4) return undefined;
  const [, , actor, op] = words;
  const spec: { sig: string; doc: string } | undefined =
    actor.text === 'vmm' && op.text === 'note'
      ? NOTE_SYNTAX
      : Object.hasOwn((OPS_BY_ACTOR as Record<string, Record<string, OpSpec>>)[actor.text] ?? {}, op.text)
        ? (OPS_BY_ACTOR as Record<string, Record<string, OpSpec>>)[actor.text][op.text]
        : undefined;
  if (!spec) return undefined;
  const arrow = words.findIndex((w) => w.text === '->');
  const inResult = arrow >= 4;
  const written = inResult ? words.slice(arrow + 1) : words.slice(4);
  return build(`${actor.text} ${op.text}`, spec.sig, spec.doc, written, current, inResult);
}
