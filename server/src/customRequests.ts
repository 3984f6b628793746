// The custom requests of protocol/requests.ts: the replay state at a line, the timeline of a range,
// and replay statistics.
import type { CancellationToken } from 'vscode-languageserver/node';
import { snapshot, stateMarkdown, stateView, TimelineBuilder } from '../../engine/src/query/index';
import type {
  ReplayStatsParams, ReplayStatsResult, StateAtParams, StateAtResult, TimelineParams, TimelineResult,
} from '../../protocol/requests';
import { inChunks } from './async';
import type { DocumentStore } from './documents';

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(Math.floor(x), lo), hi);

export function stateAt(store: DocumentStore, params: StateAtParams): StateAtResult | null {
  const doc = store.get(params.uri);
  if (!doc || typeof params.line !== 'number') return null;
  const line = clamp(params.line, 0, doc.analysis.doc.lineCount - 1);
  const state = doc.analysis.stateAfter(line);
  const view = stateView(state);
  const name = decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri);
  return { uri: doc.uri, version: doc.version, line, snapshot: snapshot(state), view, markdown: stateMarkdown(view, line, name) };
}

export async function timelineRequest(store: DocumentStore, params: TimelineParams, token: CancellationToken): Promise<TimelineResult | null> {
  const doc = store.get(params.uri);
  if (!doc) return null;
  const analysis = doc.analysis;
  const version = doc.version;
  const last = analysis.doc.lineCount - 1;
  const from = clamp(params.fromLine, 0, last);
  const to = clamp(params.toLine, from, last);
  const builder = new TimelineBuilder(analysis, from, to);
  await inChunks(0, to, (a, b) => builder.feed(a, b), token, () => doc.version === version && doc.analysis === analysis);
  return { uri: doc.uri, version, ...builder.result() };
}

export function replayStats(store: DocumentStore, params: ReplayStatsParams): ReplayStatsResult | null {
  const doc = store.get(params.uri);
  if (!doc) return null;
  return { version: doc.version, lineCount: doc.analysis.doc.lineCount, parsedLines: doc.analysis.doc.parsedLines, replayedLines: doc.analysis.replayedLines };
}
