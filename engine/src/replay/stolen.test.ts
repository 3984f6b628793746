// Stolen time (stolen.ts, lifecycle.ts's KVM_RUN; docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time):
// arm64 PV time as Linux's steal_time selftest drives it, and x86 MSR_KVM_STEAL_TIME. At each
// KVM_RUN KVM adds the run delay accumulated since its last update; values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import { replayJson } from '../state/replayJson';
import { PVTIME_SETUP } from '../rules/fixtures';
import { eventsOf, jsonAfter, modelAfter } from './testing';

test('arm64: the steal_time selftest flow accumulates the run delay at each KVM_RUN', () => {
  const lines = [
    ...PVTIME_SETUP,
    '10.001000000 h/vm1/vcpu0 sched wait 2ms', //   14
    '10.003000000 h/vm1/vcpu0 ioctl KVM_RUN', //    15: stolen = 2 ms
    '10.004000000 h/vm1/vcpu0 sched wait 3ms', //   16
    '10.008000000 h/vm1/vcpu0 ioctl KVM_RUN', //    17: stolen = 5 ms
  ];
  const a = new Analysis(lines.join('\n'));
  assert.deepEqual(a.diagnostics(), []);
  const s = replayJson(a.stateAfter(16));
  assert.equal(s.vms.vm1.vcpus['0'].stolen_ns, '5000000');
  assert.equal(s.vms.vm1.vcpus['1'].stolen_ns, '0');
  assert.equal(replayJson(a.stateAfter(14)).vms.vm1.vcpus['0'].stolen_ns, '2000000');
  // Before its address is set a vCPU has no structure
  assert.equal(replayJson(a.stateAfter(5)).vms.vm1.vcpus['0'].stolen_ns, null); // after the rejected misaligned address (line 6)
});

test('arm64: delay before PV_TIME_ST is not added later (KVM restarts from the current run delay)', () => {
  const lines = [
    ...PVTIME_SETUP.slice(0, 12),
    '10.000350000 h/vm1/vcpu0 sched wait 7ms', //                      13: before PV_TIME_ST
    '10.007400000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000', //  14: zero, last_steal = 7 ms
    '10.008000000 h/vm1/vcpu0 ioctl KVM_RUN', //                        15: + 0
  ];
  assert.equal(jsonAfter(lines, 15).vms.vm1.vcpus['0'].stolen_ns, '0');
});

test('arm64: an address KVM rejects (-EINVAL, -EEXIST) is not set; the accepted one is', () => {
  // PVTIME_SETUP line 6 is misaligned (-EINVAL), line 7 sets 0x40000000, line 8 again (-EEXIST).
  const v = modelAfter(PVTIME_SETUP, 8).instances.get('h/vm1')!.vcpus.get(0)!;
  assert.equal(v.pvAddress, 0x40000000n);
  assert.equal(v.pvAddressBy?.line, 6); // 0-based: line 7
});

test('x86: enabling MSR_KVM_STEAL_TIME zeroes the structure; each update adds the delay and bumps the version by 2', () => {
  const lines = [
    '@hvtrace 1',
    '@host x arch=x86_64 freq=2GHz',
    '@vm vm1',
    '10.000000000 x/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 x/vm1/vcpu0 guest write MSR_KVM_STEAL_TIME = 0x7ffa8041', // 5: enable bit, GPA 0x7ffa8040
    '10.001000000 x/vm1/vcpu0 sched wait 1ms', //                              6
    '10.002000000 x/vm1/vcpu0 ioctl KVM_RUN', //                               7: stolen 1 ms, version 0 → 2
    '10.003000000 x/vm1/vcpu0 sched wait 500us', //                            8
    '10.004000000 x/vm1/vcpu0 ioctl KVM_RUN', //                               9: stolen 1.5 ms, version 4
  ];
  const [address] = eventsOf(lines, 5).filter((e) => e.kind === 'pvAddress');
  assert.equal(address.kind === 'pvAddress' && address.address, 0x7ffa8040n);
  assert.equal(jsonAfter(lines, 7).vms.vm1.vcpus['0'].stolen_ns, '1000000');
  assert.equal(modelAfter(lines, 7).instances.get('x/vm1')!.vcpus.get(0)!.stealVersion, 2n);
  assert.equal(jsonAfter(lines, 9).vms.vm1.vcpus['0'].stolen_ns, '1500000');
  assert.equal(modelAfter(lines, 9).instances.get('x/vm1')!.vcpus.get(0)!.stealVersion, 4n);
});
