// The timeline's timer tracks and guest-mode intervals (timerRows.ts, timerWindow.ts) on the timer
// sample traces, with the numbers worked out by hand from the traces (0-based lines), and the level
// of detail of a storm and of a large generated trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateTrace } from '../../../bench/generate';
import { Analysis } from '../analysis';
import { buildTimelineIndex } from './testing';
import { TimelineIndexBuilder } from './timelineIndex';
import { timelineOverview } from './overview';
import { timelineWindow } from './window';

const text = (name: string): string => readFileSync(path.resolve(__dirname, '../../../sample-traces', name), 'utf8');
const ALL = { fromNs: 0n, toNs: 10n ** 15n, maxMarkers: 2000, maxSamples: 2000 };

function windowOf(name: string, bounds = ALL) {
  const a = new Analysis(text(name));
  const index = buildTimelineIndex(a);
  return {
    index,
    overview: timelineOverview(index, a.diagnostics(), name),
    window: timelineWindow(index, a.doc, a.diagnostics(), bounds),
  };
}

test("arm64 migration restored by value: the armed intervals, the deadlines with HVT044's shift, the deliveries and the guest mode", () => {
  const { overview, window: w } = windowOf('arm64-migration-timer-600ms-late.hvtrace');
  assert.deepEqual(
    overview.timers.map((t) => [t.id, t.vcpuRow, t.label, t.series, t.counts]),
    [
      [
        'src/vm1/vcpu0/vtimer',
        'src/vm1/vcpu0',
        'vtimer (CNTV)',
        'vm1/vcpu0/vtimer',
        { armed: 2, deliveries: 1, early: 0, late: 0, lost: 0 },
      ],
      [
        'dst/vm1/vcpu0/vtimer',
        'dst/vm1/vcpu0',
        'vtimer (CNTV)',
        'vm1/vcpu0/vtimer',
        { armed: 1, deliveries: 1, early: 0, late: 0, lost: 0 },
      ],
    ],
  );
  assert.deepEqual(overview.runRows, ['src/vm1/vcpu0', 'dst/vm1/vcpu0']);
  assert.deepEqual(overview.lateness, [{ id: 'vm1/vcpu0/vtimer', vm: 'vm1', vcpu: 0, timer: 'vtimer' }]);
  // src: the 10 ms tick armed on line 23 (14.99 s) fires on line 25 (15 s); the 1 s timer armed on
  // line 31 (19.9 s) is still armed when the guest leaves src (its last statement, line 35 at
  // 20.00001 s). dst: KVM_SET_ONE_REG CTL=1 (line 41) then CVAL (line 43) at one instant: only the
  // CVAL's arming is kept, and it fires on line 51.
  assert.deepEqual(
    w.timers.spans.map((s) => [s.track, s.fromNs, s.toNs, s.line, s.endLine, s.end, s.cmp]),
    [
      ['src/vm1/vcpu0/vtimer', '14990000000', '15000000000', 23, 25, 'fired', '125000000'],
      ['src/vm1/vcpu0/vtimer', '19900000000', '20000010000', 31, null, 'open', '272500000'],
      ['dst/vm1/vcpu0/vtimer', '20600000000', '21499990000', 43, 51, 'fired', '272500000'],
    ],
  );
  // t_d on dst: KVM fires when C_dst − 5264999750 ≥ 272500000, C_dst = 5537499750 = 5e9 + 25e6·t, at
  // t = 21.49999 s; the policy's line reaches CVAL 7497500 ticks after the resume, at 20.9 s:
  // HVT044 (line 46) says 21.49999 − 20.9 = 599.99 ms later, caused by the TIMER_CNT restore (line 40).
  assert.deepEqual(
    w.timers.deadlines.map((d) => [d.track, d.kind, d.timeNs, d.line, d.shift]),
    [
      ['src/vm1/vcpu0/vtimer', 'armed', '15000000000', 23, null],
      ['src/vm1/vcpu0/vtimer', 'armed', '20900000000', 31, null],
      [
        'dst/vm1/vcpu0/vtimer',
        'armed',
        '21499990000',
        43,
        { expectedNs: '20900000000', shiftNs: '599990000', causeLine: 40, reportedLine: 46, reason: 'resume' },
      ],
    ],
  );
  // Both deliveries come when KVM's counter reaches CVAL: on time (0 ns); the second is 599.99 ms late for the guest's time line.
  assert.deepEqual(
    w.timers.deliveries.map((d) => [
      d.track,
      d.line,
      d.timeNs,
      d.verdict,
      d.latenessNs,
      d.toleranceNs,
      d.deadlineNs,
      d.armedLine,
      d.policyLatenessNs,
    ]),
    [
      ['src/vm1/vcpu0/vtimer', 25, '15000000000', 'on-time', '0', '100000', '15000000000', 23, null],
      ['dst/vm1/vcpu0/vtimer', 51, '21499990000', 'on-time', '0', '100000', '21499990000', 43, '599990000'],
    ],
  );
  assert.deepEqual(
    w.lateness['vm1/vcpu0/vtimer'].map((p) => [p.line, p.latenessNs, p.verdict]),
    [
      [25, '0', 'on-time'],
      [51, '0', 'on-time'],
    ],
  );
  // Guest mode: in the guest from KVM_RUN (line 20) to the IRQ exit (line 24), out for 1 µs, in again
  // until the pause (line 32); on dst from the entry on line 48 to the IRQ exit on line 50, and so on.
  assert.deepEqual(
    w.runs.map((r) => [r.row, r.inGuest, r.fromNs, r.toNs, r.fromLine, r.toLine, r.reason]),
    [
      ['src/vm1/vcpu0', true, '10000100000', '15000000000', 20, 24, 'IRQ'],
      ['src/vm1/vcpu0', false, '15000000000', '15000001000', 24, 26, 'IRQ'],
      ['src/vm1/vcpu0', true, '15000001000', '20000000000', 26, 32, null],
      ['dst/vm1/vcpu0', true, '20600102000', '21499990000', 48, 50, 'IRQ'],
      ['dst/vm1/vcpu0', false, '21499990000', '21499991000', 50, 52, 'IRQ'],
      ['dst/vm1/vcpu0', true, '21499991000', '21499991000', 52, null, null],
    ],
  );
});

test('x86 deadline before TSC: the 20 s late delivery measured by kvm_wait_lapic_expire, and the vCPU halted until it', () => {
  const { overview, window: w } = windowOf('x86-firecracker-deadline-before-tsc-late-timer.hvtrace');
  assert.deepEqual(
    overview.timers.map((t) => [t.id, t.label, t.counts]),
    [['h/fc/vcpu0/lapic', 'lapic timer', { armed: 3, deliveries: 2, early: 0, late: 1, lost: 0 }]],
  );
  // The tick: TSC 12597900 at the delivery against the deadline 12600000: 2100 cycles = 1 µs early at
  // 2.1 GHz, within the early tolerance 200 ns + 1 µs (2520 cycles). After the restore: delta
  // 41999811000 cycles = 41999811000 / 2.1 GHz = 19.99991 s late, against 1 ms (halted in HLT).
  // Each delivery is judged on its wait_lapic_expire line (25, 52).
  assert.deepEqual(
    w.timers.deliveries.map((d) => [
      d.line,
      d.timeNs,
      d.verdict,
      d.latenessNs,
      d.waitNs,
      d.toleranceNs,
      d.deadlineNs,
      d.armedLine,
      d.judgedLine,
    ]),
    [
      [24, '10005999000', 'on-time', '-1000', '0', '1200', '10006000000', 21, 25],
      [51, '110001000000', 'late', '19999910000', '0', '1000000', '110001000000', 42, 52],
    ],
  );
  // The restore's deadline: 20.0009 s after 90.0001 s = 110.001 s; the policy (freeze) expects it at
  // the resume 90.00012 s + (42002100000 − 42000000000) / 2.1 GHz = 90.00112 s: 19.99988 s later.
  const restored = w.timers.deadlines.find((d) => d.line === 42)!;
  assert.deepEqual(
    [restored.timeNs, restored.shift],
    [
      '110001000000',
      { expectedNs: '90001120000', shiftNs: '19999880000', causeLine: 42, reportedLine: 46, reason: 'resume' },
    ],
  );
  // The arming before the pause (line 28, t_d 30.001 s) ends when KVM_CREATE_VCPU re-creates the vCPU (line 36, 90 s).
  assert.deepEqual(
    w.timers.spans.map((s) => [s.fromNs, s.toNs, s.line, s.endLine, s.end]),
    [
      ['10002000000', '10005999000', 21, 24, 'fired'],
      ['29999000000', '90000000000', 28, 36, 'reset'],
      ['90000100000', '110001000000', 42, 51, 'fired'],
    ],
  );
  assert.deepEqual(
    w.runs.filter((r) => !r.inGuest).map((r) => [r.fromNs, r.toNs, r.fromLine, r.toLine, r.reason]),
    [
      ['10005999000', '10006000000', 23, 26, 'PREEMPTION_TIMER'],
      ['90002000000', '110001001000', 48, 53, 'HLT'],
    ],
  );
  assert.deepEqual(
    w.lateness['fc/vcpu0/lapic'].map((p) => [p.line, p.latenessNs, p.verdict]),
    [
      [24, '-1000', 'on-time'],
      [51, '19999910000', 'late'],
    ],
  );
});

test('Kata: the deadline restored before the LAPIC is dropped at its write, and KVM_SET_LAPIC clears it', () => {
  const { overview, window: w } = windowOf('x86-kata-msrs-before-lapic.hvtrace');
  assert.deepEqual(
    overview.timers.map((t) => [t.id, t.counts.lost]),
    [['h/kata/vcpu0/lapic', 2]],
  );
  // Line 34 (50.0001 s): KVM_SET_MSRS writes IA32_TSC_DEADLINE while LVTT is at its reset value (HVT042);
  // line 36 (50.00011 s): KVM_SET_LAPIC enters TSC-deadline mode and zeroes it (HVT045).
  assert.deepEqual(
    w.timers.losses.map((l) => [l.kind, l.timeNs, l.line, l.cmp, l.relatedLine]),
    [
      ['dropped', '50000100000', 34, '20004000000', 36],
      ['cleared', '50000110000', 36, '20004000000', 34],
    ],
  );
  // The deadline the write armed (as the model takes an unknown LVTT) ends at the KVM_SET_LAPIC, disarmed;
  // its t_d: (20004000000 − 20000020000) cycles / 2 GHz = 1.99 ms after the write, 50.00209 s.
  assert.deepEqual(w.timers.spans.at(-1), {
    track: 'h/kata/vcpu0/lapic',
    fromNs: '50000100000',
    toNs: '50000110000',
    line: 34,
    endLine: 36,
    end: 'disarmed',
    cmp: '20004000000',
    cmpIsTime: false,
    deadlineNs: '50002090000',
  });
});

test('a CNTVOFF clobber: the deadline moved to the clobbering write, then a storm that a zoomed-out window clusters', () => {
  const name = 'arm64-cntvoff-clobber-storm.hvtrace';
  // Zoomed in on the resume (400 s to 400.00035 s): CVAL 2000500000 was 500000 ticks (20 ms) ahead of CNTVCT = C(400.0001) −
  // 8000002500 = 2000000000, t_d = 400.0201 s; `kvm write CNTVOFF_EL2 = 0` (line 43, 400.00015 s) makes
  // CNTVCT = C(t) = 10000003750 > CVAL: passed, t_d = 400.00015 s. HVT044 at the resume (line 45):
  // fires at the resume 400.0002 s instead of 400.0002 + 20 ms (policy freeze): −20 ms.
  const zoomed = windowOf(name, { ...ALL, fromNs: 400_000_000_000n, toNs: 400_000_350_000n }).window;
  assert.deepEqual(
    zoomed.timers.deadlines.map((d) => [d.kind, d.timeNs, d.line, d.previousNs, d.armedLine, d.shift]),
    [
      [
        'moved',
        '400000150000',
        43,
        '400020100000',
        41,
        { expectedNs: '400020200000', shiftNs: '-20000000', causeLine: 43, reportedLine: 45, reason: 'resume' },
      ],
    ],
  );
  // The vcpu_load raise (line 46) closes that deadline, counted from the resume (0 ns late); the
  // re-raises every 70 µs (lines 49 and 51, at 400.00027 and 400.00034 s) answer no deadline.
  assert.deepEqual(
    zoomed.timers.deliveries.map((d) => [d.line, d.verdict, d.latenessNs]),
    [
      [46, 'on-time', '0'],
      [49, 'unjudged', null],
      [51, 'unjudged', null],
    ],
  );
  assert.equal(zoomed.reduced, false);
  // The whole trace: 2011 deliveries (the tick on line 26, the raise on line 46, and the re-raises on
  // lines 49, 51, …, 4065: (4065 − 49) / 2 + 1 = 2009) are more than 2000 marks: clustered per bucket
  // of (400.141 − 10) s / 2000 = 195.5 ms, so the storm (400.0002 s to 400.14083 s) is one cluster.
  const whole = windowOf(name).window;
  assert.equal(whole.reduced, true);
  const storm = whole.timers.clusters.filter((c) => c.kind === 'delivery');
  assert.deepEqual(
    storm.map((c) => [c.track, c.fromNs, c.toNs, c.count, c.firstLine, c.lastLine, c.verdicts]),
    [
      [
        'h/fcvm/vcpu0/vtimer',
        '400000200000',
        '400140830000',
        2010,
        46,
        4065,
        { early: 0, 'on-time': 1, late: 0, unjudged: 2009 },
      ],
    ],
  );
  assert.deepEqual(
    whole.timers.deliveries.map((d) => d.line),
    [26],
  );
  const marks =
    whole.timers.deadlines.length +
    whole.timers.deliveries.length +
    whole.timers.losses.length +
    whole.timers.clusters.length;
  assert.ok(marks <= 2000, `${marks} marks`);
});

test('a large generated trace with timers: every window stays within the bounds and still counts every delivery', () => {
  const a = new Analysis(generateTrace(40_000, 4, { timers: true }));
  assert.deepEqual(a.diagnostics(), []);
  const index = buildTimelineIndex(a);
  // One timer block per ten steps, 7 lines each: about 40000 / (9 + 7) × 1 blocks.
  const deliveries = index.timers.tracks.reduce((n, t) => n + t.deliveries.length, 0);
  assert.ok(deliveries > 2000, `${deliveries} deliveries`);
  const w = timelineWindow(index, a.doc, a.diagnostics(), ALL);
  const t = w.timers;
  assert.ok(t.deadlines.length + t.deliveries.length + t.losses.length + t.clusters.length <= 2000);
  assert.ok(t.spans.length + t.spanClusters.length <= 2000);
  assert.ok(w.runs.length + w.runClusters.length <= 2000);
  assert.equal(
    t.deliveries.length + t.clusters.filter((c) => c.kind === 'delivery').reduce((n, c) => n + c.count, 0),
    deliveries,
  );
  for (const points of Object.values(w.lateness)) assert.ok(points.length <= 2000, `${points.length} lateness points`);
  // Every delivery 0, 20, 40, 60 or 80 µs after its deadline: on time, and the chart keeps the extremes.
  assert.ok(t.clusters.every((c) => c.verdicts.early === 0 && c.verdicts.late === 0));
  const all = Object.values(w.lateness)
    .flat()
    .map((p) => Number(p.latenessNs));
  assert.deepEqual([Math.min(...all), Math.max(...all)], [0, 80_000]);
  // The run clusters say how much of each bucket the vCPU spent in the guest.
  for (const c of w.runClusters) assert.ok(BigInt(c.guestNs) <= BigInt(c.toNs) - BigInt(c.fromNs));
});

/** A builder fed to the end of `a`, with a checkpoint every `every` lines. */
function fed(a: Analysis, every: number, builder = new TimelineIndexBuilder(a, every)): TimelineIndexBuilder {
  builder.feed(builder.nextLine, a.doc.lineCount - 1);
  return builder;
}

test('after an edit the timer data is rebuilt from the last checkpoint and equals a build from scratch', () => {
  const a = new Analysis(text('x86-firecracker-deadline-before-tsc-late-timer.hvtrace'));
  // Checkpoints every 5 lines fall inside open armings, guest-mode intervals and between a LAPIC
  // delivery (line 51) and its wait_lapic_expire (line 52) once line 52 moves down.
  const before = fed(a, 5);
  const old = before.finish();
  const revision = a.revision;
  a.edit({ start: { line: 50, character: 0 }, end: { line: 50, character: 0 }, text: '# a comment\n' });
  const resumed = TimelineIndexBuilder.resume(a, before, a.firstChangeSince(revision));
  assert.equal(resumed.nextLine, 50);
  const index = fed(a, 5, resumed).finish();
  assert.deepEqual(index.timers, buildTimelineIndex(new Analysis(a.doc.getText())).timers);
  assert.deepEqual(
    index.timers.tracks[0].deliveries.map((d) => [d.line, d.judgedLine, d.verdict]),
    [
      [24, 25, 'on-time'],
      [52, 53, 'late'],
    ],
  );
  // The earlier version's index is unchanged.
  assert.deepEqual(
    old.timers.tracks[0].deliveries.map((d) => [d.line, d.judgedLine]),
    [
      [24, 25],
      [51, 52],
    ],
  );
  // Lines 52/53 changed: resuming at 50 (the checkpoint before the LAPIC delivery moves to 52).
  const again = a.revision;
  a.edit({
    start: { line: 53, character: 0 },
    end: { line: 53, character: a.doc.text(53).length },
    text: '110.001000000 h/fc/vcpu0 kvm wait_lapic_expire delta=1000',
  });
  const r2 = TimelineIndexBuilder.resume(
    a,
    fed(a, 5, TimelineIndexBuilder.resume(a, before, 0)),
    a.firstChangeSince(again),
  );
  const i2 = fed(a, 5, r2).finish();
  // delta 1000 cycles = 1000 / 2.1 GHz = 476.19 ns, rounded up: 477 ns, on time.
  assert.deepEqual(
    i2.timers.tracks[0].deliveries.map((d) => [d.line, d.verdict, d.lateness]),
    [
      [24, 'on-time', -1000n],
      [52, 'on-time', 477n],
    ],
  );
  assert.deepEqual(i2.timers, buildTimelineIndex(new Analysis(a.doc.getText())).timers);
});
