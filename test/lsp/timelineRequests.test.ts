// hvtimer/timelineOverview, hvtimer/timelineWindow, hvtimer/stateChange and hvtimer/report
// (protocol/requests.ts): what the timeline webview and the replay commands ask the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateTrace } from '../../bench/generate';
import type {
  ReplayStatsResult,
  ReportResult,
  StateChangeResult,
  TimelineOverviewResult,
  TimelineWindowResult,
} from '../../protocol/requests';
import { withClient } from './client';
import { uriFor } from './fixtures';

const BY_VALUE = readFileSync(path.resolve(__dirname, '../../sample-traces/arm64-migration-by-value.hvtrace'), 'utf8');

test('hvtimer/timelineOverview: extent, rows with phases, the handoff, series, findings', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-overview');
    await client.open(uri, BY_VALUE);
    await client.diagnostics(uri, 1);
    const o = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri });
    assert.deepEqual(
      [o.uri, o.version, o.name, o.lineCount, o.statementCount],
      [uri, 1, 'tl-overview.hvtrace', 36, 16],
    );
    assert.deepEqual(o.extent, { startNs: '10000000000', endNs: '21000000000', firstLine: 15, lastLine: 34 });
    assert.deepEqual(
      o.rows.map((r) => r.label),
      ['vm1 on src', 'vcpu0', 'vcpu1', 'vm1 on dst', 'vcpu0', 'vcpu1'],
    );
    assert.deepEqual(
      o.handoffs.map((h) => [h.from, h.to, h.stopNs, h.resumeNs]),
      [['src/vm1', 'dst/vm1', '20000000000', '20600100000']],
    );
    assert.deepEqual(o.findings, { error: 0, warning: 2, info: 1, hint: 0 });
    assert.equal(o.lineIndex.length, 16);
    assert.equal(await client.request('hvtimer/timelineOverview', { uri: uriFor('not-open') }), null);
  });
});

test('hvtimer/timelineWindow: markers, findings and clock error of a time range, every u64 a string', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-window');
    await client.open(uri, BY_VALUE);
    const w = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: '20500000000',
      toNs: '21000000000',
    });
    assert.deepEqual(
      w.markers.map((m) => [m.line, m.row, m.severity]),
      [
        [24, 'dst/vm1', null],
        [25, 'dst/vm1', null],
        [28, 'dst/vm1/vcpu0', 'info'],
        [30, 'dst/vm1/vcpu0', 'warning'],
        [32, 'dst/vm1/vcpu1', 'warning'],
        [33, 'dst/vm1/vcpu0', null],
        [34, 'dst/vm1', null],
      ],
    );
    const resume = w.clockError['vm1/vcpu0'].find((p) => p.line === 30)!;
    assert.deepEqual(
      [resume.errorTicks, resume.errorNs, resume.guest, resume.expected],
      ['-14999750', '-599990000', '250002725', '265002475'],
    );
    await assert.rejects(
      client.request('hvtimer/timelineWindow', { uri, fromNs: 1.5, toNs: '2' }),
      (e: { code?: number }) => e.code === -32602,
    );
  });
});

test('hvtimer/timelineWindow on 60k lines: at most 2000 markers and 2000 samples per vCPU, however wide the range', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-bounded');
    await client.open(uri, generateTrace(60_000));
    const o = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri });
    assert.equal(o.lineIndex.length, 2000);
    const w = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: o.extent!.startNs,
      toNs: o.extent!.endNs,
      maxMarkers: 5000,
    });
    assert.equal(w.reduced, true);
    assert.ok(
      w.markers.length + w.clusters.length <= 2000,
      `${w.markers.length} markers + ${w.clusters.length} clusters`,
    );
    assert.equal(
      w.clusters.reduce((n, c) => n + c.count, 0),
      o.statementCount,
    );
    for (const [id, points] of [...Object.entries(w.clockError), ...Object.entries(w.stolen)])
      assert.ok(points.length <= 2000, `${id}: ${points.length}`);
    assert.ok(w.waits.length <= 2000);
  });
});

test('once the timeline is in use, a trace opened afterwards builds its index along the diagnostics replay, not in a second one (issue #17)', async () => {
  await withClient(async (client) => {
    const text = generateTrace(30_000); // the benchmark's arm64 fleet: 4 vCPUs, a migration every 20000 steps
    const first = uriFor('tl-ride-first');
    await client.open(first, text);
    await client.diagnostics(first, 1);
    await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri: first });
    // Opened before any timeline was asked for: the index replayed the whole trace a second time.
    const before = await client.request<ReplayStatsResult>('hvtimer/replayStats', { uri: first });
    assert.deepEqual([before.lineCount, before.replayedLines, before.rangeReplayedLines], [30_000, 30_000, 30_000]);
    const second = uriFor('tl-ride-second');
    await client.open(second, text);
    await client.diagnostics(second, 1);
    const o = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri: second });
    const after = await client.request<ReplayStatsResult>('hvtimer/replayStats', { uri: second });
    assert.deepEqual([after.lineCount, after.replayedLines, after.rangeReplayedLines], [30_000, 30_000, 0]);
    // The same timeline: 30000 lines less the 4 directives; vm1 on a, then on b after the migration at step 20000.
    assert.equal(o.statementCount, 29_996);
    assert.deepEqual(
      o.rows.map((r) => r.label),
      ['vm1 on a', 'vcpu0', 'vcpu1', 'vcpu2', 'vcpu3', 'vm1 on b', 'vcpu0', 'vcpu1', 'vcpu2', 'vcpu3'],
    );
    assert.equal(o.handoffs.length, 1);
    const reference = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri: first });
    assert.deepEqual({ ...o, uri: '', name: '' }, { ...reference, uri: '', name: '' });
  });
});

test('hvtimer/stateChange steps through the lines that change the state', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-step');
    await client.open(uri, BY_VALUE);
    const step = (line: number, direction: 'next' | 'previous') =>
      client.request<StateChangeResult>('hvtimer/stateChange', { uri, line, direction });
    assert.deepEqual(await step(25, 'next'), { uri, version: 1, line: 28, what: 'counter write' });
    assert.deepEqual(await step(28, 'previous'), { uri, version: 1, line: 25, what: 'vCPU created' });
    assert.equal((await step(32, 'next')).line, null);
  });
});

test('hvtimer/report: the findings, a per-VM summary and its Markdown', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-report');
    await client.open(uri, BY_VALUE);
    const r = await client.request<ReportResult>('hvtimer/report', { uri });
    assert.deepEqual(
      [r.report.vcpuCount, r.report.migrationCount, r.report.findingsBySeverity],
      [2, 1, { error: 0, warning: 2, info: 1, hint: 0 }],
    );
    assert.match(r.markdown, /^# hvtimer report: tl-report\.hvtrace\n/);
    assert.match(r.markdown, /\| 31 \| 20\.600100000 s \| HVT010 \| warning \| /);
  });
});

test('after an edit the timeline requests answer for the new version', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-edit');
    await client.open(uri, BY_VALUE);
    const first = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: '20500000000',
      toNs: '21000000000',
    });
    assert.equal(first.clockError['vm1/vcpu0'].find((p) => p.line === 30)!.errorTicks, '-14999750');
    // Restore the idempotent offset: 250000025 - 0.6 s × 25 MHz - (500000000 - 5515000000) = 5250000025.
    const line28 = BY_VALUE.split('\n')[28];
    await client.change(uri, 2, [
      {
        range: { start: { line: 28, character: 0 }, end: { line: 28, character: line28.length } },
        text: '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
      },
    ]);
    const o = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri });
    assert.equal(o.version, 2);
    // HVT010 ×2 and HVT011 are gone; the by-value read at line 34 is now HVT093 (the model says
    // 274999975) and the offset is also a physical one, trapped without CNTPOFF (HVT004, info).
    assert.deepEqual(o.findings, { error: 0, warning: 1, info: 1, hint: 0 });
    const w = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: '20500000000',
      toNs: '21000000000',
    });
    // G_after = C_dst(20.6001 s) 5515002500 - 5250000025 = 265002475 = expected.
    const resume = w.clockError['vm1/vcpu0'].find((p) => p.line === 30)!;
    assert.deepEqual([resume.errorTicks, resume.guest, resume.expected], ['0', '265002475', '265002475']);
  });
});
