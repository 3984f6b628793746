// TraceDocument: line splitting (LF, CRLF, BOM) and line-level incremental re-parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceDocument } from './document';
import { sp } from './testing';

/** A 10 000-line trace: two directives, then statements `i.000000000 h/vm1/vcpu0 sched wait 1ns`. */
function bigTrace(): string[] {
  const lines = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz'];
  for (let i = 2; i < 10000; i++) lines.push(`${i}.000000000 h/vm1/vcpu0 sched wait ${i}ns`);
  return lines;
}

test('a new document parses each line once, the first time it is read', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  assert.equal(doc.lineCount, 10000);
  assert.equal(doc.parsedLines, 0);
  assert.equal(doc.node(0).kind, 'directive');
  assert.equal(doc.node(9999).kind, 'statement');
  assert.equal(doc.node(9999), doc.node(9999)); // cached: the same object
  assert.equal(doc.parsedLines, 2);
  assert.equal(doc.allNodes.length, 10000);
  assert.equal(doc.parsedLines, 10000);
});

test('editing one line of a 10 000-line document re-parses exactly that line', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  const before = [...doc.allNodes];
  const parsed = doc.parsedLines;
  // line 5000 is `5000.000000000 h/vm1/vcpu0 sched wait 5000ns`; replace `5000ns` (cols 38..44)
  assert.equal(doc.text(5000), '5000.000000000 h/vm1/vcpu0 sched wait 5000ns');
  const r = doc.applyEdit({ start: { line: 5000, character: 38 }, end: { line: 5000, character: 44 }, text: '1.5ms' });
  assert.deepEqual(r, { firstLine: 5000, lineDelta: 0 });
  assert.equal(doc.parsedLines - parsed, 1);
  assert.equal(doc.text(5000), '5000.000000000 h/vm1/vcpu0 sched wait 1.5ms');
  const n = doc.node(5000);
  assert.equal(n.kind, 'statement');
  if (n.kind === 'statement' && n.statement.body.type === 'sched_wait')
    assert.deepEqual(n.statement.body.duration, { value: 1500000n, span: sp(38, 43) });
  else assert.fail('line 5000 should be a sched wait');
  // every other node is the very same object: it was not re-parsed
  for (let i = 0; i < 10000; i++) if (i !== 5000) assert.equal(doc.node(i), before[i], `line ${i}`);
});

test('typing a character at a time re-parses one line per keystroke', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  const parsed = doc.parsedLines;
  const typed = ' # note';
  for (let k = 0; k < typed.length; k++) {
    const col = doc.text(7000).length;
    doc.applyEdit({ start: { line: 7000, character: col }, end: { line: 7000, character: col }, text: typed[k] });
  }
  assert.equal(doc.parsedLines - parsed, typed.length);
  assert.equal(doc.text(7000), '7000.000000000 h/vm1/vcpu0 sched wait 7000ns # note');
  assert.deepEqual(doc.node(7000).comment, { span: sp(45, 51), text: ' note' });
});

test('inserting lines re-parses only the new lines and the line they were typed into', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  const before = [...doc.allNodes];
  const parsed = doc.parsedLines;
  const r = doc.applyEdit({ start: { line: 200, character: 0 }, end: { line: 200, character: 0 }, text: '# a\n# b\n' });
  assert.deepEqual(r, { firstLine: 200, lineDelta: 2 });
  assert.equal(doc.parsedLines - parsed, 3);
  assert.equal(doc.lineCount, 10002);
  assert.equal(doc.text(200), '# a');
  assert.equal(doc.text(201), '# b');
  assert.equal(doc.text(202), '200.000000000 h/vm1/vcpu0 sched wait 200ns');
  // lines after the edit moved down by two, unparsed
  assert.equal(doc.node(203), before[201]);
  assert.equal(doc.node(10001), before[9999]);
  assert.equal(doc.node(199), before[199]);
});

test('deleting a line re-parses only the line the deletion joined', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  const before = [...doc.allNodes];
  const parsed = doc.parsedLines;
  const r = doc.applyEdit({ start: { line: 300, character: 0 }, end: { line: 301, character: 0 }, text: '' });
  assert.deepEqual(r, { firstLine: 300, lineDelta: -1 });
  assert.equal(doc.parsedLines - parsed, 1);
  assert.equal(doc.lineCount, 9999);
  assert.equal(doc.text(300), '301.000000000 h/vm1/vcpu0 sched wait 301ns');
  assert.deepEqual(doc.node(300), before[301]);
  assert.equal(doc.node(301), before[302]);
});

test('a multi-line edit re-parses exactly the lines of its replacement', () => {
  const doc = new TraceDocument(bigTrace().join('\n'));
  const parsed = doc.parsedLines;
  // replace from column 14 of line 100 to column 14 of line 102 with text holding one newline
  const r = doc.applyEdit({
    start: { line: 100, character: 14 },
    end: { line: 102, character: 14 },
    text: 'h/vm1 vmm pause\n103.5 ',
  });
  assert.deepEqual(r, { firstLine: 100, lineDelta: -1 });
  assert.equal(doc.parsedLines - parsed, 2);
  assert.equal(doc.text(100), '100.000000000 h/vm1 vmm pause');
  assert.equal(doc.node(100).kind, 'statement');
  assert.equal(doc.text(101), '103.5 h/vm1/vcpu0 sched wait 102ns');
  assert.equal(doc.node(101).kind, 'statement');
});

test('a broken line reports an error on that line only; fixing it re-parses one line', () => {
  const lines = bigTrace();
  lines[4321] = '4321,000000000 h/vm1/vcpu0 sched wait 1ns';
  const doc = new TraceDocument(lines.join('\n'));
  const errors = doc.allNodes.flatMap((n, i) => (n.kind === 'error' ? [{ line: i, ...n.error }] : []));
  assert.deepEqual(errors, [
    { line: 4321, span: sp(0, 14), message: 'expected a time in seconds like 12.000000500, found `4321,000000000`' },
  ]);
  const parsed = doc.parsedLines;
  doc.applyEdit({ start: { line: 4321, character: 4 }, end: { line: 4321, character: 5 }, text: '.' });
  assert.equal(doc.parsedLines - parsed, 1);
  assert.equal(doc.node(4321).kind, 'statement');
  assert.equal(doc.allNodes.filter((n) => n.kind === 'error').length, 0);
});

test('CRLF line endings: lines without the CR, spans unchanged', () => {
  const doc = new TraceDocument('@hvtrace 1\r\n1.0 h/vm1 vmm pause\r\n');
  assert.equal(doc.lineCount, 3);
  assert.equal(doc.text(0), '@hvtrace 1');
  assert.equal(doc.text(1), '1.0 h/vm1 vmm pause');
  assert.equal(doc.text(2), '');
  const n = doc.node(1);
  assert.equal(n.kind, 'statement');
  if (n.kind === 'statement') {
    assert.deepEqual(n.statement.span, sp(0, 19));
    assert.deepEqual(n.statement.op, { value: 'pause', span: sp(14, 19) });
  }
  assert.deepEqual(doc.node(2), { kind: 'empty' });
});

test('mixed LF, CRLF and CR line endings', () => {
  const doc = new TraceDocument('# a\n# b\r\n# c\r# d');
  assert.equal(doc.lineCount, 4);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => doc.text(i)),
    ['# a', '# b', '# c', '# d'],
  );
});

test('edits whose text has CRLF split into lines the same way', () => {
  const doc = new TraceDocument('# a\n# b');
  doc.applyEdit({
    start: { line: 0, character: 3 },
    end: { line: 0, character: 3 },
    text: '\r\n1.0 h/vm1 vmm pause\r\n# x',
  });
  assert.equal(doc.lineCount, 4);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => doc.text(i)),
    ['# a', '1.0 h/vm1 vmm pause', '# x', '# b'],
  );
  assert.equal(doc.node(1).kind, 'statement');
});

test('a UTF-8 byte-order mark at the start is ignored (columns of line 0 are not shifted)', () => {
  const doc = new TraceDocument('\uFEFF@hvtrace 1\n1.0 h/vm1 vmm pause');
  assert.equal(doc.text(0), '@hvtrace 1');
  const n = doc.node(0);
  assert.equal(n.kind, 'directive');
  if (n.kind === 'directive') {
    assert.deepEqual(n.span, sp(0, 10));
    assert.deepEqual(n.keyword, { value: '@hvtrace', span: sp(0, 8) });
  }
  assert.equal(new TraceDocument('\uFEFF\r\n1.0 h/vm1 vmm pause').node(1).kind, 'statement');
});

test('appending at the end, and positions past the last line meaning the end of the document', () => {
  const doc = new TraceDocument('# a\n# b');
  doc.applyEdit({ start: { line: 1, character: 3 }, end: { line: 1, character: 3 }, text: '\n# c' });
  assert.equal(doc.getText(), '# a\n# b\n# c');
  doc.applyEdit({ start: { line: 9, character: 0 }, end: { line: 9, character: 0 }, text: '\n# d' });
  assert.equal(doc.getText(), '# a\n# b\n# c\n# d');
  // replace everything: from the start to a position past the end
  doc.applyEdit({ start: { line: 0, character: 0 }, end: { line: 99, character: 0 }, text: '1.0 h vmm pause' });
  assert.equal(doc.getText(), '1.0 h vmm pause');
  assert.equal(doc.lineCount, 1);
  // a character past the end of a line is the end of that line
  doc.applyEdit({ start: { line: 0, character: 500 }, end: { line: 0, character: 500 }, text: ' # x' });
  assert.equal(doc.getText(), '1.0 h vmm pause # x');
});

test('an empty document has one empty line; lines out of range read as empty', () => {
  const doc = new TraceDocument('');
  assert.equal(doc.lineCount, 1);
  assert.deepEqual(doc.node(0), { kind: 'empty' });
  assert.deepEqual(doc.node(5), { kind: 'empty' });
  assert.equal(doc.text(5), '');
  doc.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, text: '@hvtrace 1' });
  assert.equal(doc.node(0).kind, 'directive');
  assert.equal(doc.parsedLines, 2);
});

test("getText keeps each line end as written (the client's document is the same text)", () => {
  assert.equal(new TraceDocument('a\r\nb\nc\rd').getText(), 'a\r\nb\nc\rd');
  assert.equal(new TraceDocument('a\r\nb\nc\rd').lineCount, 4);
});

// Issue #15 item 10: positions and line ends as LSP clients (vscode-languageserver-textdocument)
// apply them. The expected texts are worked out by hand from its `offsetAt`: a line before the first
// is offset 0, a line past the last is the end, a character is clamped into its line (before its
// line end), a reversed range is swapped; the text is then re-split on CR, LF and CRLF.
test('negative and out-of-range positions are clamped the way the client clamps them', () => {
  const doc = new TraceDocument('abc\ndef');
  doc.applyEdit({ start: { line: 0, character: -3 }, end: { line: 0, character: -1 }, text: 'X' });
  assert.equal(doc.getText(), 'Xabc\ndef'); // both ends at offset 0 (was: `slice(0, -3)` kept "ab")
  doc.applyEdit({ start: { line: -2, character: 7 }, end: { line: 0, character: 1 }, text: '' });
  assert.equal(doc.getText(), 'abc\ndef'); // line -2 is offset 0 whatever the character
  doc.applyEdit({ start: { line: 1, character: 2 }, end: { line: 0, character: 1 }, text: '-' });
  assert.equal(doc.getText(), 'a-f'); // reversed: offsets 1..6 replaced
  doc.applyEdit({ start: { line: 0, character: 99 }, end: { line: 0, character: -5 }, text: '|' });
  assert.equal(doc.getText(), '|'); // reversed on one line: offsets 0 (-5) to 3 (99, clamped): "a-f" replaced
});

test('a CR and an LF that an edit brings together are one CRLF line end', () => {
  // "a\rX\nb": lines a | X | b. Deleting X leaves "a\r\nb": two lines, not three.
  const doc = new TraceDocument('a\rX\nb');
  assert.equal(doc.lineCount, 3);
  doc.applyEdit({ start: { line: 1, character: 0 }, end: { line: 1, character: 1 }, text: '' });
  assert.equal(doc.getText(), 'a\r\nb');
  assert.equal(doc.lineCount, 2);
  assert.equal(doc.text(1), 'b');
  // Inserting LF at the start of the line after a lone CR: "a\r" + "\n" + "b" = "a\r\nb" again.
  const d2 = new TraceDocument('a\rb');
  d2.applyEdit({ start: { line: 1, character: 0 }, end: { line: 1, character: 0 }, text: '\n' });
  assert.equal(d2.getText(), 'a\r\nb');
  assert.equal(d2.lineCount, 2);
  // An inserted text ending in CR before a line end LF: "a" + "\r" + "\nb".
  const d3 = new TraceDocument('a\nb');
  d3.applyEdit({ start: { line: 0, character: 1 }, end: { line: 0, character: 1 }, text: '\r' });
  assert.equal(d3.getText(), 'a\r\nb');
  assert.equal(d3.lineCount, 2);
  // LF then CR stay two line ends.
  const d4 = new TraceDocument('a\rb');
  d4.applyEdit({ start: { line: 0, character: 1 }, end: { line: 0, character: 1 }, text: '\n' });
  assert.deepEqual([d4.getText(), d4.lineCount], ['a\n\rb', 3]);
});

test('a pasted change of 200k lines is applied (no RangeError from spreading it into a call)', () => {
  const doc = new TraceDocument('# first\n# last');
  const pasted = Array.from({ length: 200_000 }, (_, i) => `${i}.0 h/vm1 vmm pause`).join('\n');
  const r = doc.applyEdit({ start: { line: 1, character: 0 }, end: { line: 1, character: 0 }, text: `${pasted}\n` });
  assert.deepEqual(r, { firstLine: 1, lineDelta: 200_000 });
  assert.equal(doc.lineCount, 200_002);
  assert.equal(doc.text(1), '0.0 h/vm1 vmm pause');
  assert.equal(doc.text(200_000), '199999.0 h/vm1 vmm pause');
  assert.equal(doc.text(200_001), '# last');
  assert.equal(doc.node(200_000).kind, 'statement');
  // And removed again in one change.
  doc.applyEdit({ start: { line: 1, character: 0 }, end: { line: 200_001, character: 0 }, text: '' });
  assert.equal(doc.getText(), '# first\n# last');
});

test('the parsed-line cache is bounded: lines parsed longest ago are dropped and parsed again when read', () => {
  const doc = new TraceDocument(bigTrace().join('\n'), 1000);
  for (let i = 0; i < 3000; i++) doc.node(i);
  assert.equal(doc.parsedLines, 3000);
  const recent = doc.node(2999);
  assert.equal(doc.node(2999), recent); // recent lines stay cached
  assert.equal(doc.parsedLines, 3000);
  assert.equal(doc.node(0).kind, 'directive'); // dropped long ago: parsed again
  assert.equal(doc.parsedLines, 3001);
});

test('a sweep past a full cache parses what is not cached without dropping what is', () => {
  const doc = new TraceDocument(bigTrace().join('\n'), 1000);
  for (let i = 0; i < 1000; i++) doc.sweep(i); // room in the cache: the sweep fills it
  assert.equal(doc.parsedLines, 1000);
  const kept = doc.node(500);
  assert.equal(doc.parsedLines, 1000);
  for (let i = 1000; i < 3000; i++) doc.sweep(i); // full: parsed and not kept
  assert.equal(doc.parsedLines, 3000);
  assert.equal(doc.node(500), kept); // the cached lines were left alone
  assert.equal(doc.sweep(0).kind, 'directive'); // a cached line comes from the cache
  assert.equal(doc.parsedLines, 3000);
  const swept = doc.sweep(2000);
  assert.equal(swept.kind === 'statement' ? swept.statement.time.value : undefined, 2000_000_000_000n);
  assert.equal(doc.parsedLines, 3001); // not kept by the first sweep, parsed again
});

test('a long line counts for more in the parsed-line cache, and one costlier than the whole cache is still read', () => {
  // Capacity 100; a line of 10,000 characters costs 1 + floor(10000 / 64) = 157 (issue #15: a 16 MB
  // line of NULs made the eviction loop forever looking for something else to drop).
  const doc = new TraceDocument(`${'#'.repeat(10_000)}\n# short\n# short`, 100);
  assert.deepEqual(doc.node(0), {
    kind: 'empty',
    comment: { span: { start: 0, end: 10_000 }, text: '#'.repeat(9_999) },
  });
  assert.equal(doc.node(1).kind, 'empty');
  assert.equal(doc.node(2).kind, 'empty');
  assert.equal(doc.parsedLines, 3);
  // Reading line 0 again parses it again: the short lines pushed it out (157 + 1 + 1 > 100).
  doc.node(0);
  assert.equal(doc.parsedLines, 4);
});
