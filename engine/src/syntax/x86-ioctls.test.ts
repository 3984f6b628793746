// The statements §6.2 added: `ioctl KVM_SET_CPUID2 [tsc_adjust=0|1] [KEY=VALUE...]` (vCPU),
// `ioctl KVM_CREATE_VM` (VM), and the generic `took=DURATION` on any ioctl (docs/format-extensions.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, errorOf, notesOf, sp, statementOf } from './testing';
import { printStatement } from './print';

const V = '1.0 h/vm1/vcpu0 ioctl '; // the op starts at column 22
const M = '1.0 h/vm1 ioctl '; //       the op starts at column 16

test('KVM_SET_CPUID2 tsc_adjust=0|1 with other CPUID keys recorded as written, not interpreted', () => {
  const s = statementOf(`${V}KVM_SET_CPUID2 tsc_adjust=1 leaf_7_ebx=0x2 nent=42`);
  const b = bodyOf(s, 'set_cpuid2');
  assert.deepEqual(b.tscAdjust, { value: true, span: sp(48, 49) });
  assert.deepEqual(
    b.entries.map((e) => `${e.key!.value}=${e.value.value}`),
    ['leaf_7_ebx=0x2', 'nent=42'],
  );
  assert.deepEqual(s.notes, []);
  assert.equal(bodyOf(statementOf(`${V}KVM_SET_CPUID2 tsc_adjust=0`), 'set_cpuid2').tscAdjust?.value, false);
  assert.equal(bodyOf(statementOf(`${V}KVM_SET_CPUID2`), 'set_cpuid2').tscAdjust, undefined);
  // the request code _IOW(KVMIO, 0x90, struct kvm_cpuid2) (8 bytes) decodes to the name
  assert.equal(statementOf(`${V}0x4008AE90 tsc_adjust=1`).op.value, 'KVM_SET_CPUID2');
  assert.equal(printStatement(s), '1.000000000 h/vm1/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=1 leaf_7_ebx=0x2 nent=42');
});

test('KVM_SET_CPUID2 with a bad tsc_adjust is HVT090; on a VM or without a key it is noted', () => {
  assert.deepEqual(errorOf(`${V}KVM_SET_CPUID2 tsc_adjust=2`), {
    span: sp(48, 49),
    message: 'expected `0` or `1` (whether CPUID.7.0:EBX bit 1, TSC_ADJUST, is set), found `2`',
  });
  assert.deepEqual(errorOf(`${V}KVM_SET_CPUID2 tsc_adjust=yes`), {
    span: sp(48, 51),
    message: 'expected `0` or `1` (whether CPUID.7.0:EBX bit 1, TSC_ADJUST, is set), found `yes`',
  });
  assert.deepEqual(errorOf(`${M}KVM_SET_CPUID2 tsc_adjust=1`), {
    span: sp(4, 9),
    message: 'KVM_SET_CPUID2: expected a vCPU location like src/vm1/vcpu0, found `h/vm1`',
  });
  const s = statementOf(`${V}KVM_SET_CPUID2 tsc_adjust=1 stray`);
  assert.deepEqual(notesOf(s.notes), ['HVT091@50-55']);
});

test('KVM_CREATE_VM on a VM, optionally returning the VM fd; by name or by code 0xAE01', () => {
  const s = statementOf(`${M}KVM_CREATE_VM -> 12`);
  assert.deepEqual(bodyOf(s, 'create_vm').fd, { value: 12n, span: sp(33, 35) });
  assert.deepEqual(s.notes, []);
  assert.equal(statementOf(`${M}0xAE01`).body.type, 'create_vm');
  assert.equal(printStatement(s), '1.000000000 h/vm1 ioctl KVM_CREATE_VM -> 12');
  assert.deepEqual(errorOf(`${V}KVM_CREATE_VM`), {
    span: sp(4, 15),
    message: 'KVM_CREATE_VM: expected a VM location like src/vm1, found `h/vm1/vcpu0`',
  });
});

test('took=DURATION on any ioctl: kept on the statement, not an argument of the ioctl', () => {
  const s = statementOf(`${V}KVM_SET_MSRS IA32_TSC=0 took=62.5us`);
  assert.deepEqual(s.took, { value: 62500n, span: sp(51, 57) });
  assert.equal(bodyOf(s, 'set_msrs').writes.length, 1); // not an MSR called `took`
  assert.deepEqual(s.notes, []);
  // anywhere among the arguments, and on ioctls the model does not know
  assert.equal(statementOf(`${M}KVM_CREATE_VCPU took=450us id=0`).took?.value, 450000n);
  const other = statementOf(`${M}KVM_CHECK_EXTENSION took=3us -> 1`);
  assert.equal(other.took?.value, 3000n);
  assert.equal(printStatement(other), '1.000000000 h/vm1 ioctl KVM_CHECK_EXTENSION took=3000ns -> 1');
  assert.equal(printStatement(s), '1.000000000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0x0 took=62500ns');
  // other actors have no took=: an unknown argument there
  assert.deepEqual(notesOf(statementOf('1.0 h/vm1/vcpu0 guest read TSC = 5 took=1us').notes), ['HVT091@35-43']);
});

test('a bad or repeated took= is HVT090', () => {
  assert.deepEqual(errorOf(`${V}KVM_RUN took=fast`), {
    span: sp(35, 39),
    message: "expected the ioctl's latency as a duration like 45us or 0.5ms, found `fast`",
  });
  assert.deepEqual(errorOf(`${V}KVM_RUN took=-5us`), {
    span: sp(35, 39),
    message: "expected the ioctl's latency as a duration like 45us or 0.5ms, found `-5us`",
  });
  assert.deepEqual(errorOf(`${V}KVM_RUN took=1us took=2us`), {
    span: sp(39, 43),
    message: 'duplicate argument `took=`',
  });
});
