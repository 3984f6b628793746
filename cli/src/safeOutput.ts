// Writing the CLI's output file without harm (issue #15 item 8): refuse an existing file unless
// --force, refuse the input itself (compared by device and inode, so a symlink or hard link to the
// input is caught too), never write through a symbolic link at the output path, and write
// atomically (a temporary file in the same directory, renamed over the target). `-` is stdout.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './errors';

const sameFile = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot check ${path}: ${(e as Error).message}`);
  }
}

/** Refuses an output path that would overwrite, follow a link, or destroy an input (one line each). */
export function checkOutput(output: string, inputs: readonly string[], force: boolean): void {
  const link = statOrUndefined(output, false);
  const target = statOrUndefined(output, true);
  for (const input of inputs) {
    if (input === '-') continue;
    const s = statOrUndefined(input, true);
    if (s && target && sameFile(s, target))
      throw new CliError(
        `refusing to write ${output}: it is the input ${input}${link?.isSymbolicLink() ? ' (through a symbolic link)' : ''}`,
      );
  }
  if (!link) return;
  if (link.isDirectory()) throw new CliError(`refusing to write ${output}: it is a directory`);
  if (link.isSymbolicLink() && !force)
    throw new CliError(
      `refusing to write ${output}: it is a symbolic link (hvtimer does not write through links); pass --force to replace the link itself`,
    );
  if (!link.isSymbolicLink() && !force)
    throw new CliError(`refusing to overwrite ${output}: it exists; pass --force to replace it`);
  if (!link.isSymbolicLink() && !link.isFile())
    throw new CliError(`refusing to write ${output}: it is not a regular file`);
}

/** Writes `text` to `output` atomically: a new file next to it, renamed over it. */
export function writeAtomically(output: string, text: string): void {
  const temp = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, output);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      /* nothing was created */
    }
    throw new CliError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
