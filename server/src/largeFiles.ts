// Traces above VS Code's 50 MB synchronisation limit (protocol/largeFiles.ts): the client names the
// trace open in its editor, the server reads it from disk and analyses it like any open document
// (diagnostics, the timeline, the Replay State view), and reads it again when the file changes on
// disk (a save in the editor, a recorder still writing), through a watcher of its own (fs.watch:
// it works for any path, inside a workspace folder or not, whatever the client can register).
// Such a document has no editor text here: edits reach the server only when they are saved.
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import {
  CLOSE_LARGE_FILE,
  LARGE_FILE_CHANGED,
  OPEN_LARGE_FILE,
  type LargeFileChangedParams,
  type LargeFileParams,
  type OpenLargeFileResult,
} from '../../protocol/largeFiles';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';
import { looksLikeCapture } from '../../engine/src/import/index';
import type { DocumentStore } from './documents';

/** Changes on disk within this many ms are read once (a writer flushes in pieces). */
const REREAD_DEBOUNCE_MS = 200;

interface Watched {
  watcher: FSWatcher;
  timer?: ReturnType<typeof setTimeout>;
  version: number;
}

/** Versions of documents read from disk: negative, so they never meet an editor's versions. */
let nextVersion = -1;

export function registerLargeFiles(connection: Connection, store: DocumentStore, log: (message: string) => void): void {
  const watched = new Map<string, Watched>();

  /** Reads the file and (re)opens it in the store; the answer of the open request. */
  async function load(uri: string): Promise<OpenLargeFileResult> {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return { uri, error: 'only files on disk (file: URIs) can be read by the server' };
    }
    let text: string;
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
      text = await readFile(path, 'utf8');
    } catch (e) {
      return { uri, error: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    const version = nextVersion--;
    const languageId =
      /\.hvtrace$/i.test(path) || !looksLikeCapture(text.slice(0, 65_536), path) ? 'hvtrace' : CAPTURE_LANGUAGE_ID;
    store.open({ textDocument: { uri, languageId, version, text } }, { fromDisk: true });
    const doc = store.get(uri);
    return { uri, bytes, lineCount: doc?.analysis.doc.lineCount ?? 0, version };
  }

  function unwatch(uri: string): void {
    const w = watched.get(uri);
    if (!w) return;
    clearTimeout(w.timer);
    w.watcher.close();
    watched.delete(uri);
  }

  function watchFile(uri: string): void {
    unwatch(uri);
    let watcher: FSWatcher;
    try {
      watcher = watch(fileURLToPath(uri));
    } catch (e) {
      log(`hvtimer: cannot watch ${uri} for changes: ${(e as Error).message}`);
      return;
    }
    const w: Watched = { watcher, version: 0 };
    watched.set(uri, w);
    watcher.on('error', () => unwatch(uri));
    watcher.on('change', () => {
      clearTimeout(w.timer);
      w.timer = setTimeout(() => {
        // Still open from disk (a save that brought it under the limit hands it to the editor).
        if (!store.get(uri)?.fromDisk) {
          unwatch(uri);
          return;
        }
        void load(uri).then((r) => {
          if ('error' in r) log(`hvtimer: ${r.error}`);
          else {
            log(`hvtimer: ${uri} changed on disk: read again (${r.lineCount} lines)`);
            const changed: LargeFileChangedParams = { uri, lineCount: r.lineCount, version: r.version };
            void connection.sendNotification(LARGE_FILE_CHANGED, changed);
          }
          // A rename or delete replaces the inode: watch the path again.
          watchFile(uri);
        });
      }, REREAD_DEBOUNCE_MS);
    });
  }

  connection.onRequest(OPEN_LARGE_FILE, async (params: LargeFileParams): Promise<OpenLargeFileResult | null> => {
    if (typeof params?.uri !== 'string') return null;
    // Already synchronised by the editor (it fit after all): nothing to read.
    const open = store.get(params.uri);
    if (open && !open.fromDisk)
      return {
        uri: params.uri,
        bytes: open.text.getText().length,
        lineCount: open.analysis.doc.lineCount,
        version: open.version,
      };
    const r = await load(params.uri);
    if (!('error' in r)) watchFile(params.uri);
    return r;
  });

  connection.onNotification(CLOSE_LARGE_FILE, (params: LargeFileParams) => {
    if (typeof params?.uri !== 'string') return;
    unwatch(params.uri);
    if (store.get(params.uri)?.fromDisk) store.close({ textDocument: { uri: params.uri } });
  });
}
