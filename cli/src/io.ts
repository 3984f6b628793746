// Reading traces for the CLI: I/O failures become one clear message; the input is bounded and its
// kind checked (cli/src/input.ts).
import { readInput } from './input';

/** The text of a trace (`-`: standard input). Throws CliError (one line) when it cannot be read. */
export function readTrace(file: string): string {
  return readInput(file).text;
}
