// Quick fixes as versioned WorkspaceEdits; applying them (as an editor would, with didChange)
// removes the diagnostic they fix. Every diagnostic also offers "Disable HVTnnn for this line".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, withClient, type LspDiagnostic, type TestClient, type TextEdit } from './client';
import { lineRange, S7, S7_LINES, uriFor, X86_SAME, X86_SAME_LINES, X86_SPLIT, X86_SPLIT_LINES } from './fixtures';

interface CodeAction {
  title: string;
  kind: string;
  isPreferred?: boolean;
  diagnostics?: LspDiagnostic[];
  edit: { documentChanges: { textDocument: { uri: string; version: number }; edits: TextEdit[] }[] };
}

/** The actions offered for a diagnostic, without the "Disable … for this line" every one gets (tested below). */
async function actionsFor(client: TestClient, uri: string, d: LspDiagnostic): Promise<CodeAction[]> {
  const all = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  return all.filter((a) => !a.title.startsWith('Disable '));
}

/** Applies the action like an editor: its edits as one didChange; returns the new diagnostics. */
async function apply(
  client: TestClient,
  uri: string,
  text: string,
  action: CodeAction,
  version: number,
): Promise<{ text: string; diagnostics: LspDiagnostic[] }> {
  const [change] = action.edit.documentChanges;
  assert.deepEqual(change.textDocument, { uri, version: version - 1 });
  const sorted = [...change.edits].sort(
    (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
  );
  await client.change(
    uri,
    version,
    sorted.map((e) => ({ range: e.range, text: e.newText })),
  );
  return { text: applyEdits(text, change.edits), diagnostics: await client.diagnostics(uri, version) };
}

const codes = (ds: LspDiagnostic[]): string[] => ds.map((d) => `${d.code}@${d.range.start.line}`);

test('HVT011: replace the by-value restore with KVM_ARM_SET_COUNTER_OFFSET carrying the idempotent offset; no HVT010 after it', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-s7');
    await client.open(uri, S7);
    const ds = await client.diagnostics(uri, 1);
    const d11 = ds.find((d) => d.code === 'HVT011')!;
    const actions = await actionsFor(client, uri, d11);
    // Off1 = C1 - expected = 5515000000 - (249999975 + 0.6 s × 25 MHz) = 5250000025
    const replacement = '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025';
    assert.deepEqual(actions, [
      {
        title: 'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
        kind: 'quickfix',
        isPreferred: true,
        diagnostics: [d11],
        edit: {
          documentChanges: [
            { textDocument: { uri, version: 1 }, edits: [{ range: lineRange(S7_LINES, 14), newText: replacement }] },
          ],
        },
      },
    ]);
    const after = await apply(client, uri, S7, actions[0], 2);
    assert.equal(after.text.split('\n')[14], replacement);
    // The guest resumes at 5515002500 - 5250000025 = 265002475, exactly what policy advance expects.
    // KVM_ARM_SET_COUNTER_OFFSET also sets the physical offset, which dst (ecv=0) must trap: HVT004 (info).
    assert.deepEqual(codes(after.diagnostics), ['HVT004@15']);
  });
});

test('HVT010 at the resume point offers the same fix, on the restore that set the offset', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-s7-resume');
    await client.open(uri, S7);
    const d10 = (await client.diagnostics(uri, 1)).find((d) => d.code === 'HVT010')!;
    const [action, ...rest] = await actionsFor(client, uri, d10);
    assert.deepEqual(rest, []);
    assert.equal(
      action.title,
      'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
    );
    assert.deepEqual(action.edit.documentChanges[0].edits, [
      {
        range: lineRange(S7_LINES, 14),
        newText: '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
      },
    ]);
    const after = await apply(client, uri, S7, action, 2);
    assert.equal(
      after.diagnostics.some((d) => d.code === 'HVT010' || d.code === 'HVT011'),
      false,
    );
  });
});

test('HVT020 (one KVM_SET_MSRS): IA32_TSC_DEADLINE moves after IA32_TSC; HVT022: KVM_KVMCLOCK_CTRL before the first run', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-x86-same');
    await client.open(uri, X86_SAME);
    const ds = await client.diagnostics(uri, 1);
    // HVT044: the deadline, armed against the fresh vCPU's TSC (200000000), fires 3.8 s after the
    // resume instead of at once; writing IA32_TSC first fixes both
    assert.deepEqual(
      codes(ds).filter((c) => !c.startsWith('HVT011')),
      ['HVT020@11', 'HVT022@12', 'HVT044@12'],
    );
    const [reorder] = await actionsFor(
      client,
      uri,
      ds.find((d) => d.code === 'HVT020')!,
    );
    assert.equal(reorder.title, 'Write IA32_TSC_DEADLINE after IA32_TSC');
    assert.deepEqual(reorder.edit.documentChanges[0].edits, [
      {
        range: lineRange(X86_SAME_LINES, 11),
        newText: '5.200000000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=8400000000 IA32_TSC_DEADLINE=8000100000',
      },
    ]);
    let after = await apply(client, uri, X86_SAME, reorder, 2);
    assert.deepEqual(
      codes(after.diagnostics).filter((c) => !c.startsWith('HVT011')),
      ['HVT022@12'],
    );

    const [ctrl] = await actionsFor(
      client,
      uri,
      after.diagnostics.find((d) => d.code === 'HVT022')!,
    );
    assert.equal(ctrl.title, 'Insert KVM_KVMCLOCK_CTRL for vcpu0 before its first KVM_RUN');
    assert.deepEqual(ctrl.edit.documentChanges[0].edits, [
      {
        range: { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } },
        newText: '5.300000000 b/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL\n',
      },
    ]);
    after = await apply(client, uri, after.text, ctrl, 3);
    assert.deepEqual(after.text.split('\n').slice(11, 14), [
      '5.200000000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=8400000000 IA32_TSC_DEADLINE=8000100000',
      '5.300000000 b/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
      '5.300000000 b/vm1/vcpu0 ioctl KVM_RUN',
    ]);
    assert.deepEqual(
      codes(after.diagnostics).filter((c) => !c.startsWith('HVT011')),
      [],
    );
  });
});

test('HVT020 (two statements): the deadline write moves into the IA32_TSC statement', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-x86-split');
    await client.open(uri, X86_SPLIT);
    const ds = await client.diagnostics(uri, 1);
    const [action] = await actionsFor(
      client,
      uri,
      ds.find((d) => d.code === 'HVT020')!,
    );
    assert.deepEqual(action.edit.documentChanges[0].edits, [
      { range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } }, newText: '' },
      {
        range: lineRange(X86_SPLIT_LINES, 11),
        newText: '5.200010000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=8400000000 IA32_TSC_DEADLINE=8000100000',
      },
    ]);
    const after = await apply(client, uri, X86_SPLIT, action, 2);
    assert.equal(
      after.diagnostics.some((d) => d.code === 'HVT020'),
      false,
    );
  });
});

test('no quick fix for a diagnostic without a mechanical fix; asked for source actions, only the fix-all', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-none');
    // An unknown ioctl: nothing to fix mechanically (only "disable for this line").
    await client.open(uri, '@hvtrace 1\n@host src arch=arm64 freq=25MHz\n12.5 src/vm1/vcpu0 ioctl KVM_GET_REG_LIST\n');
    const [d] = await client.diagnostics(uri, 1);
    assert.equal(d.code, 'HVT091');
    assert.deepEqual(await actionsFor(client, uri, d), []);
    const s7 = uriFor('fix-only-source');
    await client.open(s7, S7);
    const d11 = (await client.diagnostics(s7, 1)).find((x) => x.code === 'HVT011')!;
    const source = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: s7 },
      range: d11.range,
      context: { diagnostics: [d11], only: ['source'] },
    });
    assert.deepEqual(
      source.map((a) => [a.kind, a.title]),
      [['source.fixAll.hvtimer', 'Fix all hvtimer problems in the file']],
    );
  });
});

test('HVT013: remove a counter write that KVM ignores after KVM_ARM_SET_COUNTER_OFFSET', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-ignored');
    const lines = [
      ...S7_LINES.slice(0, 14),
      '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
      '20.600000001 dst/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225',
      S7_LINES[15],
    ];
    const text = `${lines.join('\n')}\n`;
    await client.open(uri, text);
    const ds = await client.diagnostics(uri, 1);
    const d13 = ds.find((d) => d.code === 'HVT013')!;
    assert.equal(d13.range.start.line, 15);
    const [action] = await actionsFor(client, uri, d13);
    assert.equal(action.title, 'Remove the counter write KVM ignores');
    assert.deepEqual(action.edit.documentChanges[0].edits, [
      { range: { start: { line: 15, character: 0 }, end: { line: 16, character: 0 } }, newText: '' },
    ]);
    const after = await apply(client, uri, text, action, 2);
    assert.deepEqual(codes(after.diagnostics), ['HVT004@15']);
  });
});
