// The language client's lifetime: start, stop, restart, and an error handler that stops restarting a
// server that keeps crashing and tells the user why.
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, State, TransportKind,
  type CloseHandlerResult, type ErrorHandler, type ErrorHandlerResult, type LanguageClientOptions, type Message, type ServerOptions,
} from 'vscode-languageclient/node';
import type { CustomMethod, ParamsOf, ResultOf } from '../../protocol/requests';
import type { ServerStatus } from './status';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';

/** More crashes than this within CRASH_WINDOW_MS and the server is not restarted again. */
const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60_000;

/** Restarts a crashed server, unless it crashed MAX_RESTARTS + 1 times within CRASH_WINDOW_MS. */
export class CrashPolicy implements ErrorHandler {
  private readonly crashes: number[] = [];

  constructor(private readonly onGiveUp: (reason: string) => void, private readonly now: () => number = Date.now) {}

  error(_error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    // A few connection errors in a row can be transient; more mean the connection is broken.
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const t = this.now();
    while (this.crashes.length && t - this.crashes[0] > CRASH_WINDOW_MS) this.crashes.shift();
    this.crashes.push(t);
    if (this.crashes.length > MAX_RESTARTS) {
      const reason = `The hvtimer language server crashed ${this.crashes.length} times in the last ${CRASH_WINDOW_MS / 60_000} minutes and will not be restarted. The server log has the details; run "hvtimer: Restart Language Server" to try again.`;
      this.onGiveUp(reason);
      return { action: CloseAction.DoNotRestart, message: reason, handled: true };
    }
    return { action: CloseAction.Restart, handled: true };
  }
}

export class HvtimerClient implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('hvtimer');
  private client: LanguageClient | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  /** A language client started (first start or restart): a fresh server knows no documents read from disk (largeFiles.ts). */
  readonly onDidStart = this.started.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly status: ServerStatus) {}

  get languageClient(): LanguageClient | undefined { return this.client; }

  async start(): Promise<void> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'hvtrace' }, { language: CAPTURE_LANGUAGE_ID }],
      synchronize: { configurationSection: 'hvtimer' },
      outputChannel: this.output,
      errorHandler: new CrashPolicy((reason) => {
        this.status.set('failed', 'crashed repeatedly, not restarted');
        void vscode.window.showErrorMessage(reason, 'Show Log').then((choice) => { if (choice) this.output.show(true); });
      }),
    };
    const client = new LanguageClient('hvtimer', 'hvtimer', serverOptions, clientOptions);
    this.client = client;
    this.subscriptions.push(client.onDidChangeState((e) => {
      if (this.client !== client) return;
      if (e.newState === State.Running) this.status.set('running');
      else if (e.newState === State.Starting) this.status.set('starting');
      else if (this.status.current !== 'failed') this.status.set('stopped');
    }));
    this.status.set('starting');
    try {
      await client.start();
      this.started.fire(client);
    } catch (err) {
      this.status.set('failed', err instanceof Error ? err.message : String(err));
      this.output.appendLine(`hvtimer: the language server did not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      throw err;
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.subscriptions.splice(0).forEach((d) => d.dispose());
    if (client && client.state !== State.Stopped) await client.stop();
    this.status.set('stopped');
  }

  /** A fresh client (and crash count). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Sends custom request `method` (protocol/requests.ts): its params and result are typed by the method. */
  async request<M extends CustomMethod>(method: M, params: ParamsOf<M>, token?: vscode.CancellationToken): Promise<ResultOf<M>> {
    if (!this.client || this.client.state !== State.Running) throw new Error('the hvtimer language server is not running');
    return token ? this.client.sendRequest<ResultOf<M>>(method, params, token) : this.client.sendRequest<ResultOf<M>>(method, params);
  }

  /** Resolves once the language client is running (a revived webview may ask before it started). */
  whenRunning(timeoutMs = 30_000): Promise<void> {
    if (this.client?.state === State.Running) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); clearInterval(poll); reject(new Error('the hvtimer language server did not start')); }, timeoutMs);
      // The client object may be replaced (restart): check the current one on each turn of its state.
      const check = (): void => {
        if (this.client?.state !== State.Running) return;
        clearTimeout(timer);
        clearInterval(poll);
        sub.dispose();
        resolve();
      };
      const poll = setInterval(check, 100);
      const sub = this.client ? this.client.onDidChangeState(check) : { dispose: () => undefined };
    });
  }

  dispose(): void {
    void this.stop();
    this.started.dispose();
    this.output.dispose();
  }
}
