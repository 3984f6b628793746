import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const HEADER = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=0 vhe=1', '@vm vm1', '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0'];

test('fires on the typical cause: reading PTIMER_CNT and writing the same value back', () => {
  const d = check([
    ...HEADER,
    '10.000010000 h/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_PTIMER_CNT -> 250000250', // poffset 0: C(10.00001)
    '10.000020000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_PTIMER_CNT value=250000250', // 250000500 - 250000250 = 250
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '11.000000000 h/vm1/vcpu0 ioctl KVM_RUN', // same offset: one finding
  ]);
  assert.deepEqual(codesAt(d), ['HVT004@7']);
  assert.equal(d[0].severity, 'info');
  assert.equal(d[0].message, 'vm1 on h runs with a non-zero physical offset (250 ticks (10 µs at 25 MHz)) on host h without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. Typical cause: a VMM that reads KVM_REG_ARM_PTIMER_CNT and writes the same value back');
  assert.deepEqual(d[0].related.map((r) => r.range.start.line + 1), [6]);
});

test('does not fire with a zero physical offset', () => {
  assert.deepEqual(codesAt(check([...HEADER, '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN'])), []);
});
