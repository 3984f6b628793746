import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { PVTIME_SETUP } from '../fixtures';

const STOLEN_2MS = [
  '10.001000000 h/vm1/vcpu0 sched wait 2ms', //                     14: run_delay 2 ms
  '10.003000000 h/vm1/vcpu0 ioctl KVM_RUN', //                      15: stolen += 2 ms
  '10.003100000 h/vm1/vcpu0 guest read stolen_time = 2000000', //   16
];

test('fires when a second PV_TIME_ST zeroes the structure and the guest reads less', () => {
  const d = check([
    ...PVTIME_SETUP,
    ...STOLEN_2MS,
    '10.004000000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000', // 17: zeroes again
    '10.005000000 h/vm1/vcpu0 ioctl KVM_RUN', //                      18
    '10.005100000 h/vm1/vcpu0 guest read stolen_time = 0', //         19
  ]);
  assert.deepEqual(codesAt(d), ['HVT030@19']);
  assert.equal(
    d[0].message,
    "stolen time of vcpu0 of vm1 on h reads 0 ns, 2 ms less than the 2000000 ns it showed before (a second PV_TIME_ST zeroed the structure): the guest's scheduler accounting goes backwards",
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [16, 17],
  );
});

test('fires when a migration destination restarts stolen time from 0', () => {
  const d = check([
    ...PVTIME_SETUP.slice(0, 1),
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host g arch=arm64 freq=25MHz ecv=2 vhe=1',
    ...PVTIME_SETUP.slice(2),
    ...STOLEN_2MS.map((l) => l),
    '10.010000000 h/vm1 vmm pause',
    '10.010000000 h/vm1 vmm migrate to=g',
    '10.020000000 g/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.020000000 g/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x40000000',
    '10.020000000 g/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250250000',
    '10.020000000 g/vm1/vcpu0 ioctl KVM_RUN',
    '10.020000000 g/vm1/vcpu0 kvm stolen_update stolen_time=0', // an old kernel rewrote its own total
  ]);
  const f = only(d, 'HVT030');
  assert.equal(f.length, 1);
  assert.match(
    f[0].message,
    /is updated 0 ns, 2 ms less than the 2000000 ns it showed before \(the guest moved from h \(vm1\) and this instance did not continue from the migrated value\)/,
  );
});

test('does not fire while stolen time only grows (and not for KVM updates before the guest enrols)', () => {
  const d = check([
    ...PVTIME_SETUP.slice(0, 10),
    '10.000150000 h/vm1/vcpu0 kvm stolen_update stolen_time=500000', // before PV_TIME_ST: invisible to the guest
    ...PVTIME_SETUP.slice(10),
    ...STOLEN_2MS,
    '10.005100000 h/vm1/vcpu0 guest read stolen_time = 2000000',
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('KVM updating the structure to less than the guest saw after a second PV_TIME_ST is the same finding, worded for KVM', () => {
  const d = check([
    ...PVTIME_SETUP,
    ...STOLEN_2MS,
    '10.004000000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000', //  17: zeroes again
    '10.005000000 h/vm1/vcpu0 kvm stolen_update stolen_time=0', //    18: 2000000 - 0 ns = 2 ms less
  ]);
  assert.deepEqual(codesAt(d), ['HVT030@18']);
  assert.equal(
    d[0].message,
    "stolen time of vcpu0 of vm1 on h is updated 0 ns, 2 ms less than the 2000000 ns it showed before (a second PV_TIME_ST zeroed the structure): the guest's scheduler accounting goes backwards",
  );
});

test('a read lower than the last one, without a PV_TIME_ST or a migration, is a reset structure', () => {
  const d = check([
    ...PVTIME_SETUP,
    ...STOLEN_2MS,
    '10.004000000 h/vm1/vcpu0 guest read stolen_time = 1000000', // 17: 2000000 - 1000000 ns = 1 ms less
  ]);
  assert.deepEqual(codesAt(d), ['HVT030@17']);
  assert.equal(
    d[0].message,
    "stolen time of vcpu0 of vm1 on h reads 1000000 ns, 1 ms less than the 2000000 ns it showed before (the stolen-time structure was reset): the guest's scheduler accounting goes backwards",
  );
});
