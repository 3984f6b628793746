// kvm_synchronize_tsc as §6.2 items 1-2 describe it (corrected from real-kernel captures): the
// frequency condition, KVM's u64 one-second window, and KVM_VCPU_TSC_OFFSET as a userspace write.
// Every expected value is worked out by hand from §3 (C_H(t) = freq · t here) and §6.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { check, codesAt, only } from '../rules/testing';

const U64 = 1n << 64n;
const inst = (lines: string[], line1: number, key = 'h/vm') =>
  new Analysis(lines.join('\n')).stateAfter(line1 - 1).instances.get(key)!;

// h: C(t) = 1e9 · t. vcpu0 created at 10 s: generation 1, offset = 0 - 1e10.
const GHZ = ['@hvtrace 1', '@host h arch=x86_64 freq=1GHz', '@vm vm', '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0'];

test('§6.2.1 issue #15 11a: the window is KVM\'s u64 test, so a write after a "negative" one matches', () => {
  const lines = [
    ...GHZ,
    // first userspace write: no window test yet, a new generation: offset = -5e8 - C(10.1) = -1.06e10
    '10.100000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=-500000000', //   5
    // exp = (2^64 - 5e8) + 0.9 s × 1 GHz = 4e8 (mod 2^64), hz = 1e9: 7e8 < 1.4e9 and 1.7e9 > 4e8: matched
    '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=700000000', //    6
    // the guest reads C(11) - 1.06e10 = 1.1e10 - 1.06e10 = 4e8
    '11.000000000 h/vm/vcpu0 guest read TSC = 400000000', //               7
  ];
  const d = check(lines);
  assert.deepEqual(codesAt(d), ['HVT023@6']);
  assert.match(
    d[0].message,
    /within one second of 400000000, the TSC expected from the previous write\): it keeps generation 2's offset 18446744063109551616, so the guest reads 400000000, not 700000000$/,
  );
  assert.equal(inst(lines, 6).vcpus.get(0)!.tscOffset, U64 - 10_600_000_000n);
  assert.equal(inst(lines, 6).tsc.curGeneration, 2);
});

test('§6.2.1 near misses of the window: one tick past exp + hz, and a value within one second only as a signed distance', () => {
  const first = '10.100000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=-500000000';
  // exp + hz = 4e8 + 1e9 = 1.4e9: V = 1.4e9 is not < 1.4e9, a new generation whose offset the guest reads back
  const edge = [
    ...GHZ,
    first,
    '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=1400000000',
    '11.000000000 h/vm/vcpu0 guest read TSC = 1400000000',
  ];
  assert.deepEqual(codesAt(check(edge)), []);
  assert.equal(inst(edge, 6).tsc.curGeneration, 3);
  // V = 1399999999 < 1.4e9: matched (and the guest reads 4e8)
  assert.deepEqual(codesAt(check([...GHZ, first, '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=1399999999'])), [
    'HVT023@6',
  ]);
  // V = -5e8 again: 0.9 s from exp = 4e8 as a signed distance, but as u64 V = 2^64 - 5e8 is not < 1.4e9: new generation
  const signed = [...GHZ, first, '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=-500000000'];
  assert.deepEqual(codesAt(check(signed)), []);
  assert.equal(inst(signed, 6).vcpus.get(0)!.tscOffset, U64 - 11_500_000_000n); // -5e8 - 1.1e10
});

test('§6.2.1: when exp + hz wraps past 2^64 KVM matches nothing near it', () => {
  // first write -1.2e9 at 10.1: exp at 11.0 = -1.2e9 + 9e8 = 2^64 - 3e8; exp + hz wraps to 7e8
  const base = [...GHZ, '10.100000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=-1200000000'];
  // V = -2e8 (1e8 after exp): V < 7e8 fails; V = 5e8 (8e8 after exp): V + hz = 1.5e9 > 2^64 - 3e8 fails
  for (const v of ['-200000000', '500000000']) {
    const lines = [...base, `11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=${v}`];
    assert.deepEqual(codesAt(check(lines)), [], v);
    assert.equal(inst(lines, 6).tsc.curGeneration, 3, v);
  }
});

// h: 2 GHz without TSC scaling (issue #18): vcpu0 at 10 s, offset = -2e10, last_tsc_khz = 2000000.
const NO_SCALING = [
  '@hvtrace 1',
  '@host h arch=x86_64 freq=2GHz tsc_scaling=0',
  '@vm vm',
  '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
];

test('§6.2.1 frequency condition: a write of 0 at another virtual_tsc_khz starts a new generation (issue #18)', () => {
  const lines = [
    ...NO_SCALING,
    '10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=2400000', // accepted without scaling: virtual_tsc_khz 2400000
    // 0 is "synchronizing", but 2400000 != last_tsc_khz 2000000: offset = 0 - C(11) = -2.2e10, generation 2
    '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0',
    '11.000000000 h/vm/vcpu0 guest read TSC = 0',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  const s = inst(lines, 6);
  assert.equal(s.vcpus.get(0)!.tscOffset, U64 - 22_000_000_000n);
  assert.equal(s.tsc.curGeneration, 2);
  assert.equal(s.tsc.lastKhz, 2_400_000n);
  // near miss: at the same frequency the write of 0 is matched and ignored (HVT023)
  assert.deepEqual(codesAt(check([...NO_SCALING, '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0'])), [
    'HVT023@5',
  ]);
});

test('§6.2.1 frequency condition at vCPU creation: a hot-plugged vCPU at the VM default after a 2400000 kHz write is not matched', () => {
  const lines = [
    ...NO_SCALING,
    '10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=2400000',
    '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0', //  generation 2 at 2400000 kHz, offset -2.2e10
    '12.000000000 h/vm ioctl KVM_CREATE_VCPU id=1', //           2000000 != 2400000: generation 3, offset = 0 - C(12) = -2.4e10
  ];
  const s = inst(lines, 7);
  assert.equal(s.tsc.curGeneration, 3);
  assert.equal(s.vcpus.get(1)!.tscOffset, U64 - 24_000_000_000n);
});

test('§6.2.1: with virtual_tsc_khz 0 (a host below 1 kHz) nothing is ever matched, not even vCPU creation', () => {
  const lines = [
    '@host h arch=x86_64 freq=999',
    '@vm vm',
    '1.000000000 h/vm ioctl KVM_CREATE_VCPU id=0', // offset = 0 - C(1) = -999
    '2.000000000 h/vm ioctl KVM_CREATE_VCPU id=1', // not synchronizing: offset = 0 - C(2) = -1998
  ];
  const s = inst(lines, 4);
  assert.equal(s.vcpus.get(0)!.tscOffset, U64 - 999n);
  assert.equal(s.vcpus.get(1)!.tscOffset, U64 - 1998n);
  assert.equal(s.tsc.curGeneration, 2);
});

test('§6.2.1 before 6.7 the window applies to the first userspace write; from 6.7 only after one', () => {
  // the creation recorded last write 0 at 10 s; at 10.2 s exp = 0 + 0.2 s × 1 GHz = 2e8, and 1e9 < 1.2e9
  const write = '10.200000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=1000000000';
  const kernel = (k: string): string[] => [GHZ[0], `${GHZ[1]} kernel=${k}`, ...GHZ.slice(2), write];
  assert.deepEqual(codesAt(check(kernel('6.6'))), ['HVT023@5']);
  assert.deepEqual(codesAt(check(kernel('6.7'))), []);
});

test('§6.2.2 KVM_VCPU_TSC_OFFSET: a new offset starts a generation that a later IA32_TSC write and a hot-plugged vCPU match', () => {
  const attr = (vcpu: number, t: string, value: string): string =>
    `${t} h/vm/vcpu${vcpu} ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${value}`;
  const lines = [
    ...GHZ,
    // O = -5e9 != last_tsc_offset -1e10: generation 2; last write V = C(12) + O = 1.2e10 - 5e9 = 7e9
    attr(0, '12.000000000', '-5000000000'), //                                  5
    // exp = 7e9 + 0.5 s × 1 GHz = 7.5e9; 7.6e9 is within one second: matched, the guest reads 1.25e10 - 5e9
    '12.500000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=7600000000', //        6
    '12.600000000 h/vm ioctl KVM_CREATE_VCPU id=1', //                          7: a write of 0 at 1000000 kHz: matched
    '12.700000000 h/vm/vcpu1 ioctl KVM_RUN', //                                 8: both offsets -5e9, no HVT002
  ];
  const d = check(lines);
  assert.deepEqual(codesAt(d), ['HVT023@6']);
  assert.match(
    only(d, 'HVT023')[0].message,
    /within one second of 7500000000.*generation 2's offset 18446744068709551616, so the guest reads 7500000000, not 7600000000$/,
  );
  const s = inst(lines, 8);
  assert.equal(s.tsc.curGeneration, 2);
  assert.equal(s.vcpus.get(1)!.tscOffset, U64 - 5_000_000_000n);
  assert.equal(s.tsc.userSetTsc, true);
});

test('§6.2.2 KVM_VCPU_TSC_OFFSET near misses: the same offset is matched (no new generation), another frequency is not', () => {
  // -1e10 is the offset of the previous write (vcpu0's creation), at the same 1000000 kHz: matched
  const same = [
    ...GHZ,
    '12.000000000 h/vm/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=-10000000000',
  ];
  assert.equal(inst(same, 5).tsc.curGeneration, 1);
  assert.equal(inst(same, 5).tsc.lastWrite, 2_000_000_000n); // C(12) + O = 1.2e10 - 1e10
  // the same offset after KVM_SET_TSC_KHZ changed virtual_tsc_khz: a new generation
  const other = [...GHZ, '11.000000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=1000300', same[4]];
  assert.equal(inst(other, 6).tsc.curGeneration, 2);
});
