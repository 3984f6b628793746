// Reference time in the timeline webview (webview/src/time.ts): exact ns as bigint for what is
// shown as a number, doubles only to plot. Pure functions, tested without a browser; every expected
// value is worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeBase, formatExactDuration, formatSeconds, tickLabel, tickStep } from '../../webview/src/time';

test('TimeBase: ns (decimal strings or bigint) to ms from the start, and back to the nearest ns', () => {
  const base = new TimeBase(10_000_000_000n); // the trace starts at 10 s
  // (20600100000 - 10000000000) / 1e6 = 10600.1 ms
  assert.equal(base.toMs('20600100000'), 10600.1);
  assert.equal(base.toMs(10_000_000_000n), 0);
  assert.equal(base.toMs('9999000000'), -1); // before the start: negative
  // 10600.1 ms × 1e6 = 10600100000 ns after the start
  assert.equal(base.toNs(10600.1), 20_600_100_000n);
  // 0.0004 ms = 400 ns; 0.0000004 ms = 0.4 ns rounds to 0
  assert.equal(base.toNs(0.0004), 10_000_000_400n);
  assert.equal(base.toNs(0.0000004), 10_000_000_000n);
});

test('formatSeconds: the TIME column exactly, 9 decimals', () => {
  assert.equal(formatSeconds(20_600_100_000n), '20.600100000 s');
  assert.equal(formatSeconds(0n), '0.000000000 s');
  assert.equal(formatSeconds(-1_500_000_000n), '-1.500000000 s');
  assert.equal(formatSeconds(18_446_744_073_709_551_615n), '18446744073.709551615 s'); // 2^64 - 1 ns, no rounding
});

test('formatExactDuration: signed, a unit picked by size, every digit kept, trailing zeros dropped', () => {
  assert.equal(formatExactDuration(600_100_000n), '+600.1 ms');
  assert.equal(formatExactDuration(-599_990_000n), '-599.99 ms');
  assert.equal(formatExactDuration(1_234_567n), '+1.234567 ms'); // not rounded: it is a Δt the user measured
  assert.equal(formatExactDuration(1_000_000_000n), '+1 s');
  assert.equal(formatExactDuration(95_100_000_001n), '+95.100000001 s');
  assert.equal(formatExactDuration(1_500n), '+1.5 µs');
  assert.equal(formatExactDuration(250n), '+250 ns');
  assert.equal(formatExactDuration(0n), '+0 ns');
});

test('tickStep: 1, 2 or 5 × 10^k ms, the first at least span / target', () => {
  assert.equal(tickStep(1000, 10), 100); //   100 exactly
  assert.equal(tickStep(1000, 8), 200); //    125 → 200
  assert.equal(tickStep(1000, 3), 500); //    333.3 → 500
  assert.equal(tickStep(85100, 10), 10000); // 8510 → 10000
  assert.equal(tickStep(7, 0), 10); //        a target below 1 counts as 1: 7 → 10
});

test('tickLabel: seconds from the trace start (truncated to the ms) plus the position, with decimals for the step', () => {
  // step 1000 ms: ceil(-log10(1) + 1e-9) = 1 decimal; 10 s + 500 ms = 10.5
  assert.equal(tickLabel(10_000_000_000n, 500, 1000), '10.5');
  // step 2000 ms: ceil(-log10(2) + 1e-9) = ceil(-0.301) = 0 decimals; 10 + 2 = 12
  assert.equal(tickLabel(10_000_000_000n, 2000, 2000), '12');
  // step 100 ms: 2 decimals; 10 + 1.234 = 11.234 → 11.23
  assert.equal(tickLabel(10_000_000_000n, 1234, 100), '11.23');
  // The start's sub-millisecond part is not shown: 10.0004 s is labelled from 10.000 s.
  assert.equal(tickLabel(10_000_400_000n, 0, 1000), '10.0');
});
