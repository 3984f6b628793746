import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';
import { PVTIME_SETUP } from '../fixtures';

const WAIT = [
  ...PVTIME_SETUP,
  '10.000500000 h/vm1/vcpu0 guest read stolen_time = 0', // 14
  '10.001000000 h/vm1/vcpu0 sched wait 5ms', //            15
  '10.006000000 h/vm1/vcpu0 ioctl KVM_RUN', //             16: KVM adds 5 ms
];

test('fires when stolen time grows by less than the run delay KVM should have added', () => {
  const d = check([...WAIT, '10.006000000 h/vm1/vcpu0 kvm stolen_update stolen_time=1000000']);
  assert.deepEqual(codesAt(d), ['HVT035@17']);
  assert.equal(
    d[0].message,
    'stolen time of vcpu0 of vm1 on h grew by 1 ms since the earlier reading, but its thread waited 5 ms runnable (sched wait) that KVM should have added: 4 ms of stolen time is missing',
  );
});

test('does not fire when the update accounts for the waits, or for waits KVM has not folded yet', () => {
  assert.deepEqual(codesAt(check([...WAIT, '10.006000000 h/vm1/vcpu0 kvm stolen_update stolen_time=5000000'])), []);
  assert.deepEqual(
    codesAt(
      check([
        ...PVTIME_SETUP,
        '10.000500000 h/vm1/vcpu0 guest read stolen_time = 0',
        '10.001000000 h/vm1/vcpu0 sched wait 5ms', // no KVM_RUN since: nothing owed yet
        '10.006000000 h/vm1/vcpu0 guest read stolen_time = 0',
      ]),
    ),
    [],
  );
});
