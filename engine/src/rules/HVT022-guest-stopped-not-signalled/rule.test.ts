import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { X86_MIGRATION } from '../fixtures';

test('fires when a vCPU resumes after a long stop without KVM_KVMCLOCK_CTRL', () => {
  const d = check([
    ...X86_MIGRATION,
    '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000',
    '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@10', 'HVT022@11']);
  assert.equal(
    only(d, 'HVT022')[0].message,
    'vcpu0 of vm1 on d resumes after 600 ms stopped without KVM_KVMCLOCK_CTRL: the guest is not told it was stopped (PVCLOCK_GUEST_STOPPED), so its watchdogs count the downtime and report soft lockups',
  );
});

test('does not fire with KVM_KVMCLOCK_CTRL before the run, or after a stop within the tolerance', () => {
  assert.deepEqual(
    codesAt(
      check([
        ...X86_MIGRATION,
        '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000',
        '20.600000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
        '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN',
      ]),
    ),
    ['HVT011@10'],
  );
  assert.deepEqual(
    codesAt(
      check([
        ...X86_MIGRATION.slice(0, 7),
        '20.000050000 s/vm1 vmm resume',
        '20.000050000 s/vm1/vcpu0 ioctl KVM_RUN', // 50 µs stopped < 100 µs
      ]),
    ),
    [],
  );
});
