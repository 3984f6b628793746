// OP_ARCH names only operations that exist, and the ones the spec ties to one architecture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OP_ARCH } from './opArch';
import { OPS_BY_ACTOR } from './statementParsers';

test('every operation OP_ARCH names is one the parser knows', () => {
  for (const [actor, ops] of Object.entries(OP_ARCH)) {
    for (const op of Object.keys(ops))
      assert.ok(Object.hasOwn(OPS_BY_ACTOR[actor as keyof typeof OPS_BY_ACTOR], op), `${actor} ${op}`);
  }
});

test("the counter-offset ioctls are arm64's, the TSC, kvmclock and LAPIC ones x86's; KVM_RUN and guest reads both", () => {
  assert.equal(OP_ARCH.ioctl.KVM_ARM_SET_COUNTER_OFFSET, 'arm64');
  assert.equal(OP_ARCH.ioctl.KVM_SET_MSRS, 'x86_64');
  assert.equal(OP_ARCH.ioctl.KVM_SET_LAPIC, 'x86_64');
  assert.equal(OP_ARCH.kvm.write_tsc_offset, 'x86_64');
  assert.equal(OP_ARCH.ioctl.KVM_RUN, undefined);
  assert.equal(OP_ARCH.guest.read, undefined);
});
