import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { ARM64_TIMER, X86_TIMER, armVtimerAt, irqAt } from '../timerFixtures';

// docs/reference/kvm-timers.md#41-arm64-early-25-mhz-vtimer-vm-offset at 25 MHz: voffset 250000000 here, so a timer due at 20 s has CVAL
// 25e6 × 20 - 250000000 = 250000000. Early tolerance (docs/timers.md#t2-model) = 2 ticks + 1 µs = 27 ticks.
const DUE_20 = [...ARM64_TIMER, ...armVtimerAt(20, 250000000n)]; // armed on lines 6-7

test('fires on the delivery 1 ms before CVAL, with the counter, CVAL and amount in ticks and time', () => {
  // 19.999 s: CNTVCT = 499975000 - 250000000 = 249975000, 25000 ticks (1 ms) below CVAL
  const d = check([...DUE_20, ...irqAt('19.999000000')]);
  assert.deepEqual(codesAt(d), ['HVT040@9']);
  const [f] = only(d, 'HVT040');
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    "the virtual timer (CNTV) of vcpu0 of vm1 on h is delivered 25000 ticks (1 ms at 25 MHz) early: the guest counter is 249975000 but CVAL is 250000000 (tolerance 27 ticks (1.08 µs at 25 MHz)); KVM fires only once the counter has reached it, so the offset KVM used differs from the model's",
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [7, 'the timer was armed here'],
      [4, 'the offset the model compares it with was set here'],
    ],
  );
});

test('the tolerance: 27 ticks early is on time, 28 is early', () => {
  // 20 s − 27 × 40 ns = 19.99999892 s; − 28 × 40 ns = 19.99999888 s
  assert.deepEqual(codesAt(check([...DUE_20, ...irqAt('19.999998920')])), []);
  assert.deepEqual(codesAt(check([...DUE_20, ...irqAt('19.999998880')])), ['HVT040@9']);
});

test('judged with the compare value in force at the delivery: a later re-arm changes nothing', () => {
  assert.deepEqual(
    codesAt(
      check([...DUE_20, ...irqAt('20.000000000'), '20.000001000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 900000000']),
    ),
    [],
  );
  // re-armed later BEFORE the delivery: the new CVAL is in force, 250000000 ticks away
  const d = check([
    ...DUE_20,
    '19.999500000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 500000000',
    ...irqAt('20.000000000'),
  ]);
  assert.deepEqual(codesAt(d), ['HVT040@10']);
  assert.match(
    d[0].message,
    /delivered 250000000 ticks \(10 s at 25 MHz\) early: the guest counter is 250000000 but CVAL is 500000000/,
  );
});

test('a level=1 that does not raise the line (a vcpu_load re-evaluation) is not a delivery', () => {
  // the line is already high after the on-time delivery; a load re-evaluates it after a re-arm
  // without an IRQ exit or an expiry in between: no edge, no judgement
  assert.deepEqual(
    codesAt(
      check([
        ...DUE_20,
        ...irqAt('20.000000000'),
        '20.000010000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 500000000',
        '20.000020000 h/vm1/vcpu0 kvm timer_irq vtimer level=1',
      ]),
    ),
    [],
  );
});

test('a disabled timer, or one the trace never established, is not judged', () => {
  assert.deepEqual(
    codesAt(check([...DUE_20, '19.998000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 0', ...irqAt('19.999000000')])),
    [],
  );
  // vcpu1 was never created: its CVAL is unknown
  assert.deepEqual(codesAt(check([...ARM64_TIMER, ...irqAt('19.999000000', 1)])), []);
});

test('the physical timer compares with CNTPCT = C − poffset', () => {
  // poffset 0: CNTP_CVAL 500000000 is C at 20 s; delivered at 19.999 s, 25000 ticks early
  const d = check([
    ...ARM64_TIMER,
    '19.000000000 h/vm1/vcpu0 guest write CNTP_CVAL_EL0 = 500000000',
    '19.000000000 h/vm1/vcpu0 guest write CNTP_CTL_EL0 = 1',
    ...irqAt('19.999000000', 0, 'ptimer'),
  ]);
  assert.deepEqual(codesAt(d), ['HVT040@9']);
  assert.match(
    d[0].message,
    /^the physical timer \(CNTP\) of vcpu0 of vm1 on h is delivered 25000 ticks \(1 ms at 25 MHz\) early/,
  );
});

// docs/reference/kvm-timers.md#47-x86-early-through-the-advance-cap-25-ghz-hv-timer at 2.5 GHz: kvm_wait_lapic_expire delta -4000 after a preemption-timer exit.
// The binding early tolerance is 200 ns + 1 µs = 3000 cycles (the reference's own example uses
// 500 cycles after subtracting the 2500-cycle advance; docs/timers.md#t2-model's tolerance includes it).
const DEADLINE = [...X86_TIMER, '1.002000000 h/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 15000000']; // line 7: due at 1.006 s

test('x86: wait_lapic_expire delta below minus the early tolerance at a PREEMPTION_TIMER exit', () => {
  const d = check([
    ...DEADLINE,
    '1.005998400 h/vm1/vcpu0 kvm exit PREEMPTION_TIMER',
    '1.005998400 h/vm1/vcpu0 kvm wait_lapic_expire delta=-4000',
  ]);
  assert.deepEqual(codesAt(d), ['HVT040@9']);
  assert.equal(
    d[0].message,
    'kvm_wait_lapic_expire shows the LAPIC timer of vcpu0 of vm1 on h 4000 ticks (1.6 µs at 2.5 GHz) early (delta -4000 cycles, after a PREEMPTION_TIMER exit): the guest is entered with the timer interrupt before its TSC reaches the deadline (tolerance 3000 ticks (1.2 µs at 2.5 GHz))',
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [7],
  );
  assert.deepEqual(
    codesAt(
      check([
        ...DEADLINE,
        '1.005998800 h/vm1/vcpu0 kvm exit PREEMPTION_TIMER',
        '1.005998800 h/vm1/vcpu0 kvm wait_lapic_expire delta=-3000',
      ]),
    ),
    [],
  );
});

test('x86: a timer_irq lapic judged on the guest TSC against the deadline; a one-shot timer against its expiry', () => {
  // 1.005998 s: TSC = 14995000, 5000 cycles (2 µs) before 15000000
  const d = check([...DEADLINE, '1.005998000 h/vm1/vcpu0 kvm timer_irq lapic level=1']);
  assert.deepEqual(codesAt(d), ['HVT040@8']);
  assert.match(
    d[0].message,
    /delivered 5000 ticks \(2 µs at 2\.5 GHz\) early: the guest TSC is 14995000 but its deadline is 15000000/,
  );
  // one-shot: LVTT 0xec, TDCR 0xb (÷1), TMICT 1000000 at 1.002 s: expires at 1.003 s; delivered at 1.0029 s
  const oneShot = check([
    ...X86_TIMER.slice(0, 5),
    '1.001000000 h/vm1/vcpu0 guest write APIC_LVTT = 0xec',
    '1.001000000 h/vm1/vcpu0 guest write APIC_TDCR = 0xb',
    '1.002000000 h/vm1/vcpu0 guest write APIC_TMICT = 1000000',
    '1.002900000 h/vm1/vcpu0 kvm timer_irq lapic level=1',
  ]);
  assert.deepEqual(codesAt(oneShot), ['HVT040@9']);
  assert.equal(
    oneShot[0].message,
    'the LAPIC timer of vcpu0 of vm1 on h is delivered 100 µs before its expiry at 1.003000000 s (tolerance 1.2 µs)',
  );
});
