import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../analysis';
import { buildTimelineIndex } from './testing';
import { TimelineIndexBuilder } from './timelineIndex';

const sample = (name: string): Analysis =>
  new Analysis(readFileSync(path.resolve(__dirname, '../../../sample-traces', name), 'utf8'));
const phases = (intervals: { phase: string; fromNs: string; toNs: string }[]): string[] =>
  intervals.map((i) => `${i.phase} ${i.fromNs}..${i.toNs}`);

// arm64-migration-by-value.hvtrace (0-based lines): CREATE_VCPU 15/16, KVM_RUN 17/18, pause 21,
// migrate 23, dst CREATE_VCPU 24/25, TIMER_CNT write 28, resume points 30 (vcpu0) and 32 (vcpu1).
test('rows: one per instance and per vCPU, with the phases of each over reference time', () => {
  const index = buildTimelineIndex(sample('arm64-migration-by-value.hvtrace'));
  assert.deepEqual(
    index.rows.map((r) => [r.id, r.kind, r.label, r.origin]),
    [
      ['src/vm1', 'instance', 'vm1 on src', 'fresh'],
      ['src/vm1/vcpu0', 'vcpu', 'vcpu0', 'fresh'],
      ['src/vm1/vcpu1', 'vcpu', 'vcpu1', 'fresh'],
      ['dst/vm1', 'instance', 'vm1 on dst', 'migration'],
      ['dst/vm1/vcpu0', 'vcpu', 'vcpu0', 'migration'],
      ['dst/vm1/vcpu1', 'vcpu', 'vcpu1', 'migration'],
    ],
  );
  const row = (id: string): string[] => phases(index.rows.find((r) => r.id === id)!.intervals);
  // src: created at 10 s, runs from the first KVM_RUN (10.0001 s) to the pause (20 s), paused until
  // the migrate (20.00002 s), after which the guest is gone from it (its last statement: no interval).
  assert.deepEqual(row('src/vm1'), [
    'setup 10000000000..10000100000',
    'running 10000100000..20000000000',
    'paused 20000000000..20000020000',
  ]);
  assert.deepEqual(row('src/vm1/vcpu1'), [
    'setup 10000001000..10000150000',
    'running 10000150000..20000000000',
    'paused 20000000000..20000020000',
  ]);
  // dst: set up from its first statement (20.5 s) until vcpu0's resume point, then running to the end (21 s).
  assert.deepEqual(row('dst/vm1'), ['setup 20500000000..20600100000', 'running 20600100000..21000000000']);
  assert.deepEqual(row('dst/vm1/vcpu1'), ['setup 20500001000..20600150000', 'running 20600150000..21000000000']);
});

test('the handoff of a migration: from the pause (G_before) to the first resume point on the destination', () => {
  const index = buildTimelineIndex(sample('arm64-migration-by-value.hvtrace'));
  assert.deepEqual(index.handoffs, [
    {
      kind: 'migrate',
      vm: 'vm1',
      from: 'src/vm1',
      to: 'dst/vm1',
      stopLine: 21,
      stopNs: '20000000000',
      line: 23,
      timeNs: '20000020000',
      resumeLine: 30,
      resumeNs: '20600100000',
    },
  ]);
});

test('clock error: 0 until the pause, -14999750 ticks (-599.99 ms at 25 MHz) from the resume point on', () => {
  const index = buildTimelineIndex(sample('arm64-migration-by-value.hvtrace'));
  const s = index.series.find((x) => x.id === 'vm1/vcpu0')!;
  assert.equal(s.counterName, 'CNTVCT');
  // Only where the error changes (first and last point of each run): line 17 (first run, anchor
  // 250002500 - 250000025 = 2475), 21 (pause: G_before 249999975), 30 (resume: expected
  // 249999975 + 0.6001 s × 25 MHz = 265002475 against 250002725), 34 (the last statement).
  assert.deepEqual(
    s.clockError.map((p) => [p.line, p.t, p.instance, p.guest, p.expected, p.error, p.errorNs]),
    [
      [17, 10_000_100_000n, 'src/vm1', 2475n, 2475n, 0n, 0n],
      [21, 20_000_000_000n, 'src/vm1', 249_999_975n, 249_999_975n, 0n, 0n],
      [30, 20_600_100_000n, 'dst/vm1', 250_002_725n, 265_002_475n, -14_999_750n, -599_990_000n],
      [34, 21_000_000_000n, 'dst/vm1', 260_000_225n, 274_999_975n, -14_999_750n, -599_990_000n],
    ],
  );
});

test('stolen time and scheduler waits per guest vCPU, continued across the migration', () => {
  const index = buildTimelineIndex(sample('arm64-pvtime-migration-correct.hvtrace'));
  // vcpu0 waits 3 ms (line 28), 1.5 ms (34), and 2 ms on dst (46): KVM adds each at the next run.
  assert.deepEqual(
    index.waits.map((w) => [w.line, w.row, w.series, w.t, w.duration]),
    [
      [28, 'src/vm1/vcpu0', 'vm1/vcpu0', 12_000_000_000n, 3_000_000n],
      [31, 'src/vm1/vcpu1', 'vm1/vcpu1', 13_000_000_000n, 1_000_000n],
      [34, 'src/vm1/vcpu0', 'vm1/vcpu0', 15_000_000_000n, 1_500_000n],
      [46, 'dst/vm1/vcpu0', 'vm1/vcpu0', 20_200_000_000n, 2_000_000n],
    ],
  );
  const s = index.series.find((x) => x.id === 'vm1/vcpu0')!;
  const changes = s.stolen
    .filter((p, i, all) => i === 0 || p.stolen !== all[i - 1].stolen)
    .map((p) => [p.line, p.instance, p.stolen]);
  assert.deepEqual(changes, [
    [18, 'src/vm1', 0n],
    [29, 'src/vm1', 3_000_000n],
    [35, 'src/vm1', 4_500_000n],
    [48, 'dst/vm1', 6_500_000n],
  ]);
  assert.deepEqual(s.stolen.at(-1)!.waited, 6_500_000n);
});

test('state changes: the lines that change what the replay state shows', () => {
  const index = buildTimelineIndex(sample('arm64-migration-by-value.hvtrace'));
  assert.deepEqual(
    index.stateChanges.map((c) => [c.line, c.what]),
    [
      [15, 'vCPU created'],
      [16, 'vCPU created'],
      [17, 'first KVM_RUN'],
      [18, 'first KVM_RUN'],
      [21, 'pause'],
      [23, 'migrate'],
      [24, 'vCPU created'],
      [25, 'vCPU created'],
      [28, 'counter write'],
      [30, 'resume point, first KVM_RUN'],
      [32, 'resume point, first KVM_RUN'],
    ],
  );
});

test('statements out of time order are found by time all the same', () => {
  const a = new Analysis(
    ['@host h arch=arm64 freq=25MHz', '2.0 h/vm vmm note b', '1.0 h/vm vmm note a', '3.0 h/vm vmm note c'].join('\n'),
  );
  const index = buildTimelineIndex(a);
  assert.deepEqual(
    [...index.byTime].map((i) => index.lines[i]),
    [2, 1, 3],
  );
  assert.equal(index.startNs, 1_000_000_000n);
  assert.equal(index.endNs, 3_000_000_000n);
  assert.equal(index.lowerBound(2_000_000_000n), 1);
  assert.equal(index.upperBound(2_000_000_000n), 2);
  assert.equal(index.timeOfLine(0), null);
  assert.equal(index.timeOfLine(2), 1_000_000_000n);
});

/** A builder fed to the end of `a`, with a checkpoint every `every` lines. */
function fed(a: Analysis, every: number, builder = new TimelineIndexBuilder(a, every)): TimelineIndexBuilder {
  builder.feed(builder.nextLine, a.doc.lineCount - 1);
  return builder;
}

test('after an edit the index is rebuilt from the last checkpoint before it, and the earlier index is left as it was', () => {
  const a = sample('arm64-migration-by-value.hvtrace');
  const before = fed(a, 10);
  const old = before.finish();
  const revision = a.revision;
  // Line 28: restore the idempotent VM-wide offset 5250000025 instead of the by-value TIMER_CNT write.
  const line28 = a.doc.text(28);
  a.edit({
    start: { line: 28, character: 0 },
    end: { line: 28, character: line28.length },
    text: '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
  });
  assert.equal(a.firstChangeSince(revision), 28);
  const resumed = TimelineIndexBuilder.resume(a, before, a.firstChangeSince(revision));
  assert.equal(resumed.nextLine, 20); // the checkpoint before line 28
  const index = fed(a, 10, resumed).finish();
  // G_after at 20.6001 s = C_dst 5515002500 - 5250000025 = 265002475 = expected: no error any more;
  // at 21 s 5525000000 - 5250000025 = 274999975 = expected 249999975 + 1 s × 25 MHz. (Points are
  // kept where the error or the instance changes: the last on src at the pause, the first on dst.)
  const s = index.series.find((x) => x.id === 'vm1/vcpu0')!;
  assert.deepEqual(
    s.clockError.map((p) => [p.line, p.instance, p.guest, p.error]),
    [
      [17, 'src/vm1', 2475n, 0n],
      [21, 'src/vm1', 249_999_975n, 0n],
      [30, 'dst/vm1', 265_002_475n, 0n],
      [34, 'dst/vm1', 274_999_975n, 0n],
    ],
  );
  assert.deepEqual(
    index.stateChanges.filter((c) => c.line >= 28).map((c) => [c.line, c.what]),
    [
      [28, 'counter offset'],
      [30, 'resume point, first KVM_RUN'],
      [32, 'resume point, first KVM_RUN'],
    ],
  );
  assert.deepEqual(index, buildTimelineIndex(new Analysis(a.doc.getText())));
  // The index of the earlier version still says what it said.
  assert.deepEqual(
    old.series.find((x) => x.id === 'vm1/vcpu0')!.clockError.map((p) => [p.line, p.error]),
    [
      [17, 0n],
      [21, 0n],
      [30, -14_999_750n],
      [34, -14_999_750n],
    ],
  );
  assert.equal(old.stateChanges.find((c) => c.line === 28)?.what, 'counter write');
});

test('lines inserted before the migration shift the handoff; resuming equals building from scratch', () => {
  const a = sample('arm64-migration-by-value.hvtrace');
  const before = fed(a, 8);
  before.finish();
  const revision = a.revision;
  a.edit({ start: { line: 19, character: 0 }, end: { line: 19, character: 0 }, text: '# one\n# two\n' });
  const resumed = TimelineIndexBuilder.resume(a, before, a.firstChangeSince(revision));
  assert.equal(resumed.nextLine, 16);
  const index = fed(a, 8, resumed).finish();
  assert.deepEqual(
    index.handoffs.map((h) => [h.stopLine, h.line, h.resumeLine]),
    [[23, 25, 32]],
  );
  assert.deepEqual(index, buildTimelineIndex(new Analysis(a.doc.getText())));
});

test('a build interrupted by an edit resumes from its own last checkpoint', () => {
  const a = sample('arm64-pvtime-migration-correct.hvtrace');
  const partial = new TimelineIndexBuilder(a, 10);
  partial.feed(0, 24); // interrupted after line 24: checkpoints at 0, 10, 20
  const revision = a.revision;
  a.edit({ start: { line: 40, character: 0 }, end: { line: 40, character: 0 }, text: '# later\n' });
  const resumed = TimelineIndexBuilder.resume(a, partial, a.firstChangeSince(revision));
  assert.equal(resumed.nextLine, 20);
  const index = fed(a, 10, resumed).finish();
  // The waits of the stolen-time test, the one on dst (line 46) one line further down.
  assert.deepEqual(
    index.waits.map((w) => [w.line, w.duration]),
    [
      [28, 3_000_000n],
      [31, 1_000_000n],
      [34, 1_500_000n],
      [47, 2_000_000n],
    ],
  );
  assert.deepEqual(index, buildTimelineIndex(new Analysis(a.doc.getText())));
});
