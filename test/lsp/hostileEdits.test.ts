// Issue #15 items 3 and 10 through the protocol: a pasted change of 200k lines must be applied
// (it was dropped with `RangeError: Maximum call stack size exceeded`, and the next edit went to the
// stale text), and random edits with lone CRs and out-of-range positions must leave the server's
// document equal to the client's. "Equal" is observed from outside: the edited document answers
// the same diagnostics and semantic tokens (every token's line and column) as a fresh document
// opened with the client's text, which vscode-languageserver-textdocument computes here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { randomEdit } from '../../fuzz/edits';
import { Random } from '../../fuzz/random';
import { withClient, type LspDiagnostic, type TestClient } from './client';
import { uriFor } from './fixtures';

const strip = (ds: LspDiagnostic[]) =>
  ds.map((d) => ({
    ...d,
    relatedInformation: d.relatedInformation?.map((r) => ({ ...r, location: { ...r.location, uri: '' } })),
  }));

/** Diagnostics and semantic tokens of `uri` at `version`, next to those of a fresh document with `text`. */
async function compareWithFresh(
  client: TestClient,
  uri: string,
  version: number,
  text: string,
  fresh: string,
): Promise<void> {
  const edited = await client.diagnostics(uri, version, 120_000);
  await client.open(fresh, text);
  const expected = await client.diagnostics(fresh, 1, 120_000);
  assert.deepEqual(strip(edited), strip(expected));
  const tokens = (u: string) =>
    client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: u } });
  assert.deepEqual((await tokens(uri)).data, (await tokens(fresh)).data);
  await client.close(fresh);
}

test('a pasted change of 200k lines is applied, and the next edit goes to the new text', async () => {
  await withClient(async (client) => {
    const uri = uriFor('paste-200k');
    const initial = '@hvtrace 1\n@host h arch=arm64 freq=25MHz\n# end\n';
    const doc = TextDocument.create(uri, 'hvtrace', 1, initial);
    await client.open(uri, initial);
    await client.diagnostics(uri, 1);
    // 200,000 pauses of vm1 at 1.0 s, 1.001 s, …: each pause after the first pauses a paused VM,
    // which is not a finding; the last pasted line is malformed (`12,5`): HVT090 on line 200002.
    const pasted = [];
    for (let i = 0; i < 199_999; i++)
      pasted.push(`${1 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')} h/vm1 vmm pause`);
    pasted.push('12,5 h/vm1 vmm pause');
    const change = {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
      text: `${pasted.join('\n')}\n`,
    };
    TextDocument.update(doc, [change], 2);
    await client.change(uri, 2, [change]);
    const afterPaste = await client.diagnostics(uri, 2, 120_000);
    assert.deepEqual(
      afterPaste.filter((d) => d.code === 'HVT090').map((d) => d.range.start.line),
      [200_001],
    );
    // The next edit, on the line after the paste (`# end`, now line 200002), must land there.
    const next = {
      range: { start: { line: 200_002, character: 0 }, end: { line: 200_002, character: 5 } },
      text: '9,9 h/vm1 vmm pause',
    };
    TextDocument.update(doc, [next], 3);
    await client.change(uri, 3, [next]);
    const stats = await client.request<{ lineCount: number; version: number }>('hvtimer/replayStats', { uri });
    assert.deepEqual(stats, { ...stats, lineCount: 200_004, version: 3 }); // 2 + 200,000 + `9,9…` + the final empty line
    assert.equal(doc.lineCount, 200_004);
    await compareWithFresh(client, uri, 3, doc.getText(), uriFor('paste-200k-fresh'));
  });
});

test("random edits with lone CRs, negative and out-of-range positions: the server keeps the client's text", async () => {
  await withClient(async (client) => {
    const rng = new Random(10);
    for (let round = 0; round < 6; round++) {
      const uri = uriFor(`random-edits-${round}`);
      const initial =
        '@hvtrace 1\r@host h arch=arm64 freq=1GHz\n1.0 h/vm1 ioctl KVM_CREATE_VCPU id=0\r\n2.0 h/vm1/vcpu0 ioctl KVM_RUN\r3,0 bad\n';
      const doc = TextDocument.create(uri, 'hvtrace', 1, initial);
      await client.open(uri, initial);
      let version = 1;
      for (let i = 0; i < 60; i++) {
        // One to three changes per notification, each against the text the previous one left.
        const changes = [];
        for (let k = rng.int(1, 3); k > 0; k--) {
          const e = randomEdit(rng, doc.lineCount);
          const change = { range: e.range, text: e.text };
          TextDocument.update(doc, [change], version + 1);
          changes.push(change);
        }
        await client.change(uri, ++version, changes);
      }
      await compareWithFresh(client, uri, version, doc.getText(), uriFor(`random-edits-${round}-fresh`));
      await client.close(uri);
    }
  });
});
