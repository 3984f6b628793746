// The hvtimer language server's custom requests: one definition shared by the server, the client
// (commands, the timeline webview, the replay-state tree view) and any other LSP client.
//
// Conventions
// * Lines are 0-based, as everywhere in LSP.
// * Every u64 (counters, offsets, addresses) and every time in nanoseconds is a *decimal string*:
//   these values do not fit a JSON number. Times in seconds are strings like `20.600100000`.
// * Requests on a document that is not open answer `null`. A request overtaken by an edit of its
//   document fails with LSP error ContentModified (-32801); a cancelled one with RequestCancelled
//   (-32800).
// This file must not import the engine, vscode or the LSP libraries: it is types and names only.
// The data shapes the requests carry are in ./views.ts (the engine builds them).
import type { ReplaySnapshot, StateView, Timeline } from './views';
export type * from './views';

// ---- hvtimer/stateAt --------------------------------------------------------------------------

/** `hvtimer/stateAt`: the replay state after a line (what `hvtimer replay --at LINE+1` prints, and more). */
export const STATE_AT = 'hvtimer/stateAt';

export interface StateAtParams {
  uri: string;
  /** 0-based; the state after replaying this line (clamped to the document). */
  line: number;
}

export interface StateAtResult {
  uri: string;
  /** Document version the state belongs to. */
  version: number;
  line: number;
  /** The CLI's JSON (`hvtimer replay --format json`): its shape is a contract and never changes. */
  snapshot: ReplaySnapshot;
  /** A richer view: every instance and vCPU, values in decimal, hex and as time. */
  view: StateView;
  /** The same state rendered as markdown, for a quick read-only display. */
  markdown: string;
}

// ---- hvtimer/timeline -------------------------------------------------------------------------

/** `hvtimer/timeline`: what happened on each instance and vCPU over a range, and the guest clock error. */
export const TIMELINE = 'hvtimer/timeline';

export interface TimelineParams {
  uri: string;
  /** 0-based, inclusive; clamped to the document. */
  fromLine: number;
  toLine: number;
}

/** The timeline data (protocol/views.ts `Timeline`) of the document at `version`. */
export interface TimelineResult extends Timeline {
  uri: string;
  version: number;
}

// ---- hvtimer/replayStats (diagnostic) -----------------------------------------------------------

/** `hvtimer/replayStats`: how much work the server did for a document (tests, troubleshooting). */
export const REPLAY_STATS = 'hvtimer/replayStats';

export interface ReplayStatsParams { uri: string }

export interface ReplayStatsResult {
  version: number;
  lineCount: number;
  /** Lines parsed / replayed since the document was opened (or fully replaced). */
  parsedLines: number;
  replayedLines: number;
}

// ---- client commands the server refers to (code lenses) ----------------------------------------

/** `hvtimer.replayToLine(uri: string, line: number)`: shows the state after `line`. */
export const REPLAY_TO_LINE_COMMAND = 'hvtimer.replayToLine';
/** `hvtimer.showTimeline(uri: string, line: number)`: shows the timeline around `line`. */
export const SHOW_TIMELINE_COMMAND = 'hvtimer.showTimeline';

// ---- settings ---------------------------------------------------------------------------------

/** The `hvtimer` configuration section as the server reads it (`workspace/configuration`). */
export interface HvtimerSettingsSection {
  /** A duration like `100us`; empty = the trace's `@tolerance`, else 100us. */
  tolerance?: string;
  /** Per-code severity overrides: `error`, `warning`, `info`, `hint`, `off`. */
  severity?: Record<string, string>;
  inlayHints?: { enabled?: boolean };
}
