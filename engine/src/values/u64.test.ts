// Exact u64 arithmetic (docs/format.md#2-values: counters wrap modulo 2^64, differences are signed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { U64_MAX, U64_MOD, abs, add64, floorDiv, hex, signedDiff, sub64, u64 } from './u64';
import { NS_PER_S, nsOfTicks, ticksIn } from './units';

test('constants: 2^64 and 2^64 - 1', () => {
  assert.equal(U64_MOD, 18446744073709551616n);
  assert.equal(U64_MAX, 18446744073709551615n);
  assert.equal(NS_PER_S, 1000000000n);
});

test('u64 reduces any integer to [0, 2^64)', () => {
  assert.equal(u64(0n), 0n);
  assert.equal(u64(5n), 5n);
  assert.equal(u64(18446744073709551615n), 18446744073709551615n);
  assert.equal(u64(18446744073709551616n), 0n);
  assert.equal(u64(18446744073709551617n), 1n);
  assert.equal(u64(-1n), 18446744073709551615n);
  assert.equal(u64(-856010509473n), 18446743217699042143n);
  assert.equal(u64(-18446744073709551616n), 0n);
  assert.equal(u64(-18446744073709551617n), 18446744073709551615n);
  // 3 * 2^64 + 7
  assert.equal(u64(55340232221128654855n), 7n);
});

test('add64 and sub64 wrap', () => {
  assert.equal(add64(18446744073709551615n, 1n), 0n);
  assert.equal(add64(18446744073709551600n, 0x20n), 0x10n);
  assert.equal(add64(3n, 4n), 7n);
  assert.equal(sub64(0n, 1n), 18446744073709551615n);
  assert.equal(sub64(0x10n, 0xfffffffffffffff0n), 0x20n);
  assert.equal(sub64(10n, 3n), 7n);
});

test('signedDiff: a wrap from 0xFFFFFFFFFFFFFFF0 to 0x10 is +0x20 (§2)', () => {
  assert.equal(signedDiff(0x10n, 0xfffffffffffffff0n), 32n);
  assert.equal(signedDiff(0xfffffffffffffff0n, 0x10n), -32n);
});

test('signedDiff: ordinary steps and the i64 boundaries', () => {
  assert.equal(signedDiff(250000225n, 250000000n), 225n);
  assert.equal(signedDiff(250000000n, 250000225n), -225n);
  assert.equal(signedDiff(7n, 7n), 0n);
  // 2^63 - 1 is the largest forward step, 2^63 reads as -2^63.
  assert.equal(signedDiff(9223372036854775807n, 0n), 9223372036854775807n);
  assert.equal(signedDiff(9223372036854775808n, 0n), -9223372036854775808n);
  assert.equal(signedDiff(0n, 9223372036854775808n), -9223372036854775808n);
  assert.equal(signedDiff(0n, 9223372036854775809n), 9223372036854775807n);
});

test('abs', () => {
  assert.equal(abs(-5n), 5n);
  assert.equal(abs(5n), 5n);
  assert.equal(abs(0n), 0n);
});

test('floorDiv rounds toward minus infinity', () => {
  assert.equal(floorDiv(7n, 2n), 3n);
  assert.equal(floorDiv(-7n, 2n), -4n);
  assert.equal(floorDiv(7n, -2n), -4n);
  assert.equal(floorDiv(-7n, -2n), 3n);
  assert.equal(floorDiv(6n, 3n), 2n);
  assert.equal(floorDiv(-6n, 3n), -2n);
  assert.equal(floorDiv(0n, 5n), 0n);
  assert.equal(floorDiv(-1n, 1000000000n), -1n);
});

test("hex: upper case, u64 (negative numbers as two's complement)", () => {
  assert.equal(hex(0x603000000013df1an), '0x603000000013DF1A');
  assert.equal(hex(0n), '0x0');
  assert.equal(hex(255n), '0xFF');
  assert.equal(hex(-1n), '0xFFFFFFFFFFFFFFFF');
  assert.equal(hex(18446744073709551616n), '0x0');
});

test('ticksIn: floor((ns * hz) / 1e9), the counter function of §3', () => {
  assert.equal(ticksIn(1000000000n, 25000000n), 25000000n);
  assert.equal(ticksIn(100000n, 25000000n), 2500n); // 100 us at 25 MHz
  assert.equal(ticksIn(39n, 25000000n), 0n); // 0.975 tick
  assert.equal(ticksIn(41n, 25000000n), 1n); // 1.025 ticks
  assert.equal(ticksIn(-1n, 25000000n), -1n); // -0.025 tick floors to -1
  assert.equal(ticksIn(-40n, 25000000n), -1n);
  // 600100000 ns at 25 MHz = 15002500 ticks
  assert.equal(ticksIn(600100000n, 25000000n), 15002500n);
  // exact at GHz rates over long times: 10^6 s at 2.345678 GHz
  assert.equal(ticksIn(1000000000000000n, 2345678000n), 2345678000000000n);
});

test('nsOfTicks: ticks * 1e9 / hz toward zero; 0 at 0 Hz', () => {
  assert.equal(nsOfTicks(25n, 25000000n), 1000n);
  assert.equal(nsOfTicks(14999750n, 25000000n), 599990000n);
  assert.equal(nsOfTicks(1n, 3n), 333333333n);
  assert.equal(nsOfTicks(-1n, 3n), -333333333n);
  assert.equal(nsOfTicks(12345n, 0n), 0n);
});
