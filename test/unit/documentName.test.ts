// A document's name for people, from its URI (protocol/documentName.ts): the last path segment,
// unescaped; an untitled document (Open Sample Trace's copies) by the name after its scheme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentName } from '../../protocol/documentName';

test('file URIs give their file name, unescaped; untitled URIs the name after the scheme', () => {
  assert.equal(documentName('file:///traces/a%20b.hvtrace'), 'a b.hvtrace');
  assert.equal(documentName('untitled:arm64-migration-by-value.hvtrace'), 'arm64-migration-by-value.hvtrace');
  assert.equal(documentName('untitled:Untitled-1'), 'Untitled-1');
  // A colon in a file name stays.
  assert.equal(documentName('file:///t/b:c.hvtrace'), 'b:c.hvtrace');
  assert.equal(documentName('file:///t/bad%zz.hvtrace'), 'bad%zz.hvtrace');
});
