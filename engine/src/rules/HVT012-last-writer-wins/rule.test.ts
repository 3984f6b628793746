import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from '../testing';
import { SPEC_EXAMPLE } from '../fixtures';

test('fires on the later of two vCPU counter writes implying different offsets', () => {
  const d = check([
    ...SPEC_EXAMPLE,
    // implied offsets: 5515000000 - 250000225 = 5264999775, then 5515012500 - 250000225 = 5265012275
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225',
    '20.600500000 dst/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225',
    '20.600600000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  const f = only(d, 'HVT012');
  assert.equal(f.length, 1);
  assert.equal(f[0].range.start.line + 1, 16);
  assert.equal(
    f[0].message,
    "vcpu1's TIMER_CNT write implies offset 5265012275, vcpu0's implied 5264999775: they differ by 12500 ticks (500 µs at 25 MHz). The offset of vm1 on dst is VM-wide, so this last write replaces vcpu0's and every vCPU's counter moves back by that much",
  );
  assert.deepEqual(
    f[0].related.map((r) => r.range.start.line + 1),
    [15],
  );
});

test('does not fire when the writes imply the same offset', () => {
  const d = check([
    ...SPEC_EXAMPLE,
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225',
    '20.600500000 dst/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250012725', // 5515012500 - 250012725 = 5264999775
    '20.600600000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(only(d, 'HVT012'), []);
});
