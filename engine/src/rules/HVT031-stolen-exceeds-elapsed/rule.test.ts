import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';
import { PVTIME_SETUP } from '../fixtures';

const BASE = [
  ...PVTIME_SETUP,
  '10.001000000 h/vm1/vcpu0 sched wait 2ms',
  '10.003000000 h/vm1/vcpu0 ioctl KVM_RUN',
  '10.003100000 h/vm1/vcpu0 guest read stolen_time = 2000000', // 16
];

test('fires when stolen time grows by more than the time between two readings', () => {
  const d = check([...BASE, '10.004100000 h/vm1/vcpu0 guest read stolen_time = 5000000']); // +3 ms in 1 ms
  assert.deepEqual(codesAt(d), ['HVT031@17']);
  assert.equal(
    d[0].message,
    "stolen time of vcpu0 of vm1 on h grew by 3 ms since the reading 1 ms earlier: more than the time that passed (by 2 ms), so the guest's elapsed - stolen goes negative",
  );
});

test('does not fire when stolen time grows by less than the elapsed time', () => {
  assert.deepEqual(codesAt(check([...BASE, '10.004100000 h/vm1/vcpu0 guest read stolen_time = 2000000'])), []);
});
