import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateTrace } from '../../../bench/generate';
import { Analysis } from '../analysis';
import { buildTimelineIndex } from './testing';
import { reduceSeries, timelineWindow } from './window';

const BY_VALUE = readFileSync(
  path.resolve(__dirname, '../../../sample-traces/arm64-migration-by-value.hvtrace'),
  'utf8',
);
const ALL = { fromNs: 0n, toNs: 100_000_000_000n, maxMarkers: 2000, maxSamples: 2000 };

test('every statement of the range as a marker, with its row, actor, text and worst finding', () => {
  const a = new Analysis(BY_VALUE);
  const w = timelineWindow(buildTimelineIndex(a), a.doc, a.diagnostics(), ALL);
  // Clamped to the trace: first statement 10 s, last 21 s.
  assert.deepEqual([w.fromNs, w.toNs, w.reduced], ['10000000000', '21000000000', false]);
  assert.equal(w.markers.length, 16);
  assert.deepEqual(w.clusters, []);
  const m = (line: number) => w.markers.find((x) => x.line === line)!;
  assert.deepEqual(m(15), {
    line: 15,
    timeNs: '10000000000',
    row: 'src/vm1',
    actor: 'ioctl',
    op: 'KVM_CREATE_VCPU',
    text: '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    severity: null,
  });
  assert.deepEqual(
    [m(28).severity, m(30).severity, m(30).row, m(34).actor, m(34).text],
    [
      'info',
      'warning',
      'dst/vm1/vcpu0',
      'vmm',
      '21.000000000 dst/vm1 vmm note guest NTP will step CLOCK_REALTIME forward by about 0.6 s',
    ],
  );
  assert.deepEqual(
    w.findings.map((f) => [f.line, f.timeNs, f.row, f.code, f.severity]),
    [
      [28, '20600000000', 'dst/vm1/vcpu0', 'HVT011', 'info'],
      [30, '20600100000', 'dst/vm1/vcpu0', 'HVT010', 'warning'],
      [32, '20600150000', 'dst/vm1/vcpu1', 'HVT010', 'warning'],
    ],
  );
  assert.deepEqual(
    w.clockError['vm1/vcpu0'].map((p) => [p.line, p.errorTicks, p.errorNs]),
    [
      [17, '0', '0'],
      [21, '0', '0'],
      [30, '-14999750', '-599990000'],
      [34, '-14999750', '-599990000'],
    ],
  );
});

test('a narrow range: its markers, and the chart samples just outside it so the lines reach the edges', () => {
  const a = new Analysis(BY_VALUE);
  const w = timelineWindow(buildTimelineIndex(a), a.doc, a.diagnostics(), {
    ...ALL,
    fromNs: 20_500_000_000n,
    toNs: 20_600_100_000n,
  });
  assert.deepEqual(
    w.markers.map((m) => m.line),
    [24, 25, 28, 30],
  );
  assert.deepEqual(
    w.clockError['vm1/vcpu0'].map((p) => p.line),
    [21, 30, 34],
  );
  assert.deepEqual(
    w.findings.map((f) => f.line),
    [28, 30],
  );
});

test('past the bound: per-row clusters that count every statement, within maxMarkers', () => {
  const a = new Analysis(BY_VALUE);
  const w = timelineWindow(buildTimelineIndex(a), a.doc, a.diagnostics(), { ...ALL, maxMarkers: 6 });
  assert.equal(w.reduced, true);
  assert.deepEqual(w.markers, []);
  assert.ok(w.clusters.length <= 6, `${w.clusters.length} clusters`);
  assert.equal(
    w.clusters.reduce((n, c) => n + c.count, 0),
    16,
  );
  const worst = w.clusters.find((c) => c.row === 'dst/vm1/vcpu0' && c.severity === 'warning');
  assert.ok(worst, 'the cluster holding line 30 carries its warning');
  assert.ok(worst.firstLine <= 30 && worst.lastLine >= 30);
});

test('a 20k-line trace in one window stays within the bounds', () => {
  const a = new Analysis(generateTrace(20_000));
  const index = buildTimelineIndex(a);
  const w = timelineWindow(index, a.doc, a.diagnostics(), {
    fromNs: 0n,
    toNs: 10n ** 15n,
    maxMarkers: 2000,
    maxSamples: 2000,
  });
  assert.ok(w.markers.length + w.clusters.length <= 2000);
  assert.equal(w.markers.length + w.clusters.reduce((n, c) => n + c.count, 0), index.statementCount);
  for (const points of [...Object.values(w.clockError), ...Object.values(w.stolen)])
    assert.ok(points.length <= 2000, `${points.length} samples`);
  assert.ok(w.waits.length <= 2000);
  assert.equal(
    w.waits.reduce((n, x) => n + x.count, 0),
    index.waits.length,
  );
});

test('reduceSeries keeps the lowest and highest point of each bucket, so a jump survives', () => {
  // 100 points at t = 0..99, value 0 except one dip to -50 at t = 42.
  const points = Array.from({ length: 100 }, (_, i) => ({ t: BigInt(i), v: i === 42 ? -50n : 0n }));
  const r = reduceSeries(points, (p) => p.v, 0n, 99n, 10);
  assert.equal(r.reduced, true);
  assert.ok(r.points.length <= 10);
  assert.ok(r.points.some((p) => p.v === -50n && p.t === 42n));
  // Within the bound nothing is dropped; the nearest points outside the range are added.
  assert.deepEqual(
    reduceSeries(points, (p) => p.v, 10n, 12n, 10).points.map((p) => p.t),
    [9n, 10n, 11n, 12n, 13n],
  );
});
