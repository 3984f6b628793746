import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';
import { PVTIME_IPA, PVTIME_SETUP } from '../fixtures';

test('fires when the guest uses PV time on a vCPU whose address was never set', () => {
  const d = check([
    ...PVTIME_SETUP.slice(0, 8), // vcpu1 never gets an address
    '10.000100000 h/vm1/vcpu1 ioctl KVM_RUN',
    '10.000200000 h/vm1/vcpu1 guest hvc PV_TIME_FEATURES PV_TIME_ST -> NOT_SUPPORTED',
  ]);
  assert.deepEqual(codesAt(d), ['HVT033@10']);
  assert.equal(
    d[0].message,
    'the guest uses PV time on vcpu1 of vm1 on h, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time (vcpu0 has it)',
  );
});

test('fires at the first run of a migration destination that does not set the address', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host g arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`, // 6
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '11.000000000 h/vm1 vmm migrate to=g',
    '11.100000000 g/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=250000000',
    '11.100000000 g/vm1 ioctl KVM_CREATE_VCPU id=0',
    '11.100000000 g/vm1/vcpu0 ioctl KVM_RUN', //                                                11
  ]);
  assert.deepEqual(codesAt(d), ['HVT033@11']);
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [6],
  );
});

test('does not fire when the VM never uses PV time', () => {
  assert.deepEqual(codesAt(check([...PVTIME_SETUP.slice(0, 5), '10.000100000 h/vm1/vcpu1 ioctl KVM_RUN'])), []);
});

test('names the vCPUs that do have an address', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=3 pvtime=on',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=2',
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`,
    `10.000010000 h/vm1/vcpu1 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000040`,
    '10.000100000 h/vm1/vcpu2 ioctl KVM_RUN',
    '10.000400000 h/vm1/vcpu2 guest hvc PV_TIME_ST -> NOT_SUPPORTED', // 10
  ]);
  assert.equal(
    d.find((f) => f.code === 'HVT033')?.message,
    'the guest uses PV time on vcpu2 of vm1 on h, but its KVM_ARM_VCPU_PVTIME_IPA was never set: the call returns NOT_SUPPORTED and this vCPU has no stolen time (vcpu0, vcpu1 have it)',
  );
});

test('fires at the first run of a restore that does not set the address again', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=1 pvtime=on',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`, // 5
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '11.000000000 h/vm1 vmm pause',
    '11.000000000 h/vm1 vmm snapshot',
    '12.000000000 h/vm1 vmm restore',
    '12.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '12.100000000 h/vm1/vcpu0 ioctl KVM_RUN', //                                       11
  ]);
  const f = d.filter((x) => x.code === 'HVT033');
  assert.deepEqual(
    f.map((x) => [x.range.start.line + 1, x.message, x.related.map((r) => r.range.start.line + 1)]),
    [
      [
        11,
        "vcpu0 of vm1 on h had a stolen-time address on the instance it was restored from, but this restore never sets it: KVM stops updating the guest's stolen time, which freezes",
        [5],
      ],
    ],
  );
});
