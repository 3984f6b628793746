import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { formatTime } from '../../values/format';
import { ARM64_TIMER, X86_TIMER } from '../timerFixtures';

// A CVAL restored far in the past (CNTVCT is 2500 at 10.0001 s), then one delivery at the load
// and re-raised deliveries every `stepNs` (the emulated timer expiring again, kvm_hrtimer_expire).
const PAST = [
  ...ARM64_TIMER.slice(0, 4),
  '10.000100000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CVAL value=1000', //  5
  '10.000100000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CTL value=1', //     6: armed here
  '10.000200000 h/vm1/vcpu0 ioctl KVM_RUN', //                                             7
  '10.000200000 h/vm1/vcpu0 kvm timer_irq vtimer level=1', //                              8: delivery 1
];
const T0 = 10_000_200_000n;

/** Deliveries 2..n, `stepNs` apart, with a guest statement after each `every` (if any). */
function refires(n: number, stepNs: bigint, between?: (k: number, t: bigint) => string[]): string[] {
  const out: string[] = [];
  for (let k = 2; k <= n; k++) {
    const t = formatTime(T0 + BigInt(k - 1) * stepNs);
    out.push(`${t} h/vm1/vcpu0 kvm timer_expire vtimer`, `${t} h/vm1/vcpu0 kvm timer_irq vtimer level=1`);
    if (between) out.push(...between(k, T0 + BigInt(k - 1) * stepNs));
  }
  return out;
}

test('fires once, on the 2000th delivery within 1 s with CVAL unchanged and passed (14286/s, docs/reference/kvm-timers.md#44-arm64-domain-shift-by-cntvoff-clobber-giving-an-immediate-fire-and-a-storm-25-mhz-nv)', () => {
  // delivery k is on line 8 + 2(k - 1): the 2000th on line 4006, at 10.0002 + 1999 × 70 µs = 10.14013 s
  const d = check([...PAST, ...refires(2010, 70_000n)]);
  assert.deepEqual(codesAt(d), ['HVT043@4006']);
  const [f] = only(d, 'HVT043');
  assert.equal(f.severity, 'warning');
  // CNTVCT at 10.14013 s = 253503250 - 250000000 = 3503250; 3503250 - 1000 = 3502250 ticks past CVAL
  assert.equal(
    f.message,
    'the virtual timer (CNTV) of vcpu0 of vm1 on h has fired 2000 times within 139.93 ms with CVAL 1000 unchanged and already 3502250 ticks (140.09 ms at 25 MHz) in the past: an interrupt storm (the guest neither re-arms nor masks the timer, and KVM keeps re-raising the line)',
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [6, 'the timer was armed here'],
      [4, 'the offset KVM compares it with was set here'],
    ],
  );
});

test('1999 deliveries, or 2000 spread over more than 1 s, are not a storm', () => {
  assert.deepEqual(codesAt(check([...PAST, ...refires(1999, 70_000n)])), []);
  // 501 µs apart: the 2000th is 1999 × 501 µs = 1.001499 s after the first
  assert.deepEqual(codesAt(check([...PAST, ...refires(2000, 501_000n)])), []);
  assert.deepEqual(codesAt(check([...PAST, ...refires(2000, 500_000n)])), ['HVT043@4006']);
});

test('the guest re-arms between deliveries: not a storm', () => {
  // each handler writes a new CVAL in the past again (10 ticks later each time): re-armed
  const rearm = (k: number, t: bigint): string[] => [
    `${formatTime(t + 1000n)} h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = ${1000 + 10 * k}`,
  ];
  assert.deepEqual(codesAt(check([...PAST, ...refires(2100, 70_000n, rearm)])), []);
});

test('a periodic LAPIC timer at its programmed rate (the 200 µs clamp: 5000/s) is not a storm', () => {
  // LVTT periodic 0x200ec, TDCR 0xb (÷1), TMICT 100: 100 ns, clamped to 200 µs (min_timer_period_us)
  const lines = [
    ...X86_TIMER.slice(0, 5),
    '1.001000000 h/vm1/vcpu0 guest write APIC_LVTT = 0x200ec',
    '1.001000000 h/vm1/vcpu0 guest write APIC_TDCR = 0xb',
    '1.002000000 h/vm1/vcpu0 guest write APIC_TMICT = 100',
  ];
  for (let k = 1; k <= 2500; k++)
    lines.push(`${formatTime(1_002_000_000n + BigInt(k) * 200_000n)} h/vm1/vcpu0 kvm timer_irq lapic level=1`);
  assert.deepEqual(codesAt(check(lines)), []);
});

test('@tolerance timer_storm=N changes the count', () => {
  const d = check([...PAST.slice(0, 1), '@tolerance timer_storm=5', ...PAST.slice(1), ...refires(6, 70_000n)]);
  assert.deepEqual(codesAt(d), ['HVT043@17']);
  assert.match(d[0].message, /has fired 5 times within 280 µs/);
});
