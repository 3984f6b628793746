// VM lifecycle and the guest time line (lifecycle.ts; docs/format.md#45-vmm--vm-lifecycle,
// docs/format.md#64-resume-points-and-the-guest-time-line): stops record G_before, a migration or a
// restore moves the guest to a new instance, and the first KVM_RUN after a stop is a resume point
// compared with what the VM's policy expects. Every value is worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventOf } from './events';
import { SPEC_EXAMPLE } from '../rules/fixtures';
import { eventsOf, jsonAfter, modelAfter } from './testing';

test('§7: after the migration the guest lives on dst, which has no vCPUs yet', () => {
  assert.deepEqual(jsonAfter(SPEC_EXAMPLE, 12).vms.vm1, { host: 'dst', running: false, vcpus: {} });
  // After the two creations on dst the offset is C_dst(20.500001) = 5000000000 + 512500025
  assert.equal(jsonAfter(SPEC_EXAMPLE, 14).vms.vm1.vcpus['1'].virtual_offset, '5512500025');
});

test('§7: the pause records G_before for every vCPU; the migration keeps it pending for the destination', () => {
  const g = modelAfter(SPEC_EXAMPLE, 12).guests.get('vm1')!;
  // At the pause (20 s): C = 500000000, voffset 250000025 → G_before = 249999975 on both vCPUs.
  assert.equal(g.stop?.kind, 'pause');
  assert.equal(g.stop?.time, 20_000_000_000n);
  assert.deepEqual(
    [...g.stop!.counters],
    [
      [0, 249999975n],
      [1, 249999975n],
    ],
  );
  assert.deepEqual(
    [...g.stop!.offsets],
    [
      [0, 250000025n],
      [1, 250000025n],
    ],
  );
  assert.equal(g.current, 'dst/vm1');
});

const PAUSE_RESUME = (policy: string): string[] => [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
  `@vm vm1 vcpus=1 policy=${policy}`,
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', // voffset = C(10 s) = 250000000
  '10.000000000 h/vm1/vcpu0 ioctl KVM_RUN',
  '20.000000000 h/vm1 vmm pause', //                   G_before = 500000000 - 250000000 = 250000000
  '21.000000000 h/vm1 vmm resume',
  '21.000000000 h/vm1/vcpu0 ioctl KVM_RUN', //         8: G_after = 525000000 - 250000000 = 275000000
];

const resumePoint = (lines: string[], line1: number): EventOf<'resumePoint'> => {
  const e = eventsOf(lines, line1).find((x) => x.kind === 'resumePoint');
  assert.ok(e && e.kind === 'resumePoint', `no resume point on line ${line1}`);
  return e;
};

test('a resume point compares G_after with G_before advanced by the downtime (policy advance)', () => {
  const e = resumePoint(PAUSE_RESUME('advance'), 8);
  // expected = 250000000 + (21 s - 20 s) × 25 MHz = 275000000
  assert.deepEqual(
    [e.inst, e.vcpu, e.gBefore, e.gAfter, e.expected, e.freqBefore, e.counterName],
    ['h/vm1', 0, 250000000n, 275000000n, 275000000n, 25000000n, 'CNTVCT'],
  );
  assert.equal(e.stop.kind, 'pause');
  // The stop is resolved once every vCPU passed its resume point.
  assert.equal(modelAfter(PAUSE_RESUME('advance'), 8).guests.get('vm1')!.stop, undefined);
});

test('under policy freeze the expectation is G_before unchanged', () => {
  const e = resumePoint(PAUSE_RESUME('freeze'), 8);
  assert.deepEqual([e.gBefore, e.gAfter, e.expected], [250000000n, 275000000n, 250000000n]);
});

test('a migration without a pause stops the guest at the migrate statement', () => {
  const lines = [
    '@hvtrace 1',
    '@host a arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host b arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=1',
    '10.000000000 a/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 a/vm1/vcpu0 ioctl KVM_RUN',
    '12.000000000 a/vm1 vmm migrate to=b', // 7: G_before = 300000000 - 250000000
  ];
  const g = modelAfter(lines, 7).guests.get('vm1')!;
  assert.deepEqual(
    [g.stop?.kind, g.stop?.time, g.stop?.counters.get(0), g.current],
    ['migrate', 12_000_000_000n, 50000000n, 'b/vm1'],
  );
  assert.equal(modelAfter(lines, 7).instances.get('b/vm1')!.origin, 'migration');
});

test('a restore replaces the instance with a new generation and makes the snapshot the pending stop', () => {
  const lines = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@vm vm1 vcpus=1',
    '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000000000 h/vm1/vcpu0 ioctl KVM_RUN',
    '11.000000000 h/vm1 vmm pause', //     6: G_before = 275000000 - 250000000 = 25000000
    '11.000000000 h/vm1 vmm snapshot', //  7
    '12.000000000 h/vm1 vmm restore', //   8
  ];
  const s = modelAfter(lines, 8);
  const inst = s.instances.get('h/vm1')!;
  assert.deepEqual([inst.generation, inst.origin, inst.originRef?.line, inst.vcpus.size], [2, 'restore', 7, 0]);
  const g = s.guests.get('vm1')!;
  assert.deepEqual([g.stop?.kind, g.stop?.time, g.stop?.counters.get(0)], ['pause', 11_000_000_000n, 25000000n]);
  assert.equal(g.snapshot?.kind, 'pause'); // the snapshot keeps the pause's record, G_before at the pause
});
