// The commands the extension contributes: replay the trace, replay to the cursor, step through the
// state changes, show the timeline, export the report, and the server's restart and log.
import * as vscode from 'vscode';
import {
  REPLAY_TO_LINE_COMMAND,
  REPORT,
  SHOW_TIMELINE_COMMAND,
  STATE_AT,
  STATE_CHANGE,
  type ReportResult,
  type StateAtResult,
} from '../../protocol/requests';
import { documentName } from '../../protocol/documentName';
import type { HvtimerClient } from './client';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';
import { exportReport, type ExportOptions } from './exportReport';
import type { ReplayStateProvider } from './replayState';
import { TimelinePanel } from './timelinePanel';
import { activeLargeTrace, askLine, isLargeTrace, revealInLargeTrace } from './largeFiles';

export const COMMANDS = {
  replayTrace: 'hvtimer.replayTrace',
  replayToLine: REPLAY_TO_LINE_COMMAND,
  stepNext: 'hvtimer.stepNext',
  stepPrevious: 'hvtimer.stepPrevious',
  showTimeline: SHOW_TIMELINE_COMMAND,
  exportReport: 'hvtimer.exportReport',
  revealLine: 'hvtimer.revealLine',
} as const;

/** The trace and line a command acts on: its arguments (code lens, tests), else the active editor or the timeline's document. */
export function target(uriArg: unknown, lineArg?: unknown): { uri: string; line: number } | undefined {
  const editor = vscode.window.activeTextEditor;
  const fromEditor =
    editor?.document.languageId === 'hvtrace' || editor?.document.languageId === CAPTURE_LANGUAGE_ID
      ? editor.document.uri.toString()
      : activeLargeTrace();
  const uri =
    typeof uriArg === 'string'
      ? uriArg
      : uriArg instanceof vscode.Uri
        ? uriArg.toString()
        : (fromEditor ?? TimelinePanel.current?.uri);
  if (!uri) return undefined;
  const sameEditor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  const line =
    typeof lineArg === 'number'
      ? lineArg
      : editor?.document.uri.toString() === uri
        ? editor.selection.active.line
        : (sameEditor?.selection.active.line ?? 0);
  return { uri, line };
}

function noTrace(): undefined {
  void vscode.window.showWarningMessage('hvtimer: open a .hvtrace file first.');
  return undefined;
}

/** The state after `line` in the Replay State view. */
export async function replayToLine(
  client: HvtimerClient,
  state: ReplayStateProvider,
  uriArg?: unknown,
  lineArg?: unknown,
): Promise<StateAtResult | undefined> {
  const t = target(uriArg, lineArg);
  if (!t) return noTrace();
  if (typeof lineArg !== 'number' && isLargeTrace(t.uri)) {
    // No cursor to read on a trace too large to synchronise (largeFiles.ts): ask for the line.
    const line = await askLine(t.uri);
    if (line === undefined) return undefined;
    t.line = line;
  }
  const result = await client.request(STATE_AT, { uri: t.uri, line: t.line });
  if (!result) {
    void vscode.window.showWarningMessage('hvtimer: that trace is not open.');
    return undefined;
  }
  await state.show(t.uri, result);
  return result;
}

/** Moves the cursor to the next (previous) line that changes the model state and shows the state there. */
export async function step(
  client: HvtimerClient,
  state: ReplayStateProvider,
  direction: 'next' | 'previous',
  uriArg?: unknown,
  lineArg?: unknown,
): Promise<StateAtResult | undefined> {
  const t = target(uriArg, lineArg);
  if (!t) return noTrace();
  // From the line shown in the view when the cursor has not moved elsewhere since.
  const from =
    typeof lineArg === 'number'
      ? lineArg
      : state.current?.uri === t.uri &&
          !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === t.uri)
        ? state.current.line
        : t.line;
  const change = await client.request(STATE_CHANGE, { uri: t.uri, line: from, direction });
  if (!change || change.line === null) {
    void vscode.window.showInformationMessage(
      `hvtimer: no ${direction === 'next' ? 'later' : 'earlier'} state change in ${documentName(t.uri)}.`,
    );
    return undefined;
  }
  if (isLargeTrace(t.uri)) {
    await revealInLargeTrace(t.uri, change.line);
    return state.current?.uri === t.uri ? undefined : replayToLine(client, state, t.uri, change.line);
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(t.uri));
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === t.uri);
  const at = new vscode.Range(change.line, 0, change.line, 0);
  await vscode.window.showTextDocument(doc, { viewColumn: editor?.viewColumn, selection: at, preserveFocus: false });
  return replayToLine(client, state, t.uri, change.line);
}

/** Replays the whole trace (cancellable), shows a summary and the Problems panel. */
export async function replayTrace(
  client: HvtimerClient,
  state: ReplayStateProvider,
  uriArg?: unknown,
): Promise<ReportResult | undefined> {
  const t = target(uriArg);
  if (!t) return noTrace();
  const name = documentName(t.uri);
  let result: ReportResult | null;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `hvtimer: replaying ${name}`, cancellable: true },
      (_progress, token) => client.request(REPORT, { uri: t.uri }, token),
    );
  } catch (err) {
    if ((err as { code?: number }).code === -32800) {
      void vscode.window.showInformationMessage(`hvtimer: replay of ${name} cancelled.`);
      return undefined;
    }
    throw err;
  }
  if (!result) {
    void vscode.window.showWarningMessage('hvtimer: that trace is not open.');
    return undefined;
  }
  void vscode.window.showInformationMessage(summaryOf(result));
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await replayToLine(client, state, t.uri, Math.max(0, result.report.lineCount - 1));
  return result;
}

/** `hvtimer: trace.hvtrace — 1 VM, 2 vCPUs, 1 migration · findings: 0 errors, 2 warnings, 1 info, 0 hints` */
export function summaryOf(r: ReportResult): string {
  const p = (n: number, w: string, plural = `${w}s`): string => `${n} ${n === 1 ? w : plural}`;
  const f = r.report.findingsBySeverity;
  return (
    `hvtimer: ${r.report.name} — ${p(r.report.vms.length, 'VM')}, ${p(r.report.vcpuCount, 'vCPU')}, ${p(r.report.migrationCount, 'migration')} · ` +
    `findings: ${p(f.error, 'error')}, ${p(f.warning, 'warning')}, ${f.info} info, ${p(f.hint, 'hint')}`
  );
}

export async function showTimeline(
  context: vscode.ExtensionContext,
  client: HvtimerClient,
  uriArg?: unknown,
  lineArg?: unknown,
): Promise<TimelinePanel | undefined> {
  const t = target(uriArg, lineArg);
  if (!t) return noTrace();
  // A line given as an argument (the code lens) is zoomed to; the editor's cursor only moves the timeline's cursor.
  return TimelinePanel.show(context, client, t.uri, t.line, typeof lineArg === 'number');
}

async function revealLine(uri: string, line: number): Promise<void> {
  if (isLargeTrace(uri)) return revealInLargeTrace(uri, line);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  const range = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
  await vscode.window.showTextDocument(doc, { viewColumn: editor?.viewColumn, selection: range });
}

export function registerCommands(
  context: vscode.ExtensionContext,
  client: HvtimerClient,
  state: ReplayStateProvider,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hvtimer.restartServer', () => client.restart()),
    vscode.commands.registerCommand('hvtimer.showOutput', () => client.output.show(true)),
    vscode.commands.registerCommand(COMMANDS.replayTrace, (uri?: unknown) => replayTrace(client, state, uri)),
    vscode.commands.registerCommand(COMMANDS.replayToLine, (uri?: unknown, line?: unknown) =>
      replayToLine(client, state, uri, line),
    ),
    vscode.commands.registerCommand(COMMANDS.stepNext, (uri?: unknown, line?: unknown) =>
      step(client, state, 'next', uri, line),
    ),
    vscode.commands.registerCommand(COMMANDS.stepPrevious, (uri?: unknown, line?: unknown) =>
      step(client, state, 'previous', uri, line),
    ),
    vscode.commands.registerCommand(COMMANDS.showTimeline, (uri?: unknown, line?: unknown) =>
      showTimeline(context, client, uri, line),
    ),
    vscode.commands.registerCommand(COMMANDS.exportReport, (uri?: unknown, options?: ExportOptions) => {
      const t = target(uri);
      return t ? exportReport(client, t.uri, options) : noTrace();
    }),
    vscode.commands.registerCommand(COMMANDS.revealLine, (uri: string, line: number) => revealLine(uri, line)),
  );
}
