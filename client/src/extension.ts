// Extension entry point: the status item, the language client, the Replay State view (following
// the active editor), the timeline panel's serializer, the commands (with the docs and the bundled
// samples). Returns a small API (tests reach the view, the panel and the log).
import * as vscode from 'vscode';
import { TIMELINE_VIEW_TYPE } from '../../protocol/requests';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';
import type { TimelineViewState } from '../../protocol/webview';
import { HvtimerClient } from './client';
import { LargeFiles } from './largeFiles';
import { registerCaptureSupport } from './captures';
import { registerCommands } from './commands';
import { onDidChangeConfig, readConfig } from './config';
import { REPLAY_STATE_VIEW, ReplayStateProvider } from './replayState';
import { ServerStatus } from './status';
import { TimelinePanel } from './timelinePanel';
import { followActiveEditor } from './followEditor';
import { OPEN_DOCS_COMMAND, openDocs } from './docs';
import { OPEN_SAMPLE_COMMAND, openSampleTrace } from './samples';

let client: HvtimerClient | undefined;

export interface HvtimerApi {
  replayState: ReplayStateProvider;
  timeline(): TimelinePanel | undefined;
  /** The last lines of the hvtimer output channel. */
  log(): readonly string[];
}

/** `hvtimer.traceOpen`: an hvtrace document is open (shows the Replay State view), or a trace too large to synchronise (largeFiles.ts). */
function trackTraceOpen(largeTraceOpen: () => boolean): { dispose(): void; update(): void } {
  const update = (): void => {
    void vscode.commands.executeCommand(
      'setContext',
      'hvtimer.traceOpen',
      largeTraceOpen() ||
        vscode.workspace.textDocuments.some((d) => d.languageId === 'hvtrace' || d.languageId === CAPTURE_LANGUAGE_ID),
    );
  };
  update();
  const d = vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidCloseTextDocument(update),
  );
  return { dispose: () => d.dispose(), update };
}

export async function activate(context: vscode.ExtensionContext): Promise<HvtimerApi> {
  const status = new ServerStatus();
  status.setConfig(readConfig());
  client = new HvtimerClient(context, status);
  const replayState = new ReplayStateProvider();
  const view = vscode.window.createTreeView(REPLAY_STATE_VIEW, {
    treeDataProvider: replayState,
    showCollapseAll: true,
  });
  replayState.attach(view);
  const c = client;
  const traceOpen = trackTraceOpen(() => LargeFiles.current?.any ?? false);
  const largeFiles = new LargeFiles(client, () => traceOpen.update());
  context.subscriptions.push(
    status,
    client,
    replayState,
    view,
    traceOpen,
    largeFiles,
    onDidChangeConfig((cfg) => status.setConfig(cfg)),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: TimelineViewState | undefined) => {
        TimelinePanel.revive(panel, context, c, state);
      },
    }),
    { dispose: () => TimelinePanel.current?.dispose() },
    followActiveEditor(c, replayState, view),
    vscode.commands.registerCommand(OPEN_DOCS_COMMAND, (page?: unknown, fragment?: unknown) =>
      openDocs(context.extensionUri, page, fragment),
    ),
    vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, (name?: unknown) =>
      openSampleTrace(context.extensionUri, name),
    ),
  );
  registerCommands(context, client, replayState);
  registerCaptureSupport(context, client);
  await client.start();
  return { replayState, timeline: () => TimelinePanel.current, log: () => c.output.lines };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
