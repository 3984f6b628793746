// Keeps the language server responsive while a large trace replays (issue #17). Most editor
// requests read the model state at a line (hover, inlay hints, definitions, code actions, the
// Replay State view): the engine brings its replay up to that line first, synchronously, which for
// a line far ahead of a replay in progress (a million-line trace just opened) would block every
// other request for seconds. Such a request is answered at once with its empty answer instead, and
// once the replay is done the client is asked to request inlay hints and code lenses again.
import type { CancellationToken } from 'vscode-languageserver/node';
import { CHUNK_LINES, cancelled, contentModified, nextTurn } from './async';
import type { DocumentStore, TraceDoc } from './documents';

/** The requests that read the state at their line (the names main.ts `guard` gives them). */
const STATE_READERS = new Set(['hover', 'inlay hints', 'definition', 'code actions']);

/** A request for a line at most this far past the replay runs (the replay takes tens of ms). */
export const MAX_LINES_AHEAD = 20_000;

/** Documents whose requests were answered empty during their replay (refresh when it ends). */
const refused = new WeakSet<TraceDoc>();

interface Located {
  textDocument?: { uri?: unknown };
  uri?: unknown;
  position?: { line?: unknown };
  range?: { end?: { line?: unknown } };
  line?: unknown;
}

/** The document and line a request's params name (position, range end, or `line`), if any. */
function target(params: unknown): { uri: string; line: number } | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Located;
  const uri =
    typeof p.textDocument?.uri === 'string' ? p.textDocument.uri : typeof p.uri === 'string' ? p.uri : undefined;
  const line = p.position?.line ?? p.range?.end?.line ?? p.line;
  return uri !== undefined && typeof line === 'number' ? { uri, line } : undefined;
}

/**
 * Whether a request must not wait for the replay: its line is more than MAX_LINES_AHEAD past where
 * the replay of its document is (captures, whose lines map elsewhere and which are small, never).
 */
export function tooFarAhead(store: DocumentStore, request: string, params: unknown): boolean {
  if (!STATE_READERS.has(request)) return false;
  const t = target(params);
  if (!t) return false;
  const doc = store.get(t.uri);
  if (!doc || doc.capture || doc.analysis.done || t.line - doc.analysis.replayedUpTo <= MAX_LINES_AHEAD) return false;
  refused.add(doc);
  return true;
}

/** After a replay: whether requests were refused during it (and forget it). */
export function refusedDuringReplay(doc: TraceDoc): boolean {
  const was = refused.has(doc);
  refused.delete(doc);
  return was;
}

/**
 * Resolves once the replay of `doc` has passed `line`, replaying chunks between event-loop turns
 * (as the store's replay does) so other requests get through meanwhile. For requests that must
 * answer with the state (the Replay State view) rather than with nothing.
 */
export async function whenReplayedTo(doc: TraceDoc, line: number, token?: CancellationToken): Promise<void> {
  const analysis = doc.analysis;
  while (!analysis.done && analysis.replayedUpTo <= line) {
    analysis.advance(CHUNK_LINES);
    await nextTurn();
    if (token?.isCancellationRequested) throw cancelled();
    if (doc.closed || doc.analysis !== analysis) throw contentModified();
  }
}
