// ByteLines: lines of bytes that arrive in pieces, split and decoded as TraceDocument and the CLI
// split and decode a whole text. Every expected value is written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLines, type NotUtf8 } from './byteLines';
import { Utf8Scan } from './utf8';

type Seen = string | { long: number; blank: boolean };

/** The lines of `pieces` (each a string of Latin-1 bytes or a byte array) and the first bad byte. */
function split(...pieces: (string | number[])[]): { lines: Seen[]; notUtf8?: NotUtf8 } {
  const lines: Seen[] = [];
  const b = new ByteLines({ line: (t) => lines.push(t), longLine: (n, blank) => lines.push({ long: n, blank }) });
  for (const p of pieces) b.push(typeof p === 'string' ? Buffer.from(p, 'latin1') : Uint8Array.from(p));
  b.end();
  return { lines, notUtf8: b.notUtf8 };
}

test('line ends LF, CRLF and a lone CR; the text after the last line end is a line', () => {
  assert.deepEqual(split('a\nb\r\nc\rd').lines, ['a', 'b', 'c', 'd']);
  assert.deepEqual(split('a\n').lines, ['a', '']);
  assert.deepEqual(split('').lines, ['']);
  assert.deepEqual(split('\r\r\n\n').lines, ['', '', '', '']);
});

test('a CRLF cut between two pieces is one line end; a CR then something else is one too', () => {
  assert.deepEqual(split('a\r', '\nb').lines, ['a', 'b']);
  assert.deepEqual(split('a\r', '', '\nb').lines, ['a', 'b']);
  assert.deepEqual(split('a\r', 'b').lines, ['a', 'b']);
  assert.deepEqual(split('a\r', '\r', '\n').lines, ['a', '', '']);
});

test('a line cut anywhere between pieces comes whole', () => {
  assert.deepEqual(split('1.0 h/v', 'm1 vmm pa', 'use\n2', '.0').lines, ['1.0 h/vm1 vmm pause', '2.0']);
});

test('the BOM of the first line is dropped, a BOM elsewhere kept', () => {
  // EF BB BF is U+FEFF in UTF-8.
  assert.deepEqual(split([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xef, 0xbb, 0xbf, 0x62]).lines, ['a', '\uFEFFb']);
});

test('UTF-8 cut between pieces decodes whole; the first byte that is not UTF-8 is located once', () => {
  // é = C3 A9, cut between two pieces.
  assert.deepEqual(split([0x61, 0xc3], [0xa9, 0x0a]).lines, ['aé', '']);
  // Line 1 (0-based), column 2: `xé` is 2 UTF-16 units before the bad byte 0xFF; the later 0xFE is not reported.
  const r = split('ok\n', [0x78, 0xc3, 0xa9, 0xff, 0x79, 0x0a, 0xfe]);
  assert.deepEqual(r.lines, ['ok', 'xé\uFFFDy', '\uFFFD']);
  assert.deepEqual(r.notUtf8, { line: 1, column: 2, byte: 0xff });
  // On the first line the BOM does not count: column 1 after BOM + `a`.
  assert.deepEqual(split([0xef, 0xbb, 0xbf, 0x61, 0x80]).notUtf8, { line: 0, column: 1, byte: 0x80 });
});

test('a line longer than 65536 characters is not kept: its length and whether it is blank or a comment', () => {
  // 65537 `x`: one too many. 300000 spaces then `# c`: 300003 characters, a comment (the streamed case, past 262148 bytes).
  const long = 'x'.repeat(65_537);
  assert.deepEqual(split(`a\n${long}\nb`).lines, ['a', { long: 65_537, blank: false }, 'b']);
  const comment = `${' '.repeat(300_000)}# c`;
  assert.deepEqual(
    split(comment.slice(0, 100_000), comment.slice(100_000, 290_000), `${comment.slice(290_000)}\r`, '\nz').lines,
    [{ long: 300_003, blank: true }, 'z'],
  );
  // 100 MB of NUL in 1 MiB pieces: one line of 104857600 characters, no text kept.
  const b = new ByteLines({
    line: () => assert.fail('no short line'),
    longLine: (n, blank) => {
      assert.equal(n, 100 * 2 ** 20);
      assert.equal(blank, false);
    },
  });
  const mib = new Uint8Array(2 ** 20);
  for (let i = 0; i < 100; i++) b.push(mib);
  b.end();
  assert.equal(b.lineCount, 1);
});

test('a streamed long line: UTF-8 across pieces counted in UTF-16 units; its first bad byte located', () => {
  // 270000 × `é` (2 bytes, 1 unit each) then 😀 (4 bytes, 2 units) cut in the middle, then 0xFF:
  // 270002 units before the bad byte; the line has 270003 units (the 0xFF is one U+FFFD).
  const e = Array.from({ length: 270_000 }, () => [0xc3, 0xa9]).flat();
  const r = split(e, [0xf0, 0x9f], [0x98, 0x80, 0xff]);
  assert.deepEqual(r.lines, [{ long: 270_003, blank: false }]);
  assert.deepEqual(r.notUtf8, { line: 0, column: 270_002, byte: 0xff });
});

test('Utf8Scan: a sequence cut between pieces, an overlong form, a surrogate, a truncated end', () => {
  const scan = (...pieces: number[][]): Utf8Scan => {
    const s = new Utf8Scan();
    for (const p of pieces) s.feed(Uint8Array.from(p));
    s.end();
    return s;
  };
  assert.deepEqual(scan([0x61, 0xe2, 0x82], [0xac, 0x62]).invalid, undefined); // a€b
  assert.equal(scan([0x61, 0xe2, 0x82], [0xac, 0x62]).units, 3);
  assert.deepEqual(scan([0x61], [0xe0], [0x80, 0x80]).invalid, { byte: 0xe0, units: 1 }); // overlong E0 80 80
  assert.deepEqual(scan([0xed, 0xa0], [0x80]).invalid, { byte: 0xed, units: 0 }); // U+D800
  assert.deepEqual(scan([0x61, 0x62, 0xf0, 0x9f]).invalid, { byte: 0xf0, units: 2 }); // cut at the end
});
