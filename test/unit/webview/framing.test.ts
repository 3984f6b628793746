// Where the timeline looks first and where "Show timeline" on a line looks (webview/src/framing.ts).
// The handoff and finding times are those the engine gives for the sample traces (quoted per test,
// from the timeline overview / window of each sample); the frames are worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampTo,
  fitAllNs,
  frameAround,
  initialFrame,
  interestingTimes,
  nearestGap,
  type HandoffTimes,
} from '../../../webview/src/framing';

const s = (x: string): bigint => {
  const [whole, frac = ''] = x.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
};

test('arm64-migration-by-value: the handoff from the pause (20 s) to the resume point (20.6001 s) and the findings, padded by a quarter', () => {
  // Handoff: stop 20.000000000 (pause), `vmm migrate` 20.000020000, resume 20.600100000;
  // findings HVT011 20.6, HVT010 20.6001, HVT010 20.60015. Span 20 s → 20.60015 s = 600.15 ms,
  // padded by 150.0375 ms on each side: [19.8499625, 20.7501875] s — not 80 % of the 11 s trace.
  const handoffs: HandoffTimes[] = [
    { kind: 'migrate', stopNs: '20000000000', timeNs: '20000020000', resumeNs: '20600100000' },
  ];
  const findings = [s('20.6'), s('20.6001'), s('20.60015')];
  const frame = initialFrame({ fromNs: s('10'), toNs: s('21') }, handoffs, findings, []);
  assert.deepEqual(frame, { fromNs: s('19.8499625'), toNs: s('20.7501875') });
});

test("arm64-restore-backward: a restore's stop (the snapshot, 65 s earlier) is left out; the restore and its findings are framed", () => {
  // Handoff: stop 30 s (snapshot), `vmm restore` 95.0 s, resume 95.0002 s; findings from 95.0001 s to
  // 95.00025 s. Span 95.0 → 95.00025 s = 250 µs, padded by 62.5 µs: [94.9999375, 95.0003125] s.
  const handoffs: HandoffTimes[] = [
    { kind: 'restore', stopNs: '30000000000', timeNs: '95000000000', resumeNs: '95000200000' },
  ];
  const findings = [s('95.0001'), s('95.00012'), s('95.0002'), s('95.0002'), s('95.00025'), s('95.00025')];
  assert.deepEqual(interestingTimes(handoffs, findings), [
    s('95'),
    s('95.0001'),
    s('95.00012'),
    s('95.0002'),
    s('95.00025'),
  ]);
  assert.deepEqual(initialFrame({ fromNs: s('10'), toNs: s('95.1') }, handoffs, findings, []), {
    fromNs: s('94.9999375'),
    toNs: s('95.0003125'),
  });
});

test('nothing to frame, or a frame of most of the trace: the whole trace with 2 % on each side (as "Fit all")', () => {
  // arm64-steal-time-selftest: no handoff, no finding, 10 s to 10.00335 s: margin 2 % of 3.35 ms = 67 µs.
  const extent = { fromNs: s('10'), toNs: s('10.00335') };
  assert.deepEqual(initialFrame(extent, [], [], []), { fromNs: s('9.999933'), toNs: s('10.003417') });
  assert.deepEqual(initialFrame(extent, [], [], []), fitAllNs(extent));
  // trace-with-mistakes: findings from 10.00005 s to 20.00001 s in a 10.00001 s trace: the padded span
  // (12.5 s) is over 80 % of it, so the whole trace: margin 2 % of 10.00001 s = 200.0002 ms.
  const mistakes = { fromNs: s('10'), toNs: s('20.00001') };
  assert.deepEqual(initialFrame(mistakes, [], [s('10.00005'), s('12'), s('12.8'), s('14'), s('20.00001')], []), {
    fromNs: s('9.7999998'),
    toNs: s('20.2000102'),
  });
});

test('a single instant is framed with five times its distance to the nearest other statement', () => {
  // arm64-stolen-undercount: one finding at 12.004 s; the statement before it is at 12.0 s (4 ms
  // away): a 20 ms frame centred on 12.004 s, [11.994, 12.014] s, inside the fit [9.95992, 12.04408] s.
  const statements = [s('10'), s('11'), s('12'), s('12.004')];
  assert.equal(nearestGap(s('12.004'), statements), s('0.004'));
  assert.deepEqual(initialFrame({ fromNs: s('10'), toNs: s('12.004') }, [], [s('12.004')], statements), {
    fromNs: s('11.994'),
    toNs: s('12.014'),
  });
});

test('"Show timeline" on a statement: centred on it, five gaps to its nearest neighbour wide (at least 10 µs), kept within the fit', () => {
  // The resume point of vcpu0 in arm64-migration-by-value (20.6001 s): its neighbours are the
  // TIMER_CNT write at 20.6 s and vcpu1's resume point at 20.60015 s; the nearest is 50 µs away,
  // so a 250 µs frame [20.599975, 20.600225] s (20.6 s then sits a tenth of the way in).
  const statements = [s('20.5'), s('20.6'), s('20.6001'), s('20.60015'), s('21')];
  assert.deepEqual(frameAround(s('20.6001'), statements, { fromNs: s('10'), toNs: s('21') }), {
    fromNs: s('20.599975'),
    toNs: s('20.600225'),
  });
  // Two statements 1 µs apart: 5 µs is below the 10 µs floor.
  assert.deepEqual(frameAround(s('5.000001'), [s('5'), s('5.000001')], { fromNs: s('1'), toNs: s('9') }), {
    fromNs: s('4.999996'),
    toNs: s('5.000006'),
  });
  // At the very start (2 s to the next statement: 10 s wide): moved right to stay within the fit [10 - 0.2, 20 + 0.2] s.
  assert.deepEqual(frameAround(s('10'), [s('10'), s('12')], { fromNs: s('10'), toNs: s('20') }), {
    fromNs: s('9.8'),
    toNs: s('19.8'),
  });
});

test('clampTo moves a range inside the bounds, and a wider one becomes the bounds', () => {
  const b = { fromNs: 0n, toNs: 100n };
  assert.deepEqual(clampTo({ fromNs: -10n, toNs: 20n }, b), { fromNs: 0n, toNs: 30n });
  assert.deepEqual(clampTo({ fromNs: 90n, toNs: 120n }, b), { fromNs: 70n, toNs: 100n });
  assert.deepEqual(clampTo({ fromNs: 40n, toNs: 50n }, b), { fromNs: 40n, toNs: 50n });
  assert.deepEqual(clampTo({ fromNs: -5n, toNs: 200n }, b), b);
});
