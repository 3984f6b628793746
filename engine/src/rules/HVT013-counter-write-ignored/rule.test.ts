import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const HEADER = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=2 vhe=1', '@vm vm1'];

test('fires on a counter write after KVM_ARM_SET_COUNTER_OFFSET', () => {
  const d = check([
    ...HEADER,
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000010000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=250000000',
    '10.000020000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=5', // would be 250000500 - 5
  ]);
  assert.deepEqual(codesAt(d), ['HVT013@6']);
  assert.equal(
    d[0].message,
    'KVM ignores this KVM_REG_ARM_TIMER_CNT write (it returns 0 and does nothing) because KVM_ARM_SET_COUNTER_OFFSET was used on this instance: the virtual offset stays 250000000 instead of becoming 250000495',
  );
  assert.deepEqual(d[0].tags, ['unnecessary']);
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [5],
  );
});

test('does not fire without KVM_ARM_SET_COUNTER_OFFSET', () => {
  const d = check([
    ...HEADER,
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000020000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=5',
  ]);
  assert.deepEqual(codesAt(d), []);
});
