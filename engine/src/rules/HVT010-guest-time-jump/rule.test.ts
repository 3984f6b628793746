import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../fixtures';

test('fires on the §7 example: the by-value restore lags the reference clock by the downtime', () => {
  const d = check([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE]);
  assert.deepEqual(codesAt(d), ['HVT011@15', 'HVT010@16']);
  const [f] = only(d, 'HVT010');
  // expected = 249999975 + 0.6001 s × 25 MHz = 265002475; G_after = 250002725; lag 14999750 ticks
  assert.equal(
    f.message,
    "guest CNTVCT of vcpu0 of vm1 on dst lags by 14999750 ticks (599.99 ms at 25 MHz) at this resume point: policy advance expects 249999975 + 600.1 ms × 25 MHz = 265002475, but it is 250002725 (the guest's clock is stale by about the downtime)",
  );
  assert.equal(f.severity, 'warning');
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [10, 'the guest stopped here (pause) with CNTVCT = 249999975'],
      [15, 'the offset in force at the resume point was set here'],
    ],
  );
});

test('fires on a forward jump', () => {
  const d = check([
    ...SPEC_EXAMPLE,
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=290000000',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN', // 290002500 - 265002475 = +25000025
  ]);
  assert.match(only(d, 'HVT010')[0].message, /jumps ahead by 25000025 ticks \(1\.000001 s at 25 MHz\)/);
});

test('does not fire when the deviation is within the tolerance', () => {
  const d = check([
    ...SPEC_EXAMPLE,
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=265000000',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN', // 265002500 - 265002475 = +25 ticks = 1 µs
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@15']);
});

test('@tolerance and the tolerance option widen what is not a jump', () => {
  const withDirective = check([
    ...SPEC_EXAMPLE.slice(0, 4),
    '@tolerance 1s',
    ...SPEC_EXAMPLE.slice(4),
    ...SPEC_EXAMPLE_RESTORE,
  ]);
  assert.deepEqual(only(withDirective, 'HVT010'), []);
  const withOption = check([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE], { tolerance: 1_000_000_000n });
  assert.deepEqual(only(withOption, 'HVT010'), []);
  const overridesDirective = check(
    [...SPEC_EXAMPLE.slice(0, 4), '@tolerance 1s', ...SPEC_EXAMPLE.slice(4), ...SPEC_EXAMPLE_RESTORE],
    { tolerance: 100_000n },
  );
  assert.equal(only(overridesDirective, 'HVT010').length, 1);
});

test('policy freeze: a 30 s pause with no restore jumps ahead by 30 s', () => {
  const d = check([
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz',
    '@vm vm1 policy=freeze',
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', // voffset 250000000
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '20.000000000 src/vm1 vmm pause', // G_before 250000000
    '50.000000000 src/vm1 vmm resume',
    '50.000000000 src/vm1/vcpu0 ioctl KVM_RUN', // 1250000000 - 250000000 = 1000000000
  ]);
  assert.deepEqual(codesAt(d), ['HVT010@8']);
  assert.equal(
    d[0].message,
    'guest CNTVCT of vcpu0 of vm1 on src jumps ahead by 750000000 ticks (30 s at 25 MHz) at this resume point: policy freeze expects it unchanged at 250000000, but it is 1000000000 (guests report soft lockups)',
  );
});
