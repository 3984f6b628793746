// UTF-8 validity (RFC 3629): where the first byte that is not UTF-8 is (the CLI reports it once,
// docs/format.md#1-lines), in a whole buffer or in bytes that arrive in pieces (byteLines.ts).

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or b.length. */
export function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
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

/**
 * firstInvalidByte for bytes fed in pieces: counts the UTF-16 code units of the valid text so far
 * (everything before the first invalid byte is valid, so counting is decoding) and stops at the
 * first invalid byte. A sequence cut between two pieces is completed by the next piece; one left
 * incomplete at the end is invalid at its first byte.
 */
export class Utf8Scan {
  /** UTF-16 code units of the valid text before the first invalid byte (or so far). */
  units = 0;
  /** Set once the first invalid byte is found: its value and the units before it. */
  invalid?: { byte: number; units: number };
  private partial: number[] = [];

  feed(piece: Uint8Array): void {
    if (this.invalid) return;
    let b = piece;
    if (this.partial.length) {
      // Complete the sequence cut at the end of the previous piece (at most 3 bytes are carried).
      const joined = new Uint8Array(this.partial.length + Math.min(piece.length, 3));
      joined.set(this.partial);
      joined.set(piece.subarray(0, joined.length - this.partial.length), this.partial.length);
      const need = sequenceLength(joined[0]);
      if (joined.length < need) {
        this.partial = [...joined];
        return;
      }
      const seq = joined.subarray(0, need);
      if (firstInvalidByte(seq) !== seq.length) {
        this.invalid = { byte: joined[0], units: this.units };
        return;
      }
      this.units += need === 4 ? 2 : 1;
      b = piece.subarray(need - this.partial.length);
      this.partial = [];
    }
    const bad = firstInvalidByte(b);
    const end = bad < b.length ? bad : b.length;
    this.units += unitsOfValid(b, end);
    if (bad === b.length) return;
    // A sequence that only runs past the end of the piece is not invalid yet.
    if (bad + sequenceLength(b[bad]) > b.length && prefixValid(b.subarray(bad))) {
      this.partial = [...b.subarray(bad)];
      return;
    }
    this.invalid = { byte: b[bad], units: this.units };
  }

  /** End of the bytes: a sequence still incomplete is invalid at its first byte. */
  end(): void {
    if (!this.invalid && this.partial.length) this.invalid = { byte: this.partial[0], units: this.units };
    this.partial = [];
  }
}

/** Bytes of the sequence a lead byte starts (0: not a lead byte). */
function sequenceLength(c: number): number {
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return 2;
  if (c >= 0xe0 && c <= 0xef) return 3;
  if (c >= 0xf0 && c <= 0xf4) return 4;
  return 0;
}

/** UTF-16 code units of the valid UTF-8 in b[0, end). */
function unitsOfValid(b: Uint8Array, end: number): number {
  let units = 0;
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if ((c & 0xc0) === 0x80) continue; // continuation byte
    units += c >= 0xf0 ? 2 : 1; // 4-byte sequences are surrogate pairs
  }
  return units;
}

/** Whether the bytes of a cut sequence are a valid beginning of one (a later piece may complete it). */
function prefixValid(b: Uint8Array): boolean {
  const need = sequenceLength(b[0]);
  if (need < 2 || b.length >= need) return false;
  for (let k = 1; k < b.length; k++) if ((b[k] & 0xc0) !== 0x80) return false;
  // The second byte's range for E0, ED, F0, F4 (RFC 3629 §4): checked with a completion by 0x80.
  if (b.length >= 2) {
    const c = b[0];
    const x = b[1];
    if ((c === 0xe0 && x < 0xa0) || (c === 0xed && x > 0x9f) || (c === 0xf0 && x < 0x90) || (c === 0xf4 && x > 0x8f))
      return false;
  }
  return true;
}
