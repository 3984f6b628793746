// The extension loads lazily: only an hvtrace document activates it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeEverything, EXTENSION_ID, openFixture, waitUntil } from './helpers';

test('the extension activates when a .hvtrace file opens', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  assert.equal(ext.isActive, false, 'active before any .hvtrace document was opened');
  await openFixture('malformed.hvtrace');
  await waitUntil(`${EXTENSION_ID} to activate`, () => ext.isActive);
});

test('a .hvtrace file gets the hvtrace language id', async () => {
  const doc = await openFixture('malformed.hvtrace');
  assert.equal(doc.languageId, 'hvtrace');
});

test('a file without extension whose first line is @hvtrace gets the hvtrace language id', async () => {
  const doc = await openFixture('first-line-only');
  assert.equal(doc.languageId, 'hvtrace');
});

test('activation tests leave no editor open', closeEverything);
