// The time axis and value axes of the timeline (webview/src/ticks.ts), without a browser: labels
// are measured as 7 px per character. Expected steps and labels are worked out by hand below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decimalsFor,
  LABEL_GAP_PX,
  LABEL_OFFSET_PX,
  niceStepNs,
  offsetLabel,
  secondsLabel,
  timeAxis,
  unitOf,
  valueAxis,
  valueLabel,
  type TimeAxis,
} from '../../../webview/src/ticks';

const measure = (s: string): number => 7 * Array.from(s).length;
const S = 1_000_000_000n;
const MS = 1_000_000n;
const US = 1_000n;

/** Labels drawn: none crosses the axis' edges, none overlaps the next (with the gap). */
function assertLegible(axis: TimeAxis, width: number, what: string): void {
  const labels = axis.ticks.filter((t) => t.label !== null);
  for (const t of labels) {
    assert.ok(
      t.labelX >= 0 && t.labelX + measure(t.label!) <= width,
      `${what}: ${t.label} at ${t.labelX} crosses [0, ${width}]`,
    );
  }
  for (let i = 1; i < labels.length; i++) {
    const prev = labels[i - 1];
    assert.ok(
      prev.labelX + measure(prev.label!) + LABEL_GAP_PX <= labels[i].labelX + 1e-9,
      `${what}: ${prev.label} runs into ${labels[i].label}`,
    );
  }
}

test('1-2-5 steps: the smallest 1, 2 or 5 × 10^k ns at or above the minimum', () => {
  assert.deepEqual([1n, 3n, 7n, 10n, 11n, 150_000n, 22_058n, S].map(niceStepNs), [
    1n,
    5n,
    10n,
    10n,
    20n,
    200_000n,
    50_000n,
    S,
  ]);
  assert.deepEqual([2n * S, 5n * MS, 500n * US, 20n].map(unitOf), ['s', 'ms', 'µs', 'ns']);
  // Decimals of seconds a step needs: 1 s → 0, 100 ms → 1, 20 ms → 2, 5 µs → 6, 1 ns → 9.
  assert.deepEqual([S, 100n * MS, 20n * MS, 5n * US, 1n].map(decimalsFor), [0, 1, 2, 6, 9]);
  assert.equal(secondsLabel(20_600_000_000n, 3), '20.600 s');
  assert.equal(secondsLabel(-1_500_000_000n, 1), '-1.5 s');
  assert.deepEqual([offsetLabel(40n * US, 'µs'), offsetLabel(-2n * MS, 'ms')], ['+40 µs', '-2 ms']);
});

test('the migration frame [19.8499625, 20.7501875] s over 1040 px: a label every 100 ms, in seconds', () => {
  // Span 900.225 ms. A 50 ms step would put ticks 1040 × 50 / 900.225 = 57.8 px apart, less than a
  // 7-character label ("19.85 s": 49 px) + 4 + 14; 100 ms gives 115.5 px for "19.9 s" (42 + 18).
  const axis = timeAxis(19_849_962_500n, 20_750_187_500n, 1040, measure);
  assert.equal(axis.stepNs, 100n * MS);
  assert.equal(axis.relative, false);
  assert.deepEqual(
    axis.ticks.filter((t) => t.major).map((t) => t.label),
    ['19.9 s', '20.0 s', '20.1 s', '20.2 s', '20.3 s', '20.4 s', '20.5 s', '20.6 s', '20.7 s'],
  );
  // 19.9 s is 50.0375 ms after the start: x = 1040 × 50.0375 / 900.225 = 57.806 px; its label starts 4 px later.
  const first = axis.ticks.find((t) => t.major)!;
  assert.ok(
    Math.abs(first.x - 57.806) < 0.001 && first.labelX === first.x + LABEL_OFFSET_PX,
    `${first.x} ${first.labelX}`,
  );
  // Minor ticks: ten per 100 ms step (Perfetto's '|....:....'), 10 ms apart.
  const minors = axis.ticks.filter((t) => !t.major && t.ns > 19_900_000_000n && t.ns < 20_000_000_000n);
  assert.equal(minors.length, 9);
  assert.equal(minors[0].ns, 19_910_000_000n);
  assertLegible(axis, 1040, 'migration');
});

test('a label that would cross the right edge is left out, never clipped ("10 s" never becomes "0 s")', () => {
  // [0, 10.01 s] over 400 px: the start step is 1-2-5 above 10.01 s / 6 = 1.668 s, i.e. 2 s: ticks
  // at 0, 2, …, 10 s, 79.9 px apart, room for "10 s" (28 + 18). The 10 s tick sits at
  // 400 × 10 / 10.01 = 399.6 px: its label would start at 403.6 px, past the edge, so it is not drawn.
  const axis = timeAxis(0n, 10_010_000_000n, 400, measure);
  assert.equal(axis.stepNs, 2n * S);
  const majors = axis.ticks.filter((t) => t.major);
  assert.deepEqual(
    majors.map((t) => t.label),
    ['0 s', '2 s', '4 s', '6 s', '8 s', null],
  );
  assert.equal(majors[5].ns, 10n * S);
  assertLegible(axis, 400, '0..10.01 s');
});

test("µs steps far from zero: labels are offsets from an origin t₀ shown once (like Perfetto's time axis)", () => {
  // The restore-backward frame [94.9999375, 95.0003125] s (375 µs) over 1040 px. Start step: 1-2-5
  // above 375 µs / 17 = 22.06 µs → 50 µs (138.7 px apart). Absolute labels would read "94.99995 s"
  // (10 characters, over MAX_ABSOLUTE_CHARS = 9), so they are offsets from t₀ = the multiple of 1 ms
  // (the power of ten above the span) inside the view: 95.000 s.
  const axis = timeAxis(94_999_937_500n, 95_000_312_500n, 1040, measure);
  assert.equal(axis.stepNs, 50n * US);
  assert.equal(axis.relative, true);
  assert.equal(axis.originNs, 95n * S);
  assert.equal(axis.originLabel, 't₀ = 95.000 s');
  // The last tick, +300 µs, is at 1040 × 362.5 / 375 = 1005.3 px: "+300 µs" (49 px) would end at 1058 px.
  assert.deepEqual(
    axis.ticks.filter((t) => t.major).map((t) => t.label),
    ['-50 µs', 't₀', '+50 µs', '+100 µs', '+150 µs', '+200 µs', '+250 µs', null],
  );
  assertLegible(axis, 1040, 'restore');
});

test('no view, however narrow or wide, gets overlapping or clipped labels', () => {
  // Spans from 3 ns to 30 000 s, starting at 0 or far from it, over 120 to 2600 px.
  for (const start of [0n, 7n, 20_600_100_000n, 86_399_999_999_999n]) {
    for (let span = 3n; span <= 30_000n * S; span = span * 7n + 1n) {
      for (const width of [120, 333, 1040, 2600]) {
        const axis = timeAxis(start, start + span, width, measure);
        assertLegible(axis, width, `${start}+${span} over ${width}`);
        assert.ok(
          axis.ticks.some((t) => t.label !== null) || width < 200,
          `${start}+${span} over ${width}: no label at all`,
        );
      }
    }
  }
});

test('value axes: 1-2-5 ticks through 0, in a unit chosen by the size of the values', () => {
  // The migration's clock error: 0 down to -599 990 000 ns in at most 5 steps: 599 990 000 / 5 =
  // 119 998 000 → step 2·10^8 ns; ticks -600, -400, -200, 0 ms.
  const a = valueAxis(-599_990_000, 0, 5);
  assert.equal(a.step, 2e8);
  assert.deepEqual(a.ticks, [-6e8, -4e8, -2e8, 0]);
  assert.deepEqual(
    a.ticks.map((v) => valueLabel(v, a)),
    ['-600 ms', '-400 ms', '-200 ms', '0'],
  );
  // Stolen time 0 to 6.5 ms in 5: step 2 ms (1.3 ms → 2), up to 8 ms.
  const b = valueAxis(0, 6_500_000, 5);
  assert.deepEqual(
    b.ticks.map((v) => valueLabel(v, b)),
    ['0', '2 ms', '4 ms', '6 ms', '8 ms'],
  );
  // A clock that never drifts: a 1 µs scale, not fractions of a nanosecond (1000 / 4 = 250 → step 500 ns).
  const c = valueAxis(0, 0, 4);
  assert.deepEqual(
    c.ticks.map((v) => valueLabel(v, c)),
    ['0', '0.5 µs', '1.0 µs'],
  );
});
