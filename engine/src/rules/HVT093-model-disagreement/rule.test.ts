import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARM64_HEADER, check, codesAt } from '../testing';

const RUNNING = [
  ...ARM64_HEADER,
  '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
];

test('fires once per episode when recorded values disagree with the model beyond the tolerance', () => {
  const d = check([
    ...RUNNING,
    // model: 300000000 - 250000000 = 50000000; the trace says 50100000 (+100000 ticks = 4 ms)
    '12.000000000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 50100000', // 7
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 75100000', //                             8: same +100000: same episode
    '14.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 100000000', //                            9: agrees
    '15.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 125100000', //                            10: new episode
  ]);
  assert.deepEqual(codesAt(d), ['HVT093@7', 'HVT093@10']);
  assert.equal(
    d[0].message,
    'the virtual counter on vcpu0 of vm1 on src is 50100000 here, but the model predicts 50000000 (higher by 100000 ticks (4 ms at 25 MHz)): the trace is incomplete, or KVM did not do what it should',
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [5],
  );
});

test('does not fire within the tolerance', () => {
  // +2500 ticks = 100 µs: exactly the default tolerance
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50002500'])), []);
});

test('the counter frequency must match exactly', () => {
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTFRQ_EL0 = 25000001'])), [
    'HVT093@7',
  ]);
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTFRQ_EL0 = 25000000'])), []);
});

test('a vCPU the trace never created is calibrated by its first observation, not reported', () => {
  const d = check([
    ...ARM64_HEADER,
    '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 1000', //    offset := 300000000 - 1000
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 25001000', // 325000000 - 299999000
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('an SMCCC return that contradicts what KVM answers is a disagreement', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 pvtime=on',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '10.000200000 h/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS', // offered: agrees
    '10.000300000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS', //          no address: NOT_SUPPORTED
  ]);
  assert.deepEqual(codesAt(d), ['HVT033@7', 'HVT093@7']);
  assert.equal(
    d[1].message,
    'the call returned SUCCESS on vcpu0 of vm1 on h, but KVM answers NOT_SUPPORTED here (the vCPU has no PV-time address): the trace is incomplete, or KVM did not do what it should',
  );
});

// §6.2.6: an ioctl's own latency recorded as took=DURATION. h: C(t) = 1e9 · t; vcpu0 created at
// 10 s (offset -1e10), so the TSC is 1e9 at 11 s and 1000500000 at 11.0005 s.
const X86 = ['@hvtrace 1', '@host h arch=x86_64 freq=1GHz', '@vm vm', '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0'];
const getTsc = (value: string, took = ''): string =>
  `11.000000000 h/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC${took} -> IA32_TSC=${value}`;

test('took=: a value read anywhere during the ioctl is not a disagreement', () => {
  // 1000400000 was read 400 µs after TIME: beyond the 100 µs tolerance, inside took=500us
  assert.deepEqual(codesAt(check([...X86, getTsc('1000400000')])), ['HVT093@5']);
  assert.deepEqual(codesAt(check([...X86, getTsc('1000400000', ' took=500us')])), []);
  // the tolerance still applies at both ends: 50 µs before TIME, 100 µs after TIME + took
  assert.deepEqual(codesAt(check([...X86, getTsc('999950000', ' took=500us')])), []);
  assert.deepEqual(codesAt(check([...X86, getTsc('1000600000', ' took=500us')])), []);
});

test('took=: outside the window it fires, measured from the nearer end', () => {
  // 1000700000 is 200000 ticks past 1000500000 (TIME + took)
  const late = check([...X86, getTsc('1000700000', ' took=500us')]);
  assert.deepEqual(codesAt(late), ['HVT093@5']);
  assert.equal(
    late[0].message,
    "the guest TSC on vcpu0 of vm on h is 1000700000 here, but the model predicts 1000000000 to 1000500000 over the ioctl's 500 µs (higher by 200000 ticks (200 µs at 1 GHz)): the trace is incomplete, or KVM did not do what it should",
  );
  // 999850000 is 150000 ticks before TIME
  const early = check([...X86, getTsc('999850000', ' took=500us')]);
  assert.deepEqual(codesAt(early), ['HVT093@5']);
  assert.match(
    early[0].message,
    /predicts 1000000000 to 1000500000 over the ioctl's 500 µs \(lower by 150000 ticks \(150 µs at 1 GHz\)\)/,
  );
});

test('took= on KVM_GET_CLOCK: kvmclock may have been read up to took after TIME', () => {
  // KVM_CREATE_VM at 1.0 s: kvmclock 0 there, 1e9 at 2.0 s; 1000250000 is 250 µs later
  const clock = (took: string): string[] => [
    '@hvtrace 1',
    '@host h arch=x86_64 freq=1GHz',
    '@vm vm',
    '1.000000000 h/vm ioctl KVM_CREATE_VM',
    `2.000000000 h/vm ioctl KVM_GET_CLOCK${took} -> clock=1000250000 flags=0`,
  ];
  assert.deepEqual(codesAt(check(clock(''))), ['HVT093@5']);
  assert.deepEqual(codesAt(check(clock(' took=300us'))), []);
});

test('a host-level sample names no instance; a PV-time answer on a VM without PV time says so', () => {
  const host = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '10.000000000 h vmm sample counter=250000000', // C(10 s) = 25 MHz × 10 s = 250000000: agrees
    '11.000000000 h vmm sample counter=260000000', // C(11 s) = 275000000: lower by 15000000 ticks = 0.6 s
  ]);
  assert.deepEqual(
    host.map((f) => `${f.code}@${f.range.start.line + 1} ${f.message}`),
    [
      'HVT093@4 the host counter is 260000000 here, but the model predicts 275000000 (lower by 15000000 ticks (600 ms at 25 MHz)): the trace is incomplete, or KVM did not do what it should',
    ],
  );
  const off = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=1 pvtime=off',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '10.000200000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS', // KVM answers NOT_SUPPORTED without PV time
  ]);
  assert.deepEqual(
    off.filter((f) => f.code === 'HVT093').map((f) => f.message),
    [
      'the call returned SUCCESS on vcpu0 of vm1 on h, but KVM answers NOT_SUPPORTED here (the VM does not offer PV time (pvtime=off)): the trace is incomplete, or KVM did not do what it should',
    ],
  );
});
