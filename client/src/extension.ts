// Extension entry point: starts the hvtimer language server over IPC and registers commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'hvtrace' }],
    synchronize: { configurationSection: 'hvtimer' },
  };
  client = new LanguageClient('hvtimer', 'hvtimer', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('hvtimer.restartServer', () => client?.restart()),
    vscode.commands.registerCommand('hvtimer.showOutput', () => client?.outputChannel.show()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
