// The idempotent restore of a vCPU's counter (restore.ts; docs/reference/seeds/seed-000.txt):
//   arm64: Off1 = Off0 - (T1-T0)*F - (C0-C1)      x86: offset = G0 + (T1-T0)*F - scale(C1)
// worked out by hand with the numbers of docs/format.md#7-example and of an x86 migration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../analysis';
import type { Statement } from '../syntax/ast';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE, X86_MIGRATION } from '../rules/fixtures';
import { driftOf, idempotentRestore, pendingStop } from './restore';

/** The restore at line `line1` (1-based), from the state before it. */
function restoreAt(lines: string[], line1: number, vcpu: number) {
  const a = new Analysis(lines.join('\n'));
  const node = a.doc.node(line1 - 1);
  assert.equal(node.kind, 'statement');
  return idempotentRestore(a.stateAfter(line1 - 2), (node as { statement: Statement }).statement, vcpu);
}

test('arm64, §7: Off1 = 250000025 - 0.6 s × 25 MHz - (500000000 - 5515000000) = 5250000025', () => {
  const r = restoreAt([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE], 15, 0)!;
  assert.deepEqual(
    [
      r.arch,
      r.srcHost,
      r.dstHost,
      r.t0,
      r.t1,
      r.freq,
      r.off0,
      r.g0,
      r.c0,
      r.c1,
      r.elapsed,
      r.expected,
      r.ideal,
      r.counterOffsetAvailable,
    ],
    // C0 = 25 MHz × 20 s; C1 = 5e9 + 25 MHz × 20.6 s; (T1-T0)*F = 15000000; expected G = 249999975 + 15000000
    [
      'arm64',
      'src',
      'dst',
      20_000_000_000n,
      20_600_000_000n,
      25_000_000n,
      250000025n,
      249999975n,
      500000000n,
      5515000000n,
      15000000n,
      264999975n,
      5250000025n,
      true,
    ],
  );
  // The by-value write sets 5264999775: 14999750 ticks too large, so the guest is that much behind.
  assert.equal(driftOf(r, 5264999775n), -14999750n);
  assert.equal(driftOf(r, 5250000025n), 0n);
});

test('arm64, policy freeze: the (T1-T0)*F term is dropped: Off1 = 250000025 + 5015000000', () => {
  const lines = [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE].map((l) => l.replace('policy=advance', 'policy=freeze'));
  const r = restoreAt(lines, 15, 0)!;
  assert.deepEqual([r.policy, r.elapsed, r.expected, r.ideal], ['freeze', 0n, 249999975n, 5265000025n]);
});

test('x86: offset = G0 + (T1-T0)*F - C1 = 2e10 + 0.6 s × 2 GHz - (1e12 + 20.6 s × 2 GHz)', () => {
  const lines = [...X86_MIGRATION, '20.600000000 d/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000'];
  const r = restoreAt(lines, 10, 0)!;
  // G0 at the pause = 2e9 × 20 - 2e10 = 2e10; C1 = 1000000000000 + 41200000000; ideal = 21200000000 - 1041200000000 mod 2^64
  assert.deepEqual(
    [r.arch, r.g0, r.expected, r.c1, r.scaledC1, r.ideal],
    ['x86_64', 20000000000n, 21200000000n, 1041200000000n, 1041200000000n, 2n ** 64n - 1020000000000n],
  );
  // x86 reads C + offset: an offset 1.2e9 smaller than ideal is 1.2e9 ticks behind.
  assert.equal(driftOf(r, r.ideal - 1_200_000_000n), -1_200_000_000n);
});

test('no pending stop, no restore: before the pause and after the vCPU resumed', () => {
  const a = new Analysis([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE].join('\n'));
  assert.equal(pendingStop(a.stateAfter(7), 'vm1', 0), undefined); // line 9 (0-based 8): still running
  assert.equal(pendingStop(a.stateAfter(14), 'vm1', 0)?.kind, 'pause');
  assert.equal(pendingStop(a.stateAfter(15), 'vm1', 0), undefined); // vcpu0 resumed on line 16
  assert.equal(pendingStop(a.stateAfter(15), 'vm1', 1)?.kind, 'pause'); // vcpu1 has not
});
