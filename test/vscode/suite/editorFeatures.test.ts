// The editor features of issue #16 in the real extension host: Open Sample Trace (an untitled copy),
// the Getting Started walkthrough's contribution, the Replay State view following the active editor,
// a truthful restart, docs links that open rendered, completion and signature help, the fix-all
// code action and `editor.codeActionsOnSave` running it. Numbers: docs/format.md#7-example, worked
// out in test/lsp.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HvtimerApi } from '../../../client/src/extension';
import { test } from './harness';
import {
  closeEverything,
  codeOf,
  EXTENSION_ID,
  fixtureUri,
  hasCodeAt,
  openFixture,
  waitForDiagnostics,
  waitUntil,
} from './helpers';

const ext = (): vscode.Extension<HvtimerApi> => vscode.extensions.getExtension<HvtimerApi>(EXTENSION_ID)!;
const api = (): HvtimerApi => ext().exports;

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

test('Open Sample Trace opens an untitled, editable copy named like the sample; the bundled file is untouched', async () => {
  const file = vscode.Uri.joinPath(ext().extensionUri, 'sample-traces', 'arm64-migration-by-value.hvtrace');
  const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const editor = await vscode.commands.executeCommand<vscode.TextEditor>(
    'hvtimer.openSampleTrace',
    'arm64-migration-by-value.hvtrace',
  );
  const doc = editor.document;
  assert.equal(doc.uri.scheme, 'untitled');
  assert.equal(doc.uri.path, 'arm64-migration-by-value.hvtrace');
  assert.equal(doc.languageId, 'hvtrace');
  assert.equal(doc.getText(), original);
  // The server replays the copy: HVT011 on line 29, HVT010 on lines 31 and 33 (0-based 28, 30, 32).
  await waitForDiagnostics(
    doc.uri,
    (ds) => hasCodeAt('HVT011', 28)(ds) && hasCodeAt('HVT010', 30)(ds) && hasCodeAt('HVT010', 32)(ds),
  );
  // Editing the copy does not touch the extension's file.
  assert.equal(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# my notes\n')), true);
  assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), original);
  await vscode.commands.executeCommand('undo');
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}, 60_000);

test('the Getting Started walkthrough: four steps whose commands and media exist', async () => {
  const pkg = ext().packageJSON as {
    contributes: {
      walkthroughs: {
        id: string;
        steps: { id: string; description: string; media: { markdown?: string }; completionEvents: string[] }[];
      }[];
    };
  };
  const [walkthrough] = pkg.contributes.walkthroughs;
  assert.equal(walkthrough.id, 'hvtimer.gettingStarted');
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['openSample', 'seeFinding', 'applyFix', 'showTimeline'],
  );
  const commands = await vscode.commands.getCommands(true);
  for (const step of walkthrough.steps) {
    for (const m of step.description.matchAll(/\(command:([\w.]+)/g))
      assert.ok(commands.includes(m[1]), `${step.id}: command ${m[1]} is not registered`);
    for (const e of step.completionEvents)
      assert.ok(commands.includes(e.replace(/^onCommand:/, '')), `${step.id}: ${e}`);
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext().extensionUri, step.media.markdown!));
  }
  // The walkthrough opens (the workbench command the Welcome page uses).
  await vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    `${EXTENSION_ID}#hvtimer.gettingStarted`,
    false,
  );
  await closeAll();
});

test('the Replay State view follows the active trace editor and clears when its trace closes', async () => {
  await closeAll();
  const a = await openFixture('s7-restore.hvtrace');
  await waitForDiagnostics(a.uri, hasCodeAt('HVT010', 15));
  await vscode.commands.executeCommand('hvtimer.replayState.focus');
  const state = api().replayState;
  await waitUntil('the view to show s7-restore.hvtrace', () => state.current?.uri === a.uri.toString());
  // Another trace becomes the active editor: the view shows it, at its cursor (line 0).
  const b = await openFixture('s7-follow.hvtrace');
  await waitUntil('the view to follow to s7-follow.hvtrace', () => state.current?.uri === b.uri.toString());
  assert.equal(state.current?.line, 0);
  // Closing that trace clears the view.
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  await waitUntil('the view to clear', () => state.current === undefined);
  assert.deepEqual(state.flatten(), []);
  await closeAll();
}, 60_000);

test('Restart Language Server logs a clean exit, not an error, and the new server works', async () => {
  const doc = await openFixture('malformed.hvtrace');
  const before = api().log().length;
  await vscode.commands.executeCommand('hvtimer.restartServer');
  const lines = api().log().slice(before);
  assert.deepEqual(
    lines.filter((l) => /\[Error|error/i.test(l)),
    [],
    lines.join('\n'),
  );
  assert.ok(lines.includes('hvtimer: restarting the language server (requested).'), lines.join('\n'));
  assert.ok(
    lines.some((l) => l.includes('The hvtimer language server exited cleanly (code 0, stop requested).')),
    lines.join('\n'),
  );
  assert.ok(lines.includes('hvtimer: the language server is running again.'), lines.join('\n'));
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT090', 2));
}, 60_000);

test('diagnostic code links and hover links open the docs rendered in the Markdown preview, not as a file', async () => {
  const doc = await openFixture('s7-restore.hvtrace');
  const ds = await waitForDiagnostics(doc.uri, hasCodeAt('HVT010', 15));
  const d10 = ds.find((d) => codeOf(d) === 'HVT010')!;
  const target = typeof d10.code === 'object' ? d10.code.target : undefined;
  assert.equal(target?.scheme, 'command');
  assert.equal(target?.path, 'hvtimer.openDocs');
  assert.deepEqual(JSON.parse(decodeURIComponent(target!.query)), ['docs/diagnostics/HVT010.md', '']);
  // The hover's link to the format's section is rewritten the same way (and trusted for that command only).
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    doc.uri,
    new vscode.Position(14, 3),
  );
  const md = hovers
    .flatMap((h) => h.contents)
    .find((c) => c instanceof vscode.MarkdownString && c.value.includes('hvtimer.openDocs')) as
    vscode.MarkdownString | undefined;
  assert.ok(md, 'no hover link to the docs');
  assert.match(md.value, /\[format §6\.4 resume points\]\(command:hvtimer\.openDocs\?/);
  assert.deepEqual(md.isTrusted, { enabledCommands: ['hvtimer.openDocs'] });
  // Following the link: the page opens in the Markdown preview (a webview), with no editor on the file.
  const opened = await vscode.commands.executeCommand<vscode.Uri>('hvtimer.openDocs', 'docs/diagnostics/HVT010.md', '');
  assert.match(opened.path, /\/docs\/diagnostics\/HVT010\.md$/);
  await waitUntil('the Markdown preview of HVT010.md', () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some(
        (t) =>
          t.input instanceof vscode.TabInputWebview &&
          t.input.viewType.includes('markdown.preview') &&
          t.label.includes('HVT010.md'),
      ),
  );
  assert.equal(
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.endsWith('HVT010.md')),
    false,
  );
  // Only docs pages of the extension.
  assert.equal(await vscode.commands.executeCommand('hvtimer.openDocs', '../package.json'), undefined);
  await closeAll();
}, 60_000);

test('completion and signature help while writing a statement', async () => {
  const doc = await openFixture('s7-follow.hvtrace');
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT010', 15));
  const editor = await vscode.window.showTextDocument(doc);
  const line = doc.lineCount;
  const typed = '20.700000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG ';
  await editor.edit((b) => b.insert(new vscode.Position(line, 0), `\n${typed}`), {
    undoStopBefore: true,
    undoStopAfter: false,
  });
  try {
    const row = doc.lineCount - 1;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(row, typed.length),
    );
    assert.deepEqual(
      list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).filter((l) => l.endsWith('=')),
      ['id=', 'value=', 'took='],
    );
    const help = await vscode.commands.executeCommand<vscode.SignatureHelp>(
      'vscode.executeSignatureHelpProvider',
      doc.uri,
      new vscode.Position(row, typed.length),
    );
    assert.equal(help.signatures[0].label, 'ioctl KVM_SET_ONE_REG id=REG value=VALUE');
    assert.equal(help.activeParameter, 0);
  } finally {
    await vscode.commands.executeCommand('undo');
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}, 60_000);

test('editor.codeActionsOnSave with source.fixAll.hvtimer applies the fixes when the trace is saved', async () => {
  // The setting goes into the workspace's .vscode/settings.json as a person writes it, not through
  // WorkspaceConfiguration.update: that edits the file as a jsonc text model, which activates the
  // JSON language features, whose language server then starts (and registers its providers) in the
  // middle of this test.
  const folder = fixtureUri('.vscode');
  const onSave = (): unknown =>
    vscode.workspace
      .getConfiguration('editor', { languageId: 'hvtrace' })
      .get<Record<string, unknown>>('codeActionsOnSave')?.['source.fixAll.hvtimer'];
  await vscode.workspace.fs.writeFile(
    vscode.Uri.joinPath(folder, 'settings.json'),
    new TextEncoder().encode(
      JSON.stringify({ '[hvtrace]': { 'editor.codeActionsOnSave': { 'source.fixAll.hvtimer': 'explicit' } } }),
    ),
  );
  await waitUntil('the workspace setting editor.codeActionsOnSave for hvtrace', () => onSave() === 'explicit');
  const doc = await openFixture('s7-fix-on-save.hvtrace');
  const original = doc.getText();
  try {
    await waitForDiagnostics(doc.uri, (ds) => hasCodeAt('HVT011', 14)(ds) && hasCodeAt('HVT010', 15)(ds));
    // The fix-all action is offered for the whole file.
    const all = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(0, 0, 0, 0),
      'source.fixAll.hvtimer',
    );
    assert.deepEqual(
      all.map((a) => a.title),
      ['Fix all hvtimer problems in the file'],
    );
    // A change makes the document dirty; saving runs the action.
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# saved with fixes\n'));
    assert.equal(await doc.save(), true);
    await waitUntil('the fix applied on save', () =>
      doc.getText().includes('KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025'),
    );
    const after = await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'HVT010'));
    assert.deepEqual(
      after.map((d) => `${codeOf(d)}@${d.range.start.line}`),
      ['HVT004@16'],
    );
  } finally {
    await vscode.workspace.fs.delete(folder, { recursive: true });
    await waitUntil('the workspace setting to be gone', () => onSave() === undefined);
    await vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode(original));
    await closeAll();
  }
}, 60_000);

test('editor features tests leave no editor open', closeEverything);
