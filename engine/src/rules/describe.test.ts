// The shared wording of rule messages: where things are, and numbers in ticks and in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceName, ticks, vcpuName } from './describe';

test('ticks: the magnitude in ticks and as time at the frequency', () => {
  // 14999750 ticks / 25 MHz = 0.59999 s; 49997475 / 25 MHz = 1.999899 s.
  assert.equal(ticks(14999750n, 25000000n), '14999750 ticks (599.99 ms at 25 MHz)');
  assert.equal(ticks(-49997475n, 25000000n), '49997475 ticks (1.999899 s at 25 MHz)');
  // 1 tick at 2 GHz = 0.5 ns, rounded toward zero.
  assert.equal(ticks(1n, 2000000000n), '1 tick (0 ns at 2 GHz)');
});

test('vcpuName and instanceName: the instance key read for people', () => {
  assert.equal(vcpuName('dst/vm1', 1), 'vcpu1 of vm1 on dst');
  assert.equal(instanceName('dst/vm1'), 'vm1 on dst');
});
