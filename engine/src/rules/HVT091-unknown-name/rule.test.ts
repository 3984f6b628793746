import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const HEADER = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz', '@vm vm1'];

test('an undeclared host is an error and its statement is not replayed', () => {
  const d = check([...HEADER, '10.000000000 nowhere/vm1 ioctl KVM_CREATE_VCPU id=0']);
  assert.deepEqual(codesAt(d), ['HVT091@4']);
  assert.equal(d[0].severity, 'error');
  assert.deepEqual(d[0].range, { start: { line: 3, character: 13 }, end: { line: 3, character: 20 } });
  assert.equal(
    d[0].message,
    'host `nowhere` is not declared: add `@host nowhere arch=… freq=…` before its first use; this statement is not replayed',
  );
});

test('unknown ioctls, registers and arguments are info and do not stop the replay', () => {
  const d = check([
    ...HEADER,
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000010000 h/vm1/vcpu0 ioctl KVM_FROBNICATE x=1', //                                            5
    '10.000020000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=0x603000000013DFFF value=1', //                 6: unknown id, no effect
    '10.000030000 h/vm1/vcpu0 ioctl KVM_RUN speed=fast', //                                            7
    '10.000040000 h/vm1/vcpu0 ioctl KVM_CHECK_EXTENSION', //                                           8: known, no effect
  ]);
  assert.deepEqual(codesAt(d), ['HVT091@5', 'HVT091@7']);
  assert.ok(d.every((x) => x.severity === 'info'));
  assert.equal(d[0].message, 'unknown ioctl `KVM_FROBNICATE`; accepted without effect on the model');
  assert.equal(d[1].message, 'unknown argument `speed=` for KVM_RUN; ignored');
});

test('a declared host is no finding', () => {
  assert.deepEqual(codesAt(check([...HEADER, '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0'])), []);
});
