// textDocument/completion and textDocument/signatureHelp over the protocol: items replace the word
// being typed (textEdit), a `key=` with listable values asks for completion again, snippets only
// for clients that take them, and the statement's argument pattern with the active parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPABILITIES, withClient } from './client';
import { S7, S7_LINES, uriFor } from './fixtures';

interface Item {
  label: string;
  kind: number;
  textEdit: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  };
  insertTextFormat: number;
  command?: { command: string };
}
interface Help {
  signatures: { label: string; parameters: { label: [number, number] }[] }[];
  activeParameter?: number;
}

const SNIPPETS = {
  ...DEFAULT_CAPABILITIES,
  textDocument: { ...DEFAULT_CAPABILITIES.textDocument, completion: { completionItem: { snippetSupport: true } } },
};

test('completion of the parts of a statement, replacing the word being typed', async () => {
  await withClient(async (client) => {
    const uri = uriFor('completion');
    const line = S7_LINES.length;
    const typed = '20.7 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_C';
    await client.open(uri, `${S7}${typed}\n`);
    const list = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line, character: typed.length },
    });
    const cnt = list.items.find((i) => i.label === 'KVM_REG_ARM_TIMER_CNT')!;
    // The value after `id=` is replaced: columns 44 (after `id=`) to the cursor.
    assert.deepEqual(cnt.textEdit, {
      range: { start: { line, character: typed.indexOf('id=') + 3 }, end: { line, character: typed.length } },
      newText: 'KVM_REG_ARM_TIMER_CNT',
    });
    assert.equal(cnt.kind, 12); // CompletionItemKind.Value
    // Keys: `id=` has a list of values, so choosing it asks for completion again.
    const keys = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line, character: typed.indexOf('id=') },
    });
    assert.deepEqual(
      keys.items.map((i) => [i.label, i.command?.command]),
      [
        ['id=', 'editor.action.triggerSuggest'],
        ['value=', undefined],
        ['took=', undefined],
      ],
    );
    // Without snippet support, no snippets at the start of a line.
    const start = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: line + 1, character: 0 },
    });
    assert.equal(
      start.items.some((i) => i.insertTextFormat === 2),
      false,
    );
  });
});

test('snippets for the restore sequences, for clients that take snippets', async () => {
  await withClient(async (client) => {
    const uri = uriFor('completion-snippets');
    await client.open(uri, `${S7}\n`);
    const list = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: S7_LINES.length, character: 0 },
    });
    const arm64 = list.items.find((i) => i.label.startsWith('restore arm64'))!;
    assert.equal(arm64.insertTextFormat, 2);
    // The first tab stop is the previous statement's time (line 16: 20.6001 s).
    assert.match(
      arm64.textEdit.newText,
      /^\$\{1:20\.600100000\} \$\{2:dst\}\/\$\{3:vm1\} ioctl KVM_CREATE_VCPU id=0\n/,
    );
  }, SNIPPETS);
});

test('signature help: the pattern of KVM_SET_ONE_REG with value= active after id=', async () => {
  await withClient(async (client) => {
    const uri = uriFor('signature');
    const typed = '20.7 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT ';
    await client.open(uri, `${S7}${typed}\n`);
    const h = await client.request<Help>('textDocument/signatureHelp', {
      textDocument: { uri },
      position: { line: S7_LINES.length, character: typed.length },
    });
    const sig = h.signatures[0];
    assert.equal(sig.label, 'ioctl KVM_SET_ONE_REG id=REG value=VALUE');
    assert.deepEqual(
      sig.parameters.map((p) => sig.label.slice(...p.label)),
      ['id=REG', 'value=VALUE'],
    );
    assert.equal(h.activeParameter, 1);
  });
});
