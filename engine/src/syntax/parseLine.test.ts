// The line level of the parser (docs/format.md#1-lines, docs/format.md#4-statements): blank lines, comments, the
// `TIME WHERE ACTOR OPERATION` skeleton with exact spans, locations, and error recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from './parseLine';
import { errorOf, notesOf, sp, statementOf } from './testing';

test('blank lines are empty', () => {
  for (const text of ['', ' ', '\t', ' \t  \t']) assert.deepEqual(parseLine(text), { kind: 'empty' });
});

test('a comment-only line is empty with its comment', () => {
  assert.deepEqual(parseLine('# hello'), { kind: 'empty', comment: { span: sp(0, 7), text: ' hello' } });
  assert.deepEqual(parseLine('   #'), { kind: 'empty', comment: { span: sp(3, 4), text: '' } });
});

test('statement skeleton: time, location parts, actor, op, args, result with exact spans', () => {
  //                      0         1         2         3         4         5         6         7         8
  //                      012345678901234567890123456789012345678901234567890123456789012345678901234567890123456
  const s = statementOf('20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000225');
  assert.deepEqual(s.span, sp(0, 86));
  assert.deepEqual(s.time, { value: 20000010000n, span: sp(0, 12) });
  assert.deepEqual(s.where, {
    span: sp(13, 26),
    host: { value: 'src', span: sp(13, 16) },
    vm: { value: 'vm1', span: sp(17, 20) },
    vcpu: { value: 0, span: sp(21, 26) },
  });
  assert.deepEqual(s.actor, { value: 'ioctl', span: sp(27, 32) });
  assert.deepEqual(s.op, { value: 'KVM_GET_ONE_REG', span: sp(33, 48) });
  assert.deepEqual(s.args, [
    {
      key: { value: 'id', span: sp(49, 51) },
      value: { value: 'KVM_REG_ARM_TIMER_CNT', span: sp(52, 73) },
      span: sp(49, 73),
    },
  ]);
  assert.deepEqual(s.result, { kind: 'value', span: sp(74, 86), value: { value: '250000225', span: sp(77, 86) } });
  assert.equal(s.body.type, 'get_one_reg');
  assert.deepEqual(s.notes, []);
});

test('WHERE: HOST alone', () => {
  const s = statementOf('1.0 src vmm sample counter=5');
  assert.deepEqual(s.where, { span: sp(4, 7), host: { value: 'src', span: sp(4, 7) } });
  assert.deepEqual(s.actor, { value: 'vmm', span: sp(8, 11) });
  assert.deepEqual(s.op, { value: 'sample', span: sp(12, 18) });
});

test('WHERE: HOST/VM', () => {
  const s = statementOf('1.0 src/vm1 vmm pause');
  assert.deepEqual(s.where, {
    span: sp(4, 11),
    host: { value: 'src', span: sp(4, 7) },
    vm: { value: 'vm1', span: sp(8, 11) },
  });
});

test('WHERE: HOST/VM/vcpuN with a multi-digit N; names with `-` and `.`', () => {
  const s = statementOf('1.0 src/vm1/vcpu12 ioctl KVM_RUN');
  assert.deepEqual(s.where.vcpu, { value: 12, span: sp(12, 18) });
  const t = statementOf('1.0 host-a.lab/vm_1.b/vcpu3 ioctl KVM_RUN');
  assert.deepEqual(t.where, {
    span: sp(4, 27),
    host: { value: 'host-a.lab', span: sp(4, 14) },
    vm: { value: 'vm_1.b', span: sp(15, 21) },
    vcpu: { value: 3, span: sp(22, 27) },
  });
});

test('tokens are separated by any run of spaces and tabs; leading and trailing blanks are fine', () => {
  const s = statementOf('\t 1.5\tsrc/vm1\tvmm  pause  ');
  assert.deepEqual(s.span, sp(2, 24));
  assert.deepEqual(s.time, { value: 1500000000n, span: sp(2, 5) });
  assert.deepEqual(s.where.span, sp(6, 13));
  assert.deepEqual(s.where.host.span, sp(6, 9));
  assert.deepEqual(s.where.vm?.span, sp(10, 13));
  assert.deepEqual(s.actor.span, sp(14, 17));
  assert.deepEqual(s.op, { value: 'pause', span: sp(19, 24) });
});

test('a bad time is HVT090 on the time, with the expected form and what was found', () => {
  assert.deepEqual(errorOf('12,5 src/vm1/vcpu0 ioctl KVM_RUN'), {
    span: sp(0, 4),
    message: 'expected a time in seconds like 12.000000500, found `12,5`',
  });
  assert.deepEqual(errorOf('1.0000000001 src/vm1 vmm pause'), {
    span: sp(0, 12),
    message: 'expected a time in seconds like 12.000000500 (at most 9 fractional digits), found `1.0000000001`',
  });
  assert.deepEqual(errorOf('abc src ioctl KVM_RUN'), {
    span: sp(0, 3),
    message: 'expected a time in seconds like 12.000000500, found `abc`',
  });
  assert.deepEqual(errorOf('  -1.0 src vmm pause'), {
    span: sp(2, 6),
    message: 'expected a time in seconds like 12.000000500, found `-1.0`',
  });
});

test('bad locations are HVT090 on the bad part', () => {
  assert.deepEqual(errorOf('1.0 src/vm1/cpu0 ioctl KVM_RUN'), {
    span: sp(12, 16),
    message: 'expected a vCPU like vcpu0, found `cpu0`',
  });
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu ioctl KVM_RUN'), {
    span: sp(12, 16),
    message: 'expected a vCPU like vcpu0, found `vcpu`',
  });
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu-1 ioctl KVM_RUN'), {
    span: sp(12, 18),
    message: 'expected a vCPU like vcpu0, found `vcpu-1`',
  });
  assert.deepEqual(errorOf('1.0 src//vcpu0 ioctl KVM_RUN'), {
    span: sp(8, 8),
    message: 'expected a VM name like vm1, found nothing',
  });
  assert.deepEqual(errorOf('1.0 src/vm1/ ioctl KVM_RUN'), {
    span: sp(12, 12),
    message: 'expected a vCPU like vcpu0, found nothing',
  });
  assert.deepEqual(errorOf('1.0 a/b/vcpu0/d vmm pause'), {
    span: sp(4, 15),
    message: 'expected a location like src, src/vm1 or src/vm1/vcpu0, found `a/b/vcpu0/d`',
  });
  assert.deepEqual(errorOf('1.0 sr$c vmm pause'), {
    span: sp(4, 8),
    message: 'expected a host name like src, found `sr$c`',
  });
  assert.deepEqual(errorOf('1.0 /vm1 vmm pause'), {
    span: sp(4, 4),
    message: 'expected a host name like src, found nothing',
  });
});

test('missing parts are reported just after the last token', () => {
  assert.deepEqual(errorOf('1.0'), {
    span: sp(3, 3),
    message: 'expected a location like src/vm1/vcpu0, found nothing',
  });
  assert.deepEqual(errorOf('1.0 src'), {
    span: sp(7, 7),
    message: 'expected an actor (ioctl, guest, kvm, sched, vmm), found nothing',
  });
  assert.deepEqual(errorOf('1.0 src vmm'), {
    span: sp(11, 11),
    message: 'expected an operation for `vmm`, found nothing',
  });
  assert.deepEqual(errorOf('1.0 src vmm # pause'), {
    span: sp(11, 11),
    message: 'expected an operation for `vmm`, found nothing',
  });
});

test('an unknown actor is HVT090 on the actor', () => {
  assert.deepEqual(errorOf('1.0 src/vm1 qemu pause'), {
    span: sp(12, 16),
    message: 'expected an actor (ioctl, guest, kvm, sched, vmm), found `qemu`',
  });
  assert.deepEqual(errorOf('1.0 src/vm1 IOCTL KVM_RUN'), {
    span: sp(12, 17),
    message: 'expected an actor (ioctl, guest, kvm, sched, vmm), found `IOCTL`',
  });
});

test('a statement at the wrong level is HVT090 on the location', () => {
  assert.deepEqual(errorOf('1.0 src/vm1 ioctl KVM_RUN'), {
    span: sp(4, 11),
    message: 'KVM_RUN: expected a vCPU location like src/vm1/vcpu0, found `src/vm1`',
  });
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu0 vmm pause'), {
    span: sp(4, 17),
    message: 'pause: expected a VM location like src/vm1, found `src/vm1/vcpu0`',
  });
  assert.deepEqual(errorOf('1.0 src ioctl KVM_SET_TSC_KHZ value=1'), {
    span: sp(4, 7),
    message: 'KVM_SET_TSC_KHZ: expected a VM or vCPU location like src/vm1 or src/vm1/vcpu0, found `src`',
  });
  // `vmm sample` is accepted anywhere: the VMM may sample the clocks from a vCPU thread.
  assert.equal(statementOf('1.0 src/vm1/vcpu0 vmm sample realtime=1000000000 counter=25000000').body.type, 'sample');
  assert.deepEqual(errorOf('1.0 src ioctl KVM_CREATE_VCPU id=0'), {
    span: sp(4, 7),
    message: 'KVM_CREATE_VCPU: expected a VM location like src/vm1, found `src`',
  });
});

test('unused arguments are kept and noted HVT091 (real logs carry extra fields)', () => {
  const s = statementOf('1.0 src/vm1/vcpu0 ioctl KVM_RUN foo=1 bar');
  assert.deepEqual(s.args, [
    { key: { value: 'foo', span: sp(32, 35) }, value: { value: '1', span: sp(36, 37) }, span: sp(32, 37) },
    { value: { value: 'bar', span: sp(38, 41) }, span: sp(38, 41) },
  ]);
  assert.deepEqual(notesOf(s.notes), ['HVT091@32-37', 'HVT091@38-41']);
  assert.equal(s.notes[0].message, 'unknown argument `foo=` for KVM_RUN; ignored');
  assert.equal(s.notes[1].message, 'unexpected argument `bar` for KVM_RUN; ignored');
});

test('a duplicate key is HVT090 on the second key; an empty value on the whole argument', () => {
  assert.deepEqual(errorOf('1.0 src/vm1 ioctl KVM_CREATE_VCPU id=0 id=1'), {
    span: sp(39, 41),
    message: 'duplicate argument `id=`',
  });
  assert.deepEqual(errorOf('1.0 src/vm1 ioctl KVM_CREATE_VCPU id='), {
    span: sp(34, 37),
    message: 'expected a value after `id=`, found nothing',
  });
});

test('a missing required argument is reported at the end of the statement', () => {
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT'), {
    span: sp(64, 64),
    message: 'KVM_SET_ONE_REG needs `value=`: expected a counter value like 250000225 or 0x2540BE400',
  });
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT   # restore'), {
    span: sp(64, 64),
    message: 'KVM_SET_ONE_REG needs `value=`: expected a counter value like 250000225 or 0x2540BE400',
  });
});

test('a bad value is HVT090 on the value token only', () => {
  assert.deepEqual(errorOf('1.0 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=12,5'), {
    span: sp(71, 75),
    message: 'expected a counter value like 250000225 or 0x2540BE400, found `12,5`',
  });
});

test('an error line keeps its comment (suppressions still apply)', () => {
  assert.deepEqual(parseLine('12,5 src/vm1 vmm pause # hvtimer-disable HVT010'), {
    kind: 'error',
    error: { span: sp(0, 4), message: 'expected a time in seconds like 12.000000500, found `12,5`' },
    comment: {
      span: sp(23, 47),
      text: ' hvtimer-disable HVT010',
      suppression: { kind: 'rest-of-file', codes: [{ value: 'HVT010', span: sp(41, 47) }] },
    },
  });
});

test('parsing is position independent and pure: same text, same node', () => {
  const text = '20.000000000 src/vm1 vmm pause # stop';
  assert.deepEqual(parseLine(text), parseLine(text));
});

test('odd input never throws and never hits the internal-error path', () => {
  const odd = [
    '\u0000',
    '\uFEFF1.0 src vmm pause',
    '\uD800',
    '1.0 src/vm1/vcpu0 ioctl KVM_RUN -> ',
    '->',
    '1.0 -> ->',
    '=',
    '==',
    '= = =',
    '1.0 src/vm1/vcpu0 guest read',
    '1.0 src/vm1/vcpu0 guest read = 5',
    '1.0 src/vm1/vcpu0 guest read X =',
    '@',
    '@@',
    '#'.repeat(1000),
    `${'9'.repeat(100000)}.0 src vmm pause`,
    '1.0 src/vm1/vcpu99999 ioctl KVM_RUN',
    '1.0 src/__proto__ vmm constructor',
    '1.0 src/vm1 ioctl constructor',
    '1.0 src/vm1 ioctl __proto__',
    '1.0 src/vm1/vcpu0 guest hasOwnProperty',
    '1.0 src/vm1/vcpu0 kvm toString',
    '1.0 src/vm1 ioctl KVM_SET_CLOCK clock=1 flags=__proto__',
    '1.0 src/vm1/vcpu0 guest hvc PV_TIME_ST -> constructor',
    '1.0 src/vm1/vcpu0 ioctl KVM_RUN -> -Econstructor',
    '@host a arch=arm64 freq=1constructor',
    '@host a arch=arm64 freq=2.5CONSTRUCTOR',
    '1.0 src/vm1/vcpu0 sched wait 1constructor',
    '1.0 src/vm1/vcpu0 ioctl KVM_SET_MSRS constructor=1',
    '1.0 src/vm1/vcpu0 ioctl KVM_GET_MSRS -> toString=1',
  ];
  for (const text of odd) {
    const n = parseLine(text);
    if (n.kind === 'error') assert.doesNotMatch(n.error.message, /internal parser error/, text.slice(0, 80));
  }
});
