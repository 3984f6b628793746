import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { X86_MIGRATION } from '../fixtures';

const RESUME = ['20.600000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL', '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN'];

test('fires when one KVM_SET_MSRS restores the deadline before the TSC (applied left to right)', () => {
  const d = check([
    ...X86_MIGRATION,
    '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=21300000000 IA32_TSC=21200000000',
    ...RESUME,
  ]);
  // the resume point then shows the consequence: the armed deadline fires 10.5 s late (HVT044)
  assert.deepEqual(codesAt(d), ['HVT011@10', 'HVT020@10', 'HVT044@12']);
  const [f] = only(d, 'HVT020');
  // The deadline is armed against the fresh vCPU's TSC: C_d(20.6) - C_d(20.5) = 0.1 s × 2 GHz =
  // 200000000, so (21300000000 - 200000000) / 2 GHz = 10.55 s out, at 31.15 s. After IA32_TSC the
  // guest TSC reaches it at 20.6 + (21300000000 - 21200000000) / 2 GHz = 20.65 s: 10.5 s late.
  assert.equal(
    f.message,
    "this restore writes IA32_TSC_DEADLINE=21300000000 on vcpu0 of vm1 on d before IA32_TSC (KVM_SET_MSRS applies them left to right): KVM compares the deadline with the TSC that is not restored yet, so the guest's timer fires at the wrong time or is lost: it now fires 21000000000 ticks (10.5 s at 2 GHz) late, at 31.150000000 s instead of 20.650000000 s. Write IA32_TSC first",
  );
});

test('fires on the deadline statement when the TSC comes in a later statement', () => {
  const d = check([
    ...X86_MIGRATION,
    '20.590000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=21300000000', // 10
    '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000', //          11
    ...RESUME,
  ]);
  const [f] = only(d, 'HVT020');
  assert.equal(f.range.start.line + 1, 10);
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [[11, 'IA32_TSC=21200000000 is restored only here']],
  );
});

test('does not fire when the TSC is restored first, or the deadline is 0 (disarmed)', () => {
  assert.deepEqual(
    codesAt(
      check([
        ...X86_MIGRATION,
        '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000 IA32_TSC_DEADLINE=21300000000',
        ...RESUME,
      ]),
    ),
    ['HVT011@10'],
  );
  assert.deepEqual(
    codesAt(
      check([
        ...X86_MIGRATION,
        '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=0 IA32_TSC=21200000000',
        ...RESUME,
      ]),
    ),
    ['HVT011@10'],
  );
});
