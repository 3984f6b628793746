// Drawn text (webview/src/elide.ts): control characters and lone surrogates made printable (issue
// #15 item 4: `vmm note bad\x01char` made the exported SVG ill-formed), elision with "…", and label
// placement that neither crosses the edges nor overlaps. Widths: 1 unit per code point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elide, overlaps, placeLabels, printable } from '../../../webview/src/elide';

const measure = (s: string): number => Array.from(s).length;

test('printable: C0/C1 controls, DEL, separators, U+FFFE/U+FFFF and lone surrogates become visible escapes', () => {
  assert.equal(printable('vmm note bad\x01char'), 'vmm note bad\\x01char');
  assert.equal(printable('a\tb\nc\rd\x00'), 'a\\x09b\\x0Ac\\x0Dd\\x00');
  assert.equal(printable('\x7f\x85\x9f'), '\\x7F\\x85\\x9F');
  assert.equal(printable('\u2028\u2029\ufffe\uffff'), '\\u2028\\u2029\\uFFFE\\uFFFF');
  assert.equal(printable('x\ud800y'), 'x\\uD800y');
  assert.equal(printable('\udc00'), '\\uDC00');
  assert.equal(printable('end\ud83d'), 'end\\uD83D');
  // What XML escaping handles is left to the serializer; a valid pair and ordinary text stay.
  assert.equal(printable('<img> & ]]> "q" \\x01 😀 µs → é'), '<img> & ]]> "q" \\x01 😀 µs → é');
});

test('elide: the longest prefix that fits with "…", never splitting a surrogate pair', () => {
  assert.equal(elide('migrate → dst', 13, measure), 'migrate → dst');
  // 8 units: "migrate" (7) + "…" fits; "migrate " would end in a space, trimmed.
  assert.equal(elide('migrate → dst', 8, measure), 'migrate…');
  assert.equal(elide('migrate → dst', 9, measure), 'migrate…');
  assert.equal(elide('migrate → dst', 10, measure), 'migrate →…');
  assert.equal(elide('ab😀cd', 4, measure), 'ab😀…');
  assert.equal(elide('abc', 0.5, measure), '');
});

test('placeLabels: right of the point when it fits, else left, else a line above or below; elided only when nothing fits', () => {
  const bounds = { left: 0, right: 100 };
  const [a, b, c] = placeLabels(
    [
      { text: 'migrate → dst', x: 10, y: 50 },
      // Same point: the right side is taken, the left has 10 - 4 = 6 units: a line above instead.
      { text: 'restore', x: 10, y: 50 },
      // Near the right edge: "restore" (7) does not fit in 100 - 97; placed left of the point.
      { text: 'restore', x: 96, y: 80 },
    ],
    bounds,
    10,
    measure,
  );
  assert.deepEqual([a.x, a.y, a.text, a.elided], [14, 50, 'migrate → dst', false]);
  assert.deepEqual([b.x, b.y, b.text, b.elided], [14, 40, 'restore', false]);
  assert.deepEqual([c.x, c.y, c.text, c.elided], [85, 80, 'restore', false]);
  // No room anywhere for the whole text: elided at the roomiest place, its full text kept in `request`.
  const [d] = placeLabels(
    [{ text: 'migrate → destination-host-with-a-long-name', x: 20, y: 5 }],
    { left: 0, right: 40 },
    10,
    measure,
  );
  assert.equal(d.elided, true);
  // Right of the point there are 40 - (20 + 4) = 16 units: 15 characters and "…".
  assert.equal(d.text, 'migrate → desti…');
  assert.equal(d.x + d.w <= 40 && d.x >= 0, true);
  assert.equal(d.request.text, 'migrate → destination-host-with-a-long-name');
});

test('placeLabels: many labels at nearby points never overlap and never cross the bounds', () => {
  const requests = Array.from({ length: 40 }, (_, i) => ({
    text: `label number ${i}`,
    x: (i * 37) % 300,
    y: 20 + (i % 5) * 6,
  }));
  const placed = placeLabels(requests, { left: 0, right: 300 }, 10, measure);
  const drawn = placed.filter((p) => p.drawn);
  for (const p of drawn) assert.ok(p.x >= 0 && p.x + p.w <= 300 + 1e-9, `${p.text} at ${p.x}+${p.w}`);
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      const box = (p: (typeof drawn)[number]) => ({ x: p.x, y: p.y - 5, w: p.w, h: 10 });
      assert.ok(!overlaps(box(drawn[i]), box(drawn[j])), `${drawn[i].text} overlaps ${drawn[j].text}`);
    }
  }
  assert.ok(drawn.length >= 20, `only ${drawn.length} of 40 drawn`);
});

test('placeLabels: with no room right of the point, a label goes to its other place before the left side', () => {
  // "migrate → dst" (13) at x = 90 in [0, 100]: 6 units to the right; at 50 it spans 50..63.
  const [a] = placeLabels(
    [{ text: 'migrate → dst', x: 90, y: 50, alsoAt: [{ x: 50, y: 30 }] }],
    { left: 0, right: 100 },
    10,
    measure,
  );
  assert.deepEqual([a.x, a.y, a.elided], [50, 30, false]);
  // That place taken by an earlier label (44..64): left of the point instead (ending 4 before it).
  const [, b] = placeLabels(
    [
      { text: 'x'.repeat(20), x: 40, y: 30 },
      { text: 'migrate → dst', x: 90, y: 50, alsoAt: [{ x: 50, y: 30 }] },
    ],
    { left: 0, right: 100 },
    10,
    measure,
  );
  assert.deepEqual([b.x, b.y, b.elided], [73, 50, false]);
});
