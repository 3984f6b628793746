import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../fixtures';
import { X86_MIGRATION } from '../fixtures';

// §7 (src created at 10 s, voffset 250000025; G_before 249999975 at the 20 s pause) with vcpu0's
// virtual timer armed at 19.9 s for 20.9 s: CVAL = C_src(20.9) - 250000025 = 272499975.
const ARMED = [
  ...SPEC_EXAMPLE.slice(0, 9),
  '19.900000000 src/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 272499975', // 10
  '19.900000000 src/vm1/vcpu0 guest write CNTV_CTL_EL0 = 1', //          11
  ...SPEC_EXAMPLE.slice(9),
  '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CTL value=1', //        17
  '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CVAL value=272499975', // 18
];

test('at the resume point of a by-value restore the timer fires 599.99 ms late, with ε and both fire times', () => {
  // offset 5264999775 (line 19): KVM fires at C_dst = 272499975 + 5264999775 = 5537499750, 21.49999 s.
  // On the policy line (265002475 at 20.6001 s) it fires 272499975 - 265002475 = 7497500 ticks
  // (299.9 ms) later: at 20.9 s.
  const d = check([...ARMED, ...SPEC_EXAMPLE_RESTORE]);
  assert.deepEqual(codesAt(d), ['HVT011@19', 'HVT010@20', 'HVT044@20']);
  const [f] = only(d, 'HVT044');
  assert.equal(f.severity, 'warning');
  assert.equal(
    f.message,
    "at this resume point the virtual timer (CNTV) of vcpu0 of vm1 on dst (CVAL 272499975) fires 14999750 ticks (599.99 ms at 25 MHz) later than the VM's policy says: at 21.499990000 s instead of 20.900000000 s: the guest counter is behind its time line by that much",
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [19, 'the offset in force was set here'],
      [18, 'the timer was armed here'],
    ],
  );
});

test('an idempotent restore, or no armed timer: nothing', () => {
  const idempotent = [
    '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ];
  assert.deepEqual(only(check([...ARMED, ...idempotent]), 'HVT044'), []);
  assert.deepEqual(codesAt(check([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE])), ['HVT011@15', 'HVT010@16']);
});

test('within the tolerance: a 40 µs shift is not reported, the same with @tolerance 10us is', () => {
  // offset 5250000025 + 1000 ticks: the guest 1000 ticks (40 µs) behind its line, so the timer
  // fires at 20.9 s + 40 µs
  const near = [
    '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250001025',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ];
  assert.deepEqual(only(check([...ARMED, ...near]), 'HVT044'), []);
  const strict = check([...ARMED.slice(0, 4), '@tolerance 10us', ...ARMED.slice(4), ...near]);
  assert.match(
    only(strict, 'HVT044')[0].message,
    /fires 1000 ticks \(40 µs at 25 MHz\) later than the VM's policy says: at 20\.900040000 s instead of 20\.900000000 s/,
  );
});

test('while running, a vCPU creation that resets voffset moves an armed timer (gVisor #5739)', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '@vm vm1',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //                       4: voffset 250000000
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '14.000000000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 375000000', //        6: due at 25 s
    '14.000000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 1',
    '15.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1', //                       8: voffset = C(15) = 375000000
  ]);
  assert.deepEqual(
    only(d, 'HVT044').map((f) => [f.range.start.line + 1, f.message]),
    [
      [
        8,
        'this offset change moves the virtual timer (CNTV) of vcpu0 of vm1 on h (CVAL 375000000) 125000000 ticks (5 s at 25 MHz) later: it now fires at 30.000000000 s instead of 25.000000000 s',
      ],
    ],
  );
});

test('x86: a TSC offset change while armed leaves the deadline in host time (docs/reference/kvm-timers.md#410-x86-offset-changes-while-armed)', () => {
  // X86_MIGRATION source: guest TSC = 2e9·t - 2e10; the guest arms D = 20e9 (due at 20 s), then at
  // 19 s (TSC 18e9) writes IA32_TSC = 19e9, 1e9 cycles ahead: the TSC now reaches D at 19.5 s, but
  // KVM's host timer still fires at 20 s, 1e9 cycles (500 ms) after it.
  const d = check([
    ...X86_MIGRATION.slice(0, 6),
    '18.000000000 s/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 20000000000', //   7: 2e9·20 - 2e10, due at 20 s
    '19.000000000 s/vm1/vcpu0 guest write IA32_TSC = 19000000000', //          8: 1 s ahead (18e9 at 19 s)
  ]);
  assert.deepEqual(
    only(d, 'HVT044').map((f) => [f.range.start.line + 1, f.message]),
    [
      [
        8,
        'this TSC change leaves the LAPIC timer of vcpu0 of vm1 on s (TSC deadline 20000000000) where KVM converted it to host time when it was armed: it fires at 20.000000000 s, 1000000000 ticks (500 ms at 2 GHz) later than the guest TSC reaches its deadline (19.500000000 s)',
      ],
    ],
  );
});
