// `hvtimer check`: diagnostics of one or more traces as text, JSON or SARIF (docs/cli.md).
import { Analysis, type Diagnostic } from '../../engine/src/index';
import type { Args } from './args';
import { readTrace } from './io';
import { toSarif } from './sarif';

export interface FileResult { file: string; diagnostics: Diagnostic[] }

export function checkFiles(args: Args): FileResult[] {
  return args.files.map((file) => ({
    file,
    diagnostics: new Analysis(readTrace(file), { tolerance: args.tolerance, severity: args.severity }).diagnostics(),
  }));
}

export interface JsonDiagnostic {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  code: string; severity: string; message: string;
  related: { file: string; line: number; message: string }[];
}

/** Lines and columns 1-based; endColumn is the column after the last character (as in SARIF). */
export function toJson(results: FileResult[]): JsonDiagnostic[] {
  return results.flatMap(({ file, diagnostics }) => diagnostics.map((d) => ({
    file, line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
    code: d.code, severity: d.severity, message: d.message,
    related: d.related.map((r) => ({ file, line: r.range.start.line + 1, message: r.message })),
  })));
}

function plural(n: number, word: string): string { return `${n} ${word}${n === 1 ? '' : 's'}`; }

export function toText(results: FileResult[]): string {
  const lines: string[] = [];
  const count = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of toJson(results)) {
    count[d.severity as keyof typeof count]++;
    lines.push(`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`);
    for (const r of d.related) lines.push(`    ${r.file}:${r.line}: ${r.message}`);
  }
  const total = count.error + count.warning + count.info + count.hint;
  lines.push(total === 0
    ? `no problems found in ${plural(results.length, 'file')}`
    : `${plural(count.error, 'error')}, ${plural(count.warning, 'warning')}, ${plural(count.info, 'info')}, ${plural(count.hint, 'hint')} in ${plural(results.length, 'file')}`);
  return `${lines.join('\n')}\n`;
}

export function runCheck(args: Args, out: (s: string) => void): number {
  const results = checkFiles(args);
  if (args.format === 'json') out(`${JSON.stringify(toJson(results), null, 2)}\n`);
  else if (args.format === 'sarif') out(`${JSON.stringify(toSarif(results), null, 2)}\n`);
  else out(toText(results));
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
