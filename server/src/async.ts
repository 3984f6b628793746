// Cooperative scheduling for long work on the single server thread: chunks of replay separated by
// event-loop turns, so edits, `$/cancelRequest` and other requests get through in between.
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

/** Lines replayed between two event-loop turns (also the engine's checkpoint interval). */
export const CHUNK_LINES = 1000;

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const cancelled = (): ResponseError<void> =>
  new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
export const contentModified = (): ResponseError<void> =>
  new ResponseError(LSPErrorCodes.ContentModified, 'the document changed while the request was computed');

/**
 * Calls `work(from, to)` for consecutive chunks of `from`..`to` aligned on checkpoints, yielding to
 * the event loop between chunks. Stops early when `work` returns false. Throws RequestCancelled when
 * `token` is cancelled and ContentModified when `stillCurrent()` turns false.
 */
export async function inChunks(
  from: number,
  to: number,
  work: (from: number, to: number) => boolean | void,
  token: CancellationToken | undefined,
  stillCurrent: () => boolean,
): Promise<void> {
  let start = from;
  while (start <= to) {
    if (token?.isCancellationRequested) throw cancelled();
    if (!stillCurrent()) throw contentModified();
    const end = Math.min(to, (Math.floor(start / CHUNK_LINES) + 1) * CHUNK_LINES - 1);
    if (work(start, end) === false) return;
    start = end + 1;
    if (start <= to) await nextTurn();
  }
  if (token?.isCancellationRequested) throw cancelled();
  if (!stillCurrent()) throw contentModified();
}
