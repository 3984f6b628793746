import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { SPEC_EXAMPLE } from '../fixtures';

const SOURCE = SPEC_EXAMPLE.slice(0, 12); // through `vmm migrate to=dst` (line 12)

test('fires when a vCPU created after a counter restore resets the offset', () => {
  const d = check([
    ...SOURCE,
    '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0', //                                           13
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=265000000', // 14
    '20.600050000 dst/vm1 ioctl KVM_CREATE_VCPU id=1', // 15: voffset = 5515001250
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN', //          16: G_after = 5515002500 - 5515001250 = 1250
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@14', 'HVT014@15', 'HVT001@16', 'HVT010@16']);
  const [f] = only(d, 'HVT014');
  assert.equal(
    f.message,
    "creating vcpu1 resets the VM-wide virtual offset of vm1 on dst to the host counter, undoing the counter restore: the guest's CNTVCT restarts near 0 on every vCPU (create all vCPUs before restoring, or restore with KVM_ARM_SET_COUNTER_OFFSET)",
  );
  assert.deepEqual(
    f.related.map((r) => r.range.start.line + 1),
    [14],
  );
});

test('does not fire when every vCPU is created before the restore', () => {
  const d = check([
    ...SOURCE,
    '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0',
    '20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1',
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=265000000',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN', // 265002500: 25 ticks from 265002475
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@15']);
});
