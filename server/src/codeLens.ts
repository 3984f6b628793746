// textDocument/codeLens on `@vm` lines and resume points: "Replay to here", "Show timeline", and at
// a resume point the guest-time discontinuity there. Resume points come from a replay of the whole
// document without rules, in chunks (cancellable).
import type { CancellationToken, CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { discontinuities, type Discontinuity } from '../../engine/src/editor/index';
import { REPLAY_TO_LINE_COMMAND, SHOW_TIMELINE_COMMAND } from '../../protocol/requests';
import { inChunks } from './async';
import type { DocumentStore, TraceDoc } from './documents';
import { pushAll } from '../../engine/src/util/arrays';

/** Lenses per document version: VS Code asks again after every edit and scroll. */
const cache = new WeakMap<TraceDoc, { version: number; lenses: CodeLens[] }>();

export async function codeLenses(
  store: DocumentStore,
  params: CodeLensParams,
  token: CancellationToken,
): Promise<CodeLens[] | null> {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const cached = cache.get(doc);
  if (cached?.version === doc.version) return cached.lenses;
  const analysis = doc.analysis;
  const version = doc.version;
  const lines = analysis.doc.lineCount;
  const points: Discontinuity[] = [];
  await inChunks(
    0,
    lines - 1,
    (from, to) => {
      pushAll(points, discontinuities(analysis, from, to));
    },
    token,
    () => doc.version === version && doc.analysis === analysis,
  );
  const lenses: CodeLens[] = [];
  const at = (line: number, end: number): CodeLens['range'] => ({
    start: { line, character: 0 },
    end: { line, character: end },
  });
  const common = (line: number): CodeLens[] => [
    {
      range: at(line, analysis.doc.text(line).length),
      command: { title: 'Replay to here', command: REPLAY_TO_LINE_COMMAND, arguments: [doc.uri, line] },
    },
    {
      range: at(line, analysis.doc.text(line).length),
      command: { title: 'Show timeline', command: SHOW_TIMELINE_COMMAND, arguments: [doc.uri, line] },
    },
  ];
  const resumeLines = new Map<number, Discontinuity[]>();
  for (const p of points) {
    const list = resumeLines.get(p.line);
    if (list) list.push(p);
    else resumeLines.set(p.line, [p]);
  }
  for (let line = 0; line < lines; line++) {
    const node = analysis.doc.node(line);
    const isVm = node.kind === 'directive' && node.directive.type === 'vm';
    const resume = resumeLines.get(line);
    if (!isVm && !resume) continue;
    lenses.push(...common(line));
    for (const d of resume ?? []) {
      lenses.push({
        range: at(line, analysis.doc.text(line).length),
        command: { title: `vcpu${d.vcpu}: ${d.label}`, command: SHOW_TIMELINE_COMMAND, arguments: [doc.uri, line] },
      });
    }
  }
  cache.set(doc, { version, lenses });
  return lenses;
}
