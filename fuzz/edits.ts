// Random LSP text edits of the kind that break line bookkeeping: positions before the first line,
// past the last, negative or huge characters, reversed ranges, and texts full of lone CRs, LFs and
// CRLFs. Used by the fuzz suite and by the regression tests checked against
// vscode-languageserver-textdocument (what the client's document becomes).
import type { Random } from './random';

export interface Position {
  line: number;
  character: number;
}
export interface Edit {
  range: { start: Position; end: Position };
  text: string;
}

const PIECES = [
  'a',
  'b',
  ' ',
  '#',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\r\r',
  '\n\r',
  '1.0 h/vm1 vmm pause',
  '@host h arch=arm64 freq=1GHz',
  '2.0 h/vm1/vcpu0 ioctl KVM_RUN',
  'é',
  '😀',
];

export function randomPosition(rng: Random, lineCount: number): Position {
  const line = rng.bool(0.1) ? rng.pick([-3, -1, lineCount, lineCount + 5]) : rng.int(0, Math.max(0, lineCount - 1));
  const character = rng.bool(0.15) ? rng.pick([-7, -1, 1000, 2 ** 31 - 1]) : rng.int(0, 12);
  return { line, character };
}

export function randomText(rng: Random, maxPieces = 6): string {
  return rng.bool(0.2) ? '' : rng.string(rng.int(1, maxPieces), PIECES);
}

/** An edit against a document of `lineCount` lines; about one in ten has its range reversed. */
export function randomEdit(rng: Random, lineCount: number): Edit {
  const a = randomPosition(rng, lineCount);
  const b = rng.bool(0.3)
    ? { ...a }
    : rng.bool(0.5)
      ? { line: a.line, character: a.character + rng.int(0, 5) }
      : randomPosition(rng, lineCount);
  const ordered = a.line < b.line || (a.line === b.line && a.character <= b.character);
  const [start, end] = ordered !== rng.bool(0.1) ? [a, b] : [b, a];
  return { range: { start, end }, text: randomText(rng) };
}

/** A starting text with every kind of line end. */
export function randomDocument(rng: Random): string {
  return rng.string(rng.int(0, 12), PIECES);
}
