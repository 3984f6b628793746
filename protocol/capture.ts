// The custom request for kernel captures opened in the editor (server/src/captures.ts): the .hvtrace
// the server converted a capture to, for the client's "Convert Capture to .hvtrace" command. Lines
// are 0-based; the counts are what `hvtimer import ftrace` prints.

export const CONVERT_CAPTURE = 'hvtimer/convertCapture';
export const CONVERT_CAPTURE_COMMAND = 'hvtimer.convertCapture';
/** The language id of captures (package.json contributes it). */
export const CAPTURE_LANGUAGE_ID = 'hvtimer-capture';

export interface ConvertCaptureParams {
  uri: string;
}

export type ConvertCaptureResult =
  | {
      uri: string;
      version: number;
      text: string;
      counts: { statements: number; notes: number; ignored: number; unreadable: number };
    }
  /** The document is not a capture hvtimer reads (one line: what it looks like, what hvtimer reads). */
  | { uri: string; version: number; error: string };
