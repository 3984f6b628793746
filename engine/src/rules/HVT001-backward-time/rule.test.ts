import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARM64_HEADER, check, codesAt, only } from '../testing';

// src: C(t) = 25e6·t; dst: C(t) = 5e9 + 25e6·t (both 25 MHz).
const MIGRATION = [
  ...ARM64_HEADER,
  '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', //                           5: voffset 250000000
  '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1', //                           6: voffset 250000025
  '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN', //                                  7
  '20.000000000 src/vm1 vmm pause', //                                            8: G_before = 500000000 - 250000025 = 249999975
  '20.000020000 src/vm1 vmm migrate to=dst', //                                   9
  '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0', //                           10
  '20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1', //                           11
];

test('fires at a resume point whose guest counter is below the one at the pause', () => {
  const d = check([
    ...MIGRATION,
    // offset = 5515000000 - 200000000 = 5315000000
    '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=200000000',
    // G_after = 5515002500 - 5315000000 = 200002500 < 249999975: back by 49997475 ticks
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  const [f] = only(d, 'HVT001');
  assert.equal(only(d, 'HVT001').length, 1);
  assert.equal(f.range.start.line, 12);
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'guest CNTVCT of vcpu0 of vm1 on dst steps back by 49997475 ticks (1.999899 s at 25 MHz) at this resume point: it was 249999975 when the guest stopped and is 200002500 now',
  );
  assert.deepEqual(
    f.related.map((r) => r.range.start.line),
    [7, 11],
  );
  assert.deepEqual(codesAt(d), ['HVT011@12', 'HVT001@13', 'HVT010@13']);
});

test('does not fire when the counter wraps past 2^64 during a pause (the signed step is forward)', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 policy=advance',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000010000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=500000100',
    '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
    // C(19.999999) = 499999975; 499999975 - 500000100 = -125 = 2^64 - 125
    '19.999999000 h/vm1/vcpu0 guest read CNTVCT_EL0 = 0xFFFFFFFFFFFFFF83',
    '20.000000000 h/vm1 vmm pause', // G_before = 2^64 - 100
    '20.001000000 h/vm1 vmm resume',
    '20.001000000 h/vm1/vcpu0 ioctl KVM_RUN', // G_after = 500025000 - 500000100 = 24900 = G_before + 25000 (mod 2^64)
    '20.002000000 h/vm1/vcpu0 guest read CNTVCT_EL0 = 49900',
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('fires on a host write that steps a running guest back', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', // voffset 250000000
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    // CNTVCT at 12 s = 300000000 - 250000000 = 50000000 -> 1000
    '12.000000000 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=1000',
  ]);
  assert.deepEqual(codesAt(d), ['HVT001@7']);
  assert.equal(
    d[0].message,
    "this host write steps the running guest's CNTVCT back by 49999000 ticks (1.99996 s at 25 MHz) on vcpu0 of vm1 on src (from 50000000 to 1000)",
  );
});

test('does not fire on host writes before the first run of a fresh VM', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '12.000000000 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=1000',
    '12.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('fires on a guest read lower than an earlier read on the same vCPU', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50000000',
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 40000000', // model: 75000000
  ]);
  assert.deepEqual(codesAt(d), ['HVT001@8', 'HVT093@8']);
  const [f] = only(d, 'HVT001');
  assert.equal(
    f.message,
    'the guest reads CNTVCT_EL0 = 40000000 on vcpu0 of vm1 on src, 10000000 ticks (400 ms at 25 MHz) lower than its earlier read 50000000: time went backwards',
  );
  assert.deepEqual(f.range, { start: { line: 7, character: 51 }, end: { line: 7, character: 59 } });
  assert.deepEqual(
    f.related.map((r) => r.range.start.line),
    [6],
  );
});

test('does not fire on increasing reads', () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50000000',
    '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 75000000',
  ]);
  assert.deepEqual(codesAt(d), []);
});

test("fires once on a read lower than another vCPU's earlier read (the counter is system-wide)", () => {
  const d = check([
    ...ARM64_HEADER,
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1', // voffset 250000025 for both
    '10.000010000 src/vm1/vcpu1 ioctl KVM_SET_SYSTEM_COUNTER_STATE cntvoff=250025025', // vcpu1 1 ms behind
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '10.000200000 src/vm1/vcpu1 ioctl KVM_RUN',
    '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975', // 300000000 - 250000025
    '12.000000040 src/vm1/vcpu1 guest read CNTVCT_EL0 = 49974976', // 300000001 - 250025025
    '12.000001000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50000000', // 300000025 - 250000025
    '12.000001040 src/vm1/vcpu1 guest read CNTVCT_EL0 = 49975001', // 300000026 - 250025025: same cause
  ]);
  assert.deepEqual(codesAt(d), ['HVT094@7', 'HVT002@8', 'HVT001@11']);
  assert.equal(
    only(d, 'HVT001')[0].message,
    'the guest reads CNTVCT_EL0 = 49974976 on vcpu1, 24999 ticks (999.96 µs at 25 MHz) lower than vcpu0 read earlier (49999975): the counter is system-wide, so time went backwards across vCPUs',
  );
});

test('does not fire with policy freeze when the restored counter equals the one at the pause', () => {
  const d = check([
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz ecv=0 vhe=1',
    '@vm vm1 policy=freeze',
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', // voffset 250000000
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '20.000000000 src/vm1 vmm pause', // G_before = 250000000
    '20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000250',
    '50.000000000 src/vm1 vmm resume',
    '50.000000000 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000000',
    '50.000000000 src/vm1/vcpu0 ioctl KVM_RUN', // G_after = 1250000000 - 1000000000 = 250000000
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@9']);
});
