import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';

const FRESH = (kernel = ''): string[] => [
  '@hvtrace 1',
  `@host s arch=x86_64 freq=2GHz${kernel}`,
  '@vm vm1',
  '10.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=0', // generation 1: offset -2e10
  '10.000001000 s/vm1 ioctl KVM_CREATE_VCPU id=1', // a write of 0: matched
];

test('fires on a host write of 0 that KVM matches and ignores', () => {
  const d = check([...FRESH(), '11.000000000 s/vm1/vcpu1 ioctl KVM_SET_MSRS IA32_TSC=0']);
  assert.deepEqual(codesAt(d), ['HVT023@6']);
  // offset -2e10 = 2^64 - 20000000000; the guest reads 2e9·11 - 2e10 = 2000000000
  assert.equal(
    d[0].message,
    "KVM matched this IA32_TSC=0 write on vcpu1 of vm1 on s (a write of 0 always synchronizes with the current generation): it keeps generation 1's offset 18446744053709551616, so the guest reads 2000000000, not 0",
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [4],
  );
});

test('fires on a write within one second of the previous one once userspace has set a TSC', () => {
  const d = check([
    ...FRESH(),
    '12.000000000 s/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=5000000000', // first userspace write: new generation
    // expected 5e9 + 0.1 s × 2 GHz = 5200000000; 5e9 is within 1 s: matched, reads 24200000000 - 19000000000
    '12.100000000 s/vm1/vcpu1 ioctl KVM_SET_MSRS IA32_TSC=5000000000',
  ]);
  assert.deepEqual(codesAt(d), ['HVT023@7']);
  assert.match(
    only(d, 'HVT023')[0].message,
    /\(it is within one second of 5200000000, the TSC expected from the previous write\): it keeps generation 2's offset 18446744054709551616, so the guest reads 5200000000, not 5000000000$/,
  );
});

test('kernel= switches the matching window: before 6.7 it applies to the first userspace write too', () => {
  const write = '10.200000000 s/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=1000000000'; // expected 0 + 0.2 s × 2 GHz = 4e8
  assert.deepEqual(codesAt(check([...FRESH(' kernel=6.6'), write])), ['HVT023@6']);
  assert.deepEqual(codesAt(check([...FRESH(' kernel=6.7'), write])), []);
});

test('does not fire when the matched write lands exactly on the value the guest will read', () => {
  const d = check([
    ...FRESH(),
    '12.000000000 s/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=5000000000',
    '12.100000000 s/vm1/vcpu1 ioctl KVM_SET_MSRS IA32_TSC=5200000000', // matched, and 5e9 + 0.1 s × 2 GHz = 5.2e9
  ]);
  assert.deepEqual(codesAt(d), []);
});
