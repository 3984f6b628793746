// Inlay hints: the guest counter after each state-changing statement and the discontinuity at a
// resume point; off with hvtimer.inlayHints.enabled = false. By hand (docs/format.md#7-example):
//   a vCPU creation sets voffset = C(t): CNTVCT = 0 right after it;
//   the pause at 20 s: CNTVCT = 500000000 - 250000025 = 249999975 (9.999999 s -> +10.000 s);
//   the restore: CNTVCT = 250000225 (+10.000 s); the resume: 250002725, expected 265002475:
//   deviation -14999750 ticks = -599.99 ms at 25 MHz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient } from './client';
import { S7, S7_LINES, uriFor } from './fixtures';

interface Hint {
  position: { line: number; character: number };
  label: string;
  tooltip: string;
  kind: number;
  paddingLeft: boolean;
}

const end = (line: number): number => S7_LINES[line].split('#')[0].trimEnd().length;
const hint = (line: number, label: string, tooltip: string): Hint => ({
  position: { line, character: end(line) },
  label,
  tooltip,
  kind: 1,
  paddingLeft: true,
});

test('inlay hints after state-changing statements and at the resume point', async () => {
  await withClient(async (client) => {
    const uri = uriFor('inlay-s7');
    await client.open(uri, S7);
    const hints = await client.request<Hint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 16, character: 0 } },
    });
    assert.deepEqual(hints, [
      hint(5, '⟶ CNTVCT 0 (+0.000 s)', "guest CNTVCT after line 6, as guest time at src's frequency"),
      hint(6, '⟶ CNTVCT 0 (+0.000 s)', "guest CNTVCT after line 7, as guest time at src's frequency"),
      hint(9, '⏸ CNTVCT 249999975 (+10.000 s)', 'the guest stopped here (pause): G_before for the next resume point'),
      hint(12, '⟶ CNTVCT 0 (+0.000 s)', "guest CNTVCT after line 13, as guest time at dst's frequency"),
      hint(13, '⟶ CNTVCT 0 (+0.000 s)', "guest CNTVCT after line 14, as guest time at dst's frequency"),
      hint(14, '⟶ CNTVCT 250000225 (+10.000 s)', "guest CNTVCT after line 15, as guest time at dst's frequency"),
      hint(15, '⟶ CNTVCT 250002725 (+10.000 s)', "guest CNTVCT after line 16, as guest time at dst's frequency"),
      hint(
        15,
        'Δ -14999750 ticks (-599.99 ms) vs policy advance',
        [
          'resume point of vcpu0 of vm1 on dst (the guest stopped on line 10, pause, 600.1 ms earlier)',
          'G_before = 249999975, G_after = 250002725 (step +2750 ticks, +110 µs)',
          'policy advance expects 265002475: deviation -14999750 ticks (-599.99 ms), beyond tolerance',
        ].join('\n'),
      ),
    ]);
    // A range in the middle sees the state before it: only the restore and the resume.
    const middle = await client.request<Hint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 14, character: 0 }, end: { line: 15, character: 5 } },
    });
    assert.deepEqual(
      middle.map((h) => h.label),
      [
        '⟶ CNTVCT 250000225 (+10.000 s)',
        '⟶ CNTVCT 250002725 (+10.000 s)',
        'Δ -14999750 ticks (-599.99 ms) vs policy advance',
      ],
    );
  });
});

test('hvtimer.inlayHints.enabled = false switches inlay hints off live', async () => {
  await withClient(async (client) => {
    const uri = uriFor('inlay-off');
    await client.open(uri, S7);
    const range = { start: { line: 0, character: 0 }, end: { line: 16, character: 0 } };
    assert.equal((await client.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range })).length, 8);
    await client.configure({ inlayHints: { enabled: false } });
    await client.waitFor('an inlay hint refresh', () => (client.inlayRefreshes > 0 ? true : undefined));
    assert.deepEqual(await client.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range }), []);
  });
});
