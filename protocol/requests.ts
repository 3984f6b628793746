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
// This file must not import the engine, vscode or the LSP libraries: it is types and names only,
// so the client, the server and the webview can all import it. `CustomRequests` maps each method
// to its params and result; the client's `request` and the server's `onCustomRequest` use it.
// The data shapes the requests carry are in ./views.ts (the engine builds them).
import type { Report, ReplayJson, StateView, TimelineOverview, TimelineWindow } from './views';
import { CONVERT_CAPTURE, type ConvertCaptureParams, type ConvertCaptureResult } from './capture';
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
  replayJson: ReplayJson;
  /** A richer view: every instance and vCPU, values in decimal, hex and as time. */
  view: StateView;
  /** The same state rendered as markdown, for a quick read-only display. */
  markdown: string;
}

// ---- hvtimer/timelineOverview ------------------------------------------------------------------

/**
 * `hvtimer/timelineOverview`: the whole document at a glance, cheap to send: time extent, one row per
 * instance and vCPU with its phases, handoffs between instances, chart series, a line↔time index.
 * The webview asks for it once per document version, then for visible ranges (`hvtimer/timelineWindow`).
 */
export const TIMELINE_OVERVIEW = 'hvtimer/timelineOverview';

export interface TimelineOverviewParams {
  uri: string;
}

export interface TimelineOverviewResult extends TimelineOverview {
  uri: string;
  version: number;
}

/** At most this many entries in `TimelineOverview.lineIndex`. */
export const LINE_INDEX_LIMIT = 2000;

// ---- hvtimer/timelineWindow -------------------------------------------------------------------

/**
 * `hvtimer/timelineWindow`: what happened in a time range, with server-side level of detail: the
 * answer holds at most `maxMarkers` markers + clusters, `maxMarkers` findings + finding clusters,
 * `maxSamples` points per chart series and `maxSamples` scheduler-wait bars — and for the timer
 * tracks (docs/timers.md#t4-editor-and-timeline) `maxMarkers` deadlines + deliveries + losses + their clusters, `maxMarkers`
 * armed intervals + clusters, `maxMarkers` guest-mode intervals + clusters and `maxSamples` points
 * per lateness series — however many lines the range spans.
 */
export const TIMELINE_WINDOW = 'hvtimer/timelineWindow';

export interface TimelineWindowParams {
  uri: string;
  /** Reference time range in ns (decimal strings), inclusive; clamped to the trace. */
  fromNs: string;
  toNs: string;
  /** Bounds; default and ceiling `WINDOW_LIMIT`. */
  maxMarkers?: number;
  maxSamples?: number;
}

export interface TimelineWindowResult extends TimelineWindow {
  uri: string;
  version: number;
}

/** Default and largest `maxMarkers` / `maxSamples`. */
export const WINDOW_LIMIT = 2000;

// ---- hvtimer/stateChange ----------------------------------------------------------------------

/**
 * `hvtimer/stateChange`: the next (or previous) line after (before) `line` whose statement changes the
 * model state (creates a vCPU, writes an offset or counter, runs a vCPU for the first time, pauses,
 * resumes, migrates, changes stolen time, …). `line: null` when there is none.
 */
export const STATE_CHANGE = 'hvtimer/stateChange';

export interface StateChangeParams {
  uri: string;
  line: number;
  direction: 'next' | 'previous';
}

export interface StateChangeResult {
  uri: string;
  version: number;
  line: number | null;
  /** What changed there, for people (`counter write`, `pause`, …). */
  what: string | null;
}

// ---- hvtimer/report ---------------------------------------------------------------------------

/** `hvtimer/report`: replays the whole document; its findings and a per-VM summary, as data and Markdown. */
export const REPORT = 'hvtimer/report';

export interface ReportParams {
  uri: string;
}

export interface ReportResult {
  uri: string;
  version: number;
  report: Report;
  markdown: string;
}

// ---- hvtimer/replayStats (diagnostic) -----------------------------------------------------------

/** `hvtimer/replayStats`: how much work the server did for a document (tests, troubleshooting). */
export const REPLAY_STATS = 'hvtimer/replayStats';

export interface ReplayStatsParams {
  uri: string;
}

export interface ReplayStatsResult {
  version: number;
  lineCount: number;
  /** Lines parsed / replayed since the document was opened (or fully replaced). */
  parsedLines: number;
  replayedLines: number;
  /** Lines replayed a second time by range replays (the timeline index when it did not ride along the replay). */
  rangeReplayedLines: number;
}

// ---- the map: one entry per custom request ------------------------------------------------------

/**
 * Every custom request: its method, its params and its result. The client's `request` and the
 * server's handler registration take their types from here, so a client call or a server handler
 * whose params or result do not match its method fails the type check. Every request answers
 * `null` for a document that is not open (see the conventions above).
 */
export interface CustomRequests {
  [STATE_AT]: { params: StateAtParams; result: StateAtResult };
  [TIMELINE_OVERVIEW]: { params: TimelineOverviewParams; result: TimelineOverviewResult };
  [TIMELINE_WINDOW]: { params: TimelineWindowParams; result: TimelineWindowResult };
  [STATE_CHANGE]: { params: StateChangeParams; result: StateChangeResult };
  [REPORT]: { params: ReportParams; result: ReportResult };
  [REPLAY_STATS]: { params: ReplayStatsParams; result: ReplayStatsResult };
  [CONVERT_CAPTURE]: { params: ConvertCaptureParams; result: ConvertCaptureResult };
}

/** A custom request's method (`hvtimer/stateAt`, …). */
export type CustomMethod = keyof CustomRequests;
/** The params of custom request `M`. */
export type ParamsOf<M extends CustomMethod> = CustomRequests[M]['params'];
/** The answer to custom request `M`: its result, or null for a document that is not open. */
export type ResultOf<M extends CustomMethod> = CustomRequests[M]['result'] | null;

/** Every custom method (a record, so leaving one out fails the type check), for tests. */
const EVERY_METHOD: Record<CustomMethod, true> = {
  [STATE_AT]: true,
  [TIMELINE_OVERVIEW]: true,
  [TIMELINE_WINDOW]: true,
  [STATE_CHANGE]: true,
  [REPORT]: true,
  [REPLAY_STATS]: true,
  [CONVERT_CAPTURE]: true,
};
export const CUSTOM_METHODS = Object.keys(EVERY_METHOD) as CustomMethod[];

// ---- client commands the server refers to (code lenses) ----------------------------------------

/** `hvtimer.replayToLine(uri: string, line: number)`: shows the state after `line`. */
export const REPLAY_TO_LINE_COMMAND = 'hvtimer.replayToLine';
/** `hvtimer.showTimeline(uri: string, line: number)`: shows the timeline around `line`. */
export const SHOW_TIMELINE_COMMAND = 'hvtimer.showTimeline';
/** The timeline webview panel's view type (and its `onWebviewPanel:` activation event). */
export const TIMELINE_VIEW_TYPE = 'hvtimer.timeline';

// ---- settings ---------------------------------------------------------------------------------

/** The `hvtimer` configuration section as the server reads it (`workspace/configuration`). */
export interface HvtimerSettingsSection {
  /** A duration like `100us`; empty = the trace's `@tolerance`, else 100us. */
  tolerance?: string;
  /** Per-code severity overrides: `error`, `warning`, `info`, `hint`, `off`. */
  severity?: Record<string, string>;
  inlayHints?: { enabled?: boolean };
}
