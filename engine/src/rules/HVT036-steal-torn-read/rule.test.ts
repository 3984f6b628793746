import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const X86 = [
  '@hvtrace 1',
  '@host x arch=x86_64 freq=2GHz',
  '@vm vm1',
  '10.000000000 x/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000100000 x/vm1/vcpu0 guest write MSR_KVM_STEAL_TIME = 0x7ffa8041', // enable bit, GPA 0x7ffa8040
  '10.000200000 x/vm1/vcpu0 ioctl KVM_RUN', // record_steal_time: version 0 -> 2
];

test('fires on a steal read with an odd version', () => {
  const d = check([...X86, '10.000300000 x/vm1/vcpu0 guest read steal = 0 version=3']);
  assert.deepEqual(codesAt(d), ['HVT036@7']);
  assert.equal(
    d[0].message,
    'the guest on vcpu0 of vm1 on x read steal with version 3, which is odd: KVM was updating the structure, so the value may be torn. The guest must re-read until version is even and unchanged',
  );
});

test('does not fire on an even version', () => {
  assert.deepEqual(codesAt(check([...X86, '10.000300000 x/vm1/vcpu0 guest read steal = 0 version=2'])), []);
});
