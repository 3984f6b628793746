import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { X86_MIGRATION } from '../fixtures';

const RESUME = ['20.600000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL', '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN'];

test('fires when one KVM_SET_MSRS restores the deadline before the TSC (applied left to right)', () => {
  const d = check([...X86_MIGRATION, '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=21300000000 IA32_TSC=21200000000', ...RESUME]);
  assert.deepEqual(codesAt(d), ['HVT011@10', 'HVT020@10']);
  const [f] = only(d, 'HVT020');
  assert.equal(f.message, 'this restore writes IA32_TSC_DEADLINE=21300000000 on vcpu0 of vm1 on d before IA32_TSC (KVM_SET_MSRS applies them left to right): KVM compares the deadline with the TSC that is not restored yet, so the guest\'s timer fires at the wrong time or is lost. Write IA32_TSC first');
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
  assert.deepEqual(f.related.map((r) => [r.range.start.line + 1, r.message]), [[11, 'IA32_TSC=21200000000 is restored only here']]);
});

test('does not fire when the TSC is restored first, or the deadline is 0 (disarmed)', () => {
  assert.deepEqual(codesAt(check([...X86_MIGRATION, '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000 IA32_TSC_DEADLINE=21300000000', ...RESUME])), ['HVT011@10']);
  assert.deepEqual(codesAt(check([...X86_MIGRATION, '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=0 IA32_TSC=21200000000', ...RESUME])), ['HVT011@10']);
});
