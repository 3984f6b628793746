// Public surface of the hvtimer engine (parser, replay, diagnostics). No vscode / LSP imports.
export { Analysis } from './analysis';
export type { AnalysisOptions, Diagnostic, Position, Range, RelatedInformation, SeverityOverride } from './analysis';
export type { Severity, DiagnosticTag } from './rules/rule';
export { TraceDocument } from './syntax/document';
export type { TextEdit } from './syntax/document';
export { parseLine } from './syntax/parseLine';
export { RULES, ruleByCode } from './rules/registry';

import { Analysis, type AnalysisOptions, type Diagnostic } from './analysis';

/** Parses, replays and checks a whole text. */
export function checkText(text: string, options: AnalysisOptions = {}): Diagnostic[] {
  return new Analysis(text, options).diagnostics();
}
export { docsPagePath, DOCS_INDEX_PATH } from './rules/docs';
export { replayJson, type ReplayJson, type VcpuReplayJson } from './state/replayJson';
export { timersOf, guestTimersOf, type TimerView } from './replay/timers/query';
export { parseDuration } from './values/parse';
export { formatTime } from './values/format';
export type { ModelState } from './replay/state';
export type { Fix } from './rules/rule';
export type { ReplayEvent, Quantity } from './replay/events';
export type { HostState, InstanceState, VcpuState, GuestState, StopRecord, Ref } from './replay/state';
export * as clock from './replay/clock';
export * as format from './values/format';
