// Diagnostics travel from the language server through the client into VS Code's model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeEverything, codeOf, hasCodeAt, openFixture, waitForDiagnostics } from './helpers';

test('a malformed time gets HVT090 on exactly its token (line 2, chars 0-4)', async () => {
  const doc = await openFixture('malformed.hvtrace');
  const ds = await waitForDiagnostics(doc.uri, hasCodeAt('HVT090', 2));
  const d = ds.find((x) => codeOf(x) === 'HVT090');
  assert.ok(d);
  assert.deepEqual(
    [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
    [2, 0, 2, 4],
  );
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(d.source, 'hvtimer');
  assert.match(d.message, /12,5/);
});

test('fixing the time clears HVT090 and breaking it again brings it back', async () => {
  const doc = await openFixture('malformed.hvtrace');
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT090', 2));
  const token = new vscode.Range(2, 0, 2, 4);
  const replace = async (text: string): Promise<void> => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, token, text);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
  };
  await replace('12.5');
  await waitForDiagnostics(doc.uri, (ds) => !hasCodeAt('HVT090', 2)(ds));
  await replace('12,5');
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT090', 2));
  assert.equal(doc.lineAt(2).text.slice(0, 4), '12,5');
});

test('diagnostics tests leave no editor open', closeEverything);
