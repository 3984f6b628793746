// `hvtimer import ftrace FILE... [--host NAME=FILE...] [--freq F] [-o OUT|-] [--force]` (docs/cli.md):
// converts kernel captures (tracefs, trace-cmd report, perf script; engine/src/import) into one
// .hvtrace, one host per file, and prints on stderr how many lines became statements and notes and
// how many were unreadable. A file that is not a trace, or captures that cannot share a time axis,
// are refused with one line (exit 2).
import type { Args } from './args';
import { CliError } from './errors';
import { readTrace } from './io';
import { checkOutput, writeAtomically } from './safeOutput';
import { importCaptures, type CaptureImport } from '../../engine/src/import/index';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The summary line: what became of the captures' lines. */
export function summary(r: CaptureImport): string {
  const c = r.counts;
  const files = r.files
    .map(
      (f) =>
        `${f.name} (${f.layout}, ${plural(f.events, 'event')}, host ${f.host}${f.freqFrom === 'assumed' ? ', frequency assumed' : ''})`,
    )
    .join(', ');
  return `hvtimer: import ftrace: ${plural(c.statements, 'statement')}, ${plural(c.notes, 'note')}, ${plural(c.unreadable, 'unreadable line')}, ${plural(c.ignored, 'ignored event')} from ${files}`;
}

export function runImport(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  const hostOf = new Map(args.hosts.map((h) => [h.file, h.name]));
  const output = args.output ?? '-';
  // Refuse before reading anything: a refused output must leave no trace.
  if (output !== '-') checkOutput(output, args.files, args.force);
  const inputs = args.files.map((file) => ({ name: file, text: readTrace(file), host: hostOf.get(file) }));
  const r = importCaptures(inputs, { freq: args.freq });
  if (!r.ok) throw new CliError(r.error);
  if (output === '-') out(r.value.text);
  else writeAtomically(output, r.value.text);
  err(`${summary(r.value)}\n`);
  return 0;
}
