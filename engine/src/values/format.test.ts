// Human-readable numbers used in messages and hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  counterTime,
  formatDuration,
  formatFrequency,
  formatTime,
  guestSeconds,
  offsetTime,
  signedDuration,
  signedTicks,
  ticksAsDuration,
} from './format';

test('formatTime: seconds with exactly 9 decimals, as in the TIME column', () => {
  assert.equal(formatTime(20600100000n), '20.600100000');
  assert.equal(formatTime(0n), '0.000000000');
  assert.equal(formatTime(1n), '0.000000001');
  assert.equal(formatTime(100000001500n), '100.000001500');
  assert.equal(formatTime(-1500000000n), '-1.500000000');
  assert.equal(formatTime(18446744073709551615n), '18446744073.709551615');
  assert.equal(formatTime(9007199254740993n), '9007199.254740993');
});

test('formatDuration: ns below 1 µs', () => {
  assert.equal(formatDuration(0n), '0 ns');
  assert.equal(formatDuration(250n), '250 ns');
  assert.equal(formatDuration(999n), '999 ns');
  assert.equal(formatDuration(-999n), '-999 ns');
});

test('formatDuration: µs and ms with up to 3 decimals, trailing zeros dropped', () => {
  assert.equal(formatDuration(1000n), '1 µs');
  assert.equal(formatDuration(1500n), '1.5 µs');
  assert.equal(formatDuration(154233n), '154.233 µs');
  assert.equal(formatDuration(1000000n), '1 ms');
  assert.equal(formatDuration(599990000n), '599.99 ms');
  assert.equal(formatDuration(600100000n), '600.1 ms');
  assert.equal(formatDuration(-1500n), '-1.5 µs');
});

test('formatDuration: seconds with up to 6 decimals', () => {
  assert.equal(formatDuration(1000000000n), '1 s');
  assert.equal(formatDuration(30000000000n), '30 s');
  assert.equal(formatDuration(1999899000n), '1.999899 s');
  assert.equal(formatDuration(-2500000000n), '-2.5 s');
});

test('formatDuration: rounds half away from zero', () => {
  assert.equal(formatDuration(1234567n), '1.235 ms'); // 1.234567 ms
  assert.equal(formatDuration(1234499n), '1.234 ms'); // 1.234499 ms
  assert.equal(formatDuration(1234500n), '1.235 ms'); // exactly half
  assert.equal(formatDuration(-1234500n), '-1.235 ms');
  assert.equal(formatDuration(1000000500n), '1.000001 s'); // 1.0000005 s
  assert.equal(formatDuration(1000000499n), '1 s');
});

test('formatFrequency: Hz, kHz, MHz, GHz', () => {
  assert.equal(formatFrequency(25000000n), '25 MHz');
  assert.equal(formatFrequency(1000000000n), '1 GHz');
  assert.equal(formatFrequency(2345678000n), '2.345678 GHz');
  assert.equal(formatFrequency(19200000n), '19.2 MHz');
  assert.equal(formatFrequency(32768n), '32.768 kHz');
  assert.equal(formatFrequency(1000n), '1 kHz');
  assert.equal(formatFrequency(999n), '999 Hz');
});

test('ticksAsDuration', () => {
  // 14999750 ticks at 25 MHz = 0.59999 s
  assert.equal(ticksAsDuration(14999750n, 25000000n), '599.99 ms');
  // 49997475 ticks at 25 MHz = 1.999899 s
  assert.equal(ticksAsDuration(49997475n, 25000000n), '1.999899 s');
  assert.equal(ticksAsDuration(5n, 0n), '0 ns');
});

test('counters and offsets as time at a frequency', () => {
  assert.equal(counterTime(5515002500n, 25_000_000n), '220.600100000 s');
  assert.equal(counterTime(1n, 3n), '0.333333333 s');
  // An offset of 2^64 - 2e9 is -2e9: -1 s at 2 GHz.
  assert.equal(offsetTime(18446744071709551616n, 2_000_000_000n), '-1.000000000 s');
  assert.equal(offsetTime(0xffffffffffffffffn, 1_000_000_000n), '-0.000000001 s');
});

test('guest seconds round half away from zero to milliseconds', () => {
  assert.equal(guestSeconds(250002725n, 25_000_000n), '+10.000 s');
  assert.equal(guestSeconds(249999975n, 25_000_000n), '+10.000 s'); // 9.999999 s
  assert.equal(guestSeconds(12_500n, 25_000_000n), '+0.001 s'); //      0.0005 s
  assert.equal(guestSeconds(12_499n, 25_000_000n), '+0.000 s');
  assert.equal(guestSeconds(0n, 25_000_000n), '+0.000 s');
});

test('signed durations and tick counts', () => {
  assert.equal(signedDuration(-599_990_000n), '-599.99 ms');
  assert.equal(signedDuration(600_100_000n), '+600.1 ms');
  assert.equal(signedDuration(0n), '+0 ns');
  assert.equal(signedTicks(-14999750n), '-14999750');
  assert.equal(signedTicks(2750n), '+2750');
});
