// Messages between the extension and the timeline webview (client/src/timelinePanel.ts and
// webview/src/), and the state the webview persists with `setState` (restored after a reload or by
// the panel serializer). One discriminated union per direction: both sides switch on `type`, and a
// `default: unhandled(m)` makes a message kind one side does not handle fail the type check.
// Types and that one helper only: nothing here imports vscode, the DOM or the engine.
import type { TimelineOverviewResult, TimelineWindowParams, TimelineWindowResult } from './requests';

/** Extension → webview. */
export type ToWebview =
  /** A document's overview (again after each edit); `cursorLine` is the editor's cursor. */
  | { type: 'overview'; overview: TimelineOverviewResult; cursorLine: number | null }
  /** The answer to `requestWindow` number `seq`. */
  | { type: 'window'; seq: number; window: TimelineWindowResult }
  /** The editor's cursor moved to `line` (0-based): the timeline's cursor follows. */
  | { type: 'cursor'; line: number }
  /**
   * Zoom to the statement on `line` (0-based) and put the cursor on it: "Show timeline" from a code
   * lens or with a line argument. A line without a statement (a directive) frames the trace's
   * handoffs and findings instead.
   */
  | { type: 'focusLine'; line: number }
  | { type: 'error'; message: string };

/** Webview → extension. */
export type FromWebview =
  /** The webview has loaded (and restored `state`, if any): send the overview. */
  | { type: 'ready'; state: TimelineViewState | null }
  /** Data of a visible time range: the params of `hvtimer/timelineWindow` for the panel's document. */
  | ({ type: 'requestWindow'; seq: number } & Required<Omit<TimelineWindowParams, 'uri'>>)
  /** A marker was clicked (or chosen with Enter): reveal and select `line` in the editor. */
  | { type: 'reveal'; line: number }
  /** Export: `png` as a `data:image/png;base64,` URL, `svg` as the document's text. */
  | { type: 'export'; format: 'png' | 'svg'; data: string };

/** What the webview keeps across reloads. Times are ns (decimal strings) on the reference clock. */
export interface TimelineViewState {
  uri: string | null;
  view: { fromNs: string; toNs: string } | null;
  cursorNs: string | null;
  selectedLine: number | null;
  markerA: string | null;
  markerB: string | null;
  /** Ids of the collapsed tracks (`vm:<name>`, `host/vm`, `host/vm/vcpuN`); absent: all expanded. */
  collapsed?: string[];
}

/** The `default` of a switch over `ToWebview` or `FromWebview`: compiles only when every kind is handled; at run time an unknown message is ignored. */
export const unhandled = (_message: never): void => undefined;
