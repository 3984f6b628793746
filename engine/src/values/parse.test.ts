// The value kinds of docs/format.md#2-values. Every expected value is a literal worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCounter,
  parseDuration,
  parseFrequency,
  parseInteger,
  parseName,
  parseSmallInteger,
  parseTime,
  type Parsed,
} from './parse';

const INTEGER = 'an integer like 25000000, 0x603000000013DF1A or -1000';
const COUNTER = 'a counter value like 250000225, 0x2540BE400 or -856010509473';
const TIME = 'a time in seconds like 12.000000500';
const DURATION = 'a duration like 154233ns, 1.5ms or 30s';
const FREQUENCY = 'a frequency like 25000000, 25MHz or 2.345678GHz';

function value<T>(r: Parsed<T>): T {
  if (!r.ok) assert.fail(`expected a value, got failure: ${r.expected}`);
  return r.value;
}
function expected<T>(r: Parsed<T>): string {
  if (r.ok) assert.fail(`expected a failure, got ${String(r.value)}`);
  return r.expected;
}

// ---- integer ---------------------------------------------------------------------------------

test('integer: decimal', () => {
  assert.equal(value(parseInteger('25000000')), 25000000n);
  assert.equal(value(parseInteger('0')), 0n);
  assert.equal(value(parseInteger('007')), 7n);
});

test('integer: hex with 0x or 0X, either case of digits', () => {
  assert.equal(value(parseInteger('0x603000000013DF1A')), 6931039826524495642n);
  assert.equal(value(parseInteger('0x603000000013df1a')), 6931039826524495642n);
  assert.equal(value(parseInteger('0X10')), 16n);
  assert.equal(value(parseInteger('0xFFFFFFFFFFFFFFFF')), 18446744073709551615n);
});

test('integer: negative decimal and negative hex', () => {
  assert.equal(value(parseInteger('-1000')), -1000n);
  assert.equal(value(parseInteger('-0x10')), -16n);
  assert.equal(value(parseInteger('-0')), 0n);
});

test('integer: `_` separators between digits', () => {
  assert.equal(value(parseInteger('1_000_000')), 1000000n);
  assert.equal(value(parseInteger('0x6030_0000_0013_DF1A')), 6931039826524495642n);
  assert.equal(value(parseInteger('-1_0')), -10n);
});

test('integer: exact beyond 2^53 (no float on the way)', () => {
  // 2^53 + 1 = 9007199254740993 is not a double.
  assert.equal(value(parseInteger('9007199254740993')), 9007199254740993n);
  assert.equal(value(parseInteger('123456789012345678901234567890')), 123456789012345678901234567890n);
});

test('integer: rejects everything else with the expected kind', () => {
  for (const bad of [
    '',
    '-',
    '+1',
    '0x',
    '-0x',
    '1__0',
    '_1',
    '1_',
    '0x_1',
    '0x1_',
    '1.0',
    '1e3',
    ' 1',
    '1 ',
    '0b101',
    '0xG',
    '--1',
    '١٢',
    'x10',
  ]) {
    assert.equal(expected(parseInteger(bad)), INTEGER, `\`${bad}\``);
  }
});

// ---- counter / offset ------------------------------------------------------------------------

test("counter: integers modulo 2^64, negative numbers as two's complement", () => {
  assert.equal(value(parseCounter('250000225')), 250000225n);
  assert.equal(value(parseCounter('0x2540BE400')), 10000000000n);
  // 2^64 - 856010509473 = 18446744073709551616 - 856010509473
  assert.equal(value(parseCounter('-856010509473')), 18446743217699042143n);
  assert.equal(value(parseCounter('-1')), 18446744073709551615n);
  assert.equal(value(parseCounter('-0x10')), 18446744073709551600n);
  assert.equal(value(parseCounter('0xFFFFFFFFFFFFFFFF')), 18446744073709551615n);
  assert.equal(value(parseCounter('18446744073709551616')), 0n); // 2^64
  assert.equal(value(parseCounter('0x1_0000_0000_0000_0005')), 5n); // 2^64 + 5
  assert.equal(value(parseCounter('-18446744073709551616')), 0n); // -2^64
});

test('counter: rejects non-integers with the counter example', () => {
  assert.equal(expected(parseCounter('12,5')), COUNTER);
  assert.equal(expected(parseCounter('1.5')), COUNTER);
  assert.equal(expected(parseCounter('')), COUNTER);
});

test('small integer: a non-negative safe integer as a number', () => {
  assert.equal(value(parseSmallInteger('0')), 0);
  assert.equal(value(parseSmallInteger('0x10')), 16);
  assert.equal(value(parseSmallInteger('9007199254740991')), 9007199254740991);
  assert.equal(expected(parseSmallInteger('9007199254740992')), 'a non-negative integer');
  assert.equal(expected(parseSmallInteger('-1', 'a vCPU id like 0')), 'a vCPU id like 0');
  assert.equal(expected(parseSmallInteger('one')), 'a non-negative integer');
});

// ---- time ------------------------------------------------------------------------------------

test('time: seconds with up to 9 fractional digits to integer nanoseconds', () => {
  assert.equal(value(parseTime('100.000001500')), 100000001500n);
  assert.equal(value(parseTime('100.0')), 100000000000n);
  assert.equal(value(parseTime('100')), 100000000000n);
  assert.equal(value(parseTime('12.5')), 12500000000n);
  assert.equal(value(parseTime('0.000000001')), 1n);
  assert.equal(value(parseTime('0')), 0n);
  assert.equal(value(parseTime('20.600100000')), 20600100000n);
});

test('time: exact where a float would round (never through a double)', () => {
  // 9007199.254740993 s = 9007199254740993 ns = 2^53 + 1: parseFloat would give ...992.
  assert.equal(value(parseTime('9007199.254740993')), 9007199254740993n);
  // 2^64 - 1 ns
  assert.equal(value(parseTime('18446744073.709551615')), 18446744073709551615n);
  // 0.1 + 0.2 style: 0.3 s is exactly 300000000 ns
  assert.equal(value(parseTime('0.300000001')), 300000001n);
  // Larger than any u64 still exact.
  assert.equal(value(parseTime('100000000000000000000.123456789')), 100000000000000000000123456789n);
});

test('time: rejects other spellings, saying what was expected', () => {
  assert.equal(expected(parseTime('12,5')), TIME);
  assert.equal(expected(parseTime('1.0000000001')), `${TIME} (at most 9 fractional digits)`);
  for (const bad of ['', '-1.0', '.5', '1.', '1e3', '1_000.0', '0x10', '1.5s', ' 1.0', 'abc']) {
    assert.equal(expected(parseTime(bad)), TIME, `\`${bad}\``);
  }
});

// ---- duration --------------------------------------------------------------------------------

test('duration: integer or decimal with ns, us, ms, s', () => {
  assert.equal(value(parseDuration('154233ns')), 154233n);
  assert.equal(value(parseDuration('100us')), 100000n);
  assert.equal(value(parseDuration('1.5ms')), 1500000n);
  assert.equal(value(parseDuration('30s')), 30000000000n);
  assert.equal(value(parseDuration('0.000000001s')), 1n);
  assert.equal(value(parseDuration('2.5us')), 2500n);
  assert.equal(value(parseDuration('0ns')), 0n);
  assert.equal(value(parseDuration('1.000ms')), 1000000n);
});

test('duration: `µs` is accepted as `us`', () => {
  assert.equal(value(parseDuration('7µs')), 7000n);
});

test('duration: exact for large values', () => {
  // 9007199.254740993 s = 2^53 + 1 ns
  assert.equal(value(parseDuration('9007199.254740993s')), 9007199254740993n);
});

test('duration: rejects a fraction of a nanosecond, a missing or unknown unit', () => {
  assert.equal(expected(parseDuration('0.5ns')), `${DURATION} (a whole number of nanoseconds)`);
  assert.equal(expected(parseDuration('1.0000000001s')), `${DURATION} (a whole number of nanoseconds)`);
  for (const bad of ['100', '1.5', 'ms', '1.5 ms', '-1ms', '1min', '1MS', '1_000ns', '.5ms', '1.ms', '']) {
    assert.equal(expected(parseDuration(bad)), DURATION, `\`${bad}\``);
  }
});

// ---- frequency -------------------------------------------------------------------------------

test('frequency: integer Hz', () => {
  assert.equal(value(parseFrequency('25000000')), 25000000n);
  assert.equal(value(parseFrequency('1')), 1n);
});

test('frequency: integer Hz is the integer kind (`_` separators, hex)', () => {
  assert.equal(value(parseFrequency('25_000_000')), 25000000n);
  assert.equal(value(parseFrequency('0x17D7840')), 25000000n);
});

test('frequency: decimal with kHz, MHz, GHz (and Hz)', () => {
  assert.equal(value(parseFrequency('25MHz')), 25000000n);
  assert.equal(value(parseFrequency('2.345678GHz')), 2345678000n);
  assert.equal(value(parseFrequency('32.768kHz')), 32768n);
  assert.equal(value(parseFrequency('1GHz')), 1000000000n);
  assert.equal(value(parseFrequency('19.2MHz')), 19200000n);
  assert.equal(value(parseFrequency('100Hz')), 100n);
});

test('frequency: unit names are case-insensitive', () => {
  assert.equal(value(parseFrequency('25mhz')), 25000000n);
  assert.equal(value(parseFrequency('2.5ghz')), 2500000000n);
  assert.equal(value(parseFrequency('3KHZ')), 3000n);
});

test('frequency: rejects zero, fractions of a Hz, unknown units, negative numbers', () => {
  assert.equal(expected(parseFrequency('0')), `${FREQUENCY} (not zero)`);
  assert.equal(expected(parseFrequency('0MHz')), `${FREQUENCY} (not zero)`);
  assert.equal(expected(parseFrequency('-25')), `${FREQUENCY} (not negative)`);
  assert.equal(expected(parseFrequency('25.5')), `${FREQUENCY} (a whole number of Hz)`);
  assert.equal(expected(parseFrequency('1.0000000001GHz')), `${FREQUENCY} (a whole number of Hz)`);
  for (const bad of ['25THz', '25 MHz', 'MHz', '', '-25MHz', '25e6', '25,000,000', '25MHz5']) {
    assert.equal(expected(parseFrequency(bad)), FREQUENCY, `\`${bad}\``);
  }
});

test('frequency: unit words that are Object.prototype keys are unknown units, not a crash', () => {
  for (const bad of ['1constructor', '1toString', '1valueOf', '1hasOwnProperty', '1__proto__', '2.5isPrototypeOf']) {
    assert.equal(expected(parseFrequency(bad)), FREQUENCY, `\`${bad}\``);
  }
});

// ---- name ------------------------------------------------------------------------------------

test('name: letters, digits, `_`, `-`, `.`', () => {
  for (const good of ['src', 'vm1', 'KVM_REG_ARM_TIMER_CNT', 'host-a.example', '1', '_', '-', '.']) {
    assert.equal(value(parseName(good)), good);
  }
});

test('name: anything else is rejected', () => {
  for (const bad of ['', 'a/b', 'a b', 'a=b', 'a@b', 'é', 'a#b', 'a\tb']) {
    assert.equal(expected(parseName(bad)), 'a name (letters, digits, `_`, `-`, `.`)', `\`${bad}\``);
  }
});
