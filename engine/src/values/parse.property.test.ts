// The value scanners of parse.ts against the regular expressions of docs/format.md#2-values they
// replaced for speed (issue #17): on random texts over the characters that matter (digits, hex
// letters, `_`, `.`, `-`, `x`, units, spaces) each scanner accepts exactly what its pattern
// accepts, with the value the pattern's captures give (computed here with BigInt on the captured
// digits), and the same message when it rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isName, parseCounter, parseDuration, parseInteger, parseName, parseTime } from './parse';

const U64 = 1n << 64n;
const DEC = /^[0-9](?:_?[0-9])*$/;
const HEX = /^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const TIME = /^([0-9]+)(?:\.([0-9]{1,9}))?$/;
const TIME_TOO_FINE = /^[0-9]+\.[0-9]{10,}$/;
const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s)$/;
const NAME = /^[A-Za-z0-9_.-]+$/;

/** What the regular expressions say an integer text is worth (undefined: rejected). */
function integerOracle(text: string): bigint | undefined {
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  let v: bigint;
  if (/^0[xX]/.test(body)) {
    if (!HEX.test(body.slice(2))) return undefined;
    v = BigInt(`0x${body.slice(2).replaceAll('_', '')}`);
  } else {
    if (!DEC.test(body)) return undefined;
    v = BigInt(body.replaceAll('_', ''));
  }
  return neg ? -v : v;
}

/** Texts made of the characters the value patterns care about, short and long (past 15 and 20 digits). */
const texts = (alphabet: string): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }).map((cs) => cs.join(''));

const INTEGER_CHARS = '0123456789012345678901234567890123456789_-xXaFfG. ';
const numeric = fc.oneof(
  texts(INTEGER_CHARS),
  fc.bigInt({ min: -(U64 * 4n), max: U64 * 4n }).map((v) => v.toString()),
  fc.bigInt({ min: 0n, max: U64 * 4n }).map((v) => `0x${v.toString(16)}`),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 12 }), fc.nat(10 ** 9))
    .map(([s, k, f]) => `${s}.${String(f).padStart(9, '0').slice(0, k)}`),
);

test('parseInteger and parseCounter accept exactly the integer pattern, with its value', () => {
  fc.assert(
    fc.property(numeric, (text) => {
      const want = integerOracle(text);
      const got = parseInteger(text);
      if (want === undefined) {
        assert.deepEqual(got, { ok: false, expected: 'an integer like 25000000, 0x603000000013DF1A or -1000' }, text);
        assert.equal(parseCounter(text).ok, false, text);
      } else {
        assert.deepEqual(got, { ok: true, value: want }, text);
        // mod 2^64, negative numbers as two's complement
        assert.deepEqual(parseCounter(text), { ok: true, value: ((want % U64) + U64) % U64 }, text);
      }
    }),
    { numRuns: 20_000 },
  );
});

test('parseTime accepts exactly `[0-9]+(.[0-9]{1,9})?`, in exact nanoseconds', () => {
  fc.assert(
    fc.property(numeric, (text) => {
      const m = TIME.exec(text);
      const got = parseTime(text);
      if (m) {
        // seconds × 10^9 + the fraction padded to 9 digits
        assert.deepEqual(
          got,
          { ok: true, value: BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0')) },
          text,
        );
      } else {
        const expected = 'a time in seconds like 12.000000500';
        assert.deepEqual(
          got,
          { ok: false, expected: TIME_TOO_FINE.test(text) ? `${expected} (at most 9 fractional digits)` : expected },
          text,
        );
      }
    }),
    { numRuns: 20_000 },
  );
});

test('parseTime is exact on both sides of 2^53 ns (the double shortcut ends at 9007198 s)', () => {
  // 9007198.999999999 s = 9007198999999999 ns < 2^53 = 9007199254740992
  assert.deepEqual(parseTime('9007198.999999999'), { ok: true, value: 9007198999999999n });
  // 9007199.254740993 s = 2^53 + 1 ns: a double would round it to 2^53
  assert.deepEqual(parseTime('9007199.254740993'), { ok: true, value: 9007199254740993n });
  // 99999999.999999999 s = 99999999999999999 ns (8 digits of seconds: the bigint path)
  assert.deepEqual(parseTime('99999999.999999999'), { ok: true, value: 99999999999999999n });
});

test('parseDuration accepts exactly a number and ns, us, µs, ms or s, in whole nanoseconds', () => {
  const units: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, ms: 1_000_000n, s: 1_000_000_000n };
  const durations = fc.oneof(
    fc
      .tuple(numeric, fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'S', '', 'sec', ' ms', 'nss'))
      .map(([n, u]) => n + u),
    texts('0123456789.nsumµ_'),
  );
  fc.assert(
    fc.property(durations, (text) => {
      const m = DURATION.exec(text);
      const expected = 'a duration like 154233ns, 1.5ms or 30s';
      const got = parseDuration(text);
      if (!m) {
        assert.deepEqual(got, { ok: false, expected }, text);
        return;
      }
      const [int, frac = ''] = m[1].split('.');
      // value = int × scale + frac × scale / 10^len, only when that is whole
      const scale = units[m[2]];
      const num = BigInt(frac || '0') * scale;
      const den = 10n ** BigInt(frac.length);
      if (num % den !== 0n)
        assert.deepEqual(got, { ok: false, expected: `${expected} (a whole number of nanoseconds)` }, text);
      else assert.deepEqual(got, { ok: true, value: BigInt(int) * scale + num / den }, text);
    }),
    { numRuns: 20_000 },
  );
});

test('parseName and isName accept exactly `[A-Za-z0-9_.-]+`', () => {
  fc.assert(
    fc.property(fc.oneof(texts('aZ09_.-/ =@é\t#'), fc.string({ maxLength: 12 })), (text) => {
      const want = NAME.test(text);
      assert.equal(isName(text), want, text);
      assert.deepEqual(
        parseName(text),
        want ? { ok: true, value: text } : { ok: false, expected: 'a name (letters, digits, `_`, `-`, `.`)' },
        text,
      );
    }),
    { numRuns: 20_000 },
  );
});
