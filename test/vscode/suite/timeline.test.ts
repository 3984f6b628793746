// The timeline panel and the replay commands in the real extension host: Show Timeline opens the
// webview (whose bundle then asks for data), a marker's reveal selects its line, the editor's cursor
// reaches the webview, Replay Trace / Replay to Cursor / Step Next / Step Previous fill the Replay
// State view, Export Report writes Markdown and JSON (the target given as a command argument).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HvtimerApi } from '../../../client/src/extension';
import type { ReportResult, StateAtResult } from '../../../protocol/requests';
import type { Report } from '../../../protocol/views';
import type { ToWebview } from '../../../protocol/webview';
import { test } from './harness';
import { closeEverything, EXTENSION_ID, waitForDiagnostics, waitUntil } from './helpers';

const api = (): HvtimerApi => vscode.extensions.getExtension<HvtimerApi>(EXTENSION_ID)!.exports;

/** A sample trace of the repository, open in an editor, once the server has diagnosed it. */
async function openSample(name: string): Promise<vscode.TextEditor> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const uri = vscode.Uri.joinPath(ext.extensionUri, 'sample-traces', name);
  const editor = await vscode.window.showTextDocument(
    await vscode.workspace.openTextDocument(uri),
    vscode.ViewColumn.One,
  );
  await waitForDiagnostics(uri, (ds) => ds.length > 0);
  return editor;
}

const BY_VALUE = 'arm64-migration-by-value.hvtrace';

test('Show Timeline opens the timeline webview beside the editor, and its bundle asks for data', async () => {
  const editor = await openSample(BY_VALUE);
  const uri = editor.document.uri.toString();
  // From the palette: the timeline of the active editor, its cursor at the editor's (line 30).
  editor.selection = new vscode.Selection(30, 0, 30, 0);
  await vscode.commands.executeCommand('hvtimer.showTimeline', uri);
  const panel = api().timeline();
  assert.ok(panel);
  assert.equal(panel.uri, uri);
  // The workbench reports its tabs to the extension host a moment later.
  const tab = (): vscode.Tab | undefined =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('hvtimer.timeline'));
  await waitUntil(`the tab "Timeline: ${BY_VALUE}"`, () => tab()?.label === `Timeline: ${BY_VALUE}`);
  assert.equal(tab()!.group.viewColumn, vscode.ViewColumn.Two, 'beside the editor (column one)');
  // The overview went to the webview; the webview (running in the workbench) asked for windows: the
  // first view is framed on the findings of the whole trace, so its first request is for all of it.
  type Sent<T extends ToWebview['type']> = Extract<ToWebview, { type: T }>;
  const overviewOf = (): Sent<'overview'> | undefined =>
    panel.sent.find((m): m is Sent<'overview'> => m.type === 'overview');
  const wholeTrace = (): Sent<'window'> | undefined => {
    const extent = overviewOf()?.overview.extent;
    if (!extent) return undefined;
    return panel.sent.find(
      (m): m is Sent<'window'> =>
        m.type === 'window' &&
        BigInt(m.window.fromNs) <= BigInt(extent.startNs) &&
        BigInt(m.window.toNs) >= BigInt(extent.endNs),
    );
  };
  await waitUntil(
    'the overview and the window of the whole trace sent to the webview',
    () => wholeTrace() !== undefined,
    30_000,
  );
  const overview = overviewOf()!;
  assert.deepEqual(
    overview.overview.rows.map((r) => r.label),
    ['vm1 on src', 'vcpu0', 'vcpu1', 'vm1 on dst', 'vcpu0', 'vcpu1'],
  );
  assert.equal(overview.cursorLine, 30);
  const window = wholeTrace()!;
  // One marker per statement: the sample has 16 (35 lines less comments, directives and blank lines).
  assert.equal(window.window.markers.length, 16);
  // A line given as an argument (the "Show timeline" code lens) is zoomed to, once the webview is ready.
  await vscode.commands.executeCommand('hvtimer.showTimeline', uri, 30);
  assert.equal(api().timeline(), panel, 'the same panel');
  await waitUntil(
    'a focusLine message for line 30',
    () => panel.sent.some((m) => m.type === 'focusLine' && m.line === 30),
    30_000,
  );
}, 60_000);

test('a marker clicked in the timeline (its reveal message) selects that line in the editor', async () => {
  const panel = api().timeline();
  assert.ok(panel, 'the timeline is open');
  await panel.handleMessage({ type: 'reveal', line: 30 });
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor);
  assert.equal(editor.document.uri.toString(), panel.uri);
  assert.equal(editor.selection.start.line, 30);
  assert.equal(editor.selection.start.character, 0);
  assert.equal(editor.selection.end.character, editor.document.lineAt(30).text.length);
});

test('moving the editor cursor sends the timeline a cursor message', async () => {
  const panel = api().timeline();
  assert.ok(panel, 'the timeline is open');
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === panel.uri)!;
  editor.selection = new vscode.Selection(21, 3, 21, 3);
  await waitUntil('a cursor message for line 21', () => panel.sent.some((m) => m.type === 'cursor' && m.line === 21));
});

test('Replay Trace replays the file, reports the counts and leaves the final state in the Replay State view', async () => {
  const editor = await openSample(BY_VALUE);
  const r = await vscode.commands.executeCommand<ReportResult>('hvtimer.replayTrace', editor.document.uri.toString());
  assert.deepEqual(
    [r.report.vms.length, r.report.vcpuCount, r.report.migrationCount, r.report.findingsBySeverity],
    [1, 2, 1, { error: 0, warning: 2, info: 1, hint: 0 }],
  );
  assert.equal(api().replayState.current?.line, 35);
  const tree = api().replayState.flatten();
  assert.ok(tree.includes('  dst/vm1: migration · running · current'), tree.join('\n'));
}, 60_000);

test('Replay to Cursor, Step to Next and Previous State Change move through the trace', async () => {
  const editor = await openSample(BY_VALUE);
  const uri = editor.document.uri.toString();
  editor.selection = new vscode.Selection(25, 0, 25, 0);
  const at = await vscode.commands.executeCommand<StateAtResult>('hvtimer.replayToLine');
  assert.equal(at.line, 25);
  assert.equal(api().replayState.flatten()[0], `After line 26: ${BY_VALUE} · t = 20.500001000 s`);
  const next = await vscode.commands.executeCommand<StateAtResult>('hvtimer.stepNext');
  assert.equal(next.line, 28, 'the TIMER_CNT write');
  assert.equal(vscode.window.activeTextEditor?.selection.active.line, 28);
  assert.equal(api().replayState.current?.line, 28);
  const after = await vscode.commands.executeCommand<StateAtResult>('hvtimer.stepNext');
  assert.equal(after.line, 30, 'the resume point of vcpu0');
  assert.ok(api().replayState.flatten().includes('      guest CNTVCT: 250002725 (10.000109000 s)'));
  const back = await vscode.commands.executeCommand<StateAtResult>('hvtimer.stepPrevious');
  assert.equal(back.line, 28);
  assert.equal(api().replayState.current?.uri, uri);
}, 60_000);

test('Export Report writes the Markdown and the JSON report to the given file, never over the trace', async () => {
  const editor = await openSample(BY_VALUE);
  const uri = editor.document.uri.toString();
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-report-'));
  try {
    const md = path.join(dir, 'report.md');
    await vscode.commands.executeCommand('hvtimer.exportReport', uri, {
      format: 'markdown',
      target: vscode.Uri.file(md),
    });
    const text = readFileSync(md, 'utf8');
    assert.match(
      text,
      new RegExp(
        `^# hvtimer report: ${BY_VALUE.replace(/\./g, '\\.')}\n\n36 lines, 10\\.000000000 s to 21\\.000000000 s · 1 VM, 2 vCPUs, 1 migration · findings: 0 error, 2 warning, 1 info, 0 hint\n`,
      ),
    );
    assert.match(
      text,
      /\| 31 \| 20\.600100000 s \| HVT010 \| warning \| guest CNTVCT of vcpu0 of vm1 on dst lags by 14999750 ticks/,
    );
    assert.match(text, /\| vcpu0 \(CNTVCT\) \| -599\.99 ms \| -599\.99 ms \| 31 \| — \| — \|/);
    const json = path.join(dir, 'report.json');
    await vscode.commands.executeCommand('hvtimer.exportReport', uri, {
      format: 'json',
      target: vscode.Uri.file(json),
    });
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    assert.deepEqual([report.name, report.vcpuCount, report.migrationCount], [BY_VALUE, 2, 1]);
    assert.deepEqual(
      report.findings.map((f) => [f.code, f.line]),
      [
        ['HVT011', 28],
        ['HVT010', 30],
        ['HVT010', 32],
      ],
    );
    const before = editor.document.getText();
    const written = await vscode.commands.executeCommand('hvtimer.exportReport', uri, {
      format: 'json',
      target: editor.document.uri,
    });
    assert.equal(written, undefined);
    assert.equal(readFileSync(editor.document.uri.fsPath, 'utf8'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test("the timeline's PNG and SVG exports are written where the user says, never over the trace", async () => {
  const panel = api().timeline();
  assert.ok(panel, 'the timeline is open');
  const trace = vscode.Uri.parse(panel.uri!);
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-export-'));
  try {
    const svg = path.join(dir, 'timeline.svg');
    panel.exportTarget = vscode.Uri.file(svg);
    await panel.handleMessage({
      type: 'export',
      format: 'svg',
      data: '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>',
    });
    assert.equal(readFileSync(svg, 'utf8'), '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>');
    // A PNG arrives as a data URL: the file gets the decoded bytes (the 8-byte PNG signature here).
    const png = path.join(dir, 'timeline.png');
    panel.exportTarget = vscode.Uri.file(png);
    await panel.handleMessage({ type: 'export', format: 'png', data: 'data:image/png;base64,iVBORw0KGgo=' });
    assert.deepEqual([...readFileSync(png)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const before = readFileSync(trace.fsPath, 'utf8');
    panel.exportTarget = trace;
    await panel.handleMessage({ type: 'export', format: 'svg', data: '<svg/>' });
    assert.equal(readFileSync(trace.fsPath, 'utf8'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the timeline follows the active editor: another trace made active is shown, with its cursor', async () => {
  const panel = api().timeline();
  assert.ok(panel, 'the timeline is open');
  // A sample without findings (openSample waits for some): opened as the user would, in column one.
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const other = await vscode.window.showTextDocument(
    await vscode.workspace.openTextDocument(
      vscode.Uri.joinPath(ext.extensionUri, 'sample-traces', 'arm64-pvtime-migration-correct.hvtrace'),
    ),
    vscode.ViewColumn.One,
  );
  const uri = other.document.uri.toString();
  await waitUntil('the panel showing the other trace', () => panel.uri === uri);
  assert.equal(api().timeline(), panel, 'the same panel');
  await waitUntil('the tab "Timeline: arm64-pvtime-migration-correct.hvtrace"', () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => t.label === 'Timeline: arm64-pvtime-migration-correct.hvtrace'),
  );
  // Its overview: vm1 with two vCPUs (`@vm vm1 vcpus=2`) on src, then on dst after the migration at line 40.
  type Overview = Extract<(typeof panel.sent)[number], { type: 'overview' }>;
  const overview = (): Overview | undefined =>
    [...panel.sent].reverse().find((m): m is Overview => m.type === 'overview' && m.overview.uri === uri);
  await waitUntil('the overview of the other trace', () => overview() !== undefined, 30_000);
  assert.deepEqual(
    overview()!.overview.rows.map((r) => r.label),
    ['vm1 on src', 'vcpu0', 'vcpu1', 'vm1 on dst', 'vcpu0', 'vcpu1'],
  );
  assert.equal(overview()!.cursorLine, 0, "the new editor's cursor, at its first line");
  // Its cursor, moved, is the timeline's: line 40 is `20.000010000 src/vm1 vmm migrate to=dst`.
  other.selection = new vscode.Selection(39, 0, 39, 0);
  await waitUntil('a cursor message for line 39', () => panel.sent.some((m) => m.type === 'cursor' && m.line === 39));
  // A text editor that is not a trace leaves the timeline where it is.
  await vscode.window.showTextDocument(
    await vscode.workspace.openTextDocument({ content: 'not a trace', language: 'plaintext' }),
    vscode.ViewColumn.One,
  );
  assert.equal(panel.uri, uri);
}, 60_000);

test('timeline tests leave no editor or timeline panel open', async () => {
  await closeEverything();
  await waitUntil('the timeline panel disposed with its tab', () => api().timeline() === undefined);
});
