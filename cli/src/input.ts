// Reading a trace for the CLI, bounded (issue #15 items 6 and 7): the kind of file is checked first
// (a directory or a device such as /dev/zero is refused at once, not read until the kernel kills
// the process), at most MAX_INPUT_BYTES are read (files above that are not supported yet: the
// streaming reader is a later change), and bytes that are not UTF-8 are reported once, at the
// first, instead of being silently replaced.
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import type { Diagnostic } from '../../engine/src/index';
import { escapeControl } from '../../engine/src/text/escape';
import { CliError } from './errors';

/** The largest trace the CLI reads (docs/cli.md). */
export const MAX_INPUT_BYTES = 128 * 2 ** 20;
const LIMIT_TEXT = `${MAX_INPUT_BYTES / 2 ** 20} MiB`;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied', EMFILE: 'too many open files',
  ENXIO: 'no such device or address', ELOOP: 'too many symbolic links', ENAMETOOLONG: 'file name too long', ENOTDIR: 'not a directory',
};

/** Where the first byte that is not UTF-8 is (0-based line and column of the decoded text). */
export interface NotUtf8 { line: number; column: number; byte: number }

export interface TraceInput { text: string; notUtf8?: NotUtf8 }

const nameOf = (file: string): string => (file === '-' ? 'standard input' : escapeControl(file));

function ioError(file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new CliError(`cannot read ${nameOf(file)}: ${REASONS[code] ?? escapeControl((e as Error).message)}${code ? ` (${code})` : ''}`);
}

function kindOf(st: Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(file: string, size?: number): CliError {
  const what = size === undefined ? `more than ${LIMIT_TEXT}` : `${(size / 2 ** 20).toFixed(1)} MiB`;
  return new CliError(`${nameOf(file)} is ${what}: traces above ${LIMIT_TEXT} are not supported yet (split the trace, or check a part of it)`);
}

/** Reads and decodes a trace: `-` is standard input. Throws CliError (one line) when it cannot. */
export function readInput(file: string): TraceInput {
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (e) {
    throw ioError(file, e);
  }
  try {
    let st: Stats;
    try { st = fstatSync(fd); } catch (e) { throw ioError(file, e); }
    if (st.isDirectory()) throw new CliError(`cannot read ${nameOf(file)}: is a directory (EISDIR)`);
    if (file === '-') {
      // Standard input may be a pipe, a socket, a file or /dev/null; a terminal would wait for typing.
      if (isatty(0)) throw new CliError('standard input is a terminal: pipe a trace in, or name a FILE');
    } else if (!st.isFile() && !st.isFIFO()) {
      throw new CliError(`cannot read ${nameOf(file)}: ${kindOf(st)}, not a trace file`);
    }
    if (st.isFile() && st.size > MAX_INPUT_BYTES) throw tooLarge(file, st.size);
    return decode(readBounded(fd, file));
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Reads to the end, or fails once more than MAX_INPUT_BYTES arrived (a pipe or a device has no size). */
function readBounded(fd: number, file: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_INPUT_BYTES + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      // A non-blocking standard input with nothing yet: wait a moment and read again.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); continue; }
      throw ioError(file, e);
    }
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
  for (let m = eol.exec(before); m; m = eol.exec(before)) { line++; lineStart = m.index + m[0].length; }
  return { text, notUtf8: { line, column: before.length - lineStart, byte: bytes[at] } };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; } else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; } else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/** The report of bytes that are not UTF-8, as a finding on the first of them (HVT090, docs/format.md#1-lines). */
export function notUtf8Diagnostic(n: NotUtf8): Diagnostic {
  const byte = `0x${n.byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return {
    code: 'HVT090', severity: 'error',
    message: `expected UTF-8 text, found the byte ${byte}: the file is not UTF-8 (this and any later such bytes are read as U+FFFD; only the first is reported)`,
    range: { start: { line: n.line, character: n.column }, end: { line: n.line, character: n.column + 1 } },
    related: [], tags: [], fixes: [],
  };
}
