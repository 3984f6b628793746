import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { applyFix } from '../testing';
import { ARM64_TIMER, X86_TIMER, armVtimerAt, irqAt } from '../timerFixtures';

// An earlier tick delivered at 15 s (evidence that the trace records this timer's interrupts),
// then a timer due at 20 s: its CVAL is written on line 10 (CTL is still 1 on line 11, which
// changes nothing: line 10 armed it); the vCPU enters the guest at 20.05 s.
const EVIDENCE = [...ARM64_TIMER, ...armVtimerAt(15, 125000000n), ...irqAt('15.000000000')]; // lines 6-9
const DUE_20 = [...EVIDENCE, ...armVtimerAt(20, 250000000n)]; // lines 10-11
const RUNS_AFTER = ['20.050000000 h/vm1/vcpu0 kvm entry', '20.200000000 h/vm1/vcpu0 kvm exit HLT']; // lines 12-13

test('fires on the arming statement once the deadline passed by 100 ms with an entry after it and no delivery', () => {
  const d = check([...DUE_20, ...RUNS_AFTER]);
  assert.deepEqual(codesAt(d), ['HVT042@10']);
  const [f] = only(d, 'HVT042');
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'the virtual timer (CNTV) of vcpu0 of vm1 on h armed here never fires: its CVAL 250000000 was reached at 20.000000000 s, the vCPU entered the guest after that, and no interrupt came within 100 ms',
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [[12, 'the vCPU entered the guest here, after the deadline, and KVM did not inject the timer']],
  );
});

test('re-armed, masked or disabled in time: not lost', () => {
  for (const rearm of [
    '20.050000000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 500000000',
    '20.050000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 3',
    '20.050000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 0',
  ]) {
    assert.deepEqual(codesAt(check([...DUE_20, rearm, ...RUNS_AFTER])), [], rearm);
  }
  // a delivery, even a late one within 100 ms, closes it
  assert.deepEqual(codesAt(check([...DUE_20, ...irqAt('20.040000000'), ...RUNS_AFTER])), ['HVT041@13']);
});

test("gating: without any timer_irq for this guest vCPU's timer, no loss is reported", () => {
  assert.deepEqual(codesAt(check([...ARM64_TIMER, ...armVtimerAt(20, 250000000n), ...RUNS_AFTER])), []);
  // the first record comes later in the trace: the loss is reported then, on the arming statement
  const d = check([
    ...ARM64_TIMER,
    ...armVtimerAt(20, 250000000n),
    ...RUNS_AFTER,
    ...armVtimerAt(30, 500000000n),
    ...irqAt('30.000000000'),
  ]);
  assert.deepEqual(codesAt(d), ['HVT042@7']);
  assert.deepEqual(
    d[0].related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [8, 'the vCPU entered the guest here, after the deadline, and KVM did not inject the timer'],
      [13, "the trace records this timer's interrupts (first here)"],
    ],
  );
});

test('the trace ends before t_d + the lost tolerance, or the vCPU never entered after t_d: not lost', () => {
  assert.deepEqual(
    codesAt(check([...DUE_20, '20.050000000 h/vm1/vcpu0 kvm entry', '20.099000000 h/vm1/vcpu0 kvm exit HLT'])),
    [],
  );
  assert.deepEqual(
    codesAt(check([...DUE_20, '19.995000000 h/vm1/vcpu0 kvm exit HLT', '25.000000000 h/vm1 vmm note still halted'])),
    [],
  );
  // the entry itself at 20.15 s is not enough: a load may inject the timer right after it
  assert.deepEqual(codesAt(check([...DUE_20, '20.150000000 h/vm1/vcpu0 kvm entry'])), []);
  assert.deepEqual(
    codesAt(check([...DUE_20, '20.150000000 h/vm1/vcpu0 kvm entry', '20.150000001 h/vm1 vmm note later'])),
    ['HVT042@10'],
  );
});

test('timer_lost overrides the lost tolerance', () => {
  const lenient = [...DUE_20.slice(0, 1), '@tolerance timer_lost=1s', ...DUE_20.slice(1)];
  assert.deepEqual(codesAt(check([...lenient, ...RUNS_AFTER])), []);
  assert.match(
    check([...lenient, ...RUNS_AFTER, '21.000000001 h/vm1 vmm note'])[0].message,
    /no interrupt came within 1 s$/,
  );
});

// x86 (2.5 GHz, LAPIC in TSC-deadline mode from line 6).
test('x86: a deadline written while LVTT is in one-shot mode is dropped (not gated)', () => {
  const d = check([
    ...X86_TIMER,
    '1.001500000 h/vm1/vcpu0 guest write APIC_LVTT = 0xec',
    '1.002000000 h/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 15000000',
  ]);
  assert.deepEqual(codesAt(d), ['HVT042@8']);
  assert.equal(
    d[0].message,
    'KVM drops this IA32_TSC_DEADLINE=15000000 of vcpu0 of vm1 on h: LVTT 0xec is in one-shot mode, not TSC-deadline mode, so nothing is armed (kvm_set_lapic_tscdeadline_msr returns without an error)',
  );
});

test('x86: a TSC-deadline timer armed and never injected, with the vCPU running', () => {
  const armed = [
    ...X86_TIMER,
    '1.002000000 h/vm1/vcpu0 kvm timer_irq lapic level=1',
    '1.003000000 h/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 15000000',
  ]; // due 1.006 s
  const d = check([...armed, '1.010000000 h/vm1/vcpu0 kvm entry', '1.200000000 h/vm1/vcpu0 kvm exit HLT']);
  assert.deepEqual(codesAt(d), ['HVT042@8']);
  assert.match(
    d[0].message,
    /^the LAPIC timer of vcpu0 of vm1 on h armed here never fires: its TSC deadline 15000000 was reached at 1\.006000000 s/,
  );
  // a masked LVTT consumes the deadline without an interrupt: not lost
  assert.deepEqual(
    codesAt(
      check([
        ...armed,
        '1.004000000 h/vm1/vcpu0 guest write APIC_LVTT = 0x500ec',
        '1.010000000 h/vm1/vcpu0 kvm entry',
        '1.200000000 h/vm1/vcpu0 kvm exit HLT',
      ]),
    ),
    [],
  );
});

// kata-containers/kata-containers#13798: MSRs restored before the LAPIC.
const KATA = [
  '@hvtrace 1',
  '@host h arch=x86_64 freq=2GHz',
  '@vm vm1 vcpus=1',
  '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //                                                4: LVTT 0x10000
  '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000 IA32_TSC_DEADLINE=20004000000', // 5
  '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0 tmcct=0 tdcr=0', //               6
  '1.000300000 h/vm1/vcpu0 ioctl KVM_RUN', //                                                       7
];

test('x86: a deadline restored before KVM_SET_LAPIC is dropped; the quick fix moves it after', () => {
  const d = check(KATA);
  assert.deepEqual(codesAt(d), ['HVT042@5', 'HVT045@6']);
  const [f] = only(d, 'HVT042');
  assert.equal(
    f.message,
    'KVM drops this IA32_TSC_DEADLINE=20004000000 of vcpu0 of vm1 on h: LVTT is still at its reset value 0x10000 (one-shot, masked) until the KVM_SET_LAPIC on line 6, which then clears the deadline as it enters TSC-deadline mode; the restored timer is lost. Restore the LAPIC first',
  );
  assert.deepEqual(
    f.related.map((r) => r.range.start.line + 1),
    [6],
  );
  const fixed = applyFix(KATA.join('\n'), f.fixes[0]);
  assert.deepEqual(fixed.split('\n').slice(4), [
    '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000',
    '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0 tmcct=0 tdcr=0',
    '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=20004000000',
    '1.000300000 h/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(check(fixed.split('\n'))), []);
});

test('x86: the LAPIC restored first, or a vCPU that already ran: the deadline stands', () => {
  assert.deepEqual(
    codesAt(
      check([
        ...KATA.slice(0, 4),
        '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0 tmcct=0 tdcr=0',
        '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000 IA32_TSC_DEADLINE=20004000000',
        KATA[6],
      ]),
    ),
    [],
  );
  // the guest ran before the deadline write (it programmed LVTT itself, untraced): no drop
  assert.deepEqual(
    codesAt(check([...KATA.slice(0, 4), '1.000050000 h/vm1/vcpu0 ioctl KVM_RUN', KATA[4], KATA[5]])),
    [],
  );
});
