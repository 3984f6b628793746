import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

test('each use of a never-merged API is reported on its statement', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host x arch=x86_64 freq=2GHz',
    '@vm a',
    '@vm b',
    '10.000000000 h/a ioctl KVM_CREATE_VCPU id=0',
    '10.000010000 h/a/vcpu0 ioctl KVM_GET_SYSTEM_COUNTER_STATE -> cntvoff=250000000', //                          7
    '10.000020000 h/a/vcpu0 ioctl KVM_SET_SYSTEM_COUNTER_STATE cntvoff=250000000', //                              8
    '10.000030000 h/a/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_OFFSET value=250000000', //                 9
    '10.000040000 h/a/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_TIMER_CTRL attr=KVM_ARM_VCPU_TIMER_OFFSET value=0', // 10
    '10.000000000 x/b ioctl KVM_CREATE_VCPU id=0',
    '10.000050000 x/b/vcpu0 ioctl KVM_GET_TSC_STATE -> flags=1 nsec=10000050000 tsc=100000', //                   12
    '10.000060000 x/b/vcpu0 ioctl KVM_SET_TSC_STATE flags=0 tsc=120000', //                                       13
  ]);
  assert.deepEqual(codesAt(d), [
    'HVT094@7',
    'HVT094@8',
    'HVT094@9',
    'HVT094@10',
    'HVT092@11',
    'HVT094@12',
    'HVT094@13',
  ]);
  assert.equal(
    d[0].message,
    'KVM_GET_SYSTEM_COUNTER_STATE is a proposed API from the seed discussions, not an upstream KVM API',
  );
  assert.equal(d[2].message, 'KVM_REG_ARM_TIMER_OFFSET is a proposed register (seed 002), not an upstream KVM API');
});

test('group=1 attr=2 by number is the upstream IRQ_HVTIMER attribute, not the proposed offset', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '@vm a',
    '10.000000000 h/a ioctl KVM_CREATE_VCPU id=0',
    '10.000040000 h/a/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=1 attr=2 value=28',
  ]);
  assert.deepEqual(codesAt(d), []);
});
