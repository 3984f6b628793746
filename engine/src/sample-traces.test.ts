// Every sample trace in sample-traces/*.hvtrace parses without HVT090. The folder is read when the
// tests run, so traces added later are covered without touching this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkText } from './index';
import { TraceDocument } from './syntax/document';

const DIR = path.resolve(__dirname, '../../sample-traces');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.hvtrace')).sort() : [];
const checked = new Set<string>();

for (const file of files) {
  test(`sample trace ${file} parses without HVT090`, () => {
    checked.add(file);
    const text = readFileSync(path.join(DIR, file), 'utf8');
    const doc = new TraceDocument(text);
    const errors = doc.allNodes.flatMap((n, i) => (n.kind === 'error' ? [`${file}:${i + 1}:${n.error.span.start + 1}: ${n.error.message}`] : []));
    assert.deepEqual(errors, []);
    assert.ok(doc.allNodes.some((n) => n.kind === 'statement' || n.kind === 'directive'), `${file} has no directive or statement`);
    const hvt090 = checkText(text).filter((d) => d.code === 'HVT090').map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    assert.deepEqual(hvt090, []);
  });
}

test('the sample-trace check ran on every file found', (t) => {
  t.diagnostic(`${files.length} sample trace(s) in ${DIR}`);
  assert.deepEqual([...checked].sort(), files);
});
