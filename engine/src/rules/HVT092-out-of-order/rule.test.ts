import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const HEADER = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz', '@vm vm1'];

test('fires on a statement earlier than the previous one, which is still replayed in file order', () => {
  const d = check([
    ...HEADER,
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '12.000000000 h/vm1/vcpu0 ioctl KVM_RUN',
    '11.500000000 h/vm1/vcpu0 guest read CNTVCT_EL0 = 37500000', // C(11.5) - 250000000: replayed at its own time
  ]);
  assert.deepEqual(codesAt(d), ['HVT092@6']);
  assert.equal(d[0].severity, 'warning');
  assert.equal(
    d[0].message,
    "time 11.500000000 is 500 ms earlier than the previous statement's 12.000000000; replayed in file order",
  );
  assert.deepEqual(d[0].range, { start: { line: 5, character: 0 }, end: { line: 5, character: 12 } });
});

test('equal times are in order', () => {
  assert.deepEqual(
    codesAt(
      check([...HEADER, '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', '10.000000000 h/vm1/vcpu0 ioctl KVM_RUN']),
    ),
    [],
  );
});
