// A minimal LSP client over stdio for protocol tests: spawns dist/server.js --stdio, answers the
// server's own requests (configuration, capability registration, progress, refresh) and exposes
// typed helpers. Waits are on conditions (a notification arriving), never on fixed sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  CancellationTokenSource,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CancellationToken,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}
export interface LspDiagnostic {
  range: LspRange;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
  codeDescription?: { href: string };
  relatedInformation?: { location: { uri: string; range: LspRange }; message: string }[];
  tags?: number[];
  data?: unknown;
}
export interface TextEdit {
  range: LspRange;
  newText: string;
}
export interface ProgressNotification {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number };
}

/** Default client capabilities: configuration pull, related information, progress, refreshes, versioned edits. */
export const DEFAULT_CAPABILITIES = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: false },
    inlayHint: { refreshSupport: true },
    workspaceEdit: { documentChanges: true },
  },
  window: { workDoneProgress: true },
  textDocument: { publishDiagnostics: { relatedInformation: true } },
};

export class TestClient {
  readonly connection: MessageConnection;
  private readonly proc: ChildProcess;
  private readonly published = new Map<string, PublishedDiagnostics[]>();
  private readonly waiters: (() => void)[] = [];
  /** The `workspace/configuration` answers: section name -> value. */
  settings: Record<string, unknown> = {};
  readonly progress: ProgressNotification[] = [];
  readonly logs: { type: number; message: string }[] = [];
  inlayRefreshes = 0;
  stderr = '';

  constructor() {
    const server = path.resolve(__dirname, '../../dist/server.js');
    this.proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.connection = createMessageConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section ? (this.settings[item.section] ?? null) : this.settings)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/inlayHint/refresh', () => {
      this.inlayRefreshes++;
      this.wake();
      return null;
    });
    this.connection.onNotification('$/progress', (p: ProgressNotification) => {
      this.progress.push(p);
      this.wake();
    });
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.wake();
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      this.wake();
    });
    this.connection.listen();
  }

  private wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Resolves once `check()` returns a value other than undefined (re-checked on every notification). */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async initialize(
    capabilities: Record<string, unknown> = DEFAULT_CAPABILITIES,
    initializationOptions?: unknown,
  ): Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'hvtrace', version, text },
    });
  }

  change(
    uri: string,
    version: number,
    contentChanges: ({ range: LspRange; text: string } | { text: string })[],
  ): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Sets the `hvtimer` section and notifies the server. */
  async configure(section: Record<string, unknown>): Promise<void> {
    this.settings = { ...this.settings, hvtimer: section };
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { hvtimer: section } });
  }

  request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    return token
      ? this.connection.sendRequest<R>(method, params, token)
      : this.connection.sendRequest<R>(method, params);
  }

  /** Every diagnostics publication for `uri`, in order. */
  publications(uri: string): PublishedDiagnostics[] {
    return this.published.get(uri) ?? [];
  }

  /** Waits until diagnostics for `uri` (at `version`, if given) have been published; the latest such. */
  diagnostics(uri: string, version?: number, timeoutMs = 20_000): Promise<LspDiagnostic[]> {
    return this.waitFor(
      `diagnostics for ${uri}${version !== undefined ? ` v${version}` : ''}`,
      () =>
        this.publications(uri)
          .filter((p) => version === undefined || p.version === version)
          .at(-1)?.diagnostics,
      timeoutMs,
    );
  }

  /** Waits for the next publication for `uri` after the `seen` first ones. */
  nextDiagnostics(uri: string, seen: number, timeoutMs = 20_000): Promise<LspDiagnostic[]> {
    return this.waitFor(
      `publication #${seen + 1} for ${uri}`,
      () => this.publications(uri)[seen]?.diagnostics,
      timeoutMs,
    );
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

/** Opens a client, initializes it, runs `fn`, shuts down. */
export async function withClient(
  fn: (client: TestClient) => Promise<void>,
  capabilities?: Record<string, unknown>,
  initializationOptions?: unknown,
): Promise<void> {
  const client = new TestClient();
  try {
    await client.initialize(capabilities, initializationOptions);
    await fn(client);
  } finally {
    await client.shutdown();
  }
}

export { CancellationTokenSource };

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: LspPosition): number => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
