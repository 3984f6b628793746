// Semantic tokens for what the TextMate grammar cannot know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient } from './client';
import { uriFor } from './fixtures';

/** Decodes LSP's relative encoding into absolute [line, start, length, type, modifiers]. */
function decode(data: number[]): number[][] {
  const out: number[][] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    start = data[i] === 0 ? start + data[i + 1] : data[i + 1];
    out.push([line, start, data[i + 2], data[i + 3], data[i + 4]]);
  }
  return out;
}

// Legend: types namespace 0, variable 1, class 2, property 3, function 4, enumMember 5;
// modifiers declaration 1, defaultLibrary 2, deprecated 4.
test('semantic tokens: declared and undeclared hosts, VMs, vCPUs, decoded ids, proposed APIs', async () => {
  await withClient(async (client) => {
    const lines = [
      '@host src arch=arm64 freq=25MHz',
      '@vm vm1',
      '1.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
      '1.000000001 ghost/vm1/vcpu0 ioctl 0xAE80',
      '1.000000002 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=0x603000000013DF1A -> 25',
      '1.000000003 src/vm1/vcpu0 ioctl KVM_SET_SYSTEM_COUNTER_STATE cntvoff=0',
    ];
    const uri = uriFor('tokens');
    await client.open(uri, `${lines.join('\n')}\n`);
    const at = (line: number, text: string): number => lines[line].indexOf(text);
    const where = (line: number, host: number) => [
      [line, 12, 3, host, 0],
      [line, 16, 3, 2, 0],
    ];
    const expected = [
      [0, 6, 3, 0, 1],
      [1, 4, 3, 2, 1],
      ...where(2, 0),
      [2, at(2, 'KVM_CREATE_VCPU'), 15, 4, 0],
      [3, 12, 5, 1, 0],
      [3, 18, 3, 2, 0],
      [3, 22, 5, 3, 0],
      [3, at(3, '0xAE80'), 6, 4, 2],
      ...where(4, 0),
      [4, 20, 5, 3, 0],
      [4, at(4, 'KVM_GET_ONE_REG'), 15, 4, 0],
      [4, at(4, '0x6030'), 18, 5, 2],
      ...where(5, 0),
      [5, 20, 5, 3, 0],
      [5, at(5, 'KVM_SET_SYSTEM'), 28, 4, 4],
    ];
    const full = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', {
      textDocument: { uri },
    });
    assert.deepEqual(decode(full.data), expected);
    const range = await client.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri },
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 40 } },
    });
    assert.deepEqual(
      decode(range.data),
      expected.filter((t) => t[0] === 3),
    );
  });
});
