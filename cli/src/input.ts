// Reading a trace for the CLI (issue #15 items 6 and 7, issue #17): the kind of file is checked
// first (a directory or a device such as /dev/zero is refused at once, not read until the kernel
// kills the process). `check` and `replay` stream the file in chunks through the engine (any size,
// bounded memory: streamInput); `import`, which needs the whole text, reads at most
// MAX_INPUT_BYTES (readInput). Bytes that are not UTF-8 are reported once, at the first, instead
// of being silently replaced.
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import type { Diagnostic } from '../../engine/src/index';
import { LineTooLong, type ByteLines, type NotUtf8 } from '../../engine/src/text/byteLines';
import { firstInvalidByte } from '../../engine/src/text/utf8';
import { escapeControl } from '../../engine/src/text/escape';
import { CliError } from './errors';

/** The largest capture `import` reads whole (docs/cli.md); `check` and `replay` stream any size. */
export const MAX_INPUT_BYTES = 128 * 2 ** 20;
const LIMIT_TEXT = `${MAX_INPUT_BYTES / 2 ** 20} MiB`;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EMFILE: 'too many open files',
  ENXIO: 'no such device or address',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  ENOTDIR: 'not a directory',
};

export type { NotUtf8 } from '../../engine/src/text/byteLines';
export { firstInvalidByte } from '../../engine/src/text/utf8';

export interface TraceInput {
  text: string;
  notUtf8?: NotUtf8;
}

const nameOf = (file: string): string => (file === '-' ? 'standard input' : escapeControl(file));

function ioError(file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new CliError(
    `cannot read ${nameOf(file)}: ${REASONS[code] ?? escapeControl((e as Error).message)}${code ? ` (${code})` : ''}`,
  );
}

function kindOf(st: Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(file: string, size?: number): CliError {
  const what = size === undefined ? `more than ${LIMIT_TEXT}` : `${(size / 2 ** 20).toFixed(1)} MiB`;
  return new CliError(
    `${nameOf(file)} is ${what}: \`import\` reads captures of at most ${LIMIT_TEXT} (split the capture; \`check\` and \`replay\` read traces of any size)`,
  );
}

/**
 * Opens a trace for reading (`-` is standard input) after checking what it is, and gives the file
 * descriptor and its size to `read`. Throws CliError (one line) when it cannot be read.
 */
function withTrace<T>(file: string, read: (fd: number, st: Stats) => T): T {
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (e) {
    throw ioError(file, e);
  }
  try {
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw ioError(file, e);
    }
    if (st.isDirectory()) throw new CliError(`cannot read ${nameOf(file)}: is a directory (EISDIR)`);
    if (file === '-') {
      // Standard input may be a pipe, a socket, a file or /dev/null; a terminal would wait for typing.
      if (isatty(0)) throw new CliError('standard input is a terminal: pipe a trace in, or name a FILE');
    } else if (!st.isFile() && !st.isFIFO()) {
      throw new CliError(`cannot read ${nameOf(file)}: ${kindOf(st)}, not a trace file`);
    }
    return read(fd, st);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Reads and decodes a whole trace, at most MAX_INPUT_BYTES: `-` is standard input. Throws CliError (one line) when it cannot. */
export function readInput(file: string): TraceInput {
  return withTrace(file, (fd, st) => {
    if (st.isFile() && st.size > MAX_INPUT_BYTES) throw tooLarge(file, st.size);
    return decode(readBounded(fd, file));
  });
}

/** Bytes read at a time by streamInput. */
const CHUNK_BYTES = 1 << 20;

/**
 * Streams a trace of any size in chunks into `lines` (made here: a file's size is known, so its
 * lines may be of any length; a pipe or standard input may never end, so a line of more than
 * MAX_INPUT_BYTES there means it is not a trace and it is refused). Memory stays one chunk.
 */
export function streamInput(file: string, lines: (maxLineBytes: number) => ByteLines): ByteLines {
  return withTrace(file, (fd, st) => {
    const reader = lines(st.isFile() ? Number.POSITIVE_INFINITY : MAX_INPUT_BYTES);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    try {
      for (let n = readChunk(fd, file, chunk); n > 0; n = readChunk(fd, file, chunk)) reader.push(chunk.subarray(0, n));
      reader.end();
    } catch (e) {
      if (e instanceof LineTooLong)
        throw new CliError(`${nameOf(file)} has a line of more than ${LIMIT_TEXT}: not a trace`);
      throw e;
    }
    return reader;
  });
}

/** One read (EAGAIN on a non-blocking standard input: wait a moment and read again). */
function readChunk(fd: number, file: string, chunk: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      throw ioError(file, e);
    }
  }
}

/** Reads to the end, or fails once more than MAX_INPUT_BYTES arrived (a pipe or a device has no size). */
function readBounded(fd: number, file: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, MAX_INPUT_BYTES + 1 - total));
    const n = readChunk(fd, file, chunk);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > MAX_INPUT_BYTES) throw tooLarge(file);
  }
  return Buffer.concat(chunks, total);
}

/** UTF-8 text (a leading BOM is kept: the engine ignores it, docs/format.md#1-lines). */
function decode(bytes: Buffer): TraceInput {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (isUtf8(bytes)) return { text };
  const at = firstInvalidByte(bytes);
  const before = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, at)).replace(/^\uFEFF/, '');
  let line = 0;
  let lineStart = 0;
  const eol = /\r\n|\r|\n/g;
  for (let m = eol.exec(before); m; m = eol.exec(before)) {
    line++;
    lineStart = m.index + m[0].length;
  }
  return { text, notUtf8: { line, column: before.length - lineStart, byte: bytes[at] } };
}

/** The report of bytes that are not UTF-8, as a finding on the first of them (HVT090, docs/format.md#1-lines). */
export function notUtf8Diagnostic(n: NotUtf8): Diagnostic {
  const byte = `0x${n.byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return {
    code: 'HVT090',
    severity: 'error',
    message: `expected UTF-8 text, found the byte ${byte}: the file is not UTF-8 (this and any later such bytes are read as U+FFFD; only the first is reported)`,
    range: { start: { line: n.line, character: n.column }, end: { line: n.line, character: n.column + 1 } },
    related: [],
    tags: [],
    fixes: [],
  };
}
