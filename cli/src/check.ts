// `hvtimer check`: diagnostics of one or more traces as text, JSON or SARIF (docs/cli.md). Each file
// is streamed through the engine in chunks (issue #17): memory holds the model state and the
// findings, not the trace, so a trace of any size checks.
import type { Diagnostic } from '../../engine/src/index';
import { StreamingCheck } from '../../engine/src/streamCheck';
import { ByteLines } from '../../engine/src/text/byteLines';
import type { Args } from './args';
import { notUtf8Diagnostic, streamInput } from './input';
import { jsonText, plain } from './output';
import { toSarif } from './sarif';

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

export function checkFiles(args: Args): FileResult[] {
  return args.files.map((file) => {
    const check = new StreamingCheck({ tolerance: args.tolerance, severity: args.severity });
    const lines = streamInput(file, (max) => new ByteLines(check, max));
    const diagnostics = check.diagnostics();
    // Bytes that are not UTF-8: one HVT090 at the first (subject to --severity like any other).
    const level = args.severity.HVT090;
    if (lines.notUtf8 && level !== 'off') {
      const d = { ...notUtf8Diagnostic(lines.notUtf8), ...(level ? { severity: level } : {}) };
      const at = diagnostics.findIndex(
        (x) =>
          x.range.start.line > d.range.start.line ||
          (x.range.start.line === d.range.start.line && x.range.start.character > d.range.start.character),
      );
      diagnostics.splice(at < 0 ? diagnostics.length : at, 0, d);
    }
    return { file, diagnostics };
  });
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: string;
  message: string;
  related: { file: string; line: number; message: string }[];
}

/** Lines and columns 1-based; endColumn is the column after the last character (as in SARIF). */
export function toJson(results: FileResult[]): JsonDiagnostic[] {
  return results.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      code: d.code,
      severity: d.severity,
      message: d.message,
      related: d.related.map((r) => ({ file, line: r.range.start.line + 1, message: r.message })),
    })),
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function toText(results: FileResult[]): string {
  const lines: string[] = [];
  const count = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of toJson(results)) {
    count[d.severity as keyof typeof count]++;
    lines.push(`${plain(d.file)}:${d.line}:${d.column}: ${d.severity} ${d.code} ${plain(d.message)}`);
    for (const r of d.related) lines.push(`    ${plain(r.file)}:${r.line}: ${plain(r.message)}`);
  }
  const total = count.error + count.warning + count.info + count.hint;
  lines.push(
    total === 0
      ? `no problems found in ${plural(results.length, 'file')}`
      : `${plural(count.error, 'error')}, ${plural(count.warning, 'warning')}, ${plural(count.info, 'info')}, ${plural(count.hint, 'hint')} in ${plural(results.length, 'file')}`,
  );
  return `${lines.join('\n')}\n`;
}

export function runCheck(args: Args, out: (s: string) => void): number {
  const results = checkFiles(args);
  if (args.format === 'json') out(`${jsonText(toJson(results))}\n`);
  else if (args.format === 'sarif') out(`${jsonText(toSarif(results))}\n`);
  else out(toText(results));
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
