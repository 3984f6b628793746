import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARM64_HEADER, check, codesAt, only } from '../testing';

test('arm64: fires (error) when a per-vCPU CNTVOFF write leaves the vCPUs with different offsets', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1', //    6: voffset 250000025 for both
    '10.000050000 src/vm1/vcpu1 kvm write CNTVOFF_EL2 = 250050025', // 7: vcpu1 +50000 ticks
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN', //            8
    '10.000200000 src/vm1/vcpu1 ioctl KVM_RUN', //            9: same mismatch, not a new episode
  ]);
  assert.deepEqual(codesAt(d), ['HVT093@7', 'HVT002@8']);
  const [f] = only(d, 'HVT002');
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'the vCPUs of vm1 on src have different counter offsets: vcpu1 reads CNTVCT 50000 ticks (2 ms at 25 MHz) earlier than vcpu0; the guest sees time go backwards when a task moves between them',
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [
      [7, "vcpu1's offset was set here"],
      [6, "vcpu0's offset was set here"],
    ],
  );
});

test('arm64: does not fire when KVM writes the offset the VM already has', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1',
    '10.000050000 src/vm1/vcpu1 kvm write CNTVOFF_EL2 = 250000025',
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), []);
});

const X86 = [
  '@hvtrace 1',
  '@host s arch=x86_64 freq=2GHz',
  '@host d arch=x86_64 freq=2GHz counter=1000000000000@0.0',
  '@vm vm1',
  '10.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=0', // guest TSC = 2e9·t - 2e10
  '10.000001000 s/vm1 ioctl KVM_CREATE_VCPU id=1', // a write of 0: matched, same offset
  '10.000100000 s/vm1/vcpu0 ioctl KVM_RUN',
];

test('x86: fires (warning) when vCPUs are restored by value at different instants', () => {
  const d = check([
    ...X86,
    '20.000000000 s/vm1 vmm pause', //                                                        8: G_before 20000000000
    '20.000010000 s/vm1 vmm migrate to=d',
    '20.500000000 d/vm1 ioctl KVM_CREATE_VCPU id=0',
    '20.500000000 d/vm1 ioctl KVM_CREATE_VCPU id=1',
    '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_TSC_STATE flags=0 tsc=21200000000', //            12
    '21.100000000 d/vm1/vcpu1 ioctl KVM_SET_TSC_STATE flags=0 tsc=21200000000', //            13
    '21.100000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
    '21.100000000 d/vm1/vcpu1 ioctl KVM_KVMCLOCK_CTRL',
    // vcpu0: 21200000000 + 0.5 s × 2 GHz = 22200000000 (= 2e10 + 1.1 s × 2 GHz); vcpu1: 21200000000
    '21.100000000 d/vm1/vcpu0 ioctl KVM_RUN', //                                              16
  ]);
  assert.deepEqual(codesAt(d), ['HVT094@12', 'HVT094@13', 'HVT002@16']);
  const [f] = only(d, 'HVT002');
  assert.equal(f.severity, 'warning');
  assert.equal(
    f.message,
    'the vCPUs of vm1 on d have TSC offsets that disagree: vcpu1 reads TSC 1000000000 ticks (500 ms at 2 GHz) earlier than vcpu0; the guest sees time go backwards when a task moves between them',
  );
});

test('x86: does not fire for vCPUs whose creation writes KVM matched', () => {
  const d = check([...X86, '10.500000000 s/vm1 ioctl KVM_CREATE_VCPU id=2', '10.600000000 s/vm1/vcpu2 ioctl KVM_RUN']);
  assert.deepEqual(codesAt(d), []);
});

// Issue #15 item 11b: a `vmm restore` that restores exactly the same mismatched offsets as before
// the snapshot is a new instance, and its first KVM_RUN is a new finding.
const attr = (t: string, vcpu: number, value: string): string =>
  `${t} s/vm1/vcpu${vcpu} ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${value}`;
// guest TSC = 2e9·t + offset: -2e10 on vcpu0, -2e10 - 1e9 on vcpu1 (500 ms behind)
const MISMATCHED = (t: string): string[] => [attr(t, 0, '-20000000000'), attr(t, 1, '-21000000000')];

test('x86: fires again after a restore that sets the same mismatched offsets (issue #15 item 11b)', () => {
  const d = check([
    ...X86.slice(0, 6), //                                    5-6: vcpu0, vcpu1 created at 10 s
    ...MISMATCHED('10.000050000'), //                          7-8
    '10.000100000 s/vm1/vcpu0 ioctl KVM_RUN', //               9: HVT002
    '20.000000000 s/vm1 vmm pause',
    '20.000000000 s/vm1 vmm snapshot',
    '30.000000000 s/vm1 vmm restore', //                       12: a new instance of vm1 on s
    '30.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=0',
    '30.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=1',
    ...MISMATCHED('30.000050000'), //                          15-16: the very same offsets
    '30.000100000 s/vm1/vcpu0 ioctl KVM_RUN', //               17: HVT002 again
    '30.000200000 s/vm1/vcpu1 ioctl KVM_RUN', //               18: the same episode
  ]);
  assert.deepEqual(codesAt(only(d, 'HVT002')), ['HVT002@9', 'HVT002@17']);
  assert.equal(
    only(d, 'HVT002')[1].message,
    'the vCPUs of vm1 on s have TSC offsets that disagree: vcpu1 reads TSC 1000000000 ticks (500 ms at 2 GHz) earlier than vcpu0; the guest sees time go backwards when a task moves between them',
  );
});

test('x86: the same mismatch across a pause and resume of one instance is one finding', () => {
  const d = check([
    ...X86.slice(0, 6),
    ...MISMATCHED('10.000050000'),
    '10.000100000 s/vm1/vcpu0 ioctl KVM_RUN', //               9: HVT002
    '20.000000000 s/vm1 vmm pause',
    '25.000000000 s/vm1 vmm resume',
    '25.000100000 s/vm1/vcpu0 ioctl KVM_RUN', //               12: same instance, same offsets: not again
  ]);
  assert.deepEqual(codesAt(only(d, 'HVT002')), ['HVT002@9']);
});

test('with more than two vCPUs the message says how many the spread covers', () => {
  const d = check([
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz ecv=0 vhe=1',
    '@vm vm1 vcpus=3',
    // Each creation at 10 s sets the VM-wide voffset to C(10 s) = 25 MHz × 10 s = 250000000.
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=1',
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=2',
    '10.000050000 src/vm1/vcpu1 kvm write CNTVOFF_EL2 = 250050000', // vcpu1: 50000 ticks more = 2 ms at 25 MHz
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN', //                     8
  ]);
  assert.equal(
    only(d, 'HVT002')[0].message,
    'the vCPUs of vm1 on src have different counter offsets: vcpu1 reads CNTVCT 50000 ticks (2 ms at 25 MHz) earlier than vcpu0 (spread across 3 vCPUs); the guest sees time go backwards when a task moves between them',
  );
});
