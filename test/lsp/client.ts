// A minimal LSP client over stdio for protocol tests: spawns dist/server.js --stdio, answers the
// server's own requests (configuration, capability registration) and exposes typed helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface PublishedDiagnostics { uri: string; version?: number; diagnostics: LspDiagnostic[] }
export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number; code?: string | number; source?: string; message: string;
  codeDescription?: { href: string };
  relatedInformation?: { location: { uri: string; range: LspDiagnostic['range'] }; message: string }[];
  tags?: number[]; data?: unknown;
}

export class TestClient {
  readonly connection: MessageConnection;
  private readonly proc: ChildProcess;
  private readonly published = new Map<string, PublishedDiagnostics[]>();
  private readonly waiters: (() => void)[] = [];
  settings: Record<string, unknown> = {};
  stderr = '';

  constructor() {
    const server = path.resolve(__dirname, '../../dist/server.js');
    this.proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section ? this.settings[item.section] ?? null : this.settings)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.listen();
  }

  async initialize(capabilities: Record<string, unknown> = {}): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid, rootUri: null, workspaceFolders: null,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true } }, ...capabilities },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'hvtrace', version, text } });
  }

  /** Waits until diagnostics for `uri` (at `version`, if given) have been published. */
  async diagnostics(uri: string, version?: number, timeoutMs = 10_000): Promise<LspDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (this.published.get(uri) ?? []).filter((p) => version === undefined || p.version === version).at(-1);
      if (found) return found.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}${version !== undefined ? ` v${version}` : ''}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.proc.kill();
    }
  }
}
