// Kernel captures in the editor: a plain-text document whose first lines are trace events (or the
// tracefs/trace-cmd headers) gets the `hvtimer-capture` language, so the server converts and
// checks it on its own lines; and the command "Convert Capture to .hvtrace" writes the converted
// trace next to the capture, through a save dialog that asks before replacing a file, and offers
// to open it. The conversion itself is the server's (the client knows nothing of the engine).
import * as vscode from 'vscode';
import { CAPTURE_LANGUAGE_ID, CONVERT_CAPTURE, CONVERT_CAPTURE_COMMAND } from '../../protocol/capture';
import type { HvtimerClient } from './client';

/** The first line of a capture: the tools' headers, or an event line of tracefs/trace-cmd/perf script. */
const CAPTURE_LINE = [
  /^# tracer: /,
  /^\s*(?:\S+:\s+)?cpus=\d+\s*$/,
  /^\s*.+-\d+\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[\d+\]\s+(?:[.a-zA-Z0-9]{4,7}\s+)?\d+(?:\.\d+)?:\s+\w+:/,
  /^\s*.+?\s+\d+(?:\/\d+)?\s+\[\d+\]\s+\d+\.\d+:\s+\w+:\w+:/,
];

/** Whether a plain-text document looks like a capture (its first non-blank line). */
export function looksLikeCaptureText(text: string): boolean {
  const first = text
    .slice(0, 4096)
    .split(/\r?\n/)
    .find((l) => l.trim() !== '');
  return first !== undefined && CAPTURE_LINE.some((re) => re.test(first));
}

async function adopt(doc: vscode.TextDocument): Promise<void> {
  if ((doc.languageId === 'plaintext' || doc.languageId === 'log') && looksLikeCaptureText(doc.getText())) {
    await vscode.languages.setTextDocumentLanguage(doc, CAPTURE_LANGUAGE_ID);
  }
}

const stem = (uri: vscode.Uri): string =>
  (uri.path.split('/').pop() ?? 'capture').replace(/\.(?:dat\.txt|trace\.txt|txt|trace|ftrace|log)$/i, '');

export interface ConvertOptions {
  /** Write here without the save dialog (scripts and tests); never the capture itself. */
  target?: string | vscode.Uri;
  /** Open the written trace without asking. */
  open?: boolean;
}

/** Converts the capture `uri` (default: the active editor's) and writes it where the user says. */
export async function convertCapture(
  client: HvtimerClient,
  uriArg?: unknown,
  options: ConvertOptions = {},
): Promise<vscode.Uri | undefined> {
  const editor = vscode.window.activeTextEditor;
  const uri =
    uriArg instanceof vscode.Uri
      ? uriArg
      : typeof uriArg === 'string'
        ? vscode.Uri.parse(uriArg)
        : editor?.document.languageId === CAPTURE_LANGUAGE_ID
          ? editor.document.uri
          : undefined;
  if (!uri) {
    void vscode.window.showWarningMessage(
      'hvtimer: open a kernel capture (tracefs, trace-cmd report or perf script text) first.',
    );
    return undefined;
  }
  const result = await client.request(CONVERT_CAPTURE, { uri: uri.toString() });
  if (!result) {
    void vscode.window.showWarningMessage('hvtimer: that document is not open as a capture.');
    return undefined;
  }
  if ('error' in result) {
    void vscode.window.showErrorMessage(`hvtimer: ${result.error}`);
    return undefined;
  }
  const target =
    typeof options.target === 'string'
      ? vscode.Uri.parse(options.target)
      : (options.target ??
        (await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(uri, '..', `${stem(uri)}.hvtrace`),
          filters: { 'hvtimer trace': ['hvtrace'] },
          saveLabel: 'Convert',
          title: 'hvtimer: write the converted trace',
        })));
  if (!target) return undefined;
  if (target.toString() === uri.toString()) {
    void vscode.window.showErrorMessage('hvtimer: choose another file: the conversion never overwrites the capture.');
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  const c = result.counts;
  const message = `hvtimer: ${c.statements} statements, ${c.notes} notes, ${c.unreadable} unreadable lines written to ${target.fsPath || target.toString()}`;
  if (
    options.open ||
    (options.target === undefined && (await vscode.window.showInformationMessage(message, 'Open')) === 'Open')
  ) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target), { preview: false });
  }
  return target;
}

export function registerCaptureSupport(context: vscode.ExtensionContext, client: HvtimerClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(CONVERT_CAPTURE_COMMAND, (uri?: unknown, options?: ConvertOptions) =>
      convertCapture(client, uri, options),
    ),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      void adopt(doc);
    }),
  );
  for (const doc of vscode.workspace.textDocuments) void adopt(doc);
}
