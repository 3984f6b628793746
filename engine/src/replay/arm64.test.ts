// The arm64 generic timer under KVM (arm64.ts; docs/format.md#61-arm64-counters,
// docs/reference/kvm-time.md#1-arm64-generic-timer-under-kvm): offsets set by vCPU creation, by
// counter writes and by KVM_ARM_SET_COUNTER_OFFSET, the proposed per-vCPU offsets, and the physical
// counter trap. Every expected value is worked out by hand from the host counter
// C(t) = V + floor((t - T) × freq) (docs/format.md#3-directives-lines-starting-with-).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../rules/fixtures';
import { eventsOf, jsonAfter, modelAfter, RESET_TIMERS_JSON as RESET_TIMERS } from './testing';

test('§7: the state after the last line is the one docs/cli.md shows', () => {
  assert.deepEqual(jsonAfter([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE], 16), {
    time: '20.600100000',
    hosts: { src: { counter: '515002500', freq: '25000000' }, dst: { counter: '5515002500', freq: '25000000' } },
    vms: {
      vm1: {
        host: 'dst',
        running: true,
        vcpus: {
          0: {
            guest_counter: '250002725',
            virtual_offset: '5264999775',
            physical_offset: '0',
            physical_trap: 'unknown',
            tsc_offset: null,
            stolen_ns: null,
            timers: RESET_TIMERS,
          },
          1: {
            guest_counter: '250002725',
            virtual_offset: '5264999775',
            physical_offset: '0',
            physical_trap: 'unknown',
            tsc_offset: null,
            stolen_ns: null,
            timers: RESET_TIMERS,
          },
        },
      },
    },
  });
});

test('§7: creating vCPU 1 re-bases the VM-wide offset; the guest read agrees with the model', () => {
  const s = jsonAfter(SPEC_EXAMPLE, 9);
  assert.equal(s.time, '12.000000000');
  // voffset = C(10.000001) = 250000025 for both vCPUs; CNTVCT = 300000000 - 250000025
  assert.equal(s.vms.vm1.vcpus['0'].virtual_offset, '250000025');
  assert.equal(s.vms.vm1.vcpus['1'].guest_counter, '49999975');
  assert.equal(s.vms.vm1.running, true);
});

test('a TIMER_CNT write sets voffset = C(t) - V on every vCPU of the instance', () => {
  // §7 line 15 at 20.6 s on dst: C = 5000000000 + 25 MHz × 20.6 s = 5515000000; 5515000000 - 250000225
  const [write] = eventsOf([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE], 15).filter((e) => e.kind === 'counterWrite');
  assert.deepEqual(write, {
    kind: 'counterWrite',
    inst: 'dst/vm1',
    vcpu: 0,
    counter: 'virtual',
    value: 250000225n,
    impliedOffset: 5264999775n,
    ignored: false,
    ignoredBecause: undefined,
    previousOffset: 5512500025n, // C_dst(20.500001) from the second creation
  });
});

test("a negative counter is two's complement and CNTVCT wraps modulo 2^64", () => {
  const s = jsonAfter(
    [
      '@host h arch=arm64 freq=1GHz counter=-1000@0.0',
      '@vm v',
      '0.000000000 h/v ioctl KVM_CREATE_VCPU id=0',
      '0.000000000 h/v/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=0',
      '0.000002000 h/v/vcpu0 ioctl KVM_RUN',
    ],
    5,
  );
  // host counter at 2 µs = 2^64 - 1000 + 2000 = 1000 (wrapped); offset = 2^64 - 1000
  assert.equal(s.hosts.h.counter, '1000');
  assert.equal(s.vms.v.vcpus['0'].virtual_offset, '18446744073709550616');
  assert.equal(s.vms.v.vcpus['0'].guest_counter, '2000');
});

const COUNTER_OFFSET = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
  '@vm vm1 vcpus=2',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //                                     4
  '10.000010000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=250000000', //      5
  '10.000020000 h/vm1 ioctl KVM_CREATE_VCPU id=1', //                                     6: keeps the offset
  '11.000000000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=7', //   7: ignored
  '11.000000000 h/vm1/vcpu0 ioctl KVM_RUN', //                                            8
];

test('KVM_ARM_SET_COUNTER_OFFSET: both offsets for every vCPU, now and future; later counter writes are ignored', () => {
  const after6 = modelAfter(COUNTER_OFFSET, 6).instances.get('h/vm1')!;
  assert.deepEqual(
    [...after6.vcpus.values()].map((v) => [v.id, v.voffset, v.poffset]),
    [
      [0, 250000000n, 250000000n],
      [1, 250000000n, 250000000n],
    ],
  );
  const [write] = eventsOf(COUNTER_OFFSET, 7).filter((e) => e.kind === 'counterWrite');
  assert.equal(write.kind === 'counterWrite' && write.ignored, true);
  // At 11 s: CNTVCT = 25 MHz × 11 s - 250000000 = 275000000 - 250000000, the offset untouched by line 7.
  assert.equal(jsonAfter(COUNTER_OFFSET, 8).vms.vm1.vcpus['0'].guest_counter, '25000000');
});

test('the proposed per-vCPU offset (seed 002) changes only its own vCPU', () => {
  const lines = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=2',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1', // voffset 250000000 for both
    '10.500000000 h/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_OFFSET value=100',
  ];
  const s = jsonAfter(lines, 6);
  assert.deepEqual([s.vms.vm1.vcpus['0'].virtual_offset, s.vms.vm1.vcpus['1'].virtual_offset], ['250000000', '100']);
});

test('CNTHCTL_EL2 sets the physical-counter trap: EL1PCTEN (bit 10 with VHE, bit 0 without) set means untrapped', () => {
  const trace = (vhe: number, value: string): string[] => [
    '@hvtrace 1',
    `@host h arch=arm64 freq=25MHz ecv=0 vhe=${vhe}`,
    '@vm vm1',
    '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    `1.000000000 h/vm1/vcpu0 kvm write CNTHCTL_EL2 = ${value}`,
  ];
  const trap = (lines: string[]): string | null => jsonAfter(lines, 5).vms.vm1.vcpus['0'].physical_trap;
  assert.equal(trap(trace(1, '0x400')), 'off');
  assert.equal(trap(trace(1, '0x1')), 'on');
  assert.equal(trap(trace(0, '0x1')), 'off');
  assert.equal(trap(trace(0, '0x400')), 'on');
});
