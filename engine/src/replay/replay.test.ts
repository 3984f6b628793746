// Worked examples: model states after given lines, with every expected value computed by hand
// from hvtrace-format §3, §5 and §6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { snapshot } from '../query/snapshot';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE, PVTIME_SETUP } from '../rules/fixtures';

/** A timer in its reset state in `replay --format json` (timers.md T2: CTL 0, CVAL 0; disabled, so no deadline). */
const RESET = { ctl: '0', cmp: '0', cmp_is_time: false, armable: false, deadline_ns: null, armed_at_line: null, last_delivery: null };
const RESET_TIMERS = { vtimer: RESET, ptimer: RESET };

const stateAt = (lines: string[], line1: number) => snapshot(new Analysis(lines.join('\n')).stateAfter(line1 - 1));

test('§7: the state after the last line is the one cli.md shows', () => {
  assert.deepEqual(stateAt([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE], 16), {
    time: '20.600100000',
    hosts: { src: { counter: '515002500', freq: '25000000' }, dst: { counter: '5515002500', freq: '25000000' } },
    vms: { vm1: { host: 'dst', running: true, vcpus: {
      0: { guest_counter: '250002725', virtual_offset: '5264999775', physical_offset: '0', physical_trap: 'unknown', tsc_offset: null, stolen_ns: null, timers: RESET_TIMERS },
      1: { guest_counter: '250002725', virtual_offset: '5264999775', physical_offset: '0', physical_trap: 'unknown', tsc_offset: null, stolen_ns: null, timers: RESET_TIMERS },
    } } },
  });
});

test('§7: creating vCPU 1 re-bases the VM-wide offset; the guest read agrees with the model', () => {
  const s = stateAt(SPEC_EXAMPLE, 9);
  assert.equal(s.time, '12.000000000');
  // voffset = C(10.000001) = 250000025 for both vCPUs; CNTVCT = 300000000 - 250000025
  assert.equal(s.vms.vm1.vcpus['0'].virtual_offset, '250000025');
  assert.equal(s.vms.vm1.vcpus['1'].guest_counter, '49999975');
  assert.equal(s.vms.vm1.running, true);
});

test('§7: after the migration the guest lives on dst, which has no vCPUs yet', () => {
  assert.deepEqual(stateAt(SPEC_EXAMPLE, 12).vms.vm1, { host: 'dst', running: false, vcpus: {} });
  // After the two creations on dst the offset is C_dst(20.500001) = 5000000000 + 512500025
  assert.equal(stateAt(SPEC_EXAMPLE, 14).vms.vm1.vcpus['1'].virtual_offset, '5512500025');
});

test('a negative counter is two\'s complement and CNTVCT wraps modulo 2^64', () => {
  const s = stateAt(['@host h arch=arm64 freq=1GHz counter=-1000@0.0', '@vm v', '0.000000000 h/v ioctl KVM_CREATE_VCPU id=0',
    '0.000000000 h/v/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=0', '0.000002000 h/v/vcpu0 ioctl KVM_RUN'], 5);
  // host counter at 2 µs = 2^64 - 1000 + 2000 = 1000 (wrapped); offset = 2^64 - 1000
  assert.equal(s.hosts.h.counter, '1000');
  assert.equal(s.vms.v.vcpus['0'].virtual_offset, '18446744073709550616');
  assert.equal(s.vms.v.vcpus['0'].guest_counter, '2000');
});

test('x86: the first vCPU starts its TSC at 0 and later creations match its offset', () => {
  const s = stateAt(['@host x arch=x86_64 freq=2GHz', '@vm v', '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0', '15.000000000 x/v ioctl KVM_CREATE_VCPU id=1'], 4);
  // offset = 0 - 2e10; at 15 s both read 3e10 - 2e10 = 1e10
  assert.equal(s.vms.v.vcpus['0'].tsc_offset, '18446744053709551616');
  assert.equal(s.vms.v.vcpus['1'].tsc_offset, '18446744053709551616');
  assert.equal(s.vms.v.vcpus['1'].guest_counter, '10000000000');
  assert.equal(s.vms.v.vcpus['0'].virtual_offset, null);
});

test('x86: KVM_SET_TSC_KHZ scales the guest TSC (scale(x) = x · virtual_khz / host_khz)', () => {
  const s = stateAt(['@host x arch=x86_64 freq=2GHz', '@vm v', '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 x/v/vcpu0 ioctl KVM_SET_TSC_KHZ value=1000000', // scale(C) = C/2 from now on
    '12.000000000 x/v/vcpu0 ioctl KVM_RUN'], 5);
  // offset still -2e10; scale(2.4e10) = 1.2e10; TSC = 1.2e10 - 2e10 = -8e9 mod 2^64
  assert.equal(s.vms.v.vcpus['0'].guest_counter, (2n ** 64n - 8_000_000_000n).toString());
});

test('kvmclock follows KVM_SET_CLOCK with KVM_CLOCK_REALTIME: N + (now - realtime)', () => {
  const a = new Analysis(['@host x arch=x86_64 freq=2GHz', '@vm v', '20.000000000 x/v ioctl KVM_SET_CLOCK clock=5000000000 flags=KVM_CLOCK_REALTIME realtime=19900000000',
    '21.000000000 x/v ioctl KVM_GET_CLOCK -> clock=6100000000 flags=0'].join('\n'));
  assert.deepEqual(a.diagnostics(), []); // 5e9 + 0.1 s (realtime) + 1 s
  const s = a.stateAfter(2);
  assert.equal(s.instances.get('x/v')!.kvmclockBase, 5_100_000_000n);
});

test('stolen time: the steal_time selftest flow accumulates the run delay at each KVM_RUN', () => {
  const lines = [...PVTIME_SETUP,
    '10.001000000 h/vm1/vcpu0 sched wait 2ms', //   14
    '10.003000000 h/vm1/vcpu0 ioctl KVM_RUN', //    15: stolen = 2 ms
    '10.004000000 h/vm1/vcpu0 sched wait 3ms', //   16
    '10.008000000 h/vm1/vcpu0 ioctl KVM_RUN', //    17: stolen = 5 ms
  ];
  const a = new Analysis(lines.join('\n'));
  assert.deepEqual(a.diagnostics(), []);
  const s = snapshot(a.stateAfter(16));
  assert.equal(s.vms.vm1.vcpus['0'].stolen_ns, '5000000');
  assert.equal(s.vms.vm1.vcpus['1'].stolen_ns, '0');
  assert.equal(snapshot(a.stateAfter(14)).vms.vm1.vcpus['0'].stolen_ns, '2000000');
  // Before its address is set a vCPU has no structure
  assert.equal(snapshot(a.stateAfter(5)).vms.vm1.vcpus['0'].stolen_ns, null); // after the rejected misaligned address (line 6)
});

test('stolen time: delay before PV_TIME_ST is not added later (KVM restarts from the current run delay)', () => {
  const lines = [...PVTIME_SETUP.slice(0, 12),
    '10.000350000 h/vm1/vcpu0 sched wait 7ms', //                      13: before PV_TIME_ST
    '10.007400000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000', //  14: zero, last_steal = 7 ms
    '10.008000000 h/vm1/vcpu0 ioctl KVM_RUN', //                        15: + 0
  ];
  assert.equal(snapshot(new Analysis(lines.join('\n')).stateAfter(14)).vms.vm1.vcpus['0'].stolen_ns, '0');
});

test('x86: a VM-wide KVM_SET_TSC_KHZ applies to vCPUs created later, scaled only where the host can scale', () => {
  const trace = (scaling: string): string[] => [`@host x arch=x86_64 freq=2GHz${scaling}`, '@vm v',
    '10.000000000 x/v ioctl KVM_SET_TSC_KHZ value=2000400', // 200 ppm: accepted with or without scaling
    '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0',
    '11.000000000 x/v/vcpu0 ioctl KVM_RUN'];
  // Scaled (x · 2000400 / 2000000): TSC at 11 s = scale(2.2e10) - scale(2e10) = 22004400000 - 20004000000
  assert.equal(stateAt(trace(''), 5).vms.v.vcpus['0'].guest_counter, '2000400000');
  // Without scaling the guest TSC runs at the host's 2 GHz: 2.2e10 - 2e10
  assert.equal(stateAt(trace(' tsc_scaling=0'), 5).vms.v.vcpus['0'].guest_counter, '2000000000');
});
