// Outline and folding: hosts, VMs with their instances and vCPUs, life-cycle sections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, type LspRange } from './client';
import { lineRange, S7, S7_LINES, uriFor } from './fixtures';

interface Symbol {
  name: string;
  detail: string;
  kind: number;
  range: LspRange;
  selectionRange: LspRange;
  children: Symbol[];
}

const span = (line: number, start: number, end: number): LspRange => ({
  start: { line, character: start },
  end: { line, character: end },
});
const lines = (first: number, last: number): LspRange => ({
  start: { line: first, character: 0 },
  end: { line: last, character: S7_LINES[last].length },
});
const sym = (
  name: string,
  detail: string,
  kind: number,
  range: LspRange,
  selectionRange: LspRange,
  children: Symbol[] = [],
): Symbol => ({ name, detail, kind, range, selectionRange, children });
// SymbolKind: Namespace 3, Class 5, Field 8, Object 19, Event 24
const idSpan = (line: number): LspRange => span(line, S7_LINES[line].length - 1, S7_LINES[line].length);

test('document symbols: hosts, the VM with its instances and vCPUs, and the pause and migration sections', async () => {
  await withClient(async (client) => {
    const uri = uriFor('symbols-s7');
    await client.open(uri, S7);
    const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const where = (line: number): LspRange => span(line, 13, 13 + 'src/vm1'.length);
    assert.deepEqual(symbols, [
      sym('src', 'arm64 · 25 MHz', 3, lineRange(S7_LINES, 1), span(1, 6, 9)),
      sym('dst', 'arm64 · 25 MHz', 3, lineRange(S7_LINES, 2), span(2, 6, 9)),
      sym('vm1', 'policy advance · 2 vCPUs', 5, lines(3, 15), span(3, 4, 7), [
        sym('src/vm1', 'lines 6–12', 19, lines(5, 11), where(5), [
          sym('vcpu0', 'lines 6–11', 8, lines(5, 10), idSpan(5)),
          sym('vcpu1', 'lines 7–7', 8, lines(6, 6), idSpan(6)),
        ]),
        sym('dst/vm1', 'lines 13–16', 19, lines(12, 15), where(12), [
          sym('vcpu0', 'lines 13–16', 8, lines(12, 15), idSpan(12)),
          sym('vcpu1', 'lines 14–14', 8, lines(13, 13), idSpan(13)),
        ]),
      ]),
      sym('start', 't = 10.000000000 s', 24, lines(5, 8), lineRange(S7_LINES, 5)),
      sym('pause vm1 on src', 't = 20.000000000 s', 24, lines(9, 10), lineRange(S7_LINES, 9)),
      sym('migrate vm1: src → dst', 't = 20.000020000 s', 24, lines(11, 15), lineRange(S7_LINES, 11)),
    ]);
  });
});

test('folding ranges: each section, and runs of comment lines', async () => {
  await withClient(async (client) => {
    const uri = uriFor('folding-s7');
    await client.open(uri, `# a trace\n# with a header comment\n${S7}`);
    const ranges = await client.request<unknown[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(ranges, [
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 7, endLine: 10, kind: 'region' },
      { startLine: 11, endLine: 12, kind: 'region' },
      { startLine: 13, endLine: 17, kind: 'region' },
    ]);
  });
});
