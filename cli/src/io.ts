// Reading traces for the CLI: I/O failures become one clear message.
import { readFileSync } from 'node:fs';
import { CliError } from './errors';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied', EMFILE: 'too many open files',
};

export function readTrace(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`cannot read ${file}: ${REASONS[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`);
  }
}
