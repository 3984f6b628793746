// Diagnostics as published over LSP: content, documentation links, related information, live
// settings, incremental edits, cancellation of obsolete replays, progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, withClient, type LspDiagnostic } from './client';
import { bigTrace, docsUri, lineRange, S7, S7_LINES, uriFor } from './fixtures';

const codes = (ds: LspDiagnostic[]): string[] => ds.map((d) => `${d.code}@${d.range.start.line}`);

test('§7: HVT011 on the by-value restore and HVT010 on the resume point, with links and related information', async () => {
  await withClient(async (client) => {
    const uri = uriFor('diag-s7');
    await client.open(uri, S7);
    const ds = await client.diagnostics(uri, 1);
    assert.deepEqual(codes(ds), ['HVT011@14', 'HVT010@15']);
    const [d11, d10] = ds;

    assert.deepEqual(d11.range, lineRange(S7_LINES, 14));
    assert.equal(d11.severity, 3);
    assert.equal(d11.source, 'hvtimer');
    assert.deepEqual(d11.codeDescription, { href: docsUri('HVT011') });
    // Off1 = 250000025 - 0.6 s × 25 MHz - (500000000 - 5515000000) = 5250000025; the write's offset
    // 5515000000 - 250000225 = 5264999775 is 14999750 ticks larger: the guest is behind.
    assert.match(d11.message, /KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025/);
    assert.match(d11.message, /5264999775/);
    assert.match(d11.message, /14999750 ticks \(599\.99 ms at 25 MHz\) behind/);
    assert.deepEqual(
      d11.relatedInformation?.map((r) => r.location),
      [{ uri, range: lineRange(S7_LINES, 9) }],
    );

    // Line 16 of the spec: CNTVCT 250002725; policy advance expects 249999975 + 0.6001 s × 25 MHz = 265002475.
    assert.deepEqual(d10.range, lineRange(S7_LINES, 15, 0, '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN'.length));
    assert.equal(d10.severity, 2);
    assert.deepEqual(d10.codeDescription, { href: docsUri('HVT010') });
    assert.match(d10.message, /lags by 14999750 ticks \(599\.99 ms at 25 MHz\)/);
    assert.match(d10.message, /265002475/);
    assert.match(d10.message, /250002725/);
    assert.deepEqual(
      d10.relatedInformation?.map((r) => r.location),
      [
        { uri, range: lineRange(S7_LINES, 9) },
        { uri, range: lineRange(S7_LINES, 14) },
      ],
    );
  });
});

test('hvtimer.severity and hvtimer.tolerance apply live (workspace/didChangeConfiguration)', async () => {
  await withClient(async (client) => {
    const uri = uriFor('diag-settings');
    await client.open(uri, S7);
    await client.diagnostics(uri, 1);

    let seen = client.publications(uri).length;
    await client.configure({ severity: { HVT010: 'error', HVT011: 'off' } });
    let ds = await client.nextDiagnostics(uri, seen);
    assert.deepEqual(codes(ds), ['HVT010@15']);
    assert.equal(ds[0].severity, 1);

    // A 1 s tolerance covers the 599.99 ms lag; the severity override is gone with it.
    seen = client.publications(uri).length;
    await client.configure({ tolerance: '1s' });
    ds = await client.nextDiagnostics(uri, seen);
    assert.deepEqual(codes(ds), ['HVT011@14']);

    // 599 ms is below the lag: HVT010 is back.
    seen = client.publications(uri).length;
    await client.configure({ tolerance: '599ms' });
    ds = await client.nextDiagnostics(uri, seen);
    assert.deepEqual(codes(ds), ['HVT011@14', 'HVT010@15']);
  });
});

test('an invalid tolerance setting is logged and ignored', async () => {
  await withClient(async (client) => {
    client.settings = { hvtimer: { tolerance: 'soon' } };
    const uri = uriFor('diag-bad-setting');
    await client.open(uri, S7);
    assert.deepEqual(codes(await client.diagnostics(uri, 1)), ['HVT011@14', 'HVT010@15']);
    const warning = await client.waitFor('a warning about the setting', () =>
      client.logs.find((l) => /hvtimer\.tolerance/.test(l.message)),
    );
    assert.equal(warning.type, 2);
    assert.match(warning.message, /"soon" is not a duration like 154233ns, 1\.5ms or 30s/);
  });
});

test('incremental edits (didChange with ranges) give the same diagnostics as opening the edited text', async () => {
  await withClient(async (client) => {
    const uri = uriFor('diag-incremental');
    await client.open(uri, S7);
    await client.diagnostics(uri, 1);
    let text = S7;
    const edit = async (
      version: number,
      changes: {
        range: { start: { line: number; character: number }; end: { line: number; character: number } };
        text: string;
      }[],
    ): Promise<void> => {
      // Each change applies to the text left by the previous one, as in LSP.
      for (const c of changes) text = applyEdits(text, [{ range: c.range, newText: c.text }]);
      await client.change(uri, version, changes);
    };
    const valueAt = S7_LINES[14].indexOf('value=') + 'value='.length;
    // 1. the restored value: 250000225 -> 265000000
    await edit(2, [
      {
        range: { start: { line: 14, character: valueAt }, end: { line: 14, character: valueAt + 9 } },
        text: '265000000',
      },
    ]);
    // 2. a new guest read after line 8 (CNTVCT at 15 s = 375000000 - 250000025)
    await edit(3, [
      {
        range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } },
        text: '15.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 124999975\n',
      },
    ]);
    // 3. two changes in one event: delete the KVM_GET_ONE_REG line, then change the policy
    await edit(4, [
      { range: { start: { line: 11, character: 0 }, end: { line: 12, character: 0 } }, text: '' },
      { range: { start: { line: 3, character: 23 }, end: { line: 3, character: 30 } }, text: 'freeze' },
    ]);
    // 4. a change spanning lines: join the two dst vCPU creations into one line's worth of text
    await edit(5, [
      {
        range: { start: { line: 12, character: 0 }, end: { line: 13, character: S7_LINES[13].length } },
        text: '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0\n20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1',
      },
    ]);
    const incremental = await client.diagnostics(uri, 5);
    assert.equal(text.split('\n')[3], '@vm vm1 vcpus=2 policy=freeze');

    const fresh = uriFor('diag-incremental-fresh');
    await client.open(fresh, text);
    const expected = await client.diagnostics(fresh, 1);
    const strip = (ds: LspDiagnostic[]) =>
      ds.map((d) => ({
        ...d,
        relatedInformation: d.relatedInformation?.map((r) => ({ ...r, location: { ...r.location, uri: '' } })),
      }));
    assert.deepEqual(strip(incremental), strip(expected));
    // With policy freeze the guest should resume at its stopped value, 249999975; it is at
    // 265000000 + 0.0001 s × 25 MHz = 265002500: a jump ahead.
    assert.deepEqual(codes(incremental), ['HVT011@14', 'HVT010@15']);
    assert.match(incremental[1].message, /jumps ahead by 15002525 ticks/);
  });
});

test('an edit re-parses only the lines it touches and replays from the checkpoint before it', async () => {
  await withClient(async (client) => {
    const uri = uriFor('diag-checkpoint');
    const text = bigTrace(5000); // 5007 lines + a final empty one
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const before = await client.request<{ parsedLines: number; replayedLines: number; lineCount: number }>(
      'hvtimer/replayStats',
      { uri },
    );
    assert.equal(before.lineCount, 5008);
    assert.equal(before.parsedLines, 5008);
    assert.equal(before.replayedLines, 5008);
    // Line 4500 is a vcpu1 read (4500 - 7 = 4493 is odd): make it vcpu0's (same VM-wide offset, same value).
    await client.change(uri, 2, [
      { range: { start: { line: 4500, character: 24 }, end: { line: 4500, character: 25 } }, text: '0' },
    ]);
    await client.diagnostics(uri, 2);
    const after = await client.request<{ parsedLines: number; replayedLines: number; version: number }>(
      'hvtimer/replayStats',
      { uri },
    );
    assert.equal(after.version, 2);
    assert.equal(after.parsedLines - before.parsedLines, 1);
    // Checkpoints every 1000 lines: the replay restarts at line 4000; at the checkpoint of line 5000
    // the model's state equals the previous replay's (later reads of both vCPUs overwrote the
    // difference), so it rejoins that replay there instead of running to the end.
    assert.equal(after.replayedLines - before.replayedLines, 5000 - 4000);
  });
});

// progressAfterMs 0: every replay longer than one chunk reports progress, so the tests know when a
// replay is under way without depending on how fast the machine is.
const PROGRESS_NOW = { progressAfterMs: 0 };

test('a replay made obsolete by a newer edit is abandoned: only the new version is published', async () => {
  await withClient(
    async (client) => {
      const uri = uriFor('diag-obsolete');
      const text = bigTrace(120_000);
      await client.open(uri, text);
      // The replay of version 1 is under way once it reports progress.
      await client.waitFor('progress of the first replay', () => client.progress.find((p) => p.value.kind === 'begin'));
      await client.change(uri, 2, [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } }, text: '# edited' },
      ]);
      await client.diagnostics(uri, 2, 60_000);
      assert.deepEqual(
        client.publications(uri).map((p) => p.version),
        [2],
      );
    },
    undefined,
    PROGRESS_NOW,
  );
});

test('a file that takes more than a moment reports window/workDoneProgress begin, reports and end', async () => {
  await withClient(
    async (client) => {
      // A one-chunk file never does.
      const small = uriFor('diag-progress-small');
      await client.open(small, S7);
      await client.diagnostics(small, 1);
      assert.equal(client.progress.length, 0, 'no progress for a one-chunk file');
      const uri = uriFor('diag-progress');
      await client.open(uri, bigTrace(120_000));
      assert.deepEqual(await client.diagnostics(uri, 1, 60_000), []);
      const end = await client.waitFor('progress end', () => client.progress.find((p) => p.value.kind === 'end'));
      const mine = client.progress.filter((p) => p.token === end.token);
      assert.equal(mine[0].value.kind, 'begin');
      assert.equal(mine[0].value.title, 'hvtimer: replaying trace');
      assert.equal(mine[0].value.message, 'diag-progress.hvtrace');
      const reports = mine.filter((p) => p.value.kind === 'report');
      assert.ok(reports.length >= 1, 'at least one report');
      const pct = reports.map((r) => r.value.percentage!);
      assert.deepEqual(
        pct,
        [...pct].sort((a, b) => a - b),
        'percentages never go back',
      );
      assert.ok(pct.every((p) => p >= 0 && p <= 99));
      assert.match(reports.at(-1)!.value.message!, /^\d+ of 120008 lines$/);
      assert.equal(mine.at(-1)!.value.kind, 'end');
    },
    undefined,
    PROGRESS_NOW,
  );
});

test('closing a document clears its diagnostics', async () => {
  await withClient(async (client) => {
    const uri = uriFor('diag-close');
    await client.open(uri, S7);
    await client.diagnostics(uri, 1);
    const seen = client.publications(uri).length;
    await client.close(uri);
    assert.deepEqual(await client.nextDiagnostics(uri, seen), []);
  });
});

test('a client without workspace/configuration: settings come with didChangeConfiguration', async () => {
  await withClient(
    async (client) => {
      const uri = uriFor('diag-push-settings');
      await client.open(uri, S7);
      await client.diagnostics(uri, 1);
      const seen = client.publications(uri).length;
      await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { hvtimer: { severity: { HVT010: 'off' } } },
      });
      assert.deepEqual(codes(await client.nextDiagnostics(uri, seen)), ['HVT011@14']);
    },
    { textDocument: { publishDiagnostics: { relatedInformation: true } } },
  );
});
