// "Export report": the findings and a per-VM summary (hvtimer/report) as Markdown or JSON, written to
// a file the user picks — never into the trace itself.
import * as vscode from 'vscode';
import { REPORT, type ReportResult } from '../../protocol/requests';
import type { HvtimerClient } from './client';
import { saveExport } from './saveFile';

export type ReportFormat = 'markdown' | 'json';

/** Command arguments: skip the format question and the save dialog (scripts and tests). */
export interface ExportOptions {
  format?: ReportFormat;
  target?: string | vscode.Uri;
}

export function reportText(result: ReportResult, format: ReportFormat): string {
  return format === 'json' ? `${JSON.stringify(result.report, null, 2)}\n` : `${result.markdown}\n`;
}

async function pickFormat(): Promise<ReportFormat | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Markdown', format: 'markdown' as const, description: '.md' },
      { label: 'JSON', format: 'json' as const, description: '.json' },
    ],
    { title: 'hvtimer: export report as' },
  );
  return choice?.format;
}

/** Writes the report of `uri`; returns where, or undefined when the user cancelled. */
export async function exportReport(
  client: HvtimerClient,
  uri: string,
  options: ExportOptions = {},
): Promise<vscode.Uri | undefined> {
  const format = options.format ?? (await pickFormat());
  if (!format) return undefined;
  const trace = vscode.Uri.parse(uri);
  const result = await client.request(REPORT, { uri });
  if (!result) {
    void vscode.window.showWarningMessage('hvtimer: that trace is not open.');
    return undefined;
  }
  const ext = format === 'json' ? 'json' : 'md';
  const target = typeof options.target === 'string' ? vscode.Uri.parse(options.target) : options.target;
  return saveExport(
    {
      trace,
      target,
      defaultName: `${result.report.name.replace(/\.hvtrace$/, '')}.report.${ext}`,
      filters: format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
      saveLabel: 'Export report',
      what: 'report',
    },
    new TextEncoder().encode(reportText(result, format)),
  );
}
