// Quick fixes for the trace-hygiene codes, where the repair is mechanical:
//   HVT090: a time written with a decimal comma (`12,5`, a log from a comma locale) as `12.500000000`;
//   HVT091: a host used but never declared: `@host NAME` with the arch and frequency of the host the
//           VM comes from (or the first declared host), after the last `@host` line — the user
//           corrects them if the real host differs;
//   HVT092: a statement out of time order moved up to where its time belongs;
//   HVT013: a counter write KVM ignores removed.
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';
import type { HostDirective } from '../../syntax/ast';
import { formatFrequency, formatTime } from '../../values/format';
import { parseFrequency, parseTime } from '../../values/parse';
import { statementAt } from './lines';

/** HVT090: `12,5 …` → `12.500000000 …` when the line's first word is a time with a decimal comma. */
export function decimalCommaFix(analysis: Analysis, line: number): Fix | undefined {
  const text = analysis.doc.text(line);
  const m = /^([ \t]*)([0-9]+),([0-9]+)(?=[ \t])/.exec(text);
  if (!m) return undefined;
  const t = parseTime(`${m[2]}.${m[3]}`);
  if (!t.ok) return undefined;
  const fixed = formatTime(t.value);
  return {
    title: `Write the time with a decimal point: ${fixed}`,
    edits: [{ line, newText: `${m[1]}${fixed}${text.slice(m[0].length)}` }],
  };
}

/** HVT092: the statement moved before the first of the statements just above it that are later than it. */
export function timeOrderFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt) return undefined;
  const t = stmt.time.value;
  let target: number | undefined;
  for (let l = line - 1; l >= 0; l--) {
    const n = doc.node(l);
    if (n.kind === 'directive') break;
    if (n.kind !== 'statement') continue;
    if (n.statement.time.value <= t) break;
    target = l;
  }
  if (target === undefined) return undefined;
  return {
    title: `Move this statement to its place in time order (before line ${target + 1})`,
    edits: [
      { line, newText: '', delete: true },
      { line: target, newText: doc.text(line), insertBefore: true },
    ],
  };
}

/** HVT091 on an undeclared host: declare it like the host the statement's VM comes from. */
export function declareHostFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt) return undefined;
  const state = analysis.stateAfter(line - 1);
  const name =
    stmt.body.type === 'migrate' && !state.hosts.has(stmt.body.to.value)
      ? stmt.body.to.value
      : !state.hosts.has(stmt.where.host.value)
        ? stmt.where.host.value
        : undefined;
  if (name === undefined) return undefined;
  // Copy the source host's declaration (for `migrate to=NAME`, the host the VM leaves).
  const like = state.hosts.get(stmt.where.host.value) ?? [...state.hosts.values()][0];
  let lastHost = -1;
  let likeDirective: HostDirective | undefined;
  for (let l = 0; l < doc.lineCount; l++) {
    const n = doc.node(l);
    if (n.kind === 'statement') break;
    if (n.kind === 'directive' && n.directive.type === 'host') {
      lastHost = l;
      if (like && n.directive.name.value === like.name) likeDirective = n.directive;
    }
  }
  if (!like || lastHost < 0) return undefined;
  const extras =
    like.arch === 'arm64'
      ? ` ecv=${like.ecv} vhe=${like.vhe ? 1 : 0}`
      : likeDirective?.tscScaling
        ? ` tsc_scaling=${likeDirective.tscScaling.value ? 1 : 0}`
        : '';
  const pretty = formatFrequency(like.freq).replace(/ /g, '');
  const back = parseFrequency(pretty);
  const freq = back.ok && back.value === like.freq ? pretty : `${like.freq}Hz`;
  const directive = `@host ${name} arch=${like.arch} freq=${freq}${extras}`;
  return {
    title: `Declare host ${name} like ${like.name}: ${directive}`,
    edits: [{ line: lastHost + 1, newText: directive, insertBefore: true }],
  };
}

/** HVT013: the ignored counter write removed. */
export function removeIgnoredWrite(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  if (!stmt || stmt.body.type !== 'set_one_reg') return undefined;
  return { title: 'Remove the counter write KVM ignores', edits: [{ line, newText: '', delete: true }] };
}
