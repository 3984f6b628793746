// Traces VS Code does not synchronise (issue #17, protocol/largeFiles.ts): the server reads the file
// named by hvtimer/openLargeFile from disk, publishes its diagnostics, answers the timeline and the
// Replay State for it, reads it again when it changes on disk, and forgets it on
// hvtimer/closeLargeFile. And while a large trace replays, a hover far ahead of the replay answers
// at once instead of waiting for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withClient } from './client';
import {
  CLOSE_LARGE_FILE,
  LARGE_FILE_CHANGED,
  OPEN_LARGE_FILE,
  type LargeFileChangedParams,
  type OpenLargeFileResult,
} from '../../protocol/largeFiles';
import { STATE_AT, TIMELINE_OVERVIEW, type StateAtResult, type TimelineOverviewResult } from '../../protocol/requests';
import { generateTrace } from '../../bench/generate';

const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-large-'));

test('a trace the editor does not synchronise: read from disk, analysed, re-read on change, closed', async () => {
  await withClient(async (client) => {
    const file = path.join(dir, 'big.hvtrace');
    // The benchmark's clean arm64 fleet, 3000 lines (the server does not look at the size).
    const clean = generateTrace(3000);
    writeFileSync(file, `${clean}\n`);
    const uri = pathToFileURL(file).href;
    const changed: LargeFileChangedParams[] = [];
    client.connection.onNotification(LARGE_FILE_CHANGED, (p: LargeFileChangedParams) => {
      changed.push(p);
    });

    const opened = await client.request<OpenLargeFileResult>(OPEN_LARGE_FILE, { uri });
    // 3000 lines and the empty line after the final newline.
    assert.deepEqual(
      { ...opened, version: 0 },
      { uri, bytes: Buffer.byteLength(`${clean}\n`), lineCount: 3001, version: 0 },
    );
    const version = (opened as { version: number }).version;
    assert.ok(version < 0, 'a version no editor uses');
    assert.deepEqual(await client.diagnostics(uri, version), []);
    const state = await client.request<StateAtResult>(STATE_AT, { uri, line: 2999 });
    assert.equal(state.line, 2999);
    const overview = await client.request<TimelineOverviewResult>(TIMELINE_OVERVIEW, { uri });
    assert.equal(overview.uri, uri);
    assert.ok(overview.rows.length > 0);

    // A change on disk: line 2002 (0-based 2001) is a guest read; a counter of 1 goes back in time.
    const lines = clean.split('\n');
    assert.match(lines[2001], /guest read CNTVCT_EL0 = \d+$/);
    lines[2001] = lines[2001].replace(/= \d+$/, '= 1');
    const seen = client.publications(uri).length;
    writeFileSync(file, `${lines.join('\n')}\n`);
    const after = await client.nextDiagnostics(uri, seen);
    assert.deepEqual(
      after.map((d) => `${d.code}@${d.range.start.line}`),
      ['HVT001@2001', 'HVT093@2001'],
    );
    await client.waitFor('largeFileChanged', () => changed.at(-1));
    assert.equal(changed.at(-1)!.uri, uri);
    assert.equal(changed.at(-1)!.lineCount, 3001);

    // Closed: its diagnostics are cleared.
    const before = client.publications(uri).length;
    await client.connection.sendNotification(CLOSE_LARGE_FILE, { uri });
    assert.deepEqual(await client.nextDiagnostics(uri, before), []);
    assert.equal(await client.request(STATE_AT, { uri, line: 0 }), null);
  });
});

test('a file that cannot be read is answered with why', async () => {
  await withClient(async (client) => {
    const uri = pathToFileURL(path.join(dir, 'missing.hvtrace')).href;
    const r = await client.request<OpenLargeFileResult>(OPEN_LARGE_FILE, { uri });
    assert.deepEqual(r, { uri, error: `cannot read ${path.join(dir, 'missing.hvtrace')}: ENOENT` });
  });
});

test('while 300 000 lines replay, a hover far ahead of the replay answers at once (empty), one near the top with the state', async () => {
  await withClient(async (client) => {
    const file = path.join(dir, 'replaying.hvtrace');
    writeFileSync(file, generateTrace(300_000));
    const uri = pathToFileURL(file).href;
    const opened = await client.request<OpenLargeFileResult>(OPEN_LARGE_FILE, { uri });
    assert.ok(!('error' in opened));
    // The replay has just started (it takes seconds): line 299000 is far ahead of it.
    const far = await client.request<unknown>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 299_000, character: 20 },
    });
    assert.equal(far, null);
    // Line 10 (a guest read on vcpu3 of vm1 on host a) is replayed at once or very soon: the state is shown.
    const near = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 10, character: 2 },
    });
    assert.ok(near && /vm1/.test(near.contents.value), JSON.stringify(near));
    assert.deepEqual(await client.diagnostics(uri, opened.version, 120_000), []);
  });
});
