import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { ARM64_TIMER, X86_TIMER, armVtimerAt, irqAt } from '../timerFixtures';

// A timer due at 20 s (CVAL 25e6 × 20 - 250000000 = 250000000), armed on lines 6-7 at 19.99 s.
const DUE_20 = [...ARM64_TIMER, ...armVtimerAt(20, 250000000n), '19.990000000 h/vm1/vcpu0 kvm entry']; // entry: line 8

test('fires on the first delivery more than 100 µs after the deadline of a running vCPU, in ticks and time', () => {
  // 20.0045 s: 4.5 ms = 112500 ticks late (docs/reference/kvm-timers.md#42-arm64-late-100-mhz-vcpu-running at 25 MHz)
  const d = check([...DUE_20, ...irqAt('20.004500000')]);
  assert.deepEqual(codesAt(d), ['HVT041@10']);
  const [f] = only(d, 'HVT041');
  assert.equal(f.severity, 'warning');
  assert.equal(
    f.message,
    'the virtual timer (CNTV) of vcpu0 of vm1 on h is delivered 112500 ticks (4.5 ms at 25 MHz) late: its CVAL 250000000 was reached at 20.000000000 s (tolerance 100 µs)',
  );
  assert.deepEqual(
    f.related.map((r) => r.range.start.line + 1),
    [7],
  );
});

test('within tolerance: 100 µs late is on time, 100.04 µs is late', () => {
  assert.deepEqual(codesAt(check([...DUE_20, ...irqAt('20.000100000')])), []);
  assert.deepEqual(codesAt(check([...DUE_20, ...irqAt('20.000100040')])), ['HVT041@10']);
});

test('a vCPU blocked in WFx at the deadline has 1 ms (docs/reference/kvm-timers.md#42-arm64-late-100-mhz-vcpu-running: WFI, injection at load 600 µs late)', () => {
  const blocked = [...DUE_20, '19.995000000 h/vm1/vcpu0 kvm exit WFx'];
  assert.deepEqual(codesAt(check([...blocked, '20.000600000 h/vm1/vcpu0 kvm timer_irq vtimer level=1'])), []);
  const d = check([...blocked, '20.001500000 h/vm1/vcpu0 kvm timer_irq vtimer level=1']);
  assert.deepEqual(codesAt(d), ['HVT041@10']);
  assert.equal(
    d[0].message,
    'the virtual timer (CNTV) of vcpu0 of vm1 on h is delivered 37500 ticks (1.5 ms at 25 MHz) late: its CVAL 250000000 was reached at 20.000000000 s (tolerance 1 ms, the vCPU was blocked in WFx/HLT)',
  );
  // an entry between the WFx exit and the deadline: running again, 100 µs
  assert.deepEqual(
    codesAt(
      check([
        ...blocked,
        '19.998000000 h/vm1/vcpu0 kvm entry',
        '20.000600000 h/vm1/vcpu0 kvm timer_irq vtimer level=1',
      ]),
    ),
    ['HVT041@11'],
  );
});

test("lateness explained by run-queue waits is not the timer's; the message says how much was wait", () => {
  // 320 µs late; the thread waited 300 µs (20.0 to 20.0003) on the run queue: 20 µs remain
  assert.deepEqual(
    codesAt(check([...DUE_20, '20.000300000 h/vm1/vcpu0 sched wait 300us', ...irqAt('20.000320000')])),
    [],
  );
  // 2 ms late with 1 ms of waiting: 1 ms remains (25000 ticks)
  const d = check([...DUE_20, '20.001500000 h/vm1/vcpu0 sched wait 1ms', ...irqAt('20.002000000')]);
  assert.deepEqual(codesAt(d), ['HVT041@11']);
  assert.equal(
    d[0].message,
    'the virtual timer (CNTV) of vcpu0 of vm1 on h is delivered 25000 ticks (1 ms at 25 MHz) late: its CVAL 250000000 was reached at 20.000000000 s, not counting 1 ms the vCPU waited on the host run queue (2 ms in all) (tolerance 100 µs)',
  );
  // only the part of a wait after the deadline counts: 19.9995–20.0005 overlaps 0.5 ms
  assert.match(
    check([...DUE_20, '20.000500000 h/vm1/vcpu0 sched wait 1ms', ...irqAt('20.002000000')])[0].message,
    /delivered 37500 ticks \(1\.5 ms at 25 MHz\) late: .*not counting 500 µs/,
  );
});

test('masked after the deadline: lateness counts from when it became armable again', () => {
  // masked at 19.995 s, unmasked at 20.5 s (the deadline passed meanwhile), delivered 50 µs later
  const d = check([
    ...DUE_20,
    '19.995000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 3',
    '20.500000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 1',
    ...irqAt('20.500050000'),
  ]);
  assert.deepEqual(codesAt(d), []);
  // without the mask it is 500.05 ms (12501250 ticks) late
  assert.match(
    check([...DUE_20, ...irqAt('20.500050000')])[0].message,
    /delivered 12501250 ticks \(500\.05 ms at 25 MHz\) late/,
  );
});

test('a deadline that falls while the VM is paused counts from the resume point', () => {
  const paused = [
    ...DUE_20,
    '19.995000000 h/vm1 vmm pause',
    '21.000000000 h/vm1 vmm resume',
    '21.000000000 h/vm1/vcpu0 ioctl KVM_RUN',
  ];
  assert.deepEqual(codesAt(check([...paused, ...irqAt('21.000050000')], { tolerance: 10_000_000_000n })), []);
  const d = check([...paused, ...irqAt('21.000500000')], { tolerance: 10_000_000_000n });
  assert.deepEqual(codesAt(d), ['HVT041@13']);
  assert.match(
    d[0].message,
    /delivered 12500 ticks \(500 µs at 25 MHz\) late: its CVAL 250000000 was reached at 20\.000000000 s, and the vCPU only ran again at 21\.000000000 s/,
  );
});

test('no delivery records: nothing is late (gating); the timer_late tolerance override', () => {
  assert.deepEqual(codesAt(check([...DUE_20, '20.500000000 h/vm1/vcpu0 kvm exit HLT'])), []);
  const lenient = [...DUE_20.slice(0, 1), '@tolerance timer_late=5ms', ...DUE_20.slice(1)];
  assert.deepEqual(codesAt(check([...lenient, ...irqAt('20.004500000')])), []);
});

// docs/reference/kvm-timers.md#48-x86-late at 2.5 GHz: delta 250000 cycles is exactly 100 µs, not late; 250001 is.
const X86_DUE = [...X86_TIMER, '1.002000000 h/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 15000000']; // line 7

test('x86: wait_lapic_expire delta above the late tolerance in cycles (the §4.8 boundary)', () => {
  assert.deepEqual(codesAt(check([...X86_DUE, '1.006100000 h/vm1/vcpu0 kvm wait_lapic_expire delta=250000'])), []);
  const d = check([...X86_DUE, '1.006100000 h/vm1/vcpu0 kvm wait_lapic_expire delta=250001']);
  assert.deepEqual(codesAt(d), ['HVT041@8']);
  assert.equal(
    d[0].message,
    'kvm_wait_lapic_expire shows the LAPIC timer of vcpu0 of vm1 on h 250001 ticks (100 µs at 2.5 GHz) late (delta 250001 cycles) (tolerance 250000 ticks (100 µs at 2.5 GHz))',
  );
  // the run-queue wait before it explains it
  assert.deepEqual(
    codesAt(
      check([
        ...X86_DUE,
        '1.006090000 h/vm1/vcpu0 sched wait 50us',
        '1.006100000 h/vm1/vcpu0 kvm wait_lapic_expire delta=300000',
      ]),
    ),
    [],
  );
});

test('x86: a periodic timer at its rate is on time; one delivery 300 µs late is not', () => {
  // LVTT periodic (0x200ec), TDCR 0xb (÷1), TMICT 1000000: a 1 ms period from 1.002 s
  const periodic = [
    ...X86_TIMER.slice(0, 5),
    '1.001000000 h/vm1/vcpu0 guest write APIC_LVTT = 0x200ec',
    '1.001000000 h/vm1/vcpu0 guest write APIC_TDCR = 0xb',
    '1.002000000 h/vm1/vcpu0 guest write APIC_TMICT = 1000000',
  ];
  const ticks = ['1.003000000', '1.004000000', '1.005000000'].map(
    (t) => `${t} h/vm1/vcpu0 kvm timer_irq lapic level=1`,
  );
  assert.deepEqual(codesAt(check([...periodic, ...ticks])), []);
  const d = check([...periodic, ...ticks, '1.006300000 h/vm1/vcpu0 kvm timer_irq lapic level=1']);
  assert.deepEqual(codesAt(d), ['HVT041@12']);
  assert.equal(
    d[0].message,
    'the LAPIC timer of vcpu0 of vm1 on h is delivered 300 µs late: it expired at 1.006000000 s (tolerance 100 µs)',
  );
});
