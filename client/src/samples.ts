// "hvtimer: Open Sample Trace…": a quick pick over the traces bundled with the extension
// (sample-traces/*.hvtrace and the kernel captures in sample-traces/captures/), each described by
// the first line of its header comment. The chosen sample opens as an untitled copy with the
// sample's name, so the user can edit it, apply fixes and save it elsewhere, and the extension's
// own files are never changed.
import * as vscode from 'vscode';

export const OPEN_SAMPLE_COMMAND = 'hvtimer.openSampleTrace';

export interface SampleItem extends vscode.QuickPickItem {
  file?: vscode.Uri;
}

/** The first comment line of a trace: what it shows. */
function titleOf(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.startsWith('#'));
  return line ? line.replace(/^#\s*/, '') : '';
}

/** The bundled samples as quick-pick items, traces first, then captures. */
export async function sampleItems(extensionUri: vscode.Uri): Promise<SampleItem[]> {
  const items: SampleItem[] = [];
  for (const [dir, label, pattern] of [
    ['sample-traces', 'Traces', /\.hvtrace$/],
    ['sample-traces/captures', 'Kernel captures', /\.(trace|ftrace|txt)$/],
  ] as const) {
    const folder = vscode.Uri.joinPath(extensionUri, dir);
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      continue;
    }
    const files = entries
      .filter(([n, t]) => t === vscode.FileType.File && pattern.test(n))
      .map(([n]) => n)
      .sort();
    if (files.length === 0) continue;
    items.push({ label, kind: vscode.QuickPickItemKind.Separator });
    for (const name of files) {
      const file = vscode.Uri.joinPath(folder, name);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      items.push({ label: name, detail: titleOf(text), file });
    }
  }
  return items;
}

/**
 * Opens a sample as an untitled copy named like it (`untitled:arm64-migration-by-value.hvtrace`);
 * `name` skips the quick pick (the walkthrough and tests). An already open copy is shown as it is.
 */
export async function openSampleTrace(
  extensionUri: vscode.Uri,
  name?: unknown,
): Promise<vscode.TextEditor | undefined> {
  const items = await sampleItems(extensionUri);
  const chosen =
    typeof name === 'string'
      ? items.find((i) => i.label === name)
      : await vscode.window.showQuickPick(items, {
          title: 'hvtimer: open a sample trace (an untitled copy)',
          matchOnDetail: true,
          placeHolder: 'a sample trace or kernel capture',
        });
  if (!chosen?.file) {
    if (typeof name === 'string') void vscode.window.showErrorMessage(`hvtimer: no sample named ${name}.`);
    return undefined;
  }
  const copy = vscode.Uri.from({ scheme: 'untitled', path: chosen.label });
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === copy.toString());
  if (open) return vscode.window.showTextDocument(open, { preview: false });
  const doc = await vscode.workspace.openTextDocument(copy);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(
    copy,
    new vscode.Position(0, 0),
    new TextDecoder().decode(await vscode.workspace.fs.readFile(chosen.file)),
  );
  await vscode.workspace.applyEdit(edit);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  editor.selection = new vscode.Selection(0, 0, 0, 0);
  return editor;
}
