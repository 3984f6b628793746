// §6.2 item 3: guest IA32_TSC_ADJUST writes take effect only when the vCPU's CPUID advertises
// TSC_ADJUST (KVM_SET_CPUID2 tsc_adjust=1; assumed when the trace has no KVM_SET_CPUID2 at all),
// as kvm_set_msr_common() does (torvalds/linux arch/x86/kvm/x86.c, case MSR_IA32_TSC_ADJUST).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { check, codesAt, only } from '../rules/testing';

// h: C(t) = 1e9 · t. vcpu0 created at 10 s: offset -1e10, the guest TSC at 11 s is 1e9.
const BASE = ['@hvtrace 1', '@host h arch=x86_64 freq=1GHz', '@vm vm', '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=0'];
const VCPU1 = '10.000000000 h/vm ioctl KVM_CREATE_VCPU id=1'; // a write of 0: matched, the same offset
const vcpu = (lines: string[], line1: number, id: number) =>
  new Analysis(lines.join('\n'))
    .stateAfter(line1 - 1)
    .instances.get('h/vm')!
    .vcpus.get(id)!;

test('no KVM_SET_CPUID2 in the trace: every vCPU is assumed to advertise TSC_ADJUST, a guest write moves the offset', () => {
  const lines = [
    ...BASE,
    '10.500000000 h/vm/vcpu0 guest write IA32_TSC_ADJUST = 500000000', // offset -1e10 + 5e8 (A - old = 5e8 - 0)
    '11.000000000 h/vm/vcpu0 guest read TSC = 1500000000', //          1e9 + 5e8
    '11.000000000 h/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC_ADJUST -> IA32_TSC_ADJUST=500000000',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  assert.equal(vcpu(lines, 6, 0).tscOffset, (1n << 64n) - 10_000_000_000n + 500_000_000n);
});

test('KVM_SET_CPUID2 tsc_adjust=0: the guest write is ignored silently (offset and MSR unchanged)', () => {
  const lines = [
    ...BASE,
    '10.000100000 h/vm/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=0',
    '10.500000000 h/vm/vcpu0 guest write IA32_TSC_ADJUST = 500000000', // ignored
    '11.000000000 h/vm/vcpu0 guest read TSC = 1000000000', //           still C(11) - 1e10
    '11.000000000 h/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC_ADJUST -> IA32_TSC_ADJUST=0',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  // near miss: a trace that shows the write taking effect disagrees with KVM
  const d = check([...lines.slice(0, 7), '11.000000000 h/vm/vcpu0 guest read TSC = 1500000000']);
  assert.deepEqual(codesAt(d), ['HVT093@8']);
  assert.match(
    only(d, 'HVT093')[0].message,
    /^the guest TSC on vcpu0 of vm on h is 1500000000 here, but the model predicts 1000000000 \(higher by 500000000 ticks/,
  );
});

test('once the instance has a KVM_SET_CPUID2, a vCPU without one has no CPUID and so no TSC_ADJUST', () => {
  const lines = [
    ...BASE,
    VCPU1,
    '10.000100000 h/vm/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=1 leaf_1_ecx=0x80202001',
    '10.500000000 h/vm/vcpu0 guest write IA32_TSC_ADJUST = 500000000', // vcpu0 advertises it: offset + 5e8
    '10.500000000 h/vm/vcpu1 guest write IA32_TSC_ADJUST = 500000000', // vcpu1 has no CPUID: ignored
    '11.000000000 h/vm/vcpu0 guest read TSC = 1500000000',
    '11.000000000 h/vm/vcpu1 guest read TSC = 1000000000',
  ];
  // vcpu0 now runs 0.5 s ahead of vcpu1: the offsets disagree (HVT002) and a task moving to vcpu1
  // reads an earlier time (HVT001) — KVM did ignore vcpu1's write
  assert.deepEqual(codesAt(check(lines)), ['HVT002@8', 'HVT001@10']);
  assert.equal(vcpu(lines, 10, 1).tscAdjust, 0n);
  assert.equal(vcpu(lines, 10, 0).tscAdjust, 500_000_000n);
  // KVM_SET_CPUID2 without tsc_adjust= says nothing about the bit: assumed advertised
  const unstated = [...BASE, '10.000100000 h/vm/vcpu0 ioctl KVM_SET_CPUID2 leaf_1_ecx=0x80202001', lines[6], lines[8]];
  assert.equal(unstated[5], '10.500000000 h/vm/vcpu0 guest write IA32_TSC_ADJUST = 500000000');
  assert.deepEqual(codesAt(check(unstated)), []);
});

test('a guest IA32_TSC write moves TSC_ADJUST by the same delta whatever the CPUID says', () => {
  const lines = [
    ...BASE,
    '10.000100000 h/vm/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=0',
    // at 11 s the guest reads 1e9; writing 5e9 moves the offset and TSC_ADJUST by 4e9
    '11.000000000 h/vm/vcpu0 guest write IA32_TSC = 5000000000',
    '11.000000000 h/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC_ADJUST -> IA32_TSC_ADJUST=4000000000',
    '12.000000000 h/vm/vcpu0 guest read TSC = 6000000000',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
});

test('a host IA32_TSC_ADJUST write stores the MSR only, and only with TSC_ADJUST in the CPUID', () => {
  const lines = [
    ...BASE,
    VCPU1,
    '10.000100000 h/vm/vcpu1 ioctl KVM_SET_CPUID2 tsc_adjust=1',
    '10.500000000 h/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_ADJUST=77', // vcpu0 has no CPUID: dropped
    '10.500000000 h/vm/vcpu1 ioctl KVM_SET_MSRS IA32_TSC_ADJUST=77', // stored, the offset unchanged
    '11.000000000 h/vm/vcpu1 guest read TSC = 1000000000',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
  assert.equal(vcpu(lines, 9, 0).tscAdjust, 0n);
  assert.equal(vcpu(lines, 9, 1).tscAdjust, 77n);
  assert.equal(vcpu(lines, 9, 1).tscOffset, (1n << 64n) - 10_000_000_000n);
});

test('a failed KVM_SET_CPUID2 changes nothing', () => {
  const lines = [
    ...BASE,
    '10.000100000 h/vm/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=0 -> -EINVAL',
    '10.500000000 h/vm/vcpu0 guest write IA32_TSC_ADJUST = 500000000',
    '11.000000000 h/vm/vcpu0 guest read TSC = 1500000000',
  ];
  assert.deepEqual(codesAt(check(lines)), []);
});
