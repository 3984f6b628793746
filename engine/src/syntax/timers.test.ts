// The timer statements of docs/timers.md#t1-statements: every statement parses with its typed body and exact
// spans; bad timer names, CTL bits, LAPIC values and levels are HVT090 with "expected …, found …".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, directiveOf, errorOf, known, notesOf, sp, statementOf } from './testing';
import { printDirective, printStatement } from './print';

const G = '1.0 h/vm1/vcpu0 guest '; // op at column 22
const K = '1.0 h/vm1/vcpu0 kvm '; //   op at column 20
const I = '1.0 h/vm1/vcpu0 ioctl '; // op at column 22

test('guest write of the arm64 timer registers, TVAL and the NV EL2 timers', () => {
  for (const reg of [
    'CNTV_CTL_EL0',
    'CNTV_CVAL_EL0',
    'CNTV_TVAL_EL0',
    'CNTP_CTL_EL0',
    'CNTP_CVAL_EL0',
    'CNTP_TVAL_EL0',
    'CNTHV_CTL_EL2',
    'CNTHP_TVAL_EL2',
  ]) {
    const s = statementOf(`${G}write ${reg} = 5`);
    const b = bodyOf(s, 'guest_write');
    assert.deepEqual(b.reg, { value: reg, span: sp(28, 28 + reg.length) }, reg);
    assert.equal(b.value.value, 5n);
    assert.deepEqual(s.notes, [], reg);
  }
  // TVAL is a signed 32-bit count: a negative value is kept as its u64 (the model sign-extends the low 32 bits)
  assert.equal(bodyOf(statementOf(`${G}write CNTV_TVAL_EL0 = -25`), 'guest_write').value.value, 18446744073709551591n);
});

test('CTL values with bits other than ENABLE, IMASK and ISTATUS are HVT090 on the value', () => {
  assert.deepEqual(errorOf(`${G}write CNTV_CTL_EL0 = 8`), {
    span: sp(43, 44),
    message: 'expected CTL bits ENABLE=1, IMASK=2, ISTATUS=4 (a value from 0 to 7), found `8`',
  });
  assert.deepEqual(
    errorOf(`${G}write CNTP_CTL_EL0 = -1`).message,
    'expected CTL bits ENABLE=1, IMASK=2, ISTATUS=4 (a value from 0 to 7), found `-1`',
  );
  assert.deepEqual(errorOf(`${I}KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CTL value=0x10`), {
    span: sp(69, 73),
    message: 'expected CTL bits ENABLE=1, IMASK=2, ISTATUS=4 (a value from 0 to 7), found `0x10`',
  });
  // ISTATUS is allowed (read-only, dropped on write)
  assert.equal(bodyOf(statementOf(`${G}write CNTV_CTL_EL0 = 7`), 'guest_write').value.value, 7n);
});

test('guest write of the LAPIC timer registers and their x2APIC MSRs (0x832, 0x838, 0x83E)', () => {
  for (const reg of ['APIC_LVTT', 'APIC_TMICT', 'APIC_TDCR'])
    assert.equal(bodyOf(statementOf(`${G}write ${reg} = 0xb`), 'guest_write').reg.value, reg);
  const x = bodyOf(statementOf(`${G}write IA32_X2APIC_LVT_TIMER = 0x400ec`), 'guest_write');
  assert.deepEqual(known(x.reg.value as object, 'index', 'role'), {
    name: 'IA32_X2APIC_LVT_TIMER',
    index: 0x832n,
    role: 'x2apic_lvtt',
  });
  assert.deepEqual(known(bodyOf(statementOf(`${G}write 0x838 = 1000`), 'guest_write').reg.value as object, 'index'), {
    name: 'IA32_X2APIC_INIT_COUNT',
    index: 0x838n,
  });
  assert.deepEqual(known(bodyOf(statementOf(`${G}write 0x83E = 0xb`), 'guest_write').reg.value as object, 'index'), {
    name: 'IA32_X2APIC_DIV_CONF',
    index: 0x83en,
  });
});

test('LAPIC register values: 32 bits, LVTT mode 3 reserved, TDCR bits 0, 1 and 3', () => {
  assert.deepEqual(errorOf(`${G}write APIC_LVTT = 0x60000`), {
    span: sp(40, 47),
    message:
      'expected an LVTT timer mode (bits 17–18) of 0 one-shot, 1 periodic or 2 TSC-deadline, not the reserved 3, found `0x60000`',
  });
  assert.equal(
    errorOf(`${G}write APIC_TMICT = 0x100000000`).message,
    'expected a 32-bit LAPIC register value (0 to 0xFFFFFFFF), found `0x100000000`',
  );
  assert.equal(
    errorOf(`${G}write APIC_TDCR = 4`).message,
    'expected a divide configuration using bits 0, 1 and 3 only (0x0–0x3, 0x8–0xB), found `4`',
  );
  assert.equal(
    errorOf(`${G}write IA32_X2APIC_DIV_CONF = 0x10`).message,
    'expected a divide configuration using bits 0, 1 and 3 only (0x0–0x3, 0x8–0xB), found `0x10`',
  );
  assert.equal(
    errorOf(`${I}KVM_SET_MSRS IA32_X2APIC_LVT_TIMER=0x60000`).message,
    'expected an LVTT timer mode (bits 17–18) of 0 one-shot, 1 periodic or 2 TSC-deadline, not the reserved 3, found `0x60000`',
  );
});

test('ioctl KVM_SET_LAPIC lvtt= tmict= tmcct= tdcr= and KVM_GET_LAPIC -> …', () => {
  const s = statementOf(`${I}KVM_SET_LAPIC lvtt=0x400ec tmict=1000 tmcct=400 tdcr=0xb`);
  assert.deepEqual(s.op, { value: 'KVM_SET_LAPIC', span: sp(22, 35) });
  const b = bodyOf(s, 'set_lapic');
  assert.deepEqual(b.lvtt, { value: 0x400ecn, span: sp(41, 48) });
  assert.deepEqual(b.tmict, { value: 1000n, span: sp(55, 59) });
  assert.deepEqual(b.tmcct, { value: 400n, span: sp(66, 69) });
  assert.deepEqual(b.tdcr, { value: 0xbn, span: sp(75, 78) });
  assert.equal(bodyOf(statementOf(`${I}0x4400AE8F lvtt=0x10000`), 'set_lapic').lvtt.value, 0x10000n);
  assert.deepEqual(errorOf(`${I}KVM_SET_LAPIC tmict=5`), {
    span: sp(43, 43),
    message: 'KVM_SET_LAPIC needs `lvtt=`: expected the LVT timer register like `lvtt=0x400ec`',
  });
  assert.equal(
    errorOf(`${I}KVM_SET_LAPIC lvtt=0x60000`).message,
    'expected an LVTT timer mode (bits 17–18) of 0 one-shot, 1 periodic or 2 TSC-deadline, not the reserved 3, found `0x60000`',
  );
  const g = bodyOf(statementOf(`${I}KVM_GET_LAPIC -> lvtt=0x400ec tmict=0 tmcct=0 tdcr=0`), 'get_lapic');
  assert.deepEqual([g.lvtt?.value, g.tmict?.value, g.tmcct?.value, g.tdcr?.value], [0x400ecn, 0n, 0n, 0n]);
  assert.equal(
    errorOf(`${I}KVM_GET_LAPIC -> 5`).message,
    'KVM_GET_LAPIC returns named outputs: expected `-> lvtt=VALUE tmict=VALUE tmcct=VALUE tdcr=VALUE`',
  );
});

test('kvm timer_state TIMER ctl= cval=', () => {
  const s = statementOf(`${K}timer_state vtimer ctl=0x5 cval=7500000000`);
  const b = bodyOf(s, 'timer_state');
  assert.deepEqual(b.timer, { value: 'vtimer', span: sp(32, 38) });
  assert.deepEqual(b.ctl, { value: 5n, span: sp(43, 46) });
  assert.deepEqual(b.cval, { value: 7500000000n, span: sp(52, 62) });
  assert.deepEqual(errorOf(`${K}timer_state lapic ctl=1 cval=5`), {
    span: sp(32, 37),
    message: 'expected an arm64 timer (vtimer, ptimer, hvtimer, hptimer), found `lapic`',
  });
  assert.deepEqual(errorOf(`${K}timer_state vtimer ctl=9 cval=5`), {
    span: sp(43, 44),
    message: 'expected CTL bits ENABLE=1, IMASK=2, ISTATUS=4 (a value from 0 to 7), found `9`',
  });
});

test('kvm timer_irq TIMER level=0|1, timer_expire TIMER; unknown timers and level=2 are HVT090', () => {
  const b = bodyOf(statementOf(`${K}timer_irq ptimer level=1`), 'timer_irq');
  assert.deepEqual(b.timer, { value: 'ptimer', span: sp(30, 36) });
  assert.deepEqual(b.level, { value: true, span: sp(43, 44) });
  assert.equal(bodyOf(statementOf(`${K}timer_irq hvtimer level=0`), 'timer_irq').level.value, false);
  assert.deepEqual(bodyOf(statementOf(`${K}timer_expire hptimer`), 'timer_expire').timer, {
    value: 'hptimer',
    span: sp(33, 40),
  });
  assert.deepEqual(errorOf(`${K}timer_irq vtimer level=2`), {
    span: sp(43, 44),
    message: 'expected a line level `0` or `1`, found `2`',
  });
  assert.deepEqual(errorOf(`${K}timer_irq etimer level=1`), {
    span: sp(30, 36),
    message: 'expected a timer (vtimer, ptimer, hvtimer, hptimer, lapic), found `etimer`',
  });
  assert.deepEqual(errorOf(`${K}timer_expire`), {
    span: sp(32, 32),
    message: 'expected a timer (vtimer, ptimer, hvtimer, hptimer, lapic), found nothing',
  });
  assert.deepEqual(errorOf(`${K}timer_irq lapic level=0`), {
    span: sp(42, 43),
    message: 'expected `level=1` (a LAPIC timer record is an injection), found `0`',
  });
  assert.deepEqual(notesOf(statementOf(`${K}timer_irq vtimer level=1 irq=27`).notes), ['HVT091@45-51']);
});

test('kvm wait_lapic_expire delta=N (signed), hv_timer in_use=0|1, entry, exit REASON', () => {
  assert.deepEqual(bodyOf(statementOf(`${K}wait_lapic_expire delta=-4000`), 'wait_lapic_expire').delta, {
    value: -4000n,
    span: sp(44, 49),
  });
  assert.equal(bodyOf(statementOf(`${K}wait_lapic_expire delta=250000`), 'wait_lapic_expire').delta.value, 250000n);
  assert.equal(
    errorOf(`${K}wait_lapic_expire delta=0x8000000000000000`).message,
    'expected a signed 64-bit count of cycles like -4000 or 250000, found `0x8000000000000000`',
  );
  assert.equal(bodyOf(statementOf(`${K}hv_timer in_use=1`), 'hv_timer').inUse.value, true);
  assert.equal(errorOf(`${K}hv_timer in_use=2`).message, 'expected `0` or `1`, found `2`');
  assert.deepEqual(bodyOf(statementOf(`${K}entry`), 'kvm_entry'), { type: 'kvm_entry' });
  assert.deepEqual(bodyOf(statementOf(`${K}exit PREEMPTION_TIMER`), 'kvm_exit').reason, {
    value: 'PREEMPTION_TIMER',
    span: sp(25, 41),
  });
  assert.deepEqual(errorOf(`${K}exit`), {
    span: sp(24, 24),
    message: 'expected an exit reason like IRQ, WFx, HLT or PREEMPTION_TIMER, found nothing',
  });
  assert.equal(
    errorOf('1.0 h/vm1 kvm entry').message,
    'entry: expected a vCPU location like src/vm1/vcpu0, found `h/vm1`',
  );
});

test('the canonical printer round-trips every timer statement', () => {
  const cases = [
    `${I}KVM_SET_LAPIC lvtt=0x400ec tmict=1000 tmcct=400 tdcr=0xb`,
    `${I}KVM_GET_LAPIC -> lvtt=0x10000`,
    `${K}timer_state vtimer ctl=0x5 cval=7500000000`,
    `${K}timer_irq lapic level=1`,
    `${K}timer_expire ptimer`,
    `${K}wait_lapic_expire delta=-4000`,
    `${K}hv_timer in_use=0`,
    `${K}entry`,
    `${K}exit WFx`,
  ];
  assert.deepEqual(
    cases.map((c) => printStatement(statementOf(c))),
    [
      '1.000000000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0x3e8 tmcct=0x190 tdcr=0xb',
      '1.000000000 h/vm1/vcpu0 ioctl KVM_GET_LAPIC -> lvtt=0x10000',
      '1.000000000 h/vm1/vcpu0 kvm timer_state vtimer ctl=0x5 cval=0x1bf08eb00',
      '1.000000000 h/vm1/vcpu0 kvm timer_irq lapic level=1',
      '1.000000000 h/vm1/vcpu0 kvm timer_expire ptimer',
      '1.000000000 h/vm1/vcpu0 kvm wait_lapic_expire delta=-4000',
      '1.000000000 h/vm1/vcpu0 kvm hv_timer in_use=0',
      '1.000000000 h/vm1/vcpu0 kvm entry',
      '1.000000000 h/vm1/vcpu0 kvm exit WFx',
    ],
  );
});

test('@tolerance with timer tolerances; a plain duration still works', () => {
  const d = directiveOf('@tolerance 100us timer_early=2us timer_late=1ms timer_lost=500ms timer_storm=4000').directive;
  assert.equal(d.type, 'tolerance');
  if (d.type !== 'tolerance') return;
  assert.deepEqual(
    [d.duration?.value, d.timerEarly?.value, d.timerLate?.value, d.timerLost?.value, d.timerStorm?.value],
    [100000n, 2000n, 1000000n, 500000000n, 4000],
  );
  assert.equal(
    printDirective(d),
    '@tolerance 100000ns timer_early=2000ns timer_late=1000000ns timer_lost=500000000ns timer_storm=4000',
  );
  const only = directiveOf('@tolerance timer_late=50us').directive;
  assert.deepEqual(only.type === 'tolerance' ? [only.duration, only.timerLate?.value] : [], [undefined, 50000n]);
  assert.equal(
    errorOf('@tolerance timer_late=50').message,
    'expected a duration like 154233ns, 1.5ms or 30s, found `50`',
  );
  assert.equal(
    errorOf('@tolerance timer_storm=1').message,
    'expected a count of deliveries per second like 2000 (at least 2), found `1`',
  );
  assert.deepEqual(notesOf(directiveOf('@tolerance 1ms timer_typo=1ms').notes), ['HVT091@15-29']);
});
