// Code lenses on @vm lines and resume points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient } from './client';
import { lineRange, S7, S7_LINES, uriFor } from './fixtures';

test('code lenses: replay to here and show timeline on @vm and at the resume point, with its discontinuity', async () => {
  await withClient(async (client) => {
    const uri = uriFor('lens-s7');
    await client.open(uri, S7);
    const lenses = await client.request<unknown[]>('textDocument/codeLens', { textDocument: { uri } });
    const lens = (line: number, title: string, command: string) => ({
      range: lineRange(S7_LINES, line),
      command: { title, command, arguments: [uri, line] },
    });
    assert.deepEqual(lenses, [
      lens(3, 'Replay to here', 'hvtimer.replayToLine'),
      lens(3, 'Show timeline', 'hvtimer.showTimeline'),
      lens(15, 'Replay to here', 'hvtimer.replayToLine'),
      lens(15, 'Show timeline', 'hvtimer.showTimeline'),
      lens(15, 'vcpu0: Δ -14999750 ticks (-599.99 ms) vs policy advance', 'hvtimer.showTimeline'),
    ]);
  });
});
