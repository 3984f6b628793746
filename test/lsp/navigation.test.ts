// Go to definition (statement -> the statement that set the offset it depends on; names -> their
// directives) and references (an offset write -> the statements it affects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, type LspRange } from './client';
import { lineRange, PV, PV_LINES, S7, S7_LINES, uriFor } from './fixtures';

interface Location {
  uri: string;
  range: LspRange;
}

test('definition: from the resume point to the by-value restore that set its offset; from names to directives', async () => {
  await withClient(async (client) => {
    const uri = uriFor('nav-definition');
    await client.open(uri, S7);
    const def = (line: number, character: number) =>
      client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line, character } });
    assert.deepEqual(await def(15, 35), [{ uri, range: lineRange(S7_LINES, 15 - 1) }]);
    // The guest read on src depends on the offset the second KVM_CREATE_VCPU reset for every vCPU.
    assert.deepEqual(await def(8, 0), [{ uri, range: lineRange(S7_LINES, 6) }]);
    // A write goes to the offset it replaces: the restore replaced what dst's vcpu1 creation set.
    assert.deepEqual(await def(14, 0), [{ uri, range: lineRange(S7_LINES, 13) }]);
    assert.deepEqual(await def(15, 14), [{ uri, range: lineRange(S7_LINES, 2) }], 'host dst');
    assert.deepEqual(await def(15, 18), [{ uri, range: lineRange(S7_LINES, 3) }], 'VM vm1');
    assert.deepEqual(await def(11, 36), [{ uri, range: lineRange(S7_LINES, 2) }], 'migrate to=dst');
    assert.deepEqual(await def(4, 0), [], 'an empty line');
  });
});

test('references: from an offset write to every statement that depends on it', async () => {
  await withClient(async (client) => {
    const uri = uriFor('nav-references');
    await client.open(uri, S7);
    const refs = (line: number, includeDeclaration: boolean) =>
      client.request<Location[]>('textDocument/references', {
        textDocument: { uri },
        position: { line, character: 0 },
        context: { includeDeclaration },
      });
    const stmt = (line: number): Location => ({
      uri,
      range: lineRange(S7_LINES, line, 0, S7_LINES[line].split('#')[0].trimEnd().length),
    });
    assert.deepEqual(await refs(14, true), [stmt(14), stmt(15)]);
    assert.deepEqual(await refs(14, false), [stmt(15)]);
    // vcpu1's creation re-zeroed the offset of both src vCPUs: the run, the read, the pause, the
    // KVM_GET_ONE_REG and the migration (which saves the guest counter) depend on it.
    assert.deepEqual(await refs(6, true), [6, 7, 8, 9, 10, 11].map(stmt));
    assert.deepEqual(await refs(8, true), [], 'a read sets nothing');
  });
});

test('definition and references for stolen time: the statement that set the PV-time address', async () => {
  await withClient(async (client) => {
    const uri = uriFor('nav-pvtime');
    await client.open(uri, PV);
    assert.deepEqual(
      await client.request<Location[]>('textDocument/definition', {
        textDocument: { uri },
        position: { line: 10, character: 40 },
      }),
      [{ uri, range: lineRange(PV_LINES, 3) }],
    );
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: { line: 3, character: 0 },
      context: { includeDeclaration: false },
    });
    // The two hypercalls, PV_TIME_ST, the run delay KVM adds to the structure, the read.
    assert.deepEqual(
      refs.map((r) => r.range.start.line),
      [5, 6, 7, 8, 10],
    );
  });
});
