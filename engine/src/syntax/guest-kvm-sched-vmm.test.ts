// `guest`, `kvm`, `sched` and `vmm` statements (docs/format.md#42-guest--what-the-guest-does to
// docs/format.md#45-vmm--vm-lifecycle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, errorOf, known, notesOf, sp, statementOf } from './testing';

const G = '1.0 h/vm1/vcpu0 guest '; // op at column 22
const K = '1.0 h/vm1/vcpu0 kvm '; //   op at column 20
const S = '1.0 h/vm1/vcpu0 sched '; // op at column 22
const W = '1.0 h/vm1 vmm '; //         op at column 14

// ---- guest -----------------------------------------------------------------------------------

test('guest read REG = VALUE', () => {
  const s = statementOf(`${G}read CNTVCT_EL0 = 49999975`);
  assert.deepEqual(s.actor, { value: 'guest', span: sp(16, 21) });
  assert.deepEqual(s.op, { value: 'read', span: sp(22, 26) });
  const b = bodyOf(s, 'guest_read');
  assert.deepEqual(b.reg, { value: 'CNTVCT_EL0', span: sp(27, 37) });
  assert.deepEqual(b.value, { value: 49999975n, span: sp(40, 48) });
  assert.equal(b.version, undefined);
  assert.deepEqual(s.notes, []);
});

test('guest read REG=VALUE (no spaces) and a negative value as a u64', () => {
  const b = bodyOf(statementOf(`${G}read TSC=-1`), 'guest_read');
  assert.deepEqual(b.reg, { value: 'TSC', span: sp(27, 30) });
  assert.deepEqual(b.value, { value: 18446744073709551615n, span: sp(31, 33) });
});

test('guest read: every arm64 register of §4.2, TSC, stolen_time, steal, kvmclock', () => {
  for (const reg of [
    'CNTVCT_EL0',
    'CNTPCT_EL0',
    'CNTVCTSS_EL0',
    'CNTPCTSS_EL0',
    'CNTFRQ_EL0',
    'CNTV_CTL_EL0',
    'CNTV_CVAL_EL0',
    'CNTP_CTL_EL0',
    'CNTP_CVAL_EL0',
    'TSC',
    'stolen_time',
    'steal',
    'kvmclock',
  ]) {
    const s = statementOf(`${G}read ${reg} = 7`);
    assert.deepEqual(bodyOf(s, 'guest_read').reg, { value: reg, span: sp(27, 27 + reg.length) });
    assert.deepEqual(s.notes, [], reg);
  }
});

test('guest read of an MSR by name or index', () => {
  const b = bodyOf(statementOf(`${G}read IA32_TSC_DEADLINE = 0x10`), 'guest_read');
  assert.deepEqual(known(b.reg.value as object, 'index'), { name: 'IA32_TSC_DEADLINE', index: 0x6e0n });
  assert.equal(b.value.value, 16n);
  const i = bodyOf(statementOf(`${G}read 0x3b = 1`), 'guest_read');
  assert.deepEqual(known(i.reg.value as object, 'index'), { name: 'IA32_TSC_ADJUST', index: 0x3bn });
});

test('guest read steal = NS version=N', () => {
  const b = bodyOf(statementOf(`${G}read steal = 500 version=4`), 'guest_read');
  assert.deepEqual(b.reg, { value: 'steal', span: sp(27, 32) });
  assert.deepEqual(b.value, { value: 500n, span: sp(35, 38) });
  assert.deepEqual(b.version, { value: 4n, span: sp(47, 48) });
});

test('guest read of an unknown register is HVT091 on the register', () => {
  const s = statementOf(`${G}read MY_REG = 5`);
  assert.deepEqual(bodyOf(s, 'guest_read').reg, { value: { unknown: 'MY_REG' }, span: sp(27, 33) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@27-33']);
  assert.equal(s.notes[0].message, 'unknown register `MY_REG`');
});

test('guest read errors: missing `=`, bad value', () => {
  assert.deepEqual(errorOf(`${G}read CNTVCT_EL0 49999975`), {
    span: sp(38, 46),
    message: 'expected `read REG = VALUE`',
  });
  assert.deepEqual(errorOf(`${G}read CNTVCT_EL0 = 4,5`), {
    span: sp(40, 43),
    message: 'expected a counter value like 250000225 or 0x2540BE400, found `4,5`',
  });
  assert.deepEqual(errorOf(`${G}read`), { span: sp(26, 26), message: 'expected `read REG = VALUE`' });
  assert.deepEqual(errorOf(`${G}read CNTVCT_EL0`), { span: sp(37, 37), message: 'expected `read REG = VALUE`' });
});

test('guest write REG = VALUE (x86 MSR)', () => {
  const s = statementOf(`${G}write IA32_TSC_ADJUST = -5`);
  const b = bodyOf(s, 'guest_write');
  assert.deepEqual(known(b.reg.value as object, 'index'), { name: 'IA32_TSC_ADJUST', index: 0x3bn });
  assert.deepEqual(b.reg.span, sp(28, 43));
  assert.deepEqual(b.value, { value: 18446744073709551611n, span: sp(46, 48) });
  assert.equal(bodyOf(statementOf(`${G}write IA32_TSC = 0`), 'guest_write').value.value, 0n);
  assert.equal(
    bodyOf(statementOf(`${G}write MSR_KVM_STEAL_TIME = 0x90000001`), 'guest_write').value.value,
    2415919105n,
  );
});

test('guest hvc FUNCTION ARG -> RETURN-CODE by name', () => {
  const s = statementOf(`${G}hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS`);
  const b = bodyOf(s, 'hvc');
  assert.deepEqual(known(b.fn.value, 'id'), { name: 'PV_TIME_FEATURES', id: 0xc5000020n });
  assert.deepEqual(b.fn.span, sp(26, 42));
  assert.equal(b.args.length, 1);
  assert.deepEqual(known(b.args[0].value, 'id'), { name: 'PV_TIME_ST', id: 0xc5000021n });
  assert.deepEqual(b.args[0].span, sp(43, 53));
  assert.deepEqual(b.ret, { value: { value: 0n, name: 'SUCCESS' }, span: sp(57, 64) });
  assert.deepEqual(s.notes, []);
});

test('guest hvc by hex id returning an address', () => {
  const b = bodyOf(statementOf(`${G}hvc 0xC5000021 -> 0x90000000`), 'hvc');
  assert.deepEqual(known(b.fn.value, 'id'), { name: 'PV_TIME_ST', id: 0xc5000021n });
  assert.deepEqual(b.ret, { value: { value: 2415919104n }, span: sp(40, 50) });
});

test('guest hvc SMCCC_ARCH_FEATURES with a hex argument -> NOT_SUPPORTED', () => {
  const b = bodyOf(statementOf(`${G}hvc SMCCC_ARCH_FEATURES 0xC5000020 -> NOT_SUPPORTED`), 'hvc');
  assert.deepEqual(known(b.fn.value, 'id'), { name: 'SMCCC_ARCH_FEATURES', id: 0x80000001n });
  assert.deepEqual(known(b.args[0].value), { name: 'PV_TIME_FEATURES' });
  assert.deepEqual(b.ret, { value: { value: -1n, name: 'NOT_SUPPORTED' }, span: sp(60, 73) });
});

test('guest hvc return codes by name', () => {
  const codes: [string, bigint][] = [
    ['SUCCESS', 0n],
    ['NOT_SUPPORTED', -1n],
    ['NOT_REQUIRED', -2n],
    ['INVALID_PARAMETER', -3n],
  ];
  for (const [name, value] of codes) {
    assert.deepEqual(bodyOf(statementOf(`${G}hvc PV_TIME_ST -> ${name}`), 'hvc').ret?.value, { value, name });
  }
});

test('guest hvc with unknown function and argument names: HVT091 on each; an unknown id is kept', () => {
  const s = statementOf(`${G}hvc MY_FN MY_ARG -> -3`);
  const b = bodyOf(s, 'hvc');
  assert.deepEqual(b.fn, { value: { unknown: 'MY_FN' }, span: sp(26, 31) });
  assert.deepEqual(b.args, [{ value: { unknown: 'MY_ARG' }, span: sp(32, 38) }]);
  assert.deepEqual(b.ret, { value: { value: -3n }, span: sp(42, 44) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@26-31', 'HVT091@32-38']);
  assert.deepEqual(
    s.notes.map((n) => n.message),
    ['unknown SMCCC function `MY_FN`', 'unknown SMCCC function `MY_ARG`'],
  );
  const id = statementOf(`${G}hvc 0xC6000001`);
  assert.deepEqual(bodyOf(id, 'hvc').fn.value, { id: 0xc6000001n });
  assert.deepEqual(id.notes, []);
});

test('guest hvc errors: no function, unknown return code', () => {
  assert.deepEqual(errorOf(`${G}hvc -> SUCCESS`), {
    span: sp(36, 36),
    message: 'expected an SMCCC function like PV_TIME_ST, found nothing',
  });
  assert.deepEqual(errorOf(`${G}hvc PV_TIME_ST -> BOGUS`), {
    span: sp(40, 45),
    message:
      'expected an SMCCC return code (SUCCESS, NOT_SUPPORTED, NOT_REQUIRED, INVALID_PARAMETER) or a value, found `BOGUS`',
  });
});

test('an unknown guest operation is HVT091 on the op', () => {
  const s = statementOf(`${G}wfi`);
  assert.deepEqual(s.body, { type: 'unknown_op', name: 'wfi' });
  assert.deepEqual(notesOf(s.notes), ['HVT091@22-25']);
  assert.equal(s.notes[0].message, 'unknown guest operation `wfi`; accepted without effect on the model');
});

// ---- kvm -------------------------------------------------------------------------------------

test('kvm write REG = VALUE for each hypervisor register', () => {
  const s = statementOf(`${K}write CNTVOFF_EL2 = 0x2540BE400`);
  assert.deepEqual(s.actor, { value: 'kvm', span: sp(16, 19) });
  assert.deepEqual(s.op, { value: 'write', span: sp(20, 25) });
  const b = bodyOf(s, 'kvm_write');
  assert.deepEqual(b.reg, { value: 'CNTVOFF_EL2', span: sp(26, 37) });
  assert.deepEqual(b.value, { value: 10000000000n, span: sp(40, 51) });
  const h = bodyOf(statementOf(`${K}write CNTHCTL_EL2=0x400`), 'kvm_write');
  assert.deepEqual(h.reg, { value: 'CNTHCTL_EL2', span: sp(26, 37) });
  assert.deepEqual(h.value, { value: 1024n, span: sp(38, 43) });
  assert.equal(bodyOf(statementOf(`${K}write CNTPOFF_EL2 = 5`), 'kvm_write').reg.value, 'CNTPOFF_EL2');
});

test('kvm write of a register that is not a hypervisor register is HVT090 on it', () => {
  assert.deepEqual(errorOf(`${K}write CNTV_CTL_EL0 = 1`), {
    span: sp(26, 38),
    message: 'expected a hypervisor register (CNTVOFF_EL2, CNTPOFF_EL2, CNTHCTL_EL2), found `CNTV_CTL_EL0`',
  });
});

test('kvm traps cntpct=on|off', () => {
  assert.deepEqual(bodyOf(statementOf(`${K}traps cntpct=off`), 'kvm_traps').on, { value: false, span: sp(33, 36) });
  assert.deepEqual(bodyOf(statementOf(`${K}traps cntpct=on`), 'kvm_traps').on, { value: true, span: sp(33, 35) });
  assert.deepEqual(errorOf(`${K}traps cntpct=maybe`), {
    span: sp(33, 38),
    message: 'expected `on` or `off`, found `maybe`',
  });
  assert.deepEqual(errorOf(`${K}traps`), {
    span: sp(25, 25),
    message: 'traps needs `cntpct=`: expected `cntpct=on` or `cntpct=off`',
  });
});

test('kvm trap CNTPCT_EL0 = VALUE', () => {
  const b = bodyOf(statementOf(`${K}trap CNTPCT_EL0 = 123`), 'kvm_trap_read');
  assert.deepEqual(b.reg, { value: 'CNTPCT_EL0', span: sp(25, 35) });
  assert.deepEqual(b.value, { value: 123n, span: sp(38, 41) });
  assert.deepEqual(errorOf(`${K}trap CNTVCT_EL0 = 123`), {
    span: sp(25, 35),
    message: 'expected CNTPCT_EL0, found `CNTVCT_EL0`',
  });
});

test('kvm stolen_update stolen_time=NS (or steal=NS)', () => {
  assert.deepEqual(bodyOf(statementOf(`${K}stolen_update stolen_time=154233`), 'stolen_update').ns, {
    value: 154233n,
    span: sp(46, 52),
  });
  assert.deepEqual(bodyOf(statementOf(`${K}stolen_update steal=7`), 'stolen_update').ns, {
    value: 7n,
    span: sp(40, 41),
  });
  assert.deepEqual(errorOf(`${K}stolen_update`), {
    span: sp(33, 33),
    message: 'stolen_update needs `stolen_time=`: expected nanoseconds like `stolen_time=154233`',
  });
});

test('kvm write_tsc_offset prev=VALUE next=VALUE', () => {
  const b = bodyOf(statementOf(`${K}write_tsc_offset prev=0 next=18446744069414584320`), 'write_tsc_offset');
  assert.deepEqual(b.prev, { value: 0n, span: sp(42, 43) });
  // 2^64 - 2^32
  assert.deepEqual(b.next, { value: 0xffffffff00000000n, span: sp(49, 69) });
});

// ---- sched -----------------------------------------------------------------------------------

test('sched wait DURATION', () => {
  const s = statementOf(`${S}wait 154233ns`);
  assert.deepEqual(s.actor, { value: 'sched', span: sp(16, 21) });
  assert.deepEqual(bodyOf(s, 'sched_wait').duration, { value: 154233n, span: sp(27, 35) });
  assert.equal(bodyOf(statementOf(`${S}wait 1.5ms`), 'sched_wait').duration.value, 1500000n);
});

test('sched wait: a second duration is an unexpected argument (HVT091); none is HVT090', () => {
  const s = statementOf(`${S}wait 1.5ms 2ms`);
  assert.deepEqual(bodyOf(s, 'sched_wait').duration, { value: 1500000n, span: sp(27, 32) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@33-36']);
  assert.equal(s.notes[0].message, 'unexpected argument `2ms` for wait; ignored');
  assert.deepEqual(errorOf(`${S}wait`), {
    span: sp(26, 26),
    message: 'expected a duration like 154233ns, found nothing',
  });
  assert.deepEqual(errorOf(`${S}wait 100`), {
    span: sp(27, 30),
    message: 'expected a duration like 154233ns, 1.5ms or 30s, found `100`',
  });
});

// ---- vmm -------------------------------------------------------------------------------------

test('vmm pause, resume, snapshot, restore', () => {
  for (const op of ['pause', 'resume', 'snapshot', 'restore'] as const) {
    const s = statementOf(`${W}${op}`);
    assert.deepEqual(s.actor, { value: 'vmm', span: sp(10, 13) });
    assert.deepEqual(s.op, { value: op, span: sp(14, 14 + op.length) });
    assert.deepEqual(s.body, { type: op });
    assert.deepEqual(s.notes, []);
  }
});

test('vmm migrate to=HOST', () => {
  assert.deepEqual(bodyOf(statementOf(`${W}migrate to=dst`), 'migrate').to, { value: 'dst', span: sp(25, 28) });
  assert.deepEqual(errorOf(`${W}migrate`), {
    span: sp(21, 21),
    message: 'migrate needs `to=`: expected the destination host like `to=dst`',
  });
  assert.deepEqual(errorOf(`${W}migrate to=a/b`), {
    span: sp(25, 28),
    message: 'expected a name (letters, digits, `_`, `-`, `.`), found `a/b`',
  });
});

test('vmm sample realtime=NS counter=VALUE, on a VM or a host', () => {
  const b = bodyOf(statementOf(`${W}sample realtime=50000010000 counter=0x2540BE400`), 'sample');
  assert.deepEqual(b.realtime, { value: 50000010000n, span: sp(30, 41) });
  assert.deepEqual(b.counter, { value: 10000000000n, span: sp(50, 61) });
  const h = statementOf('1.0 h vmm sample counter=5');
  assert.equal(bodyOf(h, 'sample').counter?.value, 5n);
  assert.equal(bodyOf(h, 'sample').realtime, undefined);
});

test('vmm note TEXT...: the raw rest of the line up to the comment, `->` and `=` included', () => {
  const s = statementOf(`${W}note guest  booted -> ok a=b # not part of it`);
  assert.deepEqual(bodyOf(s, 'note').text, { value: 'guest  booted -> ok a=b', span: sp(19, 42) });
  assert.deepEqual(s.args, []);
  assert.equal(s.result, undefined);
  assert.deepEqual(s.span, sp(0, 42));
  assert.deepEqual(bodyOf(statementOf(`${W}note`), 'note').text, { value: '', span: sp(18, 18) });
  assert.equal(bodyOf(statementOf('1.0 h vmm note host note'), 'note').text.value, 'host note');
});

test('an unknown vmm operation is HVT091 on the op, its words kept', () => {
  const s = statementOf(`${W}frobnicate now`);
  assert.deepEqual(s.body, { type: 'unknown_op', name: 'frobnicate' });
  assert.deepEqual(notesOf(s.notes), ['HVT091@14-24']);
  assert.equal(s.notes[0].message, 'unknown vmm operation `frobnicate`; accepted without effect on the model');
  assert.deepEqual(s.args, [{ value: { value: 'now', span: sp(25, 28) }, span: sp(25, 28) }]);
});
