// "Disable HVTnnn for this line", "Fix all HVTnnn in the file" (computed at once, or on
// codeAction/resolve where the client resolves edits) and the `source.fixAll.hvtimer` action that
// `editor.codeActionsOnSave` runs: each a versioned WorkspaceEdit; applying it as an editor would
// gives the text and diagnostics worked out below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  applyEdits,
  DEFAULT_CAPABILITIES,
  withClient,
  type LspDiagnostic,
  type TestClient,
  type TextEdit,
} from './client';
import { uriFor } from './fixtures';

interface CodeAction {
  title: string;
  kind: string;
  isPreferred?: boolean;
  diagnostics?: LspDiagnostic[];
  data?: unknown;
  edit?: { documentChanges: { textDocument: { uri: string; version: number }; edits: TextEdit[] }[] };
}

const MISTAKES = readFileSync(path.resolve(__dirname, '../../sample-traces/trace-with-mistakes.hvtrace'), 'utf8');
const codes = (ds: LspDiagnostic[]): string[] => ds.map((d) => `${d.code}@${d.range.start.line + 1}`);

// A restore of two vCPUs by value (policy freeze): h: C(t) = 25e6·t; created at 10 s, voffset = 250000000.
const TWO_WRITES =
  [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=2 policy=freeze',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1',
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '10.000100000 h/vm1/vcpu1 ioctl KVM_RUN',
    '20.000000000 h/vm1 vmm pause',
    '50.000000000 h/vm1 vmm resume',
    '50.000000000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000250',
    '50.000010000 h/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250050250',
    '50.000020000 h/vm1/vcpu0 ioctl KVM_RUN',
    '50.000030000 h/vm1/vcpu1 ioctl KVM_RUN',
  ].join('\n') + '\n';

async function actions(
  client: TestClient,
  uri: string,
  d: LspDiagnostic | undefined,
  only?: string[],
): Promise<CodeAction[]> {
  const range = d?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: d ? [d] : [], only },
  });
}

async function apply(
  client: TestClient,
  uri: string,
  text: string,
  action: CodeAction,
  version: number,
): Promise<{ text: string; diagnostics: LspDiagnostic[] }> {
  const [change] = action.edit!.documentChanges;
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

test('"Disable HVTnnn for this line" inserts the suppression comment above it, and the diagnostic goes', async () => {
  await withClient(async (client) => {
    const uri = uriFor('disable-line');
    await client.open(uri, MISTAKES);
    const ds = await client.diagnostics(uri, 1);
    const d93 = ds.find((d) => d.code === 'HVT093')!;
    const disable = (await actions(client, uri, d93)).find((a) => a.title === 'Disable HVT093 for this line')!;
    assert.equal(disable.kind, 'quickfix');
    assert.deepEqual(disable.edit!.documentChanges[0].edits, [
      {
        range: { start: { line: 27, character: 0 }, end: { line: 27, character: 0 } },
        newText: '# hvtimer-disable-next-line HVT093\n',
      },
    ]);
    const after = await apply(client, uri, MISTAKES, disable, 2);
    // The others stay, one line lower after the inserted comment.
    assert.deepEqual(codes(after.diagnostics), ['HVT091@19', 'HVT090@23', 'HVT092@25', 'HVT091@32']);
  });
});

test('trace-with-mistakes.hvtrace: every finding offers an action; three a mechanical fix', async () => {
  await withClient(async (client) => {
    const uri = uriFor('mistakes-actions');
    await client.open(uri, MISTAKES);
    const ds = await client.diagnostics(uri, 1);
    const offered: string[] = [];
    for (const d of ds)
      offered.push(
        `${d.code}@${d.range.start.line + 1}: ${(await actions(client, uri, d)).map((a) => a.title).join(' | ')}`,
      );
    assert.deepEqual(offered, [
      'HVT091@19: Disable HVT091 for this line',
      'HVT090@23: Write the time with a decimal point: 12.500000000 | Disable HVT090 for this line',
      'HVT092@25: Move this statement to its place in time order (before line 24) | Disable HVT092 for this line',
      'HVT093@28: Disable HVT093 for this line',
      'HVT091@31: Declare host dst like src: @host dst arch=arm64 freq=25MHz ecv=2 vhe=1 | Disable HVT091 for this line',
    ]);
  });
});

test('source.fixAll.hvtimer (what codeActionsOnSave runs) applies every fix in one edit', async () => {
  await withClient(async (client) => {
    const uri = uriFor('fix-all-source');
    await client.open(uri, MISTAKES);
    await client.diagnostics(uri, 1);
    const [fixAll, ...rest] = await actions(client, uri, undefined, ['source.fixAll']);
    assert.deepEqual(rest, []);
    assert.equal(fixAll.kind, 'source.fixAll.hvtimer');
    // One block: from the inserted @host (line 15) to the statement moved before 13.0 s.
    const edits = fixAll.edit!.documentChanges[0].edits;
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0].range, { start: { line: 14, character: 0 }, end: { line: 25, character: 0 } });
    const after = await apply(client, uri, MISTAKES, fixAll, 2);
    const lines = after.text.split('\n');
    assert.equal(lines[14], '@host dst arch=arm64 freq=25MHz ecv=2 vhe=1');
    assert.deepEqual(
      lines.slice(22, 26).map((l) => l.slice(0, 12)),
      ['12.000000000', '12.500000000', '12.800000000', '13.000000000'],
    );
    assert.deepEqual(codes(after.diagnostics), ['HVT091@20', 'HVT093@29']);
    // Nothing left to fix: no action.
    assert.deepEqual(await actions(client, uri, undefined, ['source.fixAll.hvtimer']), []);
  });
});

test('"Fix all HVT011 in the file": resolved on demand when the client resolves edits', async () => {
  const resolving = {
    ...DEFAULT_CAPABILITIES,
    textDocument: { ...DEFAULT_CAPABILITIES.textDocument, codeAction: { resolveSupport: { properties: ['edit'] } } },
  };
  await withClient(async (client) => {
    const uri = uriFor('fix-all-kind');
    await client.open(uri, TWO_WRITES);
    const ds = await client.diagnostics(uri, 1);
    assert.deepEqual(codes(ds), ['HVT011@10', 'HVT011@11', 'HVT012@11', 'HVT010@12', 'HVT010@13']);
    const list = await actions(client, uri, ds[0]);
    // Off1 = 250000000 - (C(20) - C(50)) = 250000000 + 750000000 = 1000000000 (policy freeze).
    assert.deepEqual(
      list.map((a) => a.title),
      [
        'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000 (replaces 2 counter writes)',
        'Fix all HVT011 in the file',
        'Disable HVT011 for this line',
      ],
    );
    const lazy = list[1];
    assert.equal(lazy.edit, undefined);
    const resolved = await client.request<CodeAction>('codeAction/resolve', lazy);
    assert.deepEqual(resolved.edit!.documentChanges[0].edits, [
      {
        range: { start: { line: 9, character: 0 }, end: { line: 11, character: 0 } },
        newText: '50.000000000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000\n',
      },
    ]);
    const after = await apply(client, uri, TWO_WRITES, resolved, 2);
    assert.deepEqual(codes(after.diagnostics), []);
  }, resolving);
});
