import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';
import { PVTIME_SETUP } from '../fixtures';

test('fires on PV_TIME_ST without discovery first', () => {
  const d = check([...PVTIME_SETUP.slice(0, 10), '10.000400000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000']);
  assert.deepEqual(codesAt(d), ['HVT034@11']);
  assert.equal(d[0].severity, 'info');
});

test('does not fire after SMCCC_ARCH_FEATURES / PV_TIME_FEATURES discovery', () => {
  assert.deepEqual(codesAt(check(PVTIME_SETUP)), []);
});
