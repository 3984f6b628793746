// The quick fix on a by-value restore, applied in the real VS Code, leaves a trace without HVT010.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeEverything, codeOf, hasCodeAt, openFixture, waitForDiagnostics } from './helpers';

test('the quick fix on the by-value restore writes KVM_ARM_SET_COUNTER_OFFSET and HVT010 goes away (undoable)', async () => {
  const doc = await openFixture('s7-quickfix.hvtrace');
  const before = await waitForDiagnostics(doc.uri, (ds) => hasCodeAt('HVT011', 14)(ds) && hasCodeAt('HVT010', 15)(ds));
  const d11 = before.find((d) => codeOf(d) === 'HVT011')!;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    d11.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const fix = actions.find(
    (a) => a.title === 'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
  );
  assert.ok(fix?.edit, `quick fix missing; got: ${actions.map((a) => a.title).join(', ')}`);
  assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
  assert.equal(doc.lineAt(14).text, '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025');
  const after = await waitForDiagnostics(
    doc.uri,
    (ds) => !ds.some((d) => codeOf(d) === 'HVT010' || codeOf(d) === 'HVT011'),
  );
  // The counter offset also sets the physical offset, which dst (ecv=0) traps: HVT004 (info).
  assert.deepEqual(
    after.map((d) => `${codeOf(d)}@${d.range.start.line}`),
    ['HVT004@15'],
  );
  // The edit is an ordinary one: undo brings the by-value restore back.
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
  assert.equal(
    doc.lineAt(14).text,
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225',
  );
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT010', 15));
});

test('quick fix tests leave no editor open', closeEverything);
