// The custom requests of protocol/requests.ts: the replay state at a line and replay statistics.
import { replayJson, stateMarkdown, stateView } from '../../engine/src/state/index';
import type { ReplayStatsParams, ReplayStatsResult, StateAtParams, StateAtResult } from '../../protocol/requests';
import { documentName } from '../../protocol/documentName';
import type { DocumentStore } from './documents';
import { whenReplayedTo } from './replayGuard';

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(Math.floor(x), lo), hi);

export async function stateAt(store: DocumentStore, params: StateAtParams): Promise<StateAtResult | null> {
  const doc = store.get(params.uri);
  if (!doc || typeof params.line !== 'number') return null;
  const line = clamp(params.line, 0, doc.analysis.doc.lineCount - 1);
  await whenReplayedTo(doc, line); // in chunks: a large trace still replaying does not block the server
  const state = doc.analysis.stateAfter(line);
  const view = stateView(state);
  return {
    uri: doc.uri,
    version: doc.version,
    line,
    replayJson: replayJson(state),
    view,
    markdown: stateMarkdown(view, line, documentName(doc.uri)),
  };
}

export function replayStats(store: DocumentStore, params: ReplayStatsParams): ReplayStatsResult | null {
  const doc = store.get(params.uri);
  if (!doc) return null;
  return {
    version: doc.version,
    lineCount: doc.analysis.doc.lineCount,
    parsedLines: doc.analysis.doc.parsedLines,
    replayedLines: doc.analysis.replayedLines,
    rangeReplayedLines: doc.analysis.rangeReplayedLines,
  };
}
