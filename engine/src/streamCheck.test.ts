// The fast path against the current one (issue #17): a trace streamed as bytes in pieces of random
// sizes through ByteLines, the fast statement scanner and StreamingCheck must report exactly what
// an Analysis of the whole decoded text with the reference parser reports, and StreamingReplay
// must reach the same model state at random lines as Analysis.stateAfter. The traces: the
// benchmark's arm64 fleet, arm64 timers, x86 TSC / kvmclock / LAPIC timers, the statements of
// imported captures, the fuzz suite's random traces (every statement kind, CRLF, damaged lines,
// suppressions) and the sample traces mutated byte by byte (BOMs, CRs, NULs, bytes that are not
// UTF-8, very long lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from './analysis';
import { TraceDocument } from './syntax/document';
import { parseLineReference } from './syntax/parseLine';
import { StreamingCheck, StreamingReplay } from './streamCheck';
import { ByteLines } from './text/byteLines';
import type { ModelState } from './replay/state';
import { generateArm64TimerTrace, generateCaptureTrace, generateTrace, generateX86Trace } from '../../bench/generate';
import { randomTrace } from '../../fuzz/traces';
import { mutate, sampleTraces } from '../../fuzz/mutate';
import { Random } from '../../fuzz/random';

/** How the CLI decoded a whole file before streaming (cli/src/input.ts): U+FFFD for bad bytes, the BOM kept for TraceDocument to drop. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

/** Feeds `bytes` to `sink` through ByteLines in pieces of random sizes (1 byte to 64 KiB). */
function stream<T extends ConstructorParameters<typeof ByteLines>[0]>(
  rng: Random,
  bytes: Uint8Array,
  sink: T,
): ByteLines {
  const lines = new ByteLines(sink);
  for (let i = 0; i < bytes.length;) {
    const n = rng.pick([1, 2, 3, 7, 64, 1000, 65_536]);
    // A copy that is then overwritten: the reader reuses its buffer, ByteLines must not keep it.
    const piece = Uint8Array.from(bytes.subarray(i, i + n));
    lines.push(piece);
    piece.fill(0x41);
    i += n;
  }
  lines.end();
  return lines;
}

/** The reference: the whole text in a TraceDocument read by the reference parser, replayed by Analysis. */
const reference = (text: string, options = {}): Analysis =>
  new Analysis(new TraceDocument(text, undefined, parseLineReference), options);

function sameFindings(rng: Random, bytes: Uint8Array, what: string): void {
  const options = rng.bool(0.3)
    ? { tolerance: 1_000n, severity: { HVT091: 'off' as const, HVT093: 'hint' as const } }
    : {};
  const check = new StreamingCheck(options);
  const lines = stream(rng, bytes, check);
  const analysis = reference(decode(bytes), options);
  assert.equal(check.lineCount, analysis.doc.lineCount, `${what}: line count`);
  assert.equal(lines.lineCount, analysis.doc.lineCount, `${what}: ByteLines line count`);
  assert.deepStrictEqual(check.diagnostics(), analysis.diagnostics(), what);
}

/** The state without the rules' bookkeeping (StreamingReplay runs no rules). */
const modelOf = (s: ModelState): ModelState => ({ ...s, rules: new Map() });

function sameStates(rng: Random, text: string, what: string): void {
  const bytes = Buffer.from(text);
  const analysis = reference(text);
  const count = analysis.doc.lineCount;
  for (let k = 0; k < 3; k++) {
    const at = rng.int(0, count - 1);
    const replay = new StreamingReplay(at);
    stream(rng, bytes, replay);
    assert.deepStrictEqual(
      modelOf(replay.stateAfter()),
      modelOf(analysis.stateAfter(at)),
      `${what}: state after line ${at + 1}`,
    );
  }
}

const GENERATED: Record<string, (lines: number) => string> = {
  arm64: (n) => generateTrace(n),
  arm64Timers: (n) => generateArm64TimerTrace(n),
  x86: (n) => generateX86Trace(n),
  capture: (n) => generateCaptureTrace(n),
};

test('generated traces of every kind: the same findings and the same state at random lines', () => {
  const rng = new Random(170);
  for (const [name, generate] of Object.entries(GENERATED)) {
    // 45000 lines: past the migrations of the arm64 fleet (every 20000 steps) and the x86 pause.
    const text = generate(45_000);
    sameFindings(rng, Buffer.from(text), name);
    sameStates(rng, text, name);
    // With a step back in time and a damaged line in the middle: findings on both paths.
    const lines = text.split('\n');
    lines.splice(20_000, 1, lines[20_000].replace(/^\d+/, '1'), 'garbage line -> 5');
    sameFindings(rng, Buffer.from(lines.join('\r\n')), `${name} damaged, CRLF`);
  }
});

test("the fuzz suite's random traces: the same findings and states", () => {
  const rng = new Random(171);
  for (let k = 0; k < 120; k++) {
    const text = randomTrace(rng);
    sameFindings(rng, Buffer.from(text), `random trace ${k}`);
    if (k % 4 === 0) sameStates(rng, text, `random trace ${k}`);
  }
});

test('sample traces mutated byte by byte (BOM, CR, NUL, not UTF-8, long runs): the same findings', () => {
  const rng = new Random(172);
  for (const [k, sample] of sampleTraces().entries()) {
    sameFindings(rng, sample, `sample ${k}`);
    for (let m = 0; m < 6; m++) sameFindings(rng, mutate(rng, sample), `sample ${k} mutation ${m}`);
  }
});
