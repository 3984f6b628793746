// `hvtimer import ftrace`: converts trace-cmd report text into .hvtrace (cli.md). Not built yet.
import type { Args } from './args';
import { CliError } from './errors';

export function runImport(_args: Args, _out: (s: string) => void, _err: (s: string) => void): number {
  throw new CliError('import ftrace is not implemented yet');
}
