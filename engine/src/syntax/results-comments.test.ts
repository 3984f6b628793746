// `-> RESULT` in its three forms (docs/format.md#4-statements), `#` comments and the `hvtimer-disable`
// suppression comments (docs/format.md#1-lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from './parseLine';
import { checkText } from '../index';
import { bodyOf, errorOf, notesOf, sp, statementOf } from './testing';

const V = '1.0 h/vm1/vcpu0 ioctl ';
const M = '1.0 h/vm1 ioctl ';

// ---- results ---------------------------------------------------------------------------------

test('-> VALUE', () => {
  const s = statementOf(`${V}KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 0x1234`);
  assert.deepEqual(s.result, { kind: 'value', span: sp(63, 72), value: { value: '0x1234', span: sp(66, 72) } });
  assert.deepEqual(bodyOf(s, 'get_one_reg').value, { value: 4660n, span: sp(66, 72) });
  assert.deepEqual(s.span, sp(0, 72));
});

test('-> -ERRNO: the errno name without `-`, its span on the whole token; the body still parses', () => {
  const s = statementOf(`${V}KVM_SET_DEVICE_ATTR group=2 attr=0 value=0x41 -> -EINVAL`);
  assert.deepEqual(s.result, { kind: 'errno', span: sp(68, 78), errno: { value: 'EINVAL', span: sp(71, 78) } });
  assert.equal(bodyOf(s, 'device_attr').value?.value, 65n);
  assert.deepEqual(s.notes, []);
});

test('-> -ERRNO on an op with a value or named result: the output is simply absent', () => {
  const g = statementOf(`${V}KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> -ENOENT`);
  assert.equal(g.result?.kind, 'errno');
  assert.equal(bodyOf(g, 'get_one_reg').value, undefined);
  const r = statementOf(`${V}KVM_RUN -> -EINTR`);
  assert.equal(r.result?.kind, 'errno');
  assert.equal(bodyOf(r, 'run').exit, undefined);
  const c = statementOf(`${M}KVM_ARM_SET_COUNTER_OFFSET counter_offset=0 reserved=1 -> -EINVAL`);
  assert.equal(c.result?.kind, 'errno');
  assert.equal(bodyOf(c, 'set_counter_offset').reserved?.value, 1n);
});

test('every errno KVM returns is known; an unknown errno is HVT091 on it', () => {
  for (const e of [
    'EPERM',
    'ENOENT',
    'EINTR',
    'EIO',
    'ENXIO',
    'E2BIG',
    'EBADF',
    'EAGAIN',
    'ENOMEM',
    'EACCES',
    'EFAULT',
    'EBUSY',
    'EEXIST',
    'ENODEV',
    'EINVAL',
    'ENOTTY',
    'ENOSPC',
    'ERANGE',
    'ENOSYS',
    'EOPNOTSUPP',
  ]) {
    assert.deepEqual(statementOf(`${V}KVM_RUN -> -${e}`).notes, [], e);
  }
  const s = statementOf(`${V}KVM_RUN -> -EFROB`);
  assert.deepEqual(s.result, { kind: 'errno', span: sp(30, 39), errno: { value: 'EFROB', span: sp(33, 39) } });
  assert.deepEqual(notesOf(s.notes), ['HVT091@33-39']);
  assert.equal(s.notes[0].message, 'unknown errno `-EFROB`');
});

test('-> NAME=VALUE ... (named outputs)', () => {
  const s = statementOf(`${M}KVM_GET_CLOCK -> clock=123 flags=0x6`);
  assert.deepEqual(s.result, {
    kind: 'named',
    span: sp(30, 52),
    entries: [
      { key: { value: 'clock', span: sp(33, 38) }, value: { value: '123', span: sp(39, 42) }, span: sp(33, 42) },
      { key: { value: 'flags', span: sp(43, 48) }, value: { value: '0x6', span: sp(49, 52) }, span: sp(43, 52) },
    ],
  });
  assert.equal(bodyOf(s, 'get_clock').clock?.value, 123n);
  assert.equal(bodyOf(s, 'get_clock').flags?.value, 6n);
  assert.deepEqual(s.args, []);
});

test('a result runs to the comment, not past it', () => {
  const s = statementOf(`${M}KVM_GET_TSC_KHZ -> 3000000   # kHz`);
  assert.deepEqual(s.result, { kind: 'value', span: sp(32, 42), value: { value: '3000000', span: sp(35, 42) } });
  assert.deepEqual(s.span, sp(0, 42));
});

test('result errors: nothing after `->`, several values, a mix of values and outputs', () => {
  assert.deepEqual(errorOf(`${V}KVM_RUN ->`), {
    span: sp(32, 32),
    message: 'expected a result after `->` (a value, an errno like -EINVAL, or name=value outputs), found nothing',
  });
  assert.deepEqual(errorOf(`${V}KVM_RUN -> # nothing`), {
    span: sp(32, 32),
    message: 'expected a result after `->` (a value, an errno like -EINVAL, or name=value outputs), found nothing',
  });
  assert.deepEqual(errorOf(`${M}KVM_GET_CLOCK -> clock=1 5`), {
    span: sp(41, 42),
    message: 'expected `name=value` outputs after `->`, found `5`',
  });
  assert.deepEqual(errorOf(`${V}KVM_RUN -> -EINVAL -EBUSY`), {
    span: sp(33, 40),
    message: 'expected `name=value` outputs after `->`, found `-EINVAL`',
  });
});

// ---- comments --------------------------------------------------------------------------------

test('`#` starts a comment anywhere on the line, even inside a word', () => {
  const n = parseLine(`${V}KVM_RUN#comment`);
  assert.equal(n.kind, 'statement');
  assert.deepEqual(n.comment, { span: sp(29, 37), text: 'comment' });
  if (n.kind === 'statement') {
    assert.deepEqual(n.statement.op, { value: 'KVM_RUN', span: sp(22, 29) });
    assert.deepEqual(n.statement.span, sp(0, 29));
  }
});

test('a statement with a trailing comment keeps the comment text after `#`', () => {
  const n = parseLine('20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN     # HVT010: guest lags');
  assert.equal(n.kind, 'statement');
  assert.deepEqual(n.comment, { span: sp(45, 65), text: ' HVT010: guest lags' });
  if (n.kind === 'statement') assert.deepEqual(n.statement.span, sp(0, 40));
});

test('# hvtimer-disable-next-line CODE[,CODE...]: codes upper-cased with their spans, prose ignored', () => {
  const n = parseLine(`${V}KVM_RUN # hvtimer-disable-next-line HVT010, hvt001 ,HVT093 because why`);
  assert.deepEqual(n.comment, {
    span: sp(30, 92),
    text: ' hvtimer-disable-next-line HVT010, hvt001 ,HVT093 because why',
    suppression: {
      kind: 'next-line',
      codes: [
        { value: 'HVT010', span: sp(58, 64) },
        { value: 'HVT001', span: sp(66, 72) },
        { value: 'HVT093', span: sp(74, 80) },
      ],
    },
  });
});

test('# hvtimer-disable CODE: suppression to the end of the file', () => {
  assert.deepEqual(parseLine('# hvtimer-disable HVT094'), {
    kind: 'empty',
    comment: {
      span: sp(0, 24),
      text: ' hvtimer-disable HVT094',
      suppression: { kind: 'rest-of-file', codes: [{ value: 'HVT094', span: sp(18, 24) }] },
    },
  });
  assert.deepEqual(parseLine('#hvtimer-disable HVT010,HVT011').comment?.suppression, {
    kind: 'rest-of-file',
    codes: [
      { value: 'HVT010', span: sp(17, 23) },
      { value: 'HVT011', span: sp(24, 30) },
    ],
  });
});

test('a suppression without codes suppresses everything (empty code list)', () => {
  assert.deepEqual(parseLine('#hvtimer-disable-next-line').comment?.suppression, { kind: 'next-line', codes: [] });
  assert.deepEqual(parseLine('# hvtimer-disable   ').comment?.suppression, { kind: 'rest-of-file', codes: [] });
});

test('comments that merely mention the keyword are not suppressions', () => {
  assert.equal(parseLine('# hvtimer-disabled HVT010').comment?.suppression, undefined);
  assert.equal(parseLine('# see hvtimer-disable HVT010').comment?.suppression, undefined);
  assert.equal(parseLine('# hvtimer-disable-line HVT010').comment?.suppression, undefined);
});

test('suppressions take effect: next statement line (blank lines skipped), and rest of file', () => {
  const text = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '# hvtimer-disable-next-line HVT091',
    '',
    '1.0 h/vm1/vcpu0 ioctl KVM_FROB', //                                               4: suppressed
    '1.1 h/vm1/vcpu0 ioctl KVM_FROB', //                                               5: reported
    '1.2 h/vm1/vcpu0 ioctl KVM_GET_SYSTEM_COUNTER_STATE # hvtimer-disable HVT094', //  6: suppressed
    '1.3 h/vm1/vcpu0 ioctl KVM_GET_SYSTEM_COUNTER_STATE', //                           7: suppressed
  ].join('\n');
  const d = checkText(text);
  assert.deepEqual(
    d.map((x) => [x.code, x.range.start.line, x.range.start.character, x.range.end.character]),
    [['HVT091', 5, 22, 30]],
  );
});

test('a result the statement does not return, and unknown named outputs, are HVT091 notes', () => {
  const pause = parseLine('1.0 h/v vmm pause -> 5');
  assert.equal(pause.kind, 'statement');
  if (pause.kind !== 'statement') return;
  assert.deepEqual(pause.statement.notes, [
    { code: 'HVT091', span: { start: 21, end: 22 }, message: 'pause returns no value; `-> 5` ignored' },
  ]);
  const clock = parseLine('1.0 h/v ioctl KVM_GET_CLOCK -> clock=5 pad=0');
  assert.equal(clock.kind, 'statement');
  if (clock.kind !== 'statement') return;
  assert.deepEqual(clock.statement.notes, [
    { code: 'HVT091', span: { start: 39, end: 44 }, message: 'unknown output `pad=` for KVM_GET_CLOCK; ignored' },
  ]);
  // `-> 0` is plain success, and KVM_SET_MSRS returns the number of MSRs written
  const ok = parseLine('1.0 h/v/vcpu0 ioctl KVM_KVMCLOCK_CTRL -> 0');
  assert.ok(ok.kind === 'statement' && ok.statement.notes.length === 0);
  const msrs = parseLine('1.0 h/v/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=1 IA32_TSC_DEADLINE=2 -> 1');
  assert.ok(
    msrs.kind === 'statement' &&
      msrs.statement.body.type === 'set_msrs' &&
      msrs.statement.body.processed?.value === 1n &&
      msrs.statement.notes.length === 0,
  );
});
