// Extension entry point: creates the status item and the language client, registers the commands.
import type * as vscode from 'vscode';
import { HvtimerClient } from './client';
import { registerCommands } from './commands';
import { onDidChangeConfig, readConfig } from './config';
import { ServerStatus } from './status';

let client: HvtimerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const status = new ServerStatus();
  status.setConfig(readConfig());
  client = new HvtimerClient(context, status);
  context.subscriptions.push(status, client, onDidChangeConfig((c) => status.setConfig(c)));
  registerCommands(context, client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
