// Every feature answers on every sample trace without a server error (a smoke test over real
// traces; exact content is checked on the spec's examples in the other files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withClient, type LspDiagnostic } from './client';

const dir = path.resolve(__dirname, '../../sample-traces');
const samples = readdirSync(dir)
  .filter((f) => f.endsWith('.hvtrace'))
  .sort();

test('every request answers on every sample trace, and nothing is logged as an error', async () => {
  assert.ok(samples.length > 0, 'sample-traces/ has traces');
  await withClient(async (client) => {
    for (const name of samples) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const uri = pathToFileURL(path.join(dir, name)).href;
      await client.open(uri, text);
      const ds = await client.diagnostics(uri, 1);
      const lines = text.split(/\r?\n/);
      const doc = { textDocument: { uri } };
      const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
      for (let line = 0; line < lines.length; line++) {
        for (const character of [0, Math.floor(lines[line].length / 2), Math.max(0, lines[line].length - 1)]) {
          await client.request('textDocument/hover', { ...doc, position: { line, character } });
          await client.request('textDocument/definition', { ...doc, position: { line, character } });
        }
      }
      await client.request('textDocument/references', {
        ...doc,
        position: { line: 0, character: 0 },
        context: { includeDeclaration: true },
      });
      assert.ok(Array.isArray(await client.request('textDocument/inlayHint', { ...doc, range: whole })));
      assert.ok(Array.isArray(await client.request('textDocument/documentSymbol', doc)));
      assert.ok(Array.isArray(await client.request('textDocument/foldingRange', doc)));
      assert.ok(Array.isArray(await client.request('textDocument/codeLens', doc)));
      await client.request('textDocument/semanticTokens/full', doc);
      for (const d of ds as LspDiagnostic[])
        await client.request('textDocument/codeAction', { ...doc, range: d.range, context: { diagnostics: [d] } });
      await client.request('hvtimer/stateAt', { uri, line: lines.length - 1 });
      const overview = await client.request<{ extent: { startNs: string; endNs: string } | null }>(
        'hvtimer/timelineOverview',
        { uri },
      );
      if (overview.extent)
        await client.request('hvtimer/timelineWindow', {
          uri,
          fromNs: overview.extent.startNs,
          toNs: overview.extent.endNs,
        });
      await client.close(uri);
    }
    assert.deepEqual(
      client.logs.filter((l) => l.type === 1).map((l) => l.message),
      [],
    );
  });
});
