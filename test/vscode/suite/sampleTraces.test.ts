// Every sample trace of the repository (sample-traces/*.hvtrace) opens with its diagnostics shown:
// VS Code ends up with exactly what the engine reports for it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { checkText } from '../../../engine/src/index';
import { test } from './harness';
import { closeEverything, codeOf, EXTENSION_ID, waitForDiagnostics } from './helpers';

test('each sample trace shows its diagnostics', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  const dir = vscode.Uri.joinPath(ext.extensionUri, 'sample-traces');
  const entries = await vscode.workspace.fs.readDirectory(dir).then(
    (e) => e,
    () => [] as [string, vscode.FileType][],
  );
  for (const [name] of entries.filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.hvtrace')).sort()) {
    const uri = vscode.Uri.joinPath(dir, name);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const expected = checkText(doc.getText())
      .map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`)
      .sort();
    const key = (ds: readonly vscode.Diagnostic[]): string[] =>
      ds
        .filter((d) => d.source === 'hvtimer')
        .map((d) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`)
        .sort();
    await waitForDiagnostics(uri, (ds) => JSON.stringify(key(ds)) === JSON.stringify(expected));
  }
}, 120_000);

test('sample traces tests leave no editor open', closeEverything);
