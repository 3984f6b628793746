import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { PVTIME_IPA, PVTIME_SETUP } from '../fixtures';

const CREATE = PVTIME_SETUP.slice(0, 5);

test('does not fire on addresses KVM rejected (the steal_time selftest flow: -EINVAL, -EEXIST)', () => {
  assert.deepEqual(codesAt(check(PVTIME_SETUP)), []);
});

test('fires when the trace shows KVM accepting a misaligned address', () => {
  const d = check([...CREATE, `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000001`]);
  assert.deepEqual(codesAt(d), ['HVT032@6']);
  assert.equal(
    d[0].message,
    'the stolen-time address 0x40000001 of vcpu0 of vm1 on h is not 64-byte aligned: KVM answers -EINVAL, but the trace shows it accepted',
  );
});

test('fires when an address is set twice and accepted', () => {
  const d = check([
    ...CREATE,
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`,
    `10.000020000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000080 -> 0`,
  ]);
  assert.deepEqual(codesAt(d), ['HVT032@7']);
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [6],
  );
});

test("fires when two vCPUs' 64-byte structures overlap", () => {
  const d = check([
    ...CREATE,
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`,
    `10.000020000 h/vm1/vcpu1 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`,
  ]);
  assert.deepEqual(codesAt(d), ['HVT032@7']);
  assert.equal(
    only(d, 'HVT032')[0].message,
    "the 64-byte stolen-time structure of vcpu1 of vm1 on h at 0x40000000 overlaps vcpu0's at 0x40000000: KVM writes both vCPUs' stolen time into the same bytes",
  );
});

test('a misaligned address that also overlaps is two findings on the statement', () => {
  const d = check([
    ...CREATE,
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`,
    `10.000020000 h/vm1/vcpu1 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000020`,
  ]);
  assert.deepEqual(codesAt(d), ['HVT032@7', 'HVT032@7']);
  assert.match(d[0].message + d[1].message, /not 64-byte aligned[\s\S]*overlaps vcpu0's at 0x40000000/);
});

test('x86: an accepted MSR_KVM_STEAL_TIME with reserved bits 1–5 set', () => {
  const d = check([
    '@hvtrace 1',
    '@host x arch=x86_64 freq=2GHz',
    '@vm vm1',
    '10.000000000 x/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000050000 x/vm1/vcpu0 ioctl KVM_SET_MSRS MSR_KVM_STEAL_TIME=0x7ffa8003', // bit 0 enables, bit 1 is reserved; GPA 0x7ffa8000
  ]);
  assert.deepEqual(
    only(d, 'HVT032').map((f) => f.message),
    [
      'MSR_KVM_STEAL_TIME=0x7FFA8000 on vcpu0 of vm1 on x has reserved bits 1–5 set: KVM raises #GP / rejects it, but the trace shows it accepted',
    ],
  );
});
