// The lines of a trace that arrives as bytes in pieces (a file read in chunks, a pipe), for the
// streaming check (issue #17): split exactly as TraceDocument splits a whole text (line ends CR, LF
// or CRLF, even when a CRLF is cut between two pieces; a leading BOM dropped; the piece after the
// last line end is a line too), decoded as UTF-8 as the CLI decodes a whole file (a byte that is
// not UTF-8 becomes U+FFFD and the first one is located by line and column, cli/src/input.ts).
// Memory stays bounded whatever comes: a line longer than MAX_LINE_LENGTH is not kept, only its
// length and whether it is blank or a comment (what the check needs of it).
import { MAX_LINE_LENGTH } from './limits';
import { Utf8Scan, firstInvalidByte } from './utf8';

/** Where the first byte that is not UTF-8 is (0-based line and column of the decoded text). */
export interface NotUtf8 {
  line: number;
  column: number;
  byte: number;
}

export interface LineSink {
  /** The next line, as TraceDocument.text gives it. */
  line(text: string): void;
  /** The next line is longer than MAX_LINE_LENGTH: its length and whether it is blank or a comment. */
  longLine(length: number, blankOrComment: boolean): void;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;
/** A line of more bytes than this has more than MAX_LINE_LENGTH characters (4 bytes at most per 2 units). */
const LONG_BYTES = 4 * MAX_LINE_LENGTH + 4;
/** The suppressions' test of a line that is not a statement (suppressions.ts). */
const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;

/** State of BLANK_OR_COMMENT on a line read in pieces. */
type Blank = 'lead' | 'comment' | 'no';
function advanceBlank(state: Blank, s: string): Blank {
  for (let i = 0; i < s.length && state !== 'no'; i++) {
    const c = s.charCodeAt(i);
    if (state === 'lead') state = c === 32 || c === 9 ? 'lead' : c === 35 ? 'comment' : 'no';
    else if (c === 0x2028 || c === 0x2029) state = 'no'; // `.` stops at a line separator
  }
  return state;
}

/** Thrown by ByteLines when a line grows past its `maxLineBytes` (an endless pipe of one line). */
export class LineTooLong extends Error {
  constructor(readonly bytes: number) {
    super(`a line of more than ${bytes} bytes`);
  }
}

export class ByteLines {
  /** The first byte that is not UTF-8, once seen. */
  notUtf8?: NotUtf8;
  /** Bytes of the line in progress (fewer than LONG_BYTES). */
  private carry?: Uint8Array;
  /** The last piece ended with the CR of a line end: an LF first in the next piece belongs to it. */
  private pendingCr = false;
  /** The number of the line in progress. */
  private line = 0;
  private long?: {
    decoder: InstanceType<typeof TextDecoder>;
    length: number;
    bytes: number;
    blank: Blank;
    scan: Utf8Scan;
    started: boolean;
    bom: boolean;
  };
  private readonly fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });

  /**
   * `maxLineBytes`: a line longer than this throws LineTooLong (for input that may never end, such
   * as /dev/zero on a pipe; a file of known size has none).
   */
  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Lines delivered so far. */
  get lineCount(): number {
    return this.line;
  }

  /** The next piece of bytes (the caller may reuse its buffer afterwards). */
  push(piece: Uint8Array): void {
    let b = piece;
    if (this.pendingCr) {
      if (b.length === 0) return;
      this.pendingCr = false;
      if (b[0] === LF) b = b.subarray(1);
    }
    if (this.long) {
      const eol = firstEol(b);
      if (eol < 0) {
        this.feedLong(b);
        return;
      }
      this.feedLong(b.subarray(0, eol));
      this.finishLong();
      b = this.afterEol(b, eol);
    }
    if (b.length === 0) return;
    if (this.carry) {
      b = concat(this.carry, b);
      this.carry = undefined;
    }
    const last = lastEol(b);
    if (last < 0) {
      this.keep(b);
      return;
    }
    this.decodeLines(b.subarray(0, last + 1), false);
    if (b[last] === CR && last + 1 === b.length) this.pendingCr = true;
    this.keep(b.subarray(last + 1));
  }

  /** The end of the bytes: the text after the last line end is the last line (maybe empty). */
  end(): void {
    if (this.long) {
      this.finishLong();
      return;
    }
    const rest = this.carry ?? new Uint8Array(0);
    this.carry = undefined;
    this.decodeLines(rest, true);
  }

  /** The bytes after the line end at `eol` (CRLF counted once, a CR at the end of the piece left pending). */
  private afterEol(b: Uint8Array, eol: number): Uint8Array {
    let next = eol + 1;
    if (b[eol] === CR) {
      if (next === b.length) this.pendingCr = true;
      else if (b[next] === LF) next++;
    }
    return b.subarray(next);
  }

  private keep(rest: Uint8Array): void {
    if (rest.length === 0) return;
    if (rest.length > LONG_BYTES) {
      this.startLong();
      this.feedLong(rest);
      return;
    }
    this.carry = new Uint8Array(rest); // a copy (Buffer.slice would share): the caller's buffer is reused
  }

  /** Decodes whole lines (each ending in a line end, or `final`: the last line, without one). */
  private decodeLines(region: Uint8Array, final: boolean): void {
    let text: string;
    try {
      text = this.fatal.decode(region);
    } catch {
      text = this.lenient.decode(region);
      if (!this.notUtf8) this.locateInvalid(region);
    }
    const n = text.length;
    let from = 0;
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
        this.emit(text, from, i);
        from = i + 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c !== LF && c !== CR) continue;
        this.emit(text, from, i);
        if (c === CR && text.charCodeAt(i + 1) === LF) i++;
        from = i + 1;
      }
    }
    if (final) this.emit(text, from, n);
  }

  private emit(text: string, from: number, to: number): void {
    const start = this.line === 0 && text.charCodeAt(from) === BOM ? from + 1 : from;
    this.line++;
    if (to - start > MAX_LINE_LENGTH) {
      const line = text.slice(start, to);
      this.sink.longLine(line.length, BLANK_OR_COMMENT.test(line));
    } else {
      this.sink.line(text.slice(start, to));
    }
  }

  /** The first invalid byte of `region`, whose first byte starts line `this.line`. */
  private locateInvalid(region: Uint8Array): void {
    const at = firstInvalidByte(region);
    const before = this.lenient.decode(region.subarray(0, at));
    let line = this.line;
    let lineStart = 0;
    for (let i = 0; i < before.length; i++) {
      const c = before.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      if (c === CR && before.charCodeAt(i + 1) === LF) i++;
      line++;
      lineStart = i + 1;
    }
    // The BOM of the first line is not part of the text (TraceDocument drops it).
    const bom = line === 0 && before.charCodeAt(0) === BOM ? 1 : 0;
    this.notUtf8 = { line, column: before.length - lineStart - bom, byte: region[at] };
  }

  private startLong(): void {
    this.long = {
      decoder: new TextDecoder('utf-8', { ignoreBOM: true }),
      length: 0,
      bytes: 0,
      blank: 'lead',
      scan: new Utf8Scan(),
      started: false,
      bom: false,
    };
  }

  private feedLong(piece: Uint8Array): void {
    const l = this.long!;
    l.bytes += piece.length;
    if (l.bytes > this.maxLineBytes) throw new LineTooLong(this.maxLineBytes);
    let s = l.decoder.decode(piece, { stream: true });
    if (!l.started && s.length > 0) {
      l.started = true;
      if (this.line === 0 && s.charCodeAt(0) === BOM) {
        l.bom = true;
        s = s.slice(1);
      }
    }
    l.length += s.length;
    l.blank = advanceBlank(l.blank, s);
    if (!this.notUtf8) l.scan.feed(piece);
  }

  private finishLong(): void {
    const l = this.long!;
    const s = l.decoder.decode();
    l.length += s.length;
    l.blank = advanceBlank(l.blank, s);
    l.scan.end();
    if (!this.notUtf8 && l.scan.invalid)
      this.notUtf8 = { line: this.line, column: l.scan.invalid.units - (l.bom ? 1 : 0), byte: l.scan.invalid.byte };
    this.long = undefined;
    this.line++;
    this.sink.longLine(l.length, l.blank !== 'no');
  }
}

function firstEol(b: Uint8Array): number {
  const lf = b.indexOf(LF);
  const cr = b.indexOf(CR);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

function lastEol(b: Uint8Array): number {
  return Math.max(b.lastIndexOf(LF), b.lastIndexOf(CR));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
