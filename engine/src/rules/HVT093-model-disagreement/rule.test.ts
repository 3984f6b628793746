import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARM64_HEADER, check, codesAt } from '../testing';

const RUNNING = [...ARM64_HEADER, '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN'];

test('fires once per episode when recorded values disagree with the model beyond the tolerance', () => {
  const d = check([...RUNNING,
    // model: 300000000 - 250000000 = 50000000; the trace says 50100000 (+100000 ticks = 4 ms)
    '12.000000000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 50100000', // 7
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 75100000', //                             8: same +100000: same episode
    '14.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 100000000', //                            9: agrees
    '15.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 125100000', //                            10: new episode
  ]);
  assert.deepEqual(codesAt(d), ['HVT093@7', 'HVT093@10']);
  assert.equal(d[0].message, 'the virtual counter on vcpu0 of vm1 on src is 50100000 here, but the model predicts 50000000 (higher by 100000 ticks (4 ms at 25 MHz)): the trace is incomplete, or KVM did not do what it should');
  assert.deepEqual(d[0].related.map((r) => r.range.start.line + 1), [5]);
});

test('does not fire within the tolerance', () => {
  // +2500 ticks = 100 µs: exactly the default tolerance
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50002500'])), []);
});

test('the counter frequency must match exactly', () => {
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTFRQ_EL0 = 25000001'])), ['HVT093@7']);
  assert.deepEqual(codesAt(check([...RUNNING, '12.000000000 src/vm1/vcpu0 guest read CNTFRQ_EL0 = 25000000'])), []);
});

test('a vCPU the trace never created is calibrated by its first observation, not reported', () => {
  const d = check([...ARM64_HEADER,
    '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 1000', //    offset := 300000000 - 1000
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 25001000', // 325000000 - 299999000
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('an SMCCC return that contradicts what KVM answers is a disagreement', () => {
  const d = check([
    '@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=2 vhe=1', '@vm vm1 pvtime=on',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '10.000200000 h/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS', // offered: agrees
    '10.000300000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS', //          no address: NOT_SUPPORTED
  ]);
  assert.deepEqual(codesAt(d), ['HVT033@7', 'HVT093@7']);
  assert.equal(d[1].message, 'the call returned SUCCESS on vcpu0 of vm1 on h, but KVM answers NOT_SUPPORTED here (the vCPU has no PV-time address): the trace is incomplete, or KVM did not do what it should');
});

test('a host-level sample names no instance; a PV-time answer on a VM without PV time says so', () => {
  const host = check([
    '@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '10.000000000 h vmm sample counter=250000000', // C(10 s) = 25 MHz × 10 s = 250000000: agrees
    '11.000000000 h vmm sample counter=260000000', // C(11 s) = 275000000: lower by 15000000 ticks = 0.6 s
  ]);
  assert.deepEqual(host.map((f) => `${f.code}@${f.range.start.line + 1} ${f.message}`), [
    'HVT093@4 the host counter is 260000000 here, but the model predicts 275000000 (lower by 15000000 ticks (600 ms at 25 MHz)): the trace is incomplete, or KVM did not do what it should',
  ]);
  const off = check([
    '@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=2 vhe=1', '@vm vm1 vcpus=1 pvtime=off',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    '10.000200000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS', // KVM answers NOT_SUPPORTED without PV time
  ]);
  assert.deepEqual(off.filter((f) => f.code === 'HVT093').map((f) => f.message), [
    'the call returned SUCCESS on vcpu0 of vm1 on h, but KVM answers NOT_SUPPORTED here (the VM does not offer PV time (pvtime=off)): the trace is incomplete, or KVM did not do what it should',
  ]);
});
