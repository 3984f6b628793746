import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient } from './client';

test('server answers initialize and publishes a parse error for a malformed line', async () => {
  const client = new TestClient();
  try {
    const init = await client.initialize();
    assert.equal(init.serverInfo?.name, 'hvtimer');
    const uri = 'file:///tmp/bad.hvtrace';
    await client.open(uri, '@hvtrace 1\n@host src arch=arm64 freq=25MHz\n12,5 src/vm1/vcpu0 ioctl KVM_RUN\n');
    const diags = await client.diagnostics(uri, 1);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].code, 'HVT090');
    assert.deepEqual(diags[0].range, { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } });
    assert.match(diags[0].message, /expected a time in seconds like 12\.000000500, found `12,5`/);
  } finally {
    await client.shutdown();
  }
});

test('initialize announces every feature the server implements', async () => {
  const client = new TestClient();
  try {
    const { capabilities: c } = await client.initialize();
    assert.deepEqual(c.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(c.hoverProvider, true);
    assert.deepEqual(c.inlayHintProvider, { resolveProvider: false });
    assert.deepEqual(c.documentSymbolProvider, { label: 'hvtimer' });
    assert.equal(c.foldingRangeProvider, true);
    assert.equal(c.definitionProvider, true);
    assert.equal(c.referencesProvider, true);
    assert.deepEqual(c.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(c.codeActionProvider, {
      codeActionKinds: ['quickfix', 'source.fixAll.hvtimer'],
      resolveProvider: true,
    });
    assert.deepEqual(c.completionProvider, { triggerCharacters: [' ', '=', '/', '@'] });
    assert.deepEqual(c.signatureHelpProvider, { triggerCharacters: [' ', '='], retriggerCharacters: ['='] });
    assert.deepEqual(c.semanticTokensProvider, {
      legend: {
        tokenTypes: ['namespace', 'variable', 'class', 'property', 'function', 'enumMember'],
        tokenModifiers: ['declaration', 'defaultLibrary', 'deprecated'],
      },
      full: true,
      range: true,
    });
  } finally {
    await client.shutdown();
  }
});
