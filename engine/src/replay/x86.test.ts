// The x86 TSC and kvmclock under KVM (x86.ts; docs/format.md#62-x86-tsc,
// docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock): creation and KVM's TSC matching, the TSC
// frequency, the exact offset attribute, guest writes of the TSC, and kvmclock. Guest TSC =
// scale(C(t)) + offset; every expected value is worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { jsonAfter, modelAfter } from './testing';

const U64 = 2n ** 64n;

test('the first vCPU starts its TSC at 0 and later creations match its offset', () => {
  const s = jsonAfter(
    [
      '@host x arch=x86_64 freq=2GHz',
      '@vm v',
      '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
      '15.000000000 x/v ioctl KVM_CREATE_VCPU id=1',
    ],
    4,
  );
  // offset = 0 - 2e10; at 15 s both read 3e10 - 2e10 = 1e10
  assert.equal(s.vms.v.vcpus['0'].tsc_offset, '18446744053709551616');
  assert.equal(s.vms.v.vcpus['1'].tsc_offset, '18446744053709551616');
  assert.equal(s.vms.v.vcpus['1'].guest_counter, '10000000000');
  assert.equal(s.vms.v.vcpus['0'].virtual_offset, null);
});

test('KVM_SET_TSC_KHZ scales the guest TSC (scale(x) = x · virtual_khz / host_khz)', () => {
  const s = jsonAfter(
    [
      '@host x arch=x86_64 freq=2GHz',
      '@vm v',
      '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
      '10.000000000 x/v/vcpu0 ioctl KVM_SET_TSC_KHZ value=1000000', // scale(C) = C/2 from now on
      '12.000000000 x/v/vcpu0 ioctl KVM_RUN',
    ],
    5,
  );
  // offset still -2e10; scale(2.4e10) = 1.2e10; TSC = 1.2e10 - 2e10 = -8e9 mod 2^64
  assert.equal(s.vms.v.vcpus['0'].guest_counter, (U64 - 8_000_000_000n).toString());
});

test('a VM-wide KVM_SET_TSC_KHZ applies to vCPUs created later, scaled only where the host can scale', () => {
  const trace = (khz: string, scaling: string): string[] => [
    `@host x arch=x86_64 freq=2GHz${scaling}`,
    '@vm v',
    `10.000000000 x/v ioctl KVM_SET_TSC_KHZ value=${khz}`,
    '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
    '11.000000000 x/v/vcpu0 ioctl KVM_RUN',
  ];
  // 2400000 kHz with TSC scaling (kvm_set_tsc_khz -> set_tsc_khz ratio 2.4/2): offset = 0 - scale(2e10) = -2.4e10,
  // TSC at 11 s = scale(2.2e10) - 2.4e10 = 26400000000 - 24000000000
  assert.equal(jsonAfter(trace('2400000', ''), 5).vms.v.vcpus['0'].guest_counter, '2400000000');
  // Without scaling set_tsc_khz() leaves the new vCPU's ratio at 0: KVM computes offset = 0 - 0 = 0,
  // and the guest's rdtsc reads the host TSC, 2e9 · 11 (docs/format.md#62-x86-tsc item 4)
  assert.equal(jsonAfter(trace('2400000', ' tsc_scaling=0'), 5).vms.v.vcpus['0'].guest_counter, '22000000000');
  // 200 ppm from the host rate is within tsc_tolerance_ppm (250): no scaling with or without TSC
  // scaling (kvm_set_tsc_khz uses the default ratio): 2.2e10 - 2e10
  assert.equal(jsonAfter(trace('2000400', ''), 5).vms.v.vcpus['0'].guest_counter, '2000000000');
  assert.equal(jsonAfter(trace('2000400', ' tsc_scaling=0'), 5).vms.v.vcpus['0'].guest_counter, '2000000000');
});

test('KVM_VCPU_TSC_OFFSET sets the offset exactly', () => {
  const s = jsonAfter(
    [
      '@host x arch=x86_64 freq=2GHz',
      '@vm v',
      '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
      '10.000000000 x/v/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=-5000000000',
      '11.000000000 x/v/vcpu0 ioctl KVM_RUN',
    ],
    5,
  );
  // TSC at 11 s = 2.2e10 - 5e9
  assert.equal(s.vms.v.vcpus['0'].tsc_offset, (U64 - 5_000_000_000n).toString());
  assert.equal(s.vms.v.vcpus['0'].guest_counter, '17000000000');
});

test('a guest write of IA32_TSC moves the offset so the guest reads it, and TSC_ADJUST by the same delta', () => {
  const v = modelAfter(
    [
      '@host x arch=x86_64 freq=2GHz',
      '@vm v',
      '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
      '12.000000000 x/v/vcpu0 ioctl KVM_RUN',
      '12.000000000 x/v/vcpu0 guest write IA32_TSC = 10000000000',
    ],
    5,
  )
    .instances.get('x/v')!
    .vcpus.get(0)!;
  // Before: 2.4e10 - 2e10 = 4e9. Delta 1e10 - 4e9 = 6e9: offset -2e10 + 6e9 = -1.4e10; TSC_ADJUST 0 + 6e9.
  assert.equal(v.tscOffset, U64 - 14_000_000_000n);
  assert.equal(v.tscAdjust, 6_000_000_000n);
});

test('kvmclock follows KVM_SET_CLOCK with KVM_CLOCK_REALTIME: N + (now - realtime)', () => {
  const a = new Analysis(
    [
      '@host x arch=x86_64 freq=2GHz',
      '@vm v',
      '20.000000000 x/v ioctl KVM_SET_CLOCK clock=5000000000 flags=KVM_CLOCK_REALTIME realtime=19900000000',
      '21.000000000 x/v ioctl KVM_GET_CLOCK -> clock=6100000000 flags=0',
    ].join('\n'),
  );
  assert.deepEqual(a.diagnostics(), []); // 5e9 + 0.1 s (realtime) + 1 s
  const s = a.stateAfter(2);
  assert.equal(s.instances.get('x/v')!.kvmclockBase, 5_100_000_000n);
});
