// Kernel captures opened in the editor (server/src/captures.ts): the server converts them in memory
// and every position it returns is on the capture's own lines. The capture is the x86 sample
// (sample-traces/captures/x86-restore-vcpus-apart.trace); its findings are worked out in
// engine/src/import/roundtrip-x86.test.ts, and the line numbers here are found by reading the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withClient, type LspDiagnostic, type TestClient } from './client';

const CAPTURE = readFileSync(
  path.resolve(__dirname, '../../sample-traces/captures/x86-restore-vcpus-apart.trace'),
  'utf8',
);
const LINES = CAPTURE.split('\n');
const lineOf = (...parts: string[]): number => {
  const i = LINES.findIndex((l) => parts.every((p) => l.includes(p)));
  assert.ok(i >= 0, parts.join(' '));
  return i;
};
const RESTORE = lineOf('vmm restore');
const lineAfterRestore = (...parts: string[]): number =>
  RESTORE + LINES.slice(RESTORE).findIndex((l) => parts.every((p) => l.includes(p)));
const WRITE0 = lineOf('vcpu0 ioctl KVM_SET_MSRS');
const WRITE1 = lineOf('vcpu1 ioctl KVM_SET_MSRS');
const RUN0 = lineAfterRestore('kvm_entry', 'vcpu 0, rip 0xffffffff8108aca7');
const RUN1 = lineAfterRestore('kvm_entry', 'vcpu 1, rip 0xffffffff8108aca7');
const EFER = lineOf('msr_write c0000080');
const whole = (line: number) => ({ start: { line, character: 0 }, end: { line, character: LINES[line].length } });

function open(client: TestClient, uri: string, text: string, languageId = 'hvtimer-capture'): Promise<void> {
  return client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId, version: 1, text },
  });
}
const findings = (ds: LspDiagnostic[]): string[] =>
  ds.filter((d) => d.code !== undefined && d.code !== 'HVT091').map((d) => `${d.code}@${d.range.start.line}`);

test('a capture gets its diagnostics on its own lines, and the events it did not use dimmed', async () => {
  await withClient(async (client) => {
    const uri = 'file:///tmp/hvtimer-lsp/x86-restore.trace';
    await open(client, uri, CAPTURE);
    const ds = await client.diagnostics(uri, 1);
    assert.deepEqual(findings(ds), [`HVT011@${WRITE0}`, `HVT011@${WRITE1}`, `HVT002@${RUN0}`, `HVT010@${RUN1}`]);
    const hvt010 = ds.find((d) => d.code === 'HVT010')!;
    assert.deepEqual(hvt010.range, whole(RUN1));
    // related: the pause marker and vcpu1's write, on the capture's lines
    assert.deepEqual(
      hvt010.relatedInformation?.map((r) => r.location.range.start.line),
      [lineOf('vmm pause'), WRITE1],
    );
    const dimmed = ds.filter((d) => d.tags?.includes(1));
    assert.deepEqual(
      dimmed.map((d) => [d.range.start.line, d.range.end.line, d.severity, d.message]),
      [[EFER, EFER, 4, 'hvtimer keeps this event as a note: it does not change the model']],
    );
  });
});

test('hover, Replay State (stateAt), state changes and the timeline overview answer with capture lines', async () => {
  await withClient(async (client) => {
    const uri = 'file:///tmp/hvtimer-lsp/x86-restore-2.trace';
    await open(client, uri, CAPTURE);
    await client.diagnostics(uri, 1);
    const hover = await client.request<{ contents: { value: string }; range: unknown } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: WRITE1, character: 40 },
    });
    assert.ok(hover);
    assert.deepEqual(hover.range, whole(WRITE1));
    assert.match(hover.contents.value, /IA32_TSC/);
    // an ignored line has nothing to hover
    assert.equal(
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }),
      null,
    );

    const state = await client.request<{
      line: number;
      replayJson: { vms: Record<string, { vcpus: Record<string, { tsc_offset: string | null }> }> };
    }>('hvtimer/stateAt', { uri, line: RUN1 });
    assert.equal(state.line, RUN1);
    // after the restore: vcpu0 offset 2^64 − 20e9, vcpu1 2^64 − 22.4e9 (engine/src/import/roundtrip-x86.test.ts)
    assert.deepEqual(
      Object.values(state.replayJson.vms.vm1.vcpus).map((v) => v.tsc_offset),
      ['18446744053709551616', '18446744051309551616'],
    );

    const next = await client.request<{ line: number | null }>('hvtimer/stateChange', {
      uri,
      line: WRITE0,
      direction: 'next',
    });
    assert.ok(next.line !== null && next.line > WRITE0 && next.line < LINES.length, `${next.line}`);

    const overview = await client.request<{ lineCount: number; extent: { firstLine: number; lastLine: number } }>(
      'hvtimer/timelineOverview',
      { uri },
    );
    assert.equal(overview.lineCount, LINES.length);
    assert.equal(overview.extent.lastLine, lineOf('apicid 1 vec 236') + 1);
    // quick fixes edit the generated trace, not the capture: none on a capture
    assert.deepEqual(
      await client.request('textDocument/codeAction', {
        textDocument: { uri },
        range: whole(WRITE1),
        context: { diagnostics: [] },
      }),
      [],
    );
  });
});

test('hvtimer/convertCapture gives the converted trace and its counts; a plain-text capture is recognised by its content', async () => {
  await withClient(async (client) => {
    const uri = 'file:///tmp/hvtimer-lsp/capture.txt';
    await open(client, uri, CAPTURE.split('\n').slice(1).join('\n'), 'plaintext');
    await client.diagnostics(uri, 1);
    const r = await client.request<{ text: string; counts: Record<string, number> }>('hvtimer/convertCapture', { uri });
    assert.match(r.text, /^@hvtrace 1\n/);
    assert.deepEqual(r.counts, { statements: 48, notes: 2, ignored: 0, unreadable: 0 });
  });
});

test('a document that is not a trace: one warning on its first line saying what it looks like', async () => {
  await withClient(async (client) => {
    const uri = 'file:///tmp/hvtimer-lsp/stat.ftrace';
    await open(
      client,
      uri,
      ' Event                                         Total %Total CurAvg/s\n kvm_entry                                  1934123   25.1     9120\n',
    );
    const ds = await client.diagnostics(uri, 1);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].severity, 2);
    assert.deepEqual(ds[0].range.start, { line: 0, character: 0 });
    assert.match(ds[0].message, /^stat\.ftrace is not a kernel trace: it looks like a kvm_stat table/);
    const r = await client.request<{ error: string }>('hvtimer/convertCapture', { uri });
    assert.match(r.error, /kvm_stat table/);
  });
});

test('an edit to the capture converts it again: the finding moves with its line', async () => {
  await withClient(async (client) => {
    const uri = 'file:///tmp/hvtimer-lsp/x86-restore-3.trace';
    await open(client, uri, CAPTURE);
    await client.diagnostics(uri, 1);
    // Insert a comment line at the top: every finding moves down by one.
    await client.change(uri, 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# a note\n' },
    ]);
    const ds = await client.diagnostics(uri, 2);
    assert.deepEqual(findings(ds), [
      `HVT011@${WRITE0 + 1}`,
      `HVT011@${WRITE1 + 1}`,
      `HVT002@${RUN0 + 1}`,
      `HVT010@${RUN1 + 1}`,
    ]);
  });
});
