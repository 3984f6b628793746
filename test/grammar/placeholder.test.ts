import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test('grammar file is valid JSON with the hvtrace scope', () => {
  const g = JSON.parse(readFileSync('syntaxes/hvtrace.tmLanguage.json', 'utf8'));
  assert.equal(g.scopeName, 'source.hvtrace');
});
