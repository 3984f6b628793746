// Traces VS Code does not pass to extensions (issue #17): files above 50 MB are not synchronised to
// the extension host (`textDocument/didOpen` is never sent), so the client tells the language
// server which such trace is open in an editor and the server reads it from disk itself (and again
// when it changes on disk). Shared by the client (client/src/largeFiles.ts) and the server
// (server/src/largeFiles.ts).

/** VS Code's limit: a text model above this many characters is not synchronised to extensions. */
export const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

/** Request: the client has `uri` (a file: URI) open in an editor but cannot send its text. */
export const OPEN_LARGE_FILE = 'hvtimer/openLargeFile';
/** Notification: the client no longer has `uri` open. */
export const CLOSE_LARGE_FILE = 'hvtimer/closeLargeFile';

/** Notification from the server: it read `uri` again after a change on disk (refresh the views of it). */
export const LARGE_FILE_CHANGED = 'hvtimer/largeFileChanged';

export interface LargeFileParams {
  uri: string;
}
export interface LargeFileChangedParams {
  uri: string;
  lineCount: number;
  version: number;
}

export type OpenLargeFileResult =
  /** The server read the file: its size, its lines, and the version its diagnostics will carry. */
  | { uri: string; bytes: number; lineCount: number; version: number }
  /** The file could not be read (one line: why). */
  | { uri: string; error: string };
