import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { X86_MIGRATION } from '../fixtures';

const RESTORE = [
  '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=21200000000',
  '20.600000000 d/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
];

test('fires on the KVM_RUN that comes before a later KVM_SET_CLOCK (resume before clock restore)', () => {
  const d = check([
    ...X86_MIGRATION,
    ...RESTORE,
    '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN', //                         12
    '20.700000000 d/vm1 ioctl KVM_SET_CLOCK clock=20000000000', //        13
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@10', 'HVT021@12']);
  const [f] = only(d, 'HVT021');
  assert.equal(
    f.message,
    'this KVM_RUN comes before KVM_SET_CLOCK restores kvmclock on vm1 on d: the guest runs with the wrong kvmclock, then sees it step when the clock is set',
  );
  assert.deepEqual(
    f.related.map((r) => r.range.start.line + 1),
    [13],
  );
});

test('fires when the source saved kvmclock and the destination never restores it', () => {
  const trace = [...X86_MIGRATION];
  trace.splice(6, 0, '19.990000000 s/vm1 ioctl KVM_GET_CLOCK -> clock=9990000000 flags=0'); // line 7
  const d = check([...trace, ...RESTORE, '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN']);
  assert.deepEqual(codesAt(d), ['HVT011@11', 'HVT021@13']);
  assert.deepEqual(
    only(d, 'HVT021')[0].related.map((r) => r.range.start.line + 1),
    [7],
  );
});

test('does not fire when KVM_SET_CLOCK comes before the first run', () => {
  const d = check([
    ...X86_MIGRATION,
    ...RESTORE,
    '20.600000000 d/vm1 ioctl KVM_SET_CLOCK clock=20000000000',
    '20.600000000 d/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@10']);
});
