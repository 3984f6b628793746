// A capture `hvtimer record` made of the test VMM (test/kvm/fixtures/restore-100ms.trace: x86_64,
// kvm_pvm, 2.1 GHz, trace clock x86-tsc) in the real extension host: it opens as a capture, its
// findings sit on the capture's own uprobe lines, and the server's timelineWindow answer holds the
// ioctls as markers with their values, at the time KVM acted. Numbers: engine/src/import/
// uprobeStatements.test.ts works them out from the same lines.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HvtimerApi } from '../../../client/src/extension';
import type { TimelineWindowResult } from '../../../protocol/requests';
import { test } from './harness';
import { closeEverything, codeOf, EXTENSION_ID, waitForDiagnostics, waitUntil } from './helpers';

const CAPTURE = 'test/kvm/fixtures/restore-100ms.trace';
const api = (): HvtimerApi => vscode.extensions.getExtension<HvtimerApi>(EXTENSION_ID)!.exports;

test('a recorded capture opens with its findings on its own uprobe lines', async () => {
  const uri = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, CAPTURE);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  assert.equal(doc.languageId, 'hvtimer-capture');
  const lines = doc.getText().split('\n');
  // vcpu1's KVM_SET_MSRS (fd 6) of the same IA32_TSC 100 ms later: KVM matched it (HVT023), on its entry line.
  const set1 = lines.findIndex((l) =>
    l.includes('hvt_KVM_SET_MSRS: (0x7f6da3c2cd30) fd=6 req=0x4008ae89 nmsrs=1 msrs={0x10,0x1cbe991a14,'),
  );
  // vcpu0's KVM_GET_MSRS read the host TSC (PVM): HVT093 on the return-site line that carries the value.
  const get0 = lines.findIndex((l) =>
    l.includes('hvt_KVM_GET_MSRS_ret: (0x7f6da3c2cd6b) fd=5 req=0xc008ae88 ret=1 nmsrs=1 msrs={0x10,0x30a5c6539e4,'),
  );
  assert.ok(set1 > 0 && get0 > set1);
  const ds = await waitForDiagnostics(
    uri,
    (d) => d.some((x) => codeOf(x) === 'HVT023') && d.some((x) => codeOf(x) === 'HVT093'),
    60_000,
  );
  assert.deepEqual(
    ds.filter((x) => codeOf(x) === 'HVT023').map((x) => x.range.start.line),
    [set1],
  );
  assert.ok(ds.some((x) => codeOf(x) === 'HVT093' && x.range.start.line === get0));
  assert.match(
    ds.find((x) => codeOf(x) === 'HVT023')!.message,
    /KVM matched this IA32_TSC=123456789012 write on vcpu1 of vm on vm/,
  );
}, 90_000);

test('the timeline of a recorded capture has its ioctls as markers, with their values, when KVM acted', async () => {
  const uri = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, CAPTURE);
  await vscode.commands.executeCommand('hvtimer.showTimeline', uri.toString());
  const panel = api().timeline();
  assert.ok(panel);
  await waitUntil(
    'the overview of the capture',
    () =>
      panel.uri === uri.toString() &&
      panel.sent.some((m) => m.type === 'overview' && m.overview.uri === uri.toString()),
    30_000,
  );
  // The whole recording: from the first KVM_CREATE_VM (1591.819106620 s) to the last GET (1591.921332972 s).
  await panel.handleMessage({
    type: 'requestWindow',
    seq: 9001,
    fromNs: '1591800000000',
    toNs: '1592000000000',
    maxMarkers: 2000,
    maxSamples: 200,
  });
  await waitUntil(
    'the answer to the window request',
    () => panel.sent.some((m) => m.type === 'window' && m.seq === 9001),
    30_000,
  );
  const sent = panel.sent.find((m) => m.type === 'window' && m.seq === 9001);
  const window = (sent as { window: TimelineWindowResult }).window;
  const ioctls = window.markers
    .filter((m) => m.actor === 'ioctl')
    .map((m) => [m.timeNs, m.row, m.text.replace(/^\S+ \S+ ioctl /, '')]);
  assert.deepEqual(ioctls, [
    ['1591819106620', 'vm/vm', 'KVM_CREATE_VM -> 4'],
    ['1591820009315', 'vm/vm', 'KVM_CREATE_VCPU id=0'],
    ['1591820553818', 'vm/vm', 'KVM_CREATE_VCPU id=1'],
    // Stamped with the kvm_write_tsc_offset each caused (3342823987518 / 2.1 ns and 3343034427784 / 2.1 ns).
    ['1591820946437', 'vm/vm/vcpu0', 'KVM_SET_MSRS IA32_TSC=123456789012 -> 1'],
    ['1591921156087', 'vm/vm/vcpu1', 'KVM_SET_MSRS IA32_TSC=123456789012 -> 1'],
    // At their entry with the call's latency.
    ['1591921265827', 'vm/vm/vcpu0', 'KVM_GET_MSRS IA32_TSC took=28312ns -> IA32_TSC=3343034694116'],
    ['1591921332972', 'vm/vm/vcpu1', 'KVM_GET_MSRS IA32_TSC took=31030ns -> IA32_TSC=3343034838850'],
  ]);
  // Each marker points at the capture's line the statement came from: the SET's uprobe entry line.
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
  const set0 = window.markers.find((m) => m.text.includes('vcpu0 ioctl KVM_SET_MSRS'))!;
  assert.match(
    doc.lineAt(set0.line).text,
    /hvt_KVM_SET_MSRS: \(0x7f6da3c2cd30\) fd=5 req=0x4008ae89 nmsrs=1 msrs=\{0x10,0x1cbe991a14,/,
  );
}, 90_000);

test('recorded capture tests leave no editor or timeline panel open', async () => {
  await closeEverything();
  await waitUntil('the timeline panel disposed with its tab', () => api().timeline() === undefined);
});
