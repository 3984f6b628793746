// Reading the counter stamps of the anchor's helper instance back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorStamps } from './anchor';

test("the helper's x86-tsc stamps by seq; other lines ignored", () => {
  // Lines as the helper instance prints them (no record-tgid there), taken from a `--clock tai` run.
  const text = [
    '# tracer: nop',
    '            node-1878    [000] ...1. 4416497058884: tracing_mark_write: hvtrace-anchor seq=1',
    '            node-1878    [000] ...1. 4416497120320: tracing_mark_write: hvtrace-anchor seq=2',
    '            node-1878    [000] ...1. 4416497125000: tracing_mark_write: something else',
  ].join('\n');
  assert.deepEqual(
    [...anchorStamps(text)],
    [
      [1, 4416497058884n],
      [2, 4416497120320n],
    ],
  );
});
