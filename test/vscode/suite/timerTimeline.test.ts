// The timer tracks of the timeline in the real extension host (timers.md T4): Show Timeline on a
// timer sample sends the webview an overview with the vCPU's timer track, the webview (running in
// the workbench) asks for its windows, and the language server's answer carries the late interrupt
// with its numbers; the interrupt's reveal selects its line. Values worked out from the trace (0-based lines).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HvtimerApi } from '../../../client/src/extension';
import { test } from './harness';
import { EXTENSION_ID, waitForDiagnostics, waitUntil } from './helpers';

const api = (): HvtimerApi => vscode.extensions.getExtension<HvtimerApi>(EXTENSION_ID)!.exports;
const LATE = 'x86-firecracker-deadline-before-tsc-late-timer.hvtrace';

test('Show Timeline on a timer sample: a LAPIC timer track under vcpu0 and its 19.99991 s late interrupt, from the server', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const uri = vscode.Uri.joinPath(ext.extensionUri, 'sample-traces', LATE);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  await waitForDiagnostics(uri, (ds) =>
    ds.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'HVT041'),
  );
  // The interrupt on line 51 (110.001 s); line 52, its kvm wait_lapic_expire, carries HVT041.
  await vscode.commands.executeCommand('hvtimer.showTimeline', uri.toString(), 51);
  const panel = api().timeline();
  assert.ok(panel);
  assert.equal(panel.uri, uri.toString());
  await waitUntil(
    "the timer sample's overview",
    () => panel.sent.some((m) => m.type === 'overview' && m.overview.uri === uri.toString()),
    30_000,
  );
  const overview = panel.sent.find((m) => m.type === 'overview' && m.overview.uri === uri.toString());
  assert.ok(overview?.type === 'overview');
  assert.deepEqual(
    overview.overview.timers.map((t) => [t.id, t.vcpuRow, t.label, t.counts]),
    [['h/fc/vcpu0/lapic', 'h/fc/vcpu0', 'lapic timer', { armed: 3, deliveries: 2, early: 0, late: 1, lost: 0 }]],
  );
  assert.deepEqual(overview.overview.runRows, ['h/fc/vcpu0']);
  // The webview asks for windows by itself; one of the server's answers holds the late interrupt:
  // delta 41999811000 cycles / 2.1 GHz = 19.99991 s after its deadline, against 1 ms (halted in HLT).
  const late = () =>
    panel.sent
      .flatMap((m) => (m.type === 'window' && m.window.uri === uri.toString() ? m.window.timers.deliveries : []))
      .find((d) => d.line === 51);
  await waitUntil('a window with the late interrupt', () => late() !== undefined, 30_000);
  const d = late()!;
  assert.deepEqual(
    [d.track, d.timeNs, d.verdict, d.latenessNs, d.toleranceNs, d.deadlineNs, d.armedLine, d.judgedLine],
    ['h/fc/vcpu0/lapic', '110001000000', 'late', '19999910000', '1000000', '110001000000', 42, 52],
  );
  // The webview zoomed to line 51 once it was ready (the Show timeline argument).
  await waitUntil(
    'a focusLine message for line 51',
    () => panel.sent.some((m) => m.type === 'focusLine' && m.line === 51),
    30_000,
  );
  // A click on the interrupt posts its line: the editor selects it.
  await panel.handleMessage({ type: 'reveal', line: 51 });
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor);
  assert.equal(editor.document.uri.toString(), uri.toString());
  assert.deepEqual([editor.selection.start.line, editor.selection.end.line], [51, 51]);
}, 90_000);
