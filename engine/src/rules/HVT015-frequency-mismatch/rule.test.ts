import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../analysis';
import { replayJson } from '../../state/replayJson';
import { check, codesAt } from '../testing';

// a: C(t) = 1e8·t (100 MHz); b: C(t) = 1e9·t (1 GHz)
const ARM = (bFreq: string): string[] => [
  '@hvtrace 1',
  '@host a arch=arm64 freq=100MHz ecv=2 vhe=1',
  `@host b arch=arm64 freq=${bFreq} ecv=2 vhe=1`,
  '@vm vm1',
  '10.000000000 a/vm1 ioctl KVM_CREATE_VCPU id=0', //  5: voffset 1000000000
  '10.000100000 a/vm1/vcpu0 ioctl KVM_RUN', //         6
  '20.000000000 a/vm1 vmm pause', //                   7: G_before = 2000000000 - 1000000000 = 1000000000
  '20.000010000 a/vm1 vmm migrate to=b', //            8
  '20.500000000 b/vm1 ioctl KVM_CREATE_VCPU id=0', //  9
];

test('arm64: fires when the guest moves from a 100 MHz to a 1 GHz counter (no scaling)', () => {
  // Off1 = 1000000000 - 0.6 s × 100 MHz - (2000000000 - 20600000000) = 19540000000
  const trace = [
    ...ARM('1GHz'),
    '20.600000000 b/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=19540000000',
    '20.600000000 b/vm1/vcpu0 ioctl KVM_RUN',
  ];
  const d = check(trace);
  assert.deepEqual(codesAt(d), ['HVT015@11']);
  assert.equal(
    d[0].message,
    'the guest knows a 100 MHz counter but resumes on vm1 on b where it runs at 1 GHz (arm64 KVM cannot scale the counter): guest time now runs at 10x the real rate',
  );
  // At the resume the counter is exact: 20600000000 - 19540000000 = 1060000000 = 1000000000 + 0.6 s × 100 MHz
  assert.equal(
    replayJson(new Analysis(trace.join('\n')).stateAfter(10)).vms.vm1.vcpus['0'].guest_counter,
    '1060000000',
  );
});

test('arm64: does not fire between hosts of the same frequency', () => {
  const d = check([
    ...ARM('100MHz'),
    '20.600000000 b/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000',
    '20.600000000 b/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), []);
});

// s: TSC 2 GHz; guest TSC on s = 2e9·t - 2e10 after creation at 10 s.
const X86 = (dst: string, restore: string[]): string[] => [
  '@hvtrace 1',
  '@host s arch=x86_64 freq=2GHz',
  dst,
  '@vm vm1',
  '10.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000100000 s/vm1/vcpu0 ioctl KVM_RUN',
  '20.000000000 s/vm1 vmm pause', // G_before = 40000000000 - 20000000000 = 20000000000
  '20.000010000 s/vm1 vmm migrate to=d',
  '20.500000000 d/vm1 ioctl KVM_CREATE_VCPU id=0',
  ...restore,
  '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000', // 20000000000 + 0.6 s × 2 GHz
  '20.600000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
  '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN',
];

test('x86: fires beyond 250 ppm without KVM_SET_TSC_KHZ', () => {
  const d = check(X86('@host d arch=x86_64 freq=2.5GHz', []));
  assert.deepEqual(codesAt(d), ['HVT011@10', 'HVT015@12']);
  assert.equal(
    d[1].message,
    "the guest knows a 2 GHz counter but resumes on vm1 on d where it runs at 2.5 GHz (no KVM_SET_TSC_KHZ restored the guest's frequency): guest time now runs at 1.25x the real rate",
  );
});

test('x86: does not fire within 250 ppm, or when KVM_SET_TSC_KHZ scales the TSC', () => {
  assert.deepEqual(codesAt(check(X86('@host d arch=x86_64 freq=2.0004GHz', []))), ['HVT011@10']);
  assert.deepEqual(
    codesAt(
      check(X86('@host d arch=x86_64 freq=2.5GHz', ['20.550000000 d/vm1/vcpu0 ioctl KVM_SET_TSC_KHZ value=2000000'])),
    ),
    ['HVT011@11'],
  );
});

test('x86: fires when the destination cannot scale (tsc_scaling=0 rejects the frequency)', () => {
  const d = check(
    X86('@host d arch=x86_64 freq=2.5GHz tsc_scaling=0', [
      '20.550000000 d/vm1/vcpu0 ioctl KVM_SET_TSC_KHZ value=2000000',
    ]),
  );
  assert.deepEqual(codesAt(d), ['HVT093@10', 'HVT011@11', 'HVT015@13']);
  assert.match(d[2].message, /host d cannot scale the TSC \(tsc_scaling=0\)/);
});
