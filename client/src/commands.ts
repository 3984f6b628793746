// One function per command the extension contributes.
import * as vscode from 'vscode';
import { REPLAY_TO_LINE_COMMAND, SHOW_TIMELINE_COMMAND, STATE_AT, type StateAtParams, type StateAtResult } from '../../protocol/requests';
import type { HvtimerClient } from './client';

/** Read-only documents showing the replay state (scheme `hvtimer-state`). */
export class StateDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'hvtimer-state';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

/** The trace and line a command acts on: its arguments (from a code lens), else the active editor. */
function target(uriArg: unknown, lineArg: unknown): { uri: string; line: number } | undefined {
  const editor = vscode.window.activeTextEditor;
  const uri = typeof uriArg === 'string' ? uriArg : uriArg instanceof vscode.Uri ? uriArg.toString() : editor?.document.languageId === 'hvtrace' ? editor.document.uri.toString() : undefined;
  if (!uri) return undefined;
  const line = typeof lineArg === 'number' ? lineArg : editor && editor.document.uri.toString() === uri ? editor.selection.active.line : 0;
  return { uri, line };
}

export async function replayToLine(client: HvtimerClient, docs: StateDocuments, uriArg?: unknown, lineArg?: unknown): Promise<StateAtResult | undefined> {
  const t = target(uriArg, lineArg);
  if (!t) {
    void vscode.window.showWarningMessage('hvtimer: open a .hvtrace file to replay it.');
    return undefined;
  }
  const result = await client.request<StateAtResult | null>(STATE_AT, { uri: t.uri, line: t.line } satisfies StateAtParams);
  if (!result) {
    void vscode.window.showWarningMessage('hvtimer: that trace is not open.');
    return undefined;
  }
  const name = vscode.Uri.parse(t.uri).path.split('/').pop() ?? 'trace';
  const view = vscode.Uri.from({ scheme: StateDocuments.scheme, path: `/${name} at line ${result.line + 1}.md` });
  docs.set(view, result.markdown);
  const doc = await vscode.workspace.openTextDocument(view);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  return result;
}

/** Placeholder until the timeline webview (built on hvtimer/timeline) arrives. Does not wait for the message to be dismissed. */
export function showTimeline(_uriArg?: unknown, _lineArg?: unknown): void {
  void vscode.window.showInformationMessage('hvtimer: the timeline arrives with the next issue.');
}

export function registerCommands(context: vscode.ExtensionContext, client: HvtimerClient): void {
  const docs = new StateDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(StateDocuments.scheme, docs),
    vscode.commands.registerCommand('hvtimer.restartServer', () => client.restart()),
    vscode.commands.registerCommand('hvtimer.showOutput', () => client.output.show(true)),
    vscode.commands.registerCommand(REPLAY_TO_LINE_COMMAND, (uri?: unknown, line?: unknown) => replayToLine(client, docs, uri, line)),
    vscode.commands.registerCommand(SHOW_TIMELINE_COMMAND, (uri?: unknown, line?: unknown) => showTimeline(uri, line)),
  );
}
