// Fuzz target: the built CLI (dist/cli.js) on random bytes, mutated sample traces and generated
// traces, with random commands and options. The exit status is 0, 1 or 2 (1 exactly when `check`
// reports an error-severity finding); stderr never holds a stack trace and, on exit 2, one line;
// output is bounded; text output holds no raw control characters; JSON output parses.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mutate, randomBytes, sampleTraces } from '../mutate';
import type { Random } from '../random';
import type { Failure, FuzzTarget } from '../target';
import { randomTrace } from '../traces';
import { hasControl } from '../../engine/src/text/escape';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
let dir = '';
let n = 0;

/** Output allowed per input byte (a finding per short line, each a bounded message) plus a constant. */
const OUTPUT_PER_INPUT_BYTE = 400;
const OUTPUT_BASE = 256 * 1024;

function inputOf(rng: Random): Buffer {
  switch (rng.int(0, 4)) {
    case 0:
      return randomBytes(rng, rng.int(0, rng.bool(0.1) ? 200_000 : 2000));
    case 1:
    case 2:
      return mutate(rng, rng.pick(sampleTraces()));
    default:
      return Buffer.from(randomTrace(rng));
  }
}

function argsOf(rng: Random, file: string): string[] {
  if (rng.bool(0.05))
    return Array.from({ length: rng.int(0, 4) }, () =>
      rng.pick([
        'check',
        'replay',
        '--format',
        'json',
        '--at',
        '-1',
        '--severity',
        'HVT001=off',
        '=',
        '--',
        '-',
        '\u001b[2J',
        file,
        '--tolerance',
        '1x',
      ]),
    );
  const fmt = rng.pick(['text', 'json', 'sarif']);
  if (rng.bool(0.7)) {
    const extra = rng.bool(0.3)
      ? [
          '--severity',
          `${rng.pick(['HVT090', 'HVT091', 'HVT010', 'HVT999'])}=${rng.pick(['off', 'error', 'hint', 'loud'])}`,
        ]
      : [];
    const tol = rng.bool(0.2) ? ['--tolerance', rng.pick(['0ns', '1ms', '18446744073709551615ns', '1.5s'])] : [];
    return ['check', file, '--format', fmt, ...extra, ...tol];
  }
  const at = rng.bool(0.5) ? ['--at', String(rng.int(1, 200))] : [];
  return ['replay', file, '--format', fmt === 'sarif' ? 'json' : fmt, ...at];
}

function run(args: string[]): Promise<{ status: number | null; stdout: Buffer; stderr: string; overflow: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=1024', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let size = 0;
    let overflow = false;
    let stderr = '';
    const limit = 64 * 2 ** 20;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        overflow = true;
        child.kill();
      } else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 1 << 20) stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out), stderr, overflow });
    });
  });
}

export const cliTarget: FuzzTarget = {
  name: 'cli',
  async setup() {
    dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-fuzz-cli-'));
  },
  async one(rng): Promise<Failure | undefined> {
    const input = inputOf(rng);
    const file = path.join(dir, `in-${n++}.hvtrace`);
    writeFileSync(file, input);
    const args = argsOf(rng, file);
    const r = await run(args);
    const fail = (problem: string): Failure => ({
      problem: `hvtimer ${args.map((a) => JSON.stringify(a)).join(' ')}: ${problem}`,
      input,
    });
    rmSync(file, { force: true });
    if (r.status === null) return fail('killed (a timeout, or more than 64 MiB of output)');
    if (![0, 1, 2].includes(r.status)) return fail(`exit status ${r.status}; stderr: ${r.stderr.slice(0, 300)}`);
    if (/\n\s+at /.test(r.stderr) || /^\s+at .*:\d+:\d+\)?$/m.test(r.stderr))
      return fail(`a stack trace on stderr: ${r.stderr.slice(0, 500)}`);
    if (/internal error/.test(r.stderr)) return fail(`an internal error: ${r.stderr.slice(0, 300)}`);
    if (r.status === 2 && r.stderr.split('\n').filter(Boolean).length !== 1)
      return fail(`exit 2 with ${r.stderr.split('\n').length - 1} lines on stderr: ${r.stderr.slice(0, 300)}`);
    if (r.stdout.length > OUTPUT_BASE + OUTPUT_PER_INPUT_BYTE * input.length)
      return fail(`${r.stdout.length} bytes of output for ${input.length} bytes of input`);
    const stdout = r.stdout.toString('utf8');
    if (hasControl(stdout.replace(/\n/g, '')))
      return fail(`a raw control character on stdout: ${JSON.stringify(stdout.slice(0, 300))}`);
    if (hasControl(r.stderr.replace(/\n/g, '')))
      return fail(`a raw control character on stderr: ${JSON.stringify(r.stderr.slice(0, 200))}`);
    const format = args[args.indexOf('--format') + 1];
    if (r.status !== 2 && args[0] === 'check' && (format === 'json' || format === 'sarif')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        return fail('the JSON output does not parse');
      }
      if (format === 'json') {
        const errors = (parsed as { severity: string }[]).some((d) => d.severity === 'error');
        if ((r.status === 1) !== errors)
          return fail(`exit ${r.status} but ${errors ? 'an' : 'no'} error-severity finding`);
      }
    }
    if (r.status !== 2 && args[0] === 'replay' && format === 'json') {
      try {
        JSON.parse(stdout);
      } catch {
        return fail('the replay JSON does not parse');
      }
    }
    return undefined;
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
};
