// Byte- and line-level mutations of real traces (the sample traces) and plain random bytes, for the
// parser and the CLI: the careless inputs of issue #15 — CR-only and CRLF line ends, a BOM, NULs,
// bytes that are not UTF-8, terminal escapes, very long tokens and lines, `->` repeated.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Random } from './random';

const SAMPLES_DIR = path.resolve(__dirname, '../sample-traces');
let samples: Buffer[] | undefined;

/** The sample traces, read once. */
export function sampleTraces(): Buffer[] {
  samples ??= readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.hvtrace'))
    .sort()
    .map((f) => readFileSync(path.join(SAMPLES_DIR, f)));
  return samples;
}

const INSERTS: (string | Buffer)[] = [
  '\r',
  '\n',
  '\r\n',
  '\uFEFF',
  '\0',
  '\t',
  ' ',
  '#',
  '=',
  '->',
  ' -> ',
  '@',
  '/',
  '-',
  '0x',
  '_',
  '\u001b[2J',
  '\u001b]0;pwned\u0007',
  '\u0007',
  '\u009b',
  '\u202e',
  '\u2028',
  'é',
  '😀',
  '-EINVAL',
  'KVM_RUN',
  '@host x arch=x86_64 freq=1',
  '18446744073709551615',
  '-9223372036854775808',
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf0, 0x9f]),
];

/** A few mutations of `input`: flips, inserts, deletions, duplicated or shuffled lines, long runs. */
export function mutate(rng: Random, input: Buffer): Buffer {
  let b = input;
  for (let k = rng.int(1, 6); k > 0; k--) {
    const at = rng.int(0, b.length);
    switch (rng.int(0, 9)) {
      case 0:
        if (b.length) {
          b = Buffer.from(b);
          b[Math.min(at, b.length - 1)] = rng.int(0, 255);
        }
        break;
      case 1:
      case 2: {
        const ins = rng.pick(INSERTS);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(ins), b.subarray(at)]);
        break;
      }
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.int(1, 40)))]);
        break;
      case 4: {
        const run = Buffer.from(rng.pick(['a', '0', ' ', '->', '\0', '#', 'x ']).repeat(rng.pick([100, 5000, 70_000])));
        b = Buffer.concat([b.subarray(0, at), run, b.subarray(at)]);
        break;
      }
      case 5: {
        const lines = b.toString('latin1').split('\n');
        const i = rng.int(0, lines.length - 1);
        lines.splice(rng.int(0, lines.length), 0, lines[i]);
        b = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 6: {
        const lines = b.toString('latin1').split('\n');
        for (let i = lines.length - 1; i > 0; i--)
          if (rng.bool(0.05)) {
            const j = rng.int(0, i);
            [lines[i], lines[j]] = [lines[j], lines[i]];
          }
        b = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 7:
        b = Buffer.from(b.toString('latin1').replace(/\n/g, rng.pick(['\r', '\r\n', '\n\r', '\n\n'])), 'latin1');
        break;
      case 8:
        b = b.subarray(0, at);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), randomBytes(rng, rng.int(1, 16)), b.subarray(at)]);
    }
  }
  return b;
}

export function randomBytes(rng: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(0, 255);
  return b;
}
