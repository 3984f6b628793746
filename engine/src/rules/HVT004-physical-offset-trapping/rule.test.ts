import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const HEADER = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=0 vhe=1',
  '@vm vm1',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
];

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
  assert.equal(
    d[0].message,
    'vm1 on h runs with a non-zero physical offset (250 ticks (10 µs at 25 MHz)) on host h without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. Typical cause: a VMM that reads KVM_REG_ARM_PTIMER_CNT and writes the same value back',
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [6],
  );
});

test('does not fire with a zero physical offset', () => {
  assert.deepEqual(codesAt(check([...HEADER, '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN'])), []);
});

test('KVM_ARM_SET_COUNTER_OFFSET as the cause: the message names it, not a PTIMER_CNT write-back', () => {
  const d = check([
    ...HEADER,
    '10.000010000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=250000000', // poffset = voffset = 250000000 = 10 s at 25 MHz
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), ['HVT004@6']);
  assert.equal(
    d[0].message,
    'vm1 on h runs with a non-zero physical offset (250000000 ticks (10 s at 25 MHz)) on host h without CNTPOFF: KVM traps every guest CNTPCT read to subtract it, an exit per read. KVM_ARM_SET_COUNTER_OFFSET on line 5 offsets the physical counter along with the virtual one: on a host without CNTPOFF this is the cost of restoring the counter with it',
  );
  assert.deepEqual(
    d[0].related.map((r) => [r.range.start.line + 1, r.message]),
    [[5, 'KVM_ARM_SET_COUNTER_OFFSET set the physical offset here']],
  );
});
