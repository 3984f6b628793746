// The timeline webview panel: its lifetime (one panel, shown beside the editor, revived after a
// reload by its serializer), its page (media/timeline.html with a nonce and a strict CSP, resources
// only from dist/), and its messages: the overview and visible-range data come from the language
// server (hvtimer/timelineOverview, hvtimer/timelineWindow), a clicked marker reveals its line, the
// editor's cursor moves the timeline's, exports are saved where the user says.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  TIMELINE_OVERVIEW,
  TIMELINE_VIEW_TYPE,
  TIMELINE_WINDOW,
  type TimelineOverviewResult,
  type TimelineWindowParams,
} from '../../protocol/requests';
import { documentName } from '../../protocol/documentName';
import { unhandled, type FromWebview, type TimelineViewState, type ToWebview } from '../../protocol/webview';
import type { HvtimerClient } from './client';
import { saveExport } from './saveFile';
import { isLargeTrace, revealInLargeTrace } from './largeFiles';
import { isTraceDocument } from './followEditor';

/** How long to wait for the server to know a document (it is opened just before we ask). */
const OPEN_TIMEOUT_MS = 15_000;
/** Edits within this many ms send one new overview. */
const EDIT_DEBOUNCE_MS = 300;

export class TimelinePanel implements vscode.Disposable {
  /** The panel, if one is open. */
  static current: TimelinePanel | undefined;

  /** The messages sent to the webview, newest last (tests). */
  readonly sent: ToWebview[] = [];
  /** Where the next export goes instead of asking with a save dialog (tests). */
  exportTarget: vscode.Uri | undefined;
  uri: string | undefined;
  private cursorLine: number | null = null;
  /** A line to zoom to (`focusLine`) once the webview has the document's overview. */
  private focusLine: number | null = null;
  /** The webview's script has said `ready` (messages posted before that are lost). */
  private webviewReady = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private loaded: Promise<void>;

  /**
   * Opens (or reuses) the panel beside the editor for `uri`; with `focus`, the timeline zooms to the
   * statement on `line` (the "Show timeline" code lens), else it only puts its cursor there.
   */
  static async show(
    context: vscode.ExtensionContext,
    client: HvtimerClient,
    uri: string,
    line: number | null,
    focus = false,
  ): Promise<TimelinePanel> {
    const existing = TimelinePanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      await existing.setDocument(uri, line, focus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      'Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      TimelinePanel.options(context),
    );
    const p = new TimelinePanel(panel, context, client);
    await p.setDocument(uri, line, focus);
    return p;
  }

  /** The serializer's half: a panel VS Code restored after a reload, with the state the webview saved. */
  static revive(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    client: HvtimerClient,
    state: TimelineViewState | undefined,
  ): TimelinePanel {
    TimelinePanel.current?.panel.dispose();
    panel.webview.options = TimelinePanel.options(context);
    const p = new TimelinePanel(panel, context, client);
    p.uri = state?.uri ?? undefined;
    if (p.uri) panel.title = `Timeline: ${documentName(p.uri)}`;
    return p;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly client: HvtimerClient,
  ) {
    TimelinePanel.current = this;
    this.loaded = this.loadPage();
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.handleMessage(m)),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.toString() !== this.uri) return;
        this.cursorLine = e.selections[0].active.line;
        this.post({ type: 'cursor', line: this.cursorLine });
      }),
      // The timeline follows the active editor, as a Markdown preview opened beside an editor does:
      // another trace becoming the active editor is shown, its cursor as the timeline's cursor.
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (!e || !isTraceDocument(e.document) || e.document.uri.toString() === this.uri) return;
        void this.setDocument(e.document.uri.toString(), e.selection.active.line);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== this.uri || e.contentChanges.length === 0) return;
        clearTimeout(this.editTimer);
        this.editTimer = setTimeout(() => void this.sendOverview(), EDIT_DEBOUNCE_MS);
      }),
    );
  }

  private async loadPage(): Promise<void> {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const template = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'timeline.html')),
    );
    const values: Record<string, string> = {
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      harnessScript: '',
    };
    webview.html = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
  }

  /** Shows `uri` (the webview resets its view for another document); `focus`: zoom to `line`. */
  async setDocument(uri: string, line: number | null, focus = false): Promise<void> {
    this.uri = uri;
    this.cursorLine = line;
    this.focusLine = focus ? line : null;
    this.panel.title = `Timeline: ${documentName(uri)}`;
    await this.loaded;
    await this.sendOverview();
  }

  private post(message: ToWebview): void {
    this.sent.push(message);
    if (this.sent.length > 200) this.sent.splice(0, this.sent.length - 200);
    void this.panel.webview.postMessage(message);
  }

  /** The overview of the current document; waits for the server to start and to know the document. */
  async sendOverview(): Promise<TimelineOverviewResult | null> {
    const uri = this.uri;
    if (!uri) return null;
    try {
      await this.client.whenRunning();
      // A trace too large to synchronise cannot be opened as a document here (largeFiles.ts): the server read it from disk.
      if (!isLargeTrace(uri)) await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const deadline = Date.now() + OPEN_TIMEOUT_MS;
      for (;;) {
        const overview = await this.client.request(TIMELINE_OVERVIEW, { uri });
        if (this.uri !== uri) return null;
        if (overview) {
          this.post({ type: 'overview', overview, cursorLine: this.cursorLine });
          if (this.focusLine !== null && this.webviewReady) {
            this.post({ type: 'focusLine', line: this.focusLine });
            this.focusLine = null;
          }
          return overview;
        }
        if (Date.now() > deadline) throw new Error(`the language server does not know ${documentName(uri)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (err) {
      this.post({ type: 'error', message: `hvtimer: ${err instanceof Error ? err.message : String(err)}` });
      return null;
    }
  }

  /** A message from the webview (public so the extension-host tests can play the webview's part). */
  async handleMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.webviewReady = true;
        if (!this.uri && m.state?.uri) this.uri = m.state.uri;
        await this.sendOverview();
        return;
      case 'requestWindow':
        return this.sendWindow(m);
      case 'reveal':
        await this.reveal(m.line);
        return;
      case 'export':
        return this.saveExport(m.format, m.data);
      default:
        return unhandled(m);
    }
  }

  private async sendWindow(m: Extract<FromWebview, { type: 'requestWindow' }>): Promise<void> {
    const uri = this.uri;
    if (!uri) return;
    try {
      const params: TimelineWindowParams = {
        uri,
        fromNs: m.fromNs,
        toNs: m.toNs,
        maxMarkers: m.maxMarkers,
        maxSamples: m.maxSamples,
      };
      const window = await this.client.request(TIMELINE_WINDOW, params);
      if (window && this.uri === uri) this.post({ type: 'window', seq: m.seq, window });
    } catch (err) {
      // An edit overtook the request (ContentModified): the new overview brings fresh requests.
      if ((err as { code?: number }).code !== -32801)
        this.post({ type: 'error', message: `hvtimer: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  /** Reveals and selects `line` in the trace's editor (opening it if needed). */
  async reveal(line: number): Promise<vscode.TextEditor | undefined> {
    if (!this.uri) return undefined;
    const uri = this.uri;
    if (isLargeTrace(uri)) {
      await revealInLargeTrace(uri, line);
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    if (line < 0 || line >= doc.lineCount) return undefined;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    const range = new vscode.Range(line, 0, line, doc.lineAt(line).text.length);
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: range,
      preserveFocus: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  private async saveExport(format: 'png' | 'svg', data: string): Promise<void> {
    const trace = this.uri ? vscode.Uri.parse(this.uri) : undefined;
    const base = trace ? documentName(trace.toString()).replace(/\.hvtrace$/, '') : 'timeline';
    const target = this.exportTarget;
    this.exportTarget = undefined;
    const bytes =
      format === 'png' ? Buffer.from(data.slice(data.indexOf(',') + 1), 'base64') : Buffer.from(data, 'utf8');
    await saveExport(
      {
        trace,
        target,
        defaultName: `${base}.timeline.${format}`,
        filters: format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
        saveLabel: `Export ${format.toUpperCase()}`,
        what: 'timeline',
      },
      bytes,
    );
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    clearTimeout(this.editTimer);
    this.subscriptions.splice(0).forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
