import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterTime, duration, guestSeconds, offsetTime, signedDuration, signedTicks } from './present';

test('counters and offsets as time at a frequency', () => {
  assert.equal(counterTime(5515002500n, 25_000_000n), '220.600100000 s');
  assert.equal(counterTime(1n, 3n), '0.333333333 s');
  // An offset of 2^64 - 2e9 is -2e9: -1 s at 2 GHz.
  assert.equal(offsetTime(18446744071709551616n, 2_000_000_000n), '-1.000000000 s');
  assert.equal(offsetTime(0xFFFFFFFFFFFFFFFFn, 1_000_000_000n), '-0.000000001 s');
});

test('guest seconds round half away from zero to milliseconds', () => {
  assert.equal(guestSeconds(250002725n, 25_000_000n), '+10.000 s');
  assert.equal(guestSeconds(249999975n, 25_000_000n), '+10.000 s'); // 9.999999 s
  assert.equal(guestSeconds(12_500n, 25_000_000n), '+0.001 s'); //      0.0005 s
  assert.equal(guestSeconds(12_499n, 25_000_000n), '+0.000 s');
  assert.equal(guestSeconds(0n, 25_000_000n), '+0.000 s');
});

test('durations pick a unit and keep three decimals; signs are explicit where asked', () => {
  assert.equal(duration(599_990_000n), '599.990 ms');
  assert.equal(duration(1_500_000_000n), '1.500 s');
  assert.equal(duration(110_000n), '110.000 µs');
  assert.equal(duration(250n), '250 ns');
  assert.equal(signedDuration(-599_990_000n), '-599.990 ms');
  assert.equal(signedDuration(0n), '+0 ns');
  assert.equal(signedTicks(-14999750n), '-14999750');
  assert.equal(signedTicks(2750n), '+2750');
});
