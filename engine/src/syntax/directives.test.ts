// Directives (docs/format.md#3-directives-lines-starting-with-): values and exact column spans (0-based, end
// exclusive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Directive } from './ast';
import { directiveOf, errorOf, notesOf, sp } from './testing';

function as<T extends Directive['type']>(d: Directive, type: T): Extract<Directive, { type: T }> {
  assert.equal(d.type, type);
  return d as Extract<Directive, { type: T }>;
}

// ---- @hvtrace --------------------------------------------------------------------------------

test('@hvtrace 1', () => {
  const line = directiveOf('@hvtrace 1');
  assert.deepEqual(line.span, sp(0, 10));
  assert.deepEqual(line.keyword, { value: '@hvtrace', span: sp(0, 8) });
  const d = as(line.directive, 'hvtrace');
  assert.deepEqual(d.version, { value: 1, span: sp(9, 10) });
  assert.deepEqual(line.notes, []);
});

test('@hvtrace with another version, none, or extra text is HVT090 on the bad token', () => {
  assert.deepEqual(errorOf('@hvtrace 2'), {
    span: sp(9, 10),
    message: 'unsupported format version `2`: this tool reads version 1',
  });
  assert.deepEqual(errorOf('@hvtrace'), { span: sp(8, 8), message: 'expected the format version: `@hvtrace 1`' });
  assert.deepEqual(errorOf('@hvtrace 1 extra'), { span: sp(11, 16), message: 'unexpected text after `@hvtrace 1`' });
  assert.deepEqual(errorOf('@hvtrace v=1'), { span: sp(9, 12), message: 'expected the format version: `@hvtrace 1`' });
});

// ---- @host -----------------------------------------------------------------------------------

test('@host arm64 with every arm64 key and counter=VALUE@TIME', () => {
  //          0         1         2         3         4         5         6
  //          0123456789012345678901234567890123456789012345678901234567890123456789
  const text = '@host src arch=arm64 freq=25MHz ecv=0 vhe=1 counter=0x2540BE400@100.0';
  const line = directiveOf(text);
  assert.deepEqual(line.span, sp(0, 69));
  assert.deepEqual(line.keyword, { value: '@host', span: sp(0, 5) });
  const d = as(line.directive, 'host');
  assert.deepEqual(d.name, { value: 'src', span: sp(6, 9) });
  assert.deepEqual(d.arch, { value: 'arm64', span: sp(15, 20) });
  assert.deepEqual(d.freq, { value: 25000000n, span: sp(26, 31) });
  assert.deepEqual(d.ecv, { value: 0, span: sp(36, 37) });
  assert.deepEqual(d.vhe, { value: true, span: sp(42, 43) });
  assert.equal(d.tscScaling, undefined);
  assert.equal(d.kernel, undefined);
  // 0x2540BE400 = 10000000000 ticks at 100 s
  assert.deepEqual(d.counter, {
    value: { value: 10000000000n, span: sp(52, 63) },
    time: { value: 100000000000n, span: sp(64, 69) },
    span: sp(52, 69),
  });
  // the raw arguments keep every key and value token
  assert.deepEqual(
    line.args.map((a) => [
      a.key?.value,
      a.key?.span.start,
      a.key?.span.end,
      a.value.value,
      a.value.span.start,
      a.value.span.end,
      a.span.start,
      a.span.end,
    ]),
    [
      [undefined, undefined, undefined, 'src', 6, 9, 6, 9],
      ['arch', 10, 14, 'arm64', 15, 20, 10, 20],
      ['freq', 21, 25, '25MHz', 26, 31, 21, 31],
      ['ecv', 32, 35, '0', 36, 37, 32, 37],
      ['vhe', 38, 41, '1', 42, 43, 38, 43],
      ['counter', 44, 51, '0x2540BE400@100.0', 52, 69, 44, 69],
    ],
  );
  assert.deepEqual(line.notes, []);
});

test('@host x86_64 with tsc_scaling and kernel', () => {
  const d = as(directiveOf('@host x arch=x86_64 freq=2.345678GHz tsc_scaling=0 kernel=6.6').directive, 'host');
  assert.deepEqual(d.name, { value: 'x', span: sp(6, 7) });
  assert.deepEqual(d.arch, { value: 'x86_64', span: sp(13, 19) });
  assert.deepEqual(d.freq, { value: 2345678000n, span: sp(25, 36) });
  assert.deepEqual(d.tscScaling, { value: false, span: sp(49, 50) });
  assert.deepEqual(d.kernel, { value: { major: 6, minor: 6 }, span: sp(58, 61) });
  assert.equal(d.counter, undefined);
  assert.equal(d.ecv, undefined);
  assert.equal(d.vhe, undefined);
});

test("@host keys in any order; negative counter is two's complement; time with 9 decimals", () => {
  const text = '@host old arch=arm64 freq=25_000_000 vhe=0 ecv=1 kernel=6.1 counter=-856010509473@12.000000500';
  const d = as(directiveOf(text).directive, 'host');
  assert.deepEqual(d.freq, { value: 25000000n, span: sp(26, 36) });
  assert.deepEqual(d.vhe, { value: false, span: sp(41, 42) });
  assert.deepEqual(d.ecv, { value: 1, span: sp(47, 48) });
  assert.deepEqual(d.kernel, { value: { major: 6, minor: 1 }, span: sp(56, 59) });
  // 2^64 - 856010509473
  assert.deepEqual(d.counter, {
    value: { value: 18446743217699042143n, span: sp(68, 81) },
    time: { value: 12000000500n, span: sp(82, 94) },
    span: sp(68, 94),
  });
});

test('@host with ecv=2 and a two-digit kernel minor', () => {
  const d = as(directiveOf('@host dst arch=arm64 freq=25MHz ecv=2 vhe=1 kernel=6.10').directive, 'host');
  assert.equal(d.ecv?.value, 2);
  assert.deepEqual(d.kernel?.value, { major: 6, minor: 10 });
});

test('@host unknown arguments are kept and noted HVT091 on the argument', () => {
  const line = directiveOf('@host src arch=arm64 freq=25MHz cpus=4 extra');
  assert.deepEqual(notesOf(line.notes), ['HVT091@32-38', 'HVT091@39-44']);
  assert.equal(line.notes[0].message, 'unknown argument `cpus=` for @host; ignored');
  assert.equal(line.notes[1].message, 'unexpected argument `extra` for @host; ignored');
  assert.equal(line.args.length, 5);
});

test('@host errors point at the bad token and say what was expected', () => {
  assert.deepEqual(errorOf('@host arch=arm64 freq=25MHz'), {
    span: sp(6, 16),
    message: '@host needs a host name first, like `@host src`',
  });
  assert.deepEqual(errorOf('@host'), { span: sp(5, 5), message: '@host needs a host name first, like `@host src`' });
  assert.deepEqual(errorOf('@host s/c arch=arm64 freq=1'), {
    span: sp(6, 9),
    message: 'expected a name (letters, digits, `_`, `-`, `.`), found `s/c`',
  });
  assert.deepEqual(errorOf('@host src freq=25MHz'), {
    span: sp(20, 20),
    message: '@host needs `arch=`: expected `arch=arm64` or `arch=x86_64`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64'), {
    span: sp(20, 20),
    message: '@host needs `freq=`: expected the counter frequency like `freq=25MHz`',
  });
  assert.deepEqual(errorOf('@host src arch=riscv freq=1'), {
    span: sp(15, 20),
    message: 'expected `arm64` or `x86_64`, found `riscv`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=25.5'), {
    span: sp(26, 30),
    message: 'expected a frequency like 25000000, 25MHz or 2.345678GHz (a whole number of Hz), found `25.5`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1constructor'), {
    span: sp(26, 38),
    message: 'expected a frequency like 25000000, 25MHz or 2.345678GHz, found `1constructor`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1 ecv=3'), {
    span: sp(32, 33),
    message: 'expected an ECV level `0`, `1` or `2`, found `3`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1 vhe=2'), {
    span: sp(32, 33),
    message: 'expected `0` or `1`, found `2`',
  });
  assert.deepEqual(errorOf('@host src arch=x86_64 freq=1 tsc_scaling=on'), {
    span: sp(41, 43),
    message: 'expected `0` or `1`, found `on`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1 kernel=6'), {
    span: sp(35, 36),
    message: 'expected a kernel version like 6.4, found `6`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1 arch=x86_64'), {
    span: sp(28, 32),
    message: 'duplicate argument `arch=`',
  });
  assert.deepEqual(errorOf('@host src arch= freq=1'), {
    span: sp(10, 15),
    message: 'expected a value after `arch=`, found nothing',
  });
});

test('@host counter=VALUE@TIME errors point into the value', () => {
  assert.deepEqual(errorOf('@host src arch=arm64 freq=1 counter=5'), {
    span: sp(36, 37),
    message: 'expected `VALUE@TIME` like 0x2540BE400@100.0, found `5`',
  });
  // `counter=5@1,5`: the time part is columns 42..45
  assert.deepEqual(errorOf('@host src arch=arm64 freq=25MHz counter=5@1,5'), {
    span: sp(42, 45),
    message: 'expected a time in seconds like 12.000000500, found `1,5`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=25MHz counter=x@1.0'), {
    span: sp(40, 41),
    message: 'expected a counter value like 250000225, 0x2540BE400 or -856010509473, found `x`',
  });
  assert.deepEqual(errorOf('@host src arch=arm64 freq=25MHz counter=5@'), {
    span: sp(42, 42),
    message: 'expected a time in seconds like 12.000000500, found nothing',
  });
});

// ---- @vm -------------------------------------------------------------------------------------

test('@vm with every key (extra spaces between tokens)', () => {
  const line = directiveOf('@vm   vm1 vcpus=2 policy=advance pvtime=on');
  assert.deepEqual(line.span, sp(0, 42));
  assert.deepEqual(line.keyword, { value: '@vm', span: sp(0, 3) });
  const d = as(line.directive, 'vm');
  assert.deepEqual(d.name, { value: 'vm1', span: sp(6, 9) });
  assert.deepEqual(d.vcpus, { value: 2, span: sp(16, 17) });
  assert.deepEqual(d.policy, { value: 'advance', span: sp(25, 32) });
  assert.deepEqual(d.pvtime, { value: true, span: sp(40, 42) });
});

test('@vm freeze, pvtime=off; and a bare @vm', () => {
  const d = as(directiveOf('@vm vm2 policy=freeze pvtime=off').directive, 'vm');
  assert.deepEqual(d.policy, { value: 'freeze', span: sp(15, 21) });
  assert.deepEqual(d.pvtime, { value: false, span: sp(29, 32) });
  const bare = as(directiveOf('@vm vm3').directive, 'vm');
  assert.deepEqual(bare.name, { value: 'vm3', span: sp(4, 7) });
  assert.equal(bare.vcpus, undefined);
  assert.equal(bare.policy, undefined);
  assert.equal(bare.pvtime, undefined);
});

test('@vm errors', () => {
  assert.deepEqual(errorOf('@vm'), { span: sp(3, 3), message: '@vm needs a vm name first, like `@vm vm1`' });
  assert.deepEqual(errorOf('@vm vcpus=2'), { span: sp(4, 11), message: '@vm needs a vm name first, like `@vm vm1`' });
  assert.deepEqual(errorOf('@vm vm1 vcpus=0'), {
    span: sp(14, 15),
    message: 'expected a vCPU count like 2, found `0`',
  });
  assert.deepEqual(errorOf('@vm vm1 policy=stop'), {
    span: sp(15, 19),
    message: 'expected `advance` or `freeze`, found `stop`',
  });
  assert.deepEqual(errorOf('@vm vm1 pvtime=yes'), { span: sp(15, 18), message: 'expected `on` or `off`, found `yes`' });
});

test('@vm unknown argument is HVT091', () => {
  const line = directiveOf('@vm vm1 memory=4G');
  assert.deepEqual(notesOf(line.notes), ['HVT091@8-17']);
  assert.equal(line.notes[0].message, 'unknown argument `memory=` for @vm; ignored');
});

// ---- @tolerance ------------------------------------------------------------------------------

test('@tolerance DURATION in ns, with a trailing comment', () => {
  const node = directiveOf('@tolerance 100us # ten');
  assert.deepEqual(node.span, sp(0, 16));
  assert.deepEqual(as(node.directive, 'tolerance').duration, { value: 100000n, span: sp(11, 16) });
  assert.deepEqual(node.comment, { span: sp(17, 22), text: ' ten' });
  assert.deepEqual(as(directiveOf('@tolerance 1.5ms').directive, 'tolerance').duration?.value, 1500000n);
  assert.deepEqual(as(directiveOf('@tolerance 30s').directive, 'tolerance').duration?.value, 30000000000n);
  assert.deepEqual(as(directiveOf('@tolerance 154233ns').directive, 'tolerance').duration?.value, 154233n);
});

test('@tolerance errors', () => {
  assert.deepEqual(errorOf('@tolerance 100'), {
    span: sp(11, 14),
    message: 'expected a duration like 154233ns, 1.5ms or 30s, found `100`',
  });
  assert.deepEqual(errorOf('@tolerance'), { span: sp(10, 10), message: 'expected a duration: `@tolerance 100us`' });
  assert.deepEqual(errorOf('@tolerance 1ms 2ms'), { span: sp(15, 18), message: 'unexpected text after the tolerance' });
});

// ---- unknown directive -----------------------------------------------------------------------

test('an unknown directive is HVT090 on the keyword', () => {
  assert.deepEqual(errorOf('@frobnicate x'), {
    span: sp(0, 11),
    message: 'expected a directive (@hvtrace, @host, @vm, @tolerance), found `@frobnicate`',
  });
  assert.deepEqual(errorOf('@HOST src arch=arm64 freq=1'), {
    span: sp(0, 5),
    message: 'expected a directive (@hvtrace, @host, @vm, @tolerance), found `@HOST`',
  });
  assert.deepEqual(errorOf('  @'), {
    span: sp(2, 3),
    message: 'expected a directive (@hvtrace, @host, @vm, @tolerance), found `@`',
  });
});
