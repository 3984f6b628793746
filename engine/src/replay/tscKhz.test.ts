// §6.2 item 4, KVM_SET_TSC_KHZ, corrected from real-kernel captures (issue #18), and the host below
// 1 kHz of issue #15 item 1. KVM: torvalds/linux arch/x86/kvm/x86.c kvm_arch_vcpu_ioctl /
// kvm_arch_vm_ioctl KVM_SET_TSC_KHZ, kvm_set_tsc_khz(), set_tsc_khz(). Values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { check, codesAt, only } from '../rules/testing';

const U64 = 1n << 64n;
const stateAfter = (lines: string[], line1: number) => new Analysis(lines.join('\n')).stateAfter(line1 - 1);
const vcpu = (lines: string[], line1: number, id = 0) => stateAfter(lines, line1).instances.get('h/vm')!.vcpus.get(id)!;

// issue #18's host: x86_64 at 2 GHz without TSC scaling. C(t) = 2e9 · t.
const H = ['@hvtrace 1', '@host h arch=x86_64 freq=2GHz tsc_scaling=0', '@vm vm'];

test('issue #18: a VM-wide 2400000 kHz before any vCPU is accepted, and the next vCPU gets offset 0', () => {
  const lines = [
    ...H,
    '10.000000000 h/vm ioctl KVM_SET_TSC_KHZ value=2400000', //  4: no vCPU yet: accepted
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0', //           5: zero ratio: offset = 0 - 0
    '10.000000000 h/vm/vcpu0 ioctl KVM_GET_TSC_KHZ -> 2400000',
    '10.000000000 h/vm ioctl KVM_GET_TSC_KHZ -> 2400000',
    '11.000000000 h/vm/vcpu0 ioctl KVM_RUN',
    // the guest's rdtsc is not scaled by the hardware: C(11) + 0 = 2.2e10
    '11.000000000 h/vm/vcpu0 guest read TSC = 22000000000',
    // KVM's own view (kvm_read_l1_tsc with ratio 0) is the offset alone
    '11.000000000 h/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC -> IA32_TSC=0',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  const v = vcpu(lines, 5);
  assert.equal(v.tscOffset, 0n);
  assert.equal(v.zeroRatio, true);
  assert.equal(v.virtualKhz, 2_400_000n);
});

test('a VM-wide frequency below the host rate is also accepted before the first vCPU; -EINVAL once one exists', () => {
  const below = [
    ...H,
    '10.000000000 h/vm ioctl KVM_SET_TSC_KHZ value=1800000',
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
  ];
  assert.deepEqual(codesAt(check(below)), []);
  assert.equal(vcpu(below, 5).tscOffset, 0n); // set_tsc_khz() fails at creation: the ratio stays 0
  const after = [
    ...H,
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
    '10.100000000 h/vm ioctl KVM_SET_TSC_KHZ value=2400000',
  ];
  const d = check(after);
  assert.deepEqual(codesAt(d), ['HVT093@5']);
  assert.equal(
    d[0].message,
    'KVM answers -EINVAL to KVM_SET_TSC_KHZ here (the VM already has vCPUs), but the trace shows success; the default frequency is unchanged',
  );
  assert.deepEqual(
    codesAt(check([...after.slice(0, 4), '10.100000000 h/vm ioctl KVM_SET_TSC_KHZ value=2400000 -> -EINVAL'])),
    [],
  );
});

test('issue #18: a per-vCPU 2400000 kHz is accepted (catch-up, no scaling): the TSC keeps the host rate', () => {
  const lines = [
    ...H,
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0', //           offset -2e10, ratio 1
    '10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=2400000',
    '10.500000000 h/vm/vcpu0 ioctl KVM_GET_TSC_KHZ -> 2400000',
    '12.000000000 h/vm/vcpu0 guest read TSC = 4000000000', //   2.4e10 - 2e10: still 2 GHz
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  assert.equal(vcpu(lines, 5).scaled, false);
});

test('issue #18: after value=1800000 -> -EINVAL, KVM_GET_TSC_KHZ reports 1800000 (stored before the failure)', () => {
  const lines = [
    ...H,
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
    '10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=1800000 -> -EINVAL',
    '10.500000000 h/vm/vcpu0 ioctl KVM_GET_TSC_KHZ -> 1800000',
    // the matching compares 1800000 with last_tsc_khz 2000000: a write of 0 is not matched (no HVT023)
    '11.000000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0',
    '11.000000000 h/vm/vcpu0 guest read TSC = 0',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  assert.equal(stateAfter(lines, 8).instances.get('h/vm')!.tsc.curGeneration, 2);
  // near miss: the same request shown as a success is a disagreement, but the frequency is stored all the same
  const ok = [...H, lines[3], '10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=1800000', lines[5]];
  const d = check(ok);
  assert.deepEqual(codesAt(d), ['HVT093@5']);
  assert.equal(
    only(d, 'HVT093')[0].message,
    "KVM answers -EINVAL to KVM_SET_TSC_KHZ here (host h cannot scale the TSC (tsc_scaling=0) and 1800000 kHz is below its 2000000 kHz by more than 250 ppm), but the trace shows success; KVM still stores 1800000 kHz as the vCPU's frequency (KVM_GET_TSC_KHZ reports it) but does not scale to it",
  );
});

test("without scaling the 250 ppm tolerance is KVM's adjust_tsc_khz: 1999500 kHz is in, 1999499 kHz is out", () => {
  // thresh_lo = 2000000 · (1e6 - 250) / 1e6 = 1999500, thresh_hi = 2000000 · (1e6 + 250) / 1e6 = 2000500
  const at = (khz: string): string[] => [
    ...H,
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
    `10.500000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=${khz}`,
  ];
  assert.deepEqual(codesAt(check(at('1999500'))), []);
  assert.deepEqual(codesAt(check(at('2000500'))), []);
  assert.deepEqual(codesAt(check(at('1999499'))), ['HVT093@5']);
  // KVM reads the argument as (u32)arg: 2^32 + 2000000 is 2000000
  assert.deepEqual(codesAt(check(at('4296967296'))), []);
});

test('with TSC scaling a rate outside 250 ppm is scaled, one within it is not (kvm_set_tsc_khz)', () => {
  const scaling = [
    '@hvtrace 1',
    '@host h arch=x86_64 freq=2GHz',
    '@vm vm',
    '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0',
  ];
  // 2400000 kHz: scale(x) = x · 2.4/2 = 1.2x; TSC at 12 s = 1.2 · 2.4e10 - 2e10 = 8.8e9
  const scaled = [
    ...scaling,
    '10.000000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=2400000',
    '12.000000000 h/vm/vcpu0 guest read TSC = 8800000000',
  ];
  assert.deepEqual(codesAt(check(scaled)), []);
  // 2000400 kHz (200 ppm): the default ratio, 2.4e10 - 2e10
  const within = [
    ...scaling,
    '10.000000000 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=2000400',
    '12.000000000 h/vm/vcpu0 guest read TSC = 4000000000',
  ];
  assert.deepEqual(codesAt(check(within)), []);
  assert.equal(vcpu(within, 5).scaled, false);
});

// issue #15 item 1: a host below 1 kHz has tsc_khz = 0 in KVM.
const ISSUE_15_1 = [
  '@host h arch=x86_64 freq=999',
  '1.0 h/vm ioctl KVM_SET_TSC_KHZ value=1',
  '1.0 h/vm ioctl KVM_CREATE_VCPU id=0',
];

test('issue #15 item 1: a host below 1000 Hz plus KVM_SET_TSC_KHZ replays without dividing by zero', () => {
  // With TSC scaling max_guest_tsc_khz is scale(max ratio, 0) = 0, so the VM-wide K = 1 is -EINVAL.
  const d = check(ISSUE_15_1);
  assert.deepEqual(codesAt(d), ['HVT093@2']);
  assert.equal(
    d[0].message,
    "KVM answers -EINVAL to KVM_SET_TSC_KHZ here (host h's TSC frequency is below 1 kHz, so KVM's tsc_khz is 0 and it accepts no TSC frequency), but the trace shows success; nothing changes",
  );
  // The vCPU is created at default_tsc_khz = tsc_khz = 0: kvm_set_tsc_khz(0) keeps ratio 1 and
  // virtual_tsc_khz 0; offset = 0 - C(1.0) = -floor(1.0 · 999)
  const v = vcpu([ISSUE_15_1[0], '@vm vm', ...ISSUE_15_1.slice(1)], 4);
  assert.equal(v.tscOffset, U64 - 999n);
  assert.equal(v.virtualKhz, undefined);
  assert.equal(v.zeroRatio, false);
});

test('issue #15 item 1 without TSC scaling: K = 1 is accepted VM-wide and the vCPU gets a zero ratio', () => {
  const lines = [
    '@host h arch=x86_64 freq=999 tsc_scaling=0',
    ...ISSUE_15_1.slice(1),
    '2.0 h/vm/vcpu0 ioctl KVM_RUN',
    '2.0 h/vm/vcpu0 guest read TSC = 1998', // 1 > tsc_khz 0: catch-up, ratio 0, offset 0 - 0; rdtsc = C(2) = 1998
    '2.0 h/vm/vcpu0 ioctl KVM_GET_TSC_KHZ -> 1',
    '2.0 h/vm/vcpu0 ioctl KVM_SET_TSC_KHZ value=0 -> -EINVAL', // 0 means tsc_khz = 0: kvm_set_tsc_khz fails, ratio back to 1
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  assert.equal(vcpu(lines, 3).tscOffset, 0n);
  assert.equal(vcpu(lines, 7).zeroRatio, false);
});
