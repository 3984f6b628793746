// The commands the extension contributes are registered and do their job.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeEverything, hasCodeAt, openFixture, waitForDiagnostics } from './helpers';

test('hvtimer.restartServer and hvtimer.showOutput are registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('hvtimer.restartServer'), 'hvtimer.restartServer missing');
  assert.ok(commands.includes('hvtimer.showOutput'), 'hvtimer.showOutput missing');
});

test('hvtimer.showOutput runs without error', async () => {
  await vscode.commands.executeCommand('hvtimer.showOutput');
});

test('after hvtimer.restartServer the new server diagnoses edits', async () => {
  const doc = await openFixture('malformed.hvtrace');
  await vscode.commands.executeCommand('hvtimer.restartServer');
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(3, 0), 'x13 src/vm1/vcpu0 ioctl KVM_RUN\n');
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  try {
    await waitForDiagnostics(doc.uri, hasCodeAt('HVT090', 3));
  } finally {
    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(3, 0, 4, 0));
    await vscode.workspace.applyEdit(undo);
  }
});

test('commands tests leave no editor open', closeEverything);
