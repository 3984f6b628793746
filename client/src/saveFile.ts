// Writing an export (report, timeline image) to a file the user picks: the save dialog opens beside
// the trace, and the trace itself is never overwritten (the extension changes a user's trace only
// through edits the user applies). The notification offers to open what was written.
import * as vscode from 'vscode';

export interface SaveOptions {
  /** The trace the export is of: the dialog starts beside it, and it is never the target. */
  trace: vscode.Uri | undefined;
  /** Where to write without asking (commands run by scripts and tests). */
  target?: vscode.Uri;
  defaultName: string;
  filters: Record<string, string[]>;
  saveLabel: string;
  /** For the messages: `report`, `timeline`. */
  what: string;
}

/** The notification's button that opens the written file. */
export const OPEN = 'Open';

/** Writes `bytes` where the user says; returns where, or undefined when cancelled or refused. */
export async function saveExport(options: SaveOptions, bytes: Uint8Array): Promise<vscode.Uri | undefined> {
  const { trace } = options;
  const target =
    options.target ??
    (await vscode.window.showSaveDialog({
      defaultUri: trace ? vscode.Uri.joinPath(trace, '..', options.defaultName) : undefined,
      filters: options.filters,
      saveLabel: options.saveLabel,
    }));
  if (!target) return undefined;
  if (trace && target.toString() === trace.toString()) {
    void vscode.window.showErrorMessage(
      `hvtimer: choose another file: the ${options.what} never overwrites the trace.`,
    );
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  // Not awaited: the export is done; "Open" shows the file (a text editor, or VS Code's image preview).
  void vscode.window
    .showInformationMessage(`hvtimer: ${options.what} written to ${target.fsPath || target.toString()}`, OPEN)
    .then(async (choice) => {
      if (choice === OPEN) await vscode.commands.executeCommand('vscode.open', target);
    });
  return target;
}
