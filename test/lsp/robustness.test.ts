// Server errors are logged, not fatal; requests on unknown documents answer null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient } from './client';
import { S7, uriFor } from './fixtures';
import { CUSTOM_METHODS } from '../../protocol/requests';

test('a failing handler is logged and answered with null; the server keeps working', async () => {
  await withClient(async (client) => {
    const uri = uriFor('robust');
    await client.open(uri, S7);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: null }), null);
    const logged = await client.waitFor('an error log', () =>
      client.logs.find((l) => l.type === 1 && /hvtimer: hover failed/.test(l.message)),
    );
    assert.match(logged.message, /TypeError/);
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 15, character: 0 },
    });
    assert.match(h.contents.value, /\*\*dst\/vm1\/vcpu0\*\* after line 16/);
  });
});

test('requests on a document that is not open answer null', async () => {
  await withClient(async (client) => {
    const uri = uriFor('never-opened');
    const doc = { textDocument: { uri } };
    assert.equal(await client.request('textDocument/hover', { ...doc, position: { line: 0, character: 0 } }), null);
    assert.equal(await client.request('textDocument/documentSymbol', doc), null);
    assert.equal(await client.request('textDocument/codeLens', doc), null);
    assert.equal(
      await client.request('textDocument/inlayHint', {
        ...doc,
        range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
      }),
      null,
    );
    // Every custom request (params: a superset of what each one reads).
    for (const method of CUSTOM_METHODS)
      assert.equal(
        await client.request(method, { uri, line: 0, fromNs: '0', toNs: '1', direction: 'next' }),
        null,
        method,
      );
    assert.deepEqual(await client.request('textDocument/semanticTokens/full', doc), { data: [] });
  });
});

test('positions past the end of the document answer empty results', async () => {
  await withClient(async (client) => {
    const uri = uriFor('robust-past-end');
    await client.open(uri, S7);
    assert.equal(
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 500, character: 0 } }),
      null,
    );
    assert.deepEqual(
      await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 500, character: 0 } }),
      [],
    );
    assert.deepEqual(
      await client.request('textDocument/references', {
        textDocument: { uri },
        position: { line: 500, character: 0 },
        context: { includeDeclaration: true },
      }),
      [],
    );
  });
});
