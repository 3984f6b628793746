// The language client's lifetime: start, stop, restart, and an error handler that stops restarting a
// server that keeps crashing and tells the user why. A stop the extension asked for (a restart,
// deactivation) is a clean exit and is logged as one, not as an error; the log is kept (the last
// lines) so the tests can read what the user would see in the output channel.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type Message,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { CustomMethod, ParamsOf, ResultOf } from '../../protocol/requests';
import type { ServerStatus } from './status';
import { CAPTURE_LANGUAGE_ID } from '../../protocol/capture';
import { docsMiddleware } from './docs';

/** More crashes than this within CRASH_WINDOW_MS and the server is not restarted again. */
const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60_000;

/** Restarts a crashed server, unless it crashed MAX_RESTARTS + 1 times within CRASH_WINDOW_MS. */
export class CrashPolicy implements ErrorHandler {
  private readonly crashes: number[] = [];

  constructor(
    private readonly onGiveUp: (reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

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

/**
 * The language client, with a clean exit logged as one: vscode-languageclient logs every exit of
 * the server process as an error ("Server process exited with code 0.", lib/node/main.js), and a
 * connection closing during a stop it asked for too ("Connection to server got closed. Server will
 * not be restarted.", with a notification) when the server exits on `exit` before the client marks
 * itself stopped. Exit code 0, and the close of a stop the extension asked for and the requests it
 * cut short, are not errors.
 */
class HvtimerLanguageClient extends LanguageClient {
  expectExit = false;

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    if (message === 'Server process exited with code 0.') {
      this.info(`The hvtimer language server exited cleanly (code 0${this.expectExit ? ', stop requested' : ''}).`);
      return;
    }
    if (this.expectExit && message.startsWith('Connection to server got closed')) {
      this.info('The connection to the hvtimer language server closed (stop requested).');
      return;
    }
    // A request VS Code made just as the stop began finds no connection ("Starting server failed",
    // vscode-languageclient's $start after the state check in sendRequest): the new client answers
    // the next one.
    if (this.expectExit && /^Request \S+ failed\.$/.test(message)) {
      this.info(`${message.slice(0, -1)}: the server was stopping (stop requested).`);
      return;
    }
    super.error(message, data, showNotification);
  }
}

/** The output channel, remembering its last lines (for the tests: what the user would read there). */
export class LogChannel implements vscode.OutputChannel {
  private readonly channel: vscode.OutputChannel;
  readonly lines: string[] = [];
  private partial = '';

  constructor(readonly name: string) {
    this.channel = vscode.window.createOutputChannel(name);
  }

  private record(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > 2000) this.lines.splice(0, this.lines.length - 2000);
  }

  append(value: string): void {
    this.record(value);
    this.channel.append(value);
  }
  appendLine(value: string): void {
    this.record(`${value}\n`);
    this.channel.appendLine(value);
  }
  replace(value: string): void {
    this.lines.length = 0;
    this.partial = '';
    this.record(value);
    this.channel.replace(value);
  }
  clear(): void {
    this.lines.length = 0;
    this.partial = '';
    this.channel.clear();
  }
  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserve === 'boolean' || columnOrPreserve === undefined) this.channel.show(columnOrPreserve);
    else this.channel.show(columnOrPreserve, preserveFocus);
  }
  hide(): void {
    this.channel.hide();
  }
  dispose(): void {
    this.channel.dispose();
  }
}

export class HvtimerClient implements vscode.Disposable {
  readonly output = new LogChannel('hvtimer');
  private client: HvtimerLanguageClient | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  /** A language client started (first start or restart): a fresh server knows no documents read from disk (largeFiles.ts). */
  readonly onDidStart = this.started.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly status: ServerStatus,
  ) {}

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

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
      // Diagnostics' code links and hover links open the docs rendered (client/src/docs.ts).
      middleware: docsMiddleware(this.context.extensionUri),
      errorHandler: new CrashPolicy((reason) => {
        this.status.set('failed', 'crashed repeatedly, not restarted');
        void vscode.window.showErrorMessage(reason, 'Show Log').then((choice) => {
          if (choice) this.output.show(true);
        });
      }),
    };
    const client = new HvtimerLanguageClient('hvtimer', 'hvtimer', serverOptions, clientOptions);
    this.client = client;
    this.subscriptions.push(
      client.onDidChangeState((e) => {
        if (this.client !== client) return;
        if (e.newState === State.Running) this.status.set('running');
        else if (e.newState === State.Starting) this.status.set('starting');
        else if (this.status.current !== 'failed') this.status.set('stopped');
      }),
    );
    this.status.set('starting');
    try {
      await client.start();
      this.started.fire(client);
    } catch (err) {
      this.status.set('failed', err instanceof Error ? err.message : String(err));
      this.output.appendLine(
        `hvtimer: the language server did not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      throw err;
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.subscriptions.splice(0).forEach((d) => d.dispose());
    if (client && client.state !== State.Stopped) {
      client.expectExit = true;
      await client.stop();
    }
    this.status.set('stopped');
  }

  /** A fresh client (and crash count); the log says what happened. */
  async restart(): Promise<void> {
    this.output.appendLine('hvtimer: restarting the language server (requested).');
    await this.stop();
    await this.start();
    this.output.appendLine('hvtimer: the language server is running again.');
  }

  /** Sends custom request `method` (protocol/requests.ts): its params and result are typed by the method. */
  async request<M extends CustomMethod>(
    method: M,
    params: ParamsOf<M>,
    token?: vscode.CancellationToken,
  ): Promise<ResultOf<M>> {
    if (!this.client || this.client.state !== State.Running)
      throw new Error('the hvtimer language server is not running');
    return token
      ? this.client.sendRequest<ResultOf<M>>(method, params, token)
      : this.client.sendRequest<ResultOf<M>>(method, params);
  }

  /** Resolves once the language client is running (a revived webview may ask before it started). */
  whenRunning(timeoutMs = 30_000): Promise<void> {
    if (this.client?.state === State.Running) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        clearInterval(poll);
        reject(new Error('the hvtimer language server did not start'));
      }, timeoutMs);
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
