// Traces VS Code does not pass to extensions (issue #17, protocol/largeFiles.ts): a file above
// 50 MB opens in an editor, but its text never reaches the extension host — no
// `onDidOpenTextDocument`, no `activeTextEditor`, no language features (VS Code asks only providers
// with `hasAccessToAllModels` for such models, which an extension cannot register). This watches the
// editor tabs for a trace that is open but not synchronised, asks the language server to read it
// from disk (with progress, then one message saying what works and what does not), and closes it
// there when its last tab closes. The commands, the timeline and the Replay State view then work on
// it by URI: `activeLargeTrace` stands in for the active editor, `revealInLargeTrace` for
// showTextDocument (which would fail), and a line is asked for where there is no cursor to read.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CLOSE_LARGE_FILE,
  LARGE_FILE_CHANGED,
  OPEN_LARGE_FILE,
  SYNC_LIMIT_BYTES,
  type LargeFileChangedParams,
  type OpenLargeFileResult,
} from '../../protocol/largeFiles';
import { REPLAY_TO_LINE_COMMAND } from '../../protocol/requests';
import { documentName } from '../../protocol/documentName';
import type { HvtimerClient } from './client';
import { TimelinePanel } from './timelinePanel';

/** File names of the languages the extension contributes (package.json: .hvtrace and the capture patterns). */
const TRACE_NAME = /(\.hvtrace|\.ftrace|\.trace|\.dat\.txt|\.trace\.txt|\.perf\.txt)$|(^|\/)trace_pipe[^/]*\.txt$/i;

/** The large trace in the active editor tab, if that is one (commands use it when there is no active editor). */
export function activeLargeTrace(): string | undefined {
  return LargeFiles.current?.activeUri();
}

/** Whether `uri` is a trace open from disk because it is too large for the editor to pass on. */
export function isLargeTrace(uri: string): boolean {
  return LargeFiles.current?.has(uri) ?? false;
}

/**
 * Shows `line` of a large trace (vscode.open with a selection: the editor has the text even though
 * the extension does not) and the model state there in the Replay State view (no cursor to follow).
 */
export async function revealInLargeTrace(uri: string, line: number): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(uri), {
    selection: new vscode.Range(line, 0, line, 0),
    preview: false,
  });
  await vscode.commands.executeCommand(REPLAY_TO_LINE_COMMAND, uri, line);
}

/** Asks which line of a large trace a command is for (there is no cursor to read); undefined if dismissed. */
export async function askLine(uri: string): Promise<number | undefined> {
  const count = LargeFiles.current?.lineCount(uri);
  const answer = await vscode.window.showInputBox({
    title: `hvtimer: ${documentName(uri)}`,
    prompt: `Line number${count ? ` (1–${count})` : ''}: VS Code does not tell extensions the cursor of a file this large`,
    validateInput: (v) =>
      /^[1-9][0-9]*$/.test(v.trim()) && (!count || Number(v) <= count)
        ? undefined
        : `a line number${count ? ` from 1 to ${count}` : ''}`,
  });
  return answer === undefined ? undefined : Number(answer.trim()) - 1;
}

interface Opened {
  result: Extract<OpenLargeFileResult, { lineCount: number }>;
  client: LanguageClient;
}

export class LargeFiles implements vscode.Disposable {
  /** The one instance (the extension's), for the module functions above. */
  static current: LargeFiles | undefined;
  private readonly opened = new Map<string, Opened>();
  /** Opens in flight, so one tab event does not open a file twice. */
  private readonly opening = new Map<string, Promise<void>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly client: HvtimerClient,
    private readonly onChange: () => void,
  ) {
    LargeFiles.current = this;
    this.subscriptions.push(
      vscode.window.tabGroups.onDidChangeTabs(() => void this.scan()),
      vscode.workspace.onDidOpenTextDocument(() => void this.scan()),
      client.onDidStart((lc) => this.attach(lc)),
    );
    if (client.languageClient?.isRunning()) this.attach(client.languageClient);
  }

  has(uri: string): boolean {
    return this.opened.has(uri);
  }
  get any(): boolean {
    return this.opened.size > 0;
  }
  lineCount(uri: string): number | undefined {
    return this.opened.get(uri)?.result.lineCount;
  }

  activeUri(): string | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const uri = input instanceof vscode.TabInputText ? input.uri.toString() : undefined;
    return uri && this.opened.has(uri) ? uri : undefined;
  }

  /** A language client (re)started: it knows nothing of the files read from disk before. */
  private attach(lc: LanguageClient): void {
    this.subscriptions.push(
      lc.onNotification(LARGE_FILE_CHANGED, (p: LargeFileChangedParams) => {
        const o = this.opened.get(p.uri);
        if (o) o.result = { ...o.result, lineCount: p.lineCount, version: p.version };
        if (TimelinePanel.current?.uri === p.uri) void TimelinePanel.current.sendOverview();
      }),
    );
    void this.scan();
  }

  /** Opens the large traces open in tabs and not synchronised; closes those no tab shows any more. */
  async scan(): Promise<void> {
    const shown = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (
          tab.input instanceof vscode.TabInputText &&
          tab.input.uri.scheme === 'file' &&
          TRACE_NAME.test(tab.input.uri.path)
        )
          shown.add(tab.input.uri.toString());
      }
    }
    const synced = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const lc = this.client.languageClient;
    for (const uri of shown) {
      if (synced.has(uri) || this.opening.has(uri)) continue;
      const o = this.opened.get(uri);
      if (o && o.client === lc) continue;
      const p = this.open(uri).finally(() => this.opening.delete(uri));
      this.opening.set(uri, p);
    }
    for (const [uri, o] of this.opened) {
      if (shown.has(uri) && !synced.has(uri)) continue;
      this.opened.delete(uri);
      if (o.client === lc && lc?.isRunning()) void lc.sendNotification(CLOSE_LARGE_FILE, { uri });
      this.onChange();
    }
  }

  private async open(uri: string): Promise<void> {
    const file = vscode.Uri.parse(uri);
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(file)).size;
    } catch {
      return;
    }
    // Below the limit VS Code synchronises it itself (onDidOpenTextDocument follows).
    if (size <= SYNC_LIMIT_BYTES) return;
    await this.client.whenRunning();
    const lc = this.client.languageClient;
    if (!lc) return;
    const name = documentName(uri);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `hvtimer: reading ${name} from disk (${(size / 2 ** 20).toFixed(0)} MB)`,
      },
      () => lc.sendRequest<OpenLargeFileResult | null>(OPEN_LARGE_FILE, { uri }),
    );
    if (!result) return;
    if ('error' in result) {
      void vscode.window.showWarningMessage(`hvtimer: ${name}: ${result.error}`);
      return;
    }
    this.opened.set(uri, { result, client: lc });
    this.onChange();
    const lines = result.lineCount.toLocaleString('en-US');
    void vscode.window
      .showInformationMessage(
        `hvtimer: ${name} is ${(size / 2 ** 20).toFixed(0)} MB, more than the 50 MB VS Code passes to extensions, so hvtimer reads it from disk: ${lines} lines. ` +
          'Its diagnostics, the timeline and the Replay State view follow the file as saved: editing it here is not supported (edits are analysed only once saved), ' +
          'and VS Code does not ask extensions for hovers, inlay hints or quick fixes on a file this large.',
        'Show Timeline',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('hvtimer.showTimeline', uri);
      });
  }

  dispose(): void {
    if (LargeFiles.current === this) LargeFiles.current = undefined;
    this.subscriptions.splice(0).forEach((d) => d.dispose());
  }
}
