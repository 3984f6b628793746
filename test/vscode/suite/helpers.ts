// Helpers for tests running inside the extension host: fixture documents and waiting on events.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'hvtimer.hvtimer';

/** URI of a file in the workspace folder (a copy of test/vscode/fixtures/). */
export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open: the runner must open test/vscode/fixtures');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFixture(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The diagnostic code as a string, whether the server sends `code` plain or with a target. */
export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/**
 * Resolves with the diagnostics of `uri` once `accept` holds for them, checking now and on every
 * onDidChangeDiagnostics event; rejects after `timeoutMs` with what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (ds: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (!accept(ds)) return false;
      cleanup();
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages
        .getDiagnostics(uri)
        .map((d) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`);
      reject(
        new Error(`diagnostics of ${uri.path} did not match within ${timeoutMs} ms; last seen: [${seen.join(', ')}]`),
      );
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      sub.dispose();
    }
    check();
  });
}

/** Polls `condition` (for state with no change event, such as Extension.isActive) until a deadline. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const hasCodeAt =
  (code: string, line: number) =>
  (ds: readonly vscode.Diagnostic[]): boolean =>
    ds.some((d) => codeOf(d) === code && d.range.start.line === line);

/**
 * A test file's last step: reverts unsaved changes (closing would ask whether to save them), closes
 * every editor and webview panel, and waits until the workbench reports no tab, so the next file
 * starts from an empty editor area (its editors in column one, the timeline beside them).
 */
export async function closeEverything(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitUntil('no editor or panel open', () => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0));
}
