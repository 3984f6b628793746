// Issue #15 item 10: the engine's document (TraceDocument) must stay the text the client holds.
// vscode-languageserver-textdocument is what the client (and this server) uses for it; 20,000
// random edits — negative and out-of-range positions, reversed ranges, lone CRs — are applied to
// both and the texts, line counts and every line compared. The issue measured 283 of 20,000 edits
// diverging; with the engine before the fix, 3,500 documents of this test diverged (most within
// their first 50 edits), counting lines alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TraceDocument } from '../../engine/src/index';
import { randomDocument, randomEdit } from '../../fuzz/edits';
import { Random } from '../../fuzz/random';

/** The client's lines: its text split at its line offsets, without the line ends. */
function clientLines(doc: TextDocument): string[] {
  const out: string[] = [];
  for (let i = 0; i < doc.lineCount; i++)
    out.push(doc.getText({ start: { line: i, character: 0 }, end: { line: i, character: 2 ** 31 - 1 } }));
  return out;
}

test('20,000 random edits leave the engine document equal to the client document', () => {
  const rng = new Random(15);
  let edits = 0;
  let diverged = 0;
  for (let docs = 0; edits < 20_000; docs++) {
    const initial = randomDocument(rng);
    const client = TextDocument.create('file:///t.hvtrace', 'hvtrace', 0, initial);
    const engine = new TraceDocument(initial);
    for (let i = 0; i < 50; i++, edits++) {
      const e = randomEdit(rng, client.lineCount);
      TextDocument.update(client, [{ range: e.range, text: e.text }], client.version + 1);
      engine.applyEdit({ start: e.range.start, end: e.range.end, text: e.text });
      const lines = clientLines(client);
      const same =
        engine.getText() === client.getText() &&
        engine.lineCount === client.lineCount &&
        lines.every((l, k) => engine.text(k) === l);
      if (!same) {
        diverged++;
        break;
      }
    }
  }
  assert.equal(diverged, 0);
});

test("the report's cases: a negative character, a CR joined to an LF by an edit", () => {
  const cases: {
    text: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    insert: string;
    expected: string;
  }[] = [
    // offsetAt({0,-4}) = 0: the client inserts at the start of the line.
    {
      text: '@vm vm1',
      range: { start: { line: 0, character: -4 }, end: { line: 0, character: -4 } },
      insert: '# ',
      expected: '# @vm vm1',
    },
    // "a\r" then "\nb": the LF typed after a lone CR makes one CRLF line end, two lines.
    {
      text: 'a\rb',
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      insert: '\n',
      expected: 'a\r\nb',
    },
  ];
  for (const c of cases) {
    const client = TextDocument.create('file:///t.hvtrace', 'hvtrace', 0, c.text);
    TextDocument.update(client, [{ range: c.range, text: c.insert }], 1);
    const engine = new TraceDocument(c.text);
    engine.applyEdit({ ...c.range, text: c.insert });
    assert.equal(client.getText(), c.expected);
    assert.equal(engine.getText(), c.expected);
    assert.equal(engine.lineCount, client.lineCount);
  }
});
