// The Replay State view follows the active editor, as the Outline does: when another trace becomes
// the active editor, the view shows that trace's state at its cursor; when the trace it shows is
// closed, the view is cleared; when it is edited, the state is asked for again (debounced). Replay to
// Cursor and the step commands still choose the line.
import * as vscode from 'vscode';
import { STATE_AT } from '../../protocol/requests';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';
import type { HvtimerClient } from './client';
import type { ReplayStateProvider, StateNode } from './replayState';

const EDIT_DEBOUNCE_MS = 300;

export const isTraceDocument = (d: vscode.TextDocument): boolean =>
  d.languageId === 'hvtrace' || d.languageId === CAPTURE_LANGUAGE_ID;

export function followActiveEditor(
  client: HvtimerClient,
  state: ReplayStateProvider,
  view: vscode.TreeView<StateNode>,
): vscode.Disposable {
  let editTimer: ReturnType<typeof setTimeout> | undefined;

  /** Shows `uri`'s state after `line`, unless another trace became active meanwhile. */
  const show = async (uri: string, line: number, force: boolean): Promise<void> => {
    if (!force && state.current?.uri === uri) return;
    try {
      await client.whenRunning(5_000);
      const result = await client.request(STATE_AT, { uri, line });
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (result && (active === uri || state.current?.uri === uri)) await state.show(uri, result, { reveal: false });
    } catch {
      // The server is restarting or the document went away: the next change of editor tries again.
    }
  };

  const onEditor = (editor: vscode.TextEditor | undefined): void => {
    if (!editor || !isTraceDocument(editor.document) || !view.visible) return;
    void show(editor.document.uri.toString(), editor.selection.active.line, false);
  };

  /** Is a document still shown in any tab? */
  const inTabs = (uri: string): boolean =>
    vscode.window.tabGroups.all.some((g) =>
      g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri),
    );

  const closed = (uri: string): void => {
    if (state.current?.uri === uri) state.clear();
  };

  onEditor(vscode.window.activeTextEditor);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(onEditor),
    view.onDidChangeVisibility((e) => {
      if (e.visible) onEditor(vscode.window.activeTextEditor);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => closed(d.uri.toString())),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const t of e.closed)
        if (t.input instanceof vscode.TabInputText && !inTabs(t.input.uri.toString())) closed(t.input.uri.toString());
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const current = state.current;
      if (!current || e.document.uri.toString() !== current.uri || e.contentChanges.length === 0) return;
      clearTimeout(editTimer);
      editTimer = setTimeout(
        () => void show(current.uri, Math.min(current.line, e.document.lineCount - 1), true),
        EDIT_DEBOUNCE_MS,
      );
    }),
    { dispose: () => clearTimeout(editTimer) },
  );
}
