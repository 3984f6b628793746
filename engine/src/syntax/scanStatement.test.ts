// The fast statement scanner against the reference parser (issue #17): on every line of generated
// traces of every kind — the benchmark's arm64 fleet, arm64 timers, x86 TSC / kvmclock / LAPIC
// timers, the statements an importer writes for captures, the fuzz suite's random traces of every
// statement with damaged lines, and the sample traces mutated byte by byte — a line the scanner
// accepts gives the very tree the reference parser gives, and `parseLine` (scanner, else
// reference) always equals the reference. The scanner must also accept the common lines (else it
// would be no fast path at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLine, parseLineReference } from './parseLine';
import { scanStatement } from './scanStatement';
import {
  generateArm64TimerTrace,
  generateCaptureTrace,
  generateTrace,
  generateX86Trace,
} from '../../../bench/generate';
import { randomTrace } from '../../../fuzz/traces';
import { mutate, sampleTraces } from '../../../fuzz/mutate';
import { Random } from '../../../fuzz/random';

const EOL = /\r\n|\r|\n/;

/** Compares scanner and reference on each line; returns how many lines the scanner accepted. */
function compare(lines: readonly string[], where: string): number {
  let accepted = 0;
  for (const [i, line] of lines.entries()) {
    const reference = parseLineReference(line);
    const fast = scanStatement(line);
    if (fast !== undefined) {
      accepted++;
      assert.deepStrictEqual(fast, reference, `${where} line ${i + 1}: ${JSON.stringify(line)}`);
    }
    assert.deepStrictEqual(parseLine(line), reference, `${where} line ${i + 1}: ${JSON.stringify(line)}`);
  }
  return accepted;
}

test('generated traces of every kind: the scanner reads their statement lines as the reference does', () => {
  const generated = {
    arm64: generateTrace(3000),
    arm64Timers: generateArm64TimerTrace(3000),
    x86: generateX86Trace(3000),
    capture: generateCaptureTrace(3000),
  };
  for (const [name, text] of Object.entries(generated)) {
    const lines = text.split('\n');
    const accepted = compare(lines, name);
    // Every statement, comment and blank line of these traces is well formed: the fast path takes
    // all of them and leaves only the directives.
    assert.equal(
      accepted,
      lines.filter((l) => !l.startsWith('@')).length,
      `${name}: the scanner declined well-formed lines`,
    );
  }
});

test("the fuzz suite's random traces (every statement kind, damaged lines): the same trees", () => {
  const rng = new Random(17);
  let accepted = 0;
  let total = 0;
  for (let k = 0; k < 150; k++) {
    const lines = randomTrace(rng).split(EOL);
    total += lines.length;
    accepted += compare(lines, `random trace ${k}`);
  }
  // Most random statements are well formed; the scanner must take most lines, not decline all.
  assert.ok(accepted > total / 2, `the scanner accepted ${accepted} of ${total} lines`);
});

test('sample traces, as written and mutated byte by byte: the same trees', () => {
  const rng = new Random(1717);
  for (const [k, sample] of sampleTraces().entries()) {
    compare(sample.toString('utf8').split(EOL), `sample ${k}`);
    for (let m = 0; m < 20; m++) compare(mutate(rng, sample).toString('utf8').split(EOL), `sample ${k} mutation ${m}`);
  }
});

test('captures converted by the importer: the same trees', () => {
  const dir = path.resolve(__dirname, '../../../test/kvm/fixtures');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.trace'))) {
    compare(readFileSync(path.join(dir, file), 'utf8').split(EOL), file);
  }
});

test('lines the scanner leaves to the reference parser: directives, suppressions, errors, overlong lines', () => {
  for (const line of [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '1.0 h/vm1/vcpu0 ioctl KVM_RUN # hvtimer-disable-next-line HVT010',
    '1.0 h/vm1/vcpu0 ioctl KVM_RUN -> ',
    '1.0 h/vm1/vcpu0 guest read CNTVCT_EL0',
    '1.0x h/vm1/vcpu0 ioctl KVM_RUN',
    '1.0 h/vm1/cpu0 ioctl KVM_RUN',
    '1.0 h/vm1 ioctl KVM_RUN',
    '1.0 h/vm1/vcpu0 ioctl KVM_RUN took=1us took=2us',
    `1.0 h/vm1/vcpu0 vmm note ${'x'.repeat(70_000)}`,
  ]) {
    assert.equal(scanStatement(line), undefined, line.slice(0, 80));
    assert.deepStrictEqual(parseLine(line), parseLineReference(line));
  }
});

test('a comment after a statement is kept, as the reference keeps it', () => {
  // 0-based columns: the comment starts at the `#` (column 35) and runs to the end (54).
  const line = '1.5 h/vm1/vcpu0 sched wait 150us   # run queue, 150 µs';
  const node = scanStatement(line);
  assert.ok(node && node.kind === 'statement');
  assert.deepStrictEqual(node.comment, { span: { start: 35, end: 54 }, text: ' run queue, 150 µs' });
  assert.equal(node.statement.body.type === 'sched_wait' && node.statement.body.duration.value, 150_000n);
});

test("`guest read` lines of every form (the scanner's own path for REG = VALUE): the same trees", () => {
  // Random registers (known, MSR names and numbers, unknown), separators, values (decimal, hex,
  // too large, not a number), extra arguments, results and locations, mixed: whichever path
  // reads a line, the tree is the reference's.
  const rng = new Random(4217);
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const below = (n: number): number => rng.int(0, n - 1);
  const regs = [
    'CNTVCT_EL0',
    'CNTPCT_EL0',
    'CNTFRQ_EL0',
    'CNTVCTSS_EL0',
    'TSC',
    'kvmclock',
    'steal',
    'stolen_time',
    'MSR_IA32_TSC',
    '0x10',
    'CNTV_CVAL_EL0',
    'NOT_A_REG',
    'cntvct_el0',
    '',
  ];
  const values = [
    '25000',
    '0',
    '007',
    '999999999999999',
    '9007199254740993',
    '0x2540BE400',
    '18446744073709551615',
    '18446744073709551616',
    '-1',
    'abc',
    '1_000',
    '',
  ];
  const wheres = ['a/vm1/vcpu0', 'a/vm1/vcpu12', 'a/vm1', 'a', 'b/vm-2/vcpu3'];
  const lines: string[] = [];
  for (let k = 0; k < 4000; k++) {
    const parts = [`${below(100)}.${String(below(1e9)).padStart(9, '0')}`, pick(wheres), 'guest', 'read'];
    const form = below(6);
    const reg = pick(regs);
    const value = pick(values);
    if (form === 0) parts.push(`${reg}=${value}`);
    else if (form === 1) parts.push(reg, '=');
    else parts.push(reg, '=', value);
    if (form === 3) parts.push(`version=${pick(values)}`);
    if (form === 4) parts.push(pick(['x', 'extra=1', '=', '->', '-> 0', '-> -EINVAL', '-> a=1']));
    if (form === 5 && below(2) === 0) parts.push('# a comment');
    lines.push(parts.join(below(8) === 0 ? '  ' : ' '));
  }
  const accepted = compare(lines, 'guest reads');
  assert.ok(accepted > lines.length / 4, `the scanner accepted ${accepted} of ${lines.length} lines`);
});
