// Kernel captures in the real extension host: a `.trace` sample opens as `hvtimer-capture` with its
// findings on its own lines; a plain-text file that starts with trace events is recognised by its
// content; "Convert Capture to .hvtrace" writes the converted trace where it is told.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import {
  closeEverything,
  codeOf,
  EXTENSION_ID,
  fixtureUri,
  openFixture,
  waitForDiagnostics,
  waitUntil,
} from './helpers';

const SAMPLE = 'sample-traces/captures/x86-restore-vcpus-apart.trace';

test("a .trace capture opens as hvtimer-capture with HVT010 on the capture's own line", async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const uri = vscode.Uri.joinPath(ext.extensionUri, SAMPLE);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'hvtimer-capture');
  // The line of vcpu1's entry after the restore (engine/src/import/roundtrip-x86.test.ts works the numbers).
  const lines = doc.getText().split('\n');
  const restore = lines.findIndex((l) => l.includes('vmm restore'));
  const run1 = lines.findIndex(
    (l, i) => i > restore && l.includes('kvm_entry') && l.includes('vcpu 1, rip 0xffffffff8108aca7'),
  );
  const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'HVT010'));
  assert.equal(ds.find((x) => codeOf(x) === 'HVT010')!.range.start.line, run1);
  // The EFER write hvtimer keeps as a note is dimmed, not an error.
  const efer = lines.findIndex((l) => l.includes('msr_write c0000080'));
  const dim = ds.find((x) => x.range.start.line === efer);
  assert.ok(dim?.tags?.includes(vscode.DiagnosticTag.Unnecessary));
  assert.equal(dim?.severity, vscode.DiagnosticSeverity.Hint);
}, 60_000);

test('a plain-text capture is recognised by its content and converted on request', async () => {
  const doc = await openFixture('plain-capture.txt');
  await waitUntil(
    'the capture language',
    () =>
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString())?.languageId ===
      'hvtimer-capture',
  );
  await waitForDiagnostics(doc.uri, (d) =>
    d.some((x) => x.range.start.line === 2 && x.tags?.includes(vscode.DiagnosticTag.Unnecessary)),
  );
  const target = fixtureUri('plain-capture.converted.hvtrace');
  try {
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('hvtimer.convertCapture', doc.uri, {
      target,
    });
    assert.equal(written?.toString(), target.toString());
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(text, /^@hvtrace 1\n/);
    assert.match(text, /^50\.000001000 host\/vm\/vcpu0 kvm write_tsc_offset prev=0 next=18446743973709551616$/m);
    // Never the capture itself.
    assert.equal(
      await vscode.commands.executeCommand('hvtimer.convertCapture', doc.uri, { target: doc.uri }),
      undefined,
    );
    assert.match(doc.getText(), /^ {7}CPU 0\/KVM-4107/);
  } finally {
    await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
  }
}, 60_000);

test('captures tests leave no editor open', closeEverything);
