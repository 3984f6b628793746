// Fuzz target: the engine on structure-aware traces (many hosts/VMs/vCPUs, extreme frequencies and
// counters, every statement kind) and on mutated samples. Nothing may throw; every diagnostic lies
// inside the document with a bounded, escaped message; after random edits the incremental analysis
// equals a fresh one of the same text (the text the client, vscode-languageserver-textdocument,
// holds); the editor queries answer for random positions without throwing.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from '../../engine/src/analysis';
import {
  definitionAt,
  foldingRanges,
  hoverAt,
  inlayHints,
  outline,
  ReferenceScanner,
  semanticTokens,
} from '../../engine/src/editor/index';
import { report, reportMarkdown } from '../../engine/src/report/index';
import { replayJson, stateView } from '../../engine/src/state/index';
import { stateChangeFrom, timelineOverview, timelineWindow } from '../../engine/src/timeline/index';
import { buildTimelineIndex } from '../../engine/src/timeline/testing';
import { randomEdit } from '../edits';
import { mutate, sampleTraces } from '../mutate';
import { checkDiagnostics, checkShownText, stable } from '../oracles';
import type { Random } from '../random';
import type { Failure, FuzzTarget } from '../target';
import { randomTrace } from '../traces';

function input(rng: Random): string {
  if (rng.bool(0.8)) return randomTrace(rng);
  return mutate(rng, rng.pick(sampleTraces())).toString('utf8');
}

function queries(a: Analysis, rng: Random): string | undefined {
  const n = a.doc.lineCount;
  const line = rng.int(0, n - 1);
  const character = rng.int(0, a.doc.text(line).length + 1);
  const diagnostics = a.diagnostics();
  const hover = hoverAt(a, line, character, { docsHref: (c) => `https://x/${c}`, docsLink: (p) => `https://x/${p}` });
  const bad = hover && checkShownText('hover', hover.markdown);
  if (bad) return bad;
  inlayHints(a, Math.max(0, line - 20), Math.min(n - 1, line + 20));
  outline(a.doc);
  foldingRanges(a.doc);
  semanticTokens(a.doc);
  definitionAt(a, line, character);
  if (n < 400) new ReferenceScanner(a, line).scan(line + 1, a.doc.lineCount - 1);
  stateView(a.stateAfter(line));
  const index = buildTimelineIndex(a);
  timelineOverview(index, diagnostics, 'fuzz.hvtrace');
  const start = index.startNs ?? 0n;
  const end = index.endNs ?? 0n;
  timelineWindow(index, a.doc, diagnostics, {
    fromNs: start,
    toNs: end + BigInt(rng.int(0, 5)),
    maxMarkers: rng.int(1, 50),
    maxSamples: rng.int(1, 50),
  });
  stateChangeFrom(index, line, rng.pick(['next', 'previous'] as const));
  const md = reportMarkdown(report(index, diagnostics, a.stateAfter(n - 1), 'fuzz\u001b.hvtrace'));
  return checkShownText('report', md);
}

export const engineTarget: FuzzTarget = {
  name: 'engine',
  one(rng): Failure | undefined {
    const text = input(rng);
    const step = (what: string, f: () => string | undefined): Failure | undefined => {
      try {
        const problem = f();
        return problem === undefined ? undefined : { problem: `${what}: ${problem}`, input: text };
      } catch (e) {
        return { problem: `${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, input: text };
      }
    };
    const interval = rng.pick([7, 50, 1000, 2000]);
    let a: Analysis | undefined;
    const first = step('analysis', () => {
      a = new Analysis(text, { checkpointInterval: interval });
      return checkDiagnostics(a.doc, a.diagnostics());
    });
    if (first || !a) return first;
    const analysis = a;
    const q = step('queries', () => queries(analysis, rng));
    if (q) return q;
    // Random edits, applied to the client's document and to the analysis; then compare with a fresh one.
    const client = TextDocument.create(
      'file:///f.hvtrace',
      'hvtrace',
      0,
      text.startsWith('\uFEFF') ? text.slice(1) : text,
    );
    const edits: unknown[] = [];
    return step('incremental edits', () => {
      for (let k = rng.int(1, 6); k > 0; k--) {
        const e = randomEdit(rng, client.lineCount);
        edits.push(e);
        TextDocument.update(client, [{ range: e.range, text: e.text }], client.version + 1);
        analysis.edit({ start: e.range.start, end: e.range.end, text: e.text });
        if (rng.bool(0.3)) analysis.advance(rng.int(1, 50));
      }
      if (analysis.doc.getText() !== client.getText())
        return `the document differs from the client's after ${stable(edits)}`;
      const fresh = new Analysis(client.getText(), { checkpointInterval: interval });
      const got = analysis.diagnostics();
      const want = fresh.diagnostics();
      if (stable(got) !== stable(want))
        return `incremental diagnostics differ from a fresh analysis after ${stable(edits)}`;
      const line = rng.int(0, fresh.doc.lineCount - 1);
      if (stable(replayJson(analysis.stateAfter(line))) !== stable(replayJson(fresh.stateAfter(line))))
        return `state after line ${line} differs from a fresh analysis after ${stable(edits)}`;
      return checkDiagnostics(analysis.doc, got);
    });
  },
};
