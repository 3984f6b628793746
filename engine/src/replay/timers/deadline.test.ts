// t_d (docs/timers.md#t2-model "Deadline") at the edges of u64: compare values just under 2^63
// ticks ahead, and counters that do not advance. Found by the fuzz suite (npm run fuzz, lsp case 24
// of seed 1, minimised): the search for t_d never ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../../rules/testing';
import { modelAfter } from '../testing';
import { timeReached } from './deadline';

// Host h: 1000 Hz, C(t) = 2^63 + floor((t - 3 s) · 1000) (counter=-9223372036854775808@3.0).
const HEADER = ['@hvtrace 1', '@host h arch=x86_64 freq=1000 counter=-9223372036854775808@3.000000000', '@vm vm0'];

test('a TSC deadline 2^63 - 1 ticks ahead at 1000 Hz is reached after (2^63 - 1) / 1000 s, not searched for ever', () => {
  // vcpu0 is created at 10 s: offset = 0 - C(10 s), so the guest TSC is floor((t - 10 s) · 1000).
  // At 20 s it reads 10000; the deadline 0x7FFFFFFFFFFFFFFF is d = 2^63 - 1 - 10000 ticks ahead.
  const lines = [
    ...HEADER,
    '10.000000000 h/vm0 ioctl KVM_CREATE_VCPU id=0',
    '20.000000000 h/vm0/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=0x7FFFFFFFFFFFFFFF',
  ];
  const state = modelAfter(lines, lines.length);
  const v = state.instances.get('h/vm0')!.vcpus.get(0)!;
  const now = 20_000_000_000n;
  // The TSC reaches 2^63 - 1 when floor((t - 10 s) · 1000) = 2^63 - 1, i.e. at
  // t = 10 s + (2^63 - 1) ms = 10e9 ns + 9223372036854775807e6 ns.
  assert.equal(
    timeReached(state.hosts.get('h')!, v, 'lapic', 0x7fffffffffffffffn, now),
    10_000_000_000n + 9_223_372_036_854_775_807_000_000n,
  );
});

test('the fuzz case: a deadline of -2^63 - 1 then KVM_SET_TSC_STATE replays to the end', () => {
  // IA32_TSC_DEADLINE=-9223372036854775809 is 2^63 - 1 mod 2^64; KVM_SET_TSC_STATE moves the offset
  // while it is armed, so the timer model asks when the new TSC reaches it.
  const d = check([
    ...HEADER,
    '592.311118553 h/vm0/vcpu0 ioctl KVM_SET_MSRS MSR_KVM_PV_EOI_EN=-18446744073708660269 IA32_TSC_DEADLINE=-9223372036854775809',
    '1090.487213920 h/vm0/vcpu0 ioctl KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TSC_ADJUST_VALID tsc=0',
  ]);
  // It ends (before the fix it never did), with the one finding the statements call for:
  // KVM_SET_TSC_STATE is a proposed API (HVT094 on line 5).
  assert.deepEqual(codesAt(d), ['HVT094@5']);
});
