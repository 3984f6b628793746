// Extension entry point: the status item, the language client, the Replay State view, the timeline
// panel's serializer and the commands. Returns a small API (tests reach the view and the panel).
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

let client: HvtimerClient | undefined;

export interface HvtimerApi {
  replayState: ReplayStateProvider;
  timeline(): TimelinePanel | undefined;
}

/** `hvtimer.traceOpen`: an hvtrace document is open (shows the Replay State view), or a trace too large to synchronise (largeFiles.ts). */
function trackTraceOpen(largeTraceOpen: () => boolean): { dispose(): void; update(): void } {
  const update = (): void => {
    void vscode.commands.executeCommand('setContext', 'hvtimer.traceOpen', largeTraceOpen() || vscode.workspace.textDocuments.some((d) => d.languageId === 'hvtrace' || d.languageId === CAPTURE_LANGUAGE_ID));
  };
  update();
  const d = vscode.Disposable.from(vscode.workspace.onDidOpenTextDocument(update), vscode.workspace.onDidCloseTextDocument(update));
  return { dispose: () => d.dispose(), update };
}

export async function activate(context: vscode.ExtensionContext): Promise<HvtimerApi> {
  const status = new ServerStatus();
  status.setConfig(readConfig());
  client = new HvtimerClient(context, status);
  const replayState = new ReplayStateProvider();
  const view = vscode.window.createTreeView(REPLAY_STATE_VIEW, { treeDataProvider: replayState, showCollapseAll: true });
  replayState.attach(view);
  const c = client;
  const traceOpen = trackTraceOpen(() => LargeFiles.current?.any ?? false);
  const largeFiles = new LargeFiles(client, () => traceOpen.update());
  context.subscriptions.push(
    status, client, replayState, view, traceOpen, largeFiles, onDidChangeConfig((cfg) => status.setConfig(cfg)),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: TimelineViewState | undefined) => { TimelinePanel.revive(panel, context, c, state); },
    }),
    { dispose: () => TimelinePanel.current?.dispose() },
  );
  registerCommands(context, client, replayState);
  registerCaptureSupport(context, client);
  await client.start();
  return { replayState, timeline: () => TimelinePanel.current };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
