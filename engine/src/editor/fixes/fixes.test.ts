// The quick fixes of the restore findings (HVT011, HVT010) on the format's worked example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../analysis';
import { fixesFor } from './index';
import { applyFix } from '../../rules/testing';

// docs/format.md#7-example. src: C(t) = 25e6·t; dst: C(t) = 5e9 + 25e6·t.
const S7 = [
  '@hvtrace 1',
  '@host src arch=arm64 freq=25MHz ecv=0 vhe=1',
  '@host dst arch=arm64 freq=25MHz ecv=0 vhe=1 counter=5000000000@0.0',
  '@vm vm1 vcpus=2 policy=advance',
  '',
  '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1', //  voffset = 250000025 (Off0)
  '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
  '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975',
  '20.000000000 src/vm1 vmm pause', //                   G_before = 500000000 - 250000025 = 249999975
  '20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000225',
  '20.000020000 src/vm1 vmm migrate to=dst',
  '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0',
  '20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1',
  '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225 # by value',
  '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN     # HVT010: guest lags the reference clock by 0.6 s',
].join('\n');

const codes = (text: string): string[] =>
  new Analysis(text).diagnostics().map((d) => `${d.code}@${d.range.start.line}`);

test('§7: the HVT011 fix writes the idempotent offset and the HVT010 at the resume point goes away', () => {
  assert.deepEqual(codes(S7), ['HVT011@14', 'HVT010@15']);
  const a = new Analysis(S7);
  // Off1 = C1 - expected = 5515000000 - (249999975 + 0.6 s × 25 MHz) = 5250000025; the comment stays.
  const [fix] = fixesFor(a, 'HVT011', 14);
  assert.deepEqual(fix, {
    title: 'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
    edits: [
      {
        line: 14,
        newText: '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025 # by value',
      },
    ],
  });
  assert.deepEqual(fixesFor(a, 'HVT010', 15), [fix]);
  // The guest resumes at 5515002500 - 5250000025 = 265002475, what policy advance expects. The
  // physical offset the ioctl also sets needs trapping on dst (ecv=0): HVT004, information only, and
  // its message names the ioctl as the cause (not a PTIMER_CNT write-back, which is not in this trace).
  const after = new Analysis(applyFix(S7, fix)).diagnostics();
  assert.deepEqual(
    after.map((d) => `${d.code}@${d.range.start.line}`),
    ['HVT004@15'],
  );
  assert.match(
    after[0].message,
    /KVM_ARM_SET_COUNTER_OFFSET on line 15 offsets the physical counter along with the virtual one/,
  );
});

test('with policy freeze the fix keeps the guest counter where it stopped', () => {
  const freeze = S7.replace('policy=advance', 'policy=freeze');
  const [fix] = fixesFor(new Analysis(freeze), 'HVT011', 14);
  // Off1 = C1 - G_before = 5515000000 - 249999975 = 5265000025
  assert.equal(
    fix.edits[0].newText,
    '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5265000025 # by value',
  );
  assert.deepEqual(codes(applyFix(freeze, fix)), ['HVT004@15']);
});

test('no counter-offset fix before Linux 6.4, nor for a line that is not a by-value restore', () => {
  const old = S7.replace('counter=5000000000@0.0', 'counter=5000000000@0.0 kernel=6.1');
  assert.deepEqual(fixesFor(new Analysis(old), 'HVT011', 14), []);
  assert.deepEqual(fixesFor(new Analysis(S7), 'HVT011', 7), []);
  assert.deepEqual(fixesFor(new Analysis(S7), 'HVT099', 14), []);
  assert.deepEqual(fixesFor(new Analysis(S7), 'HVT011', 99), []);
});

test('applyFix applies replacements, insertions and deletions bottom-up', () => {
  const text = 'a\nb\nc\nd';
  assert.equal(
    applyFix(text, {
      title: '',
      edits: [
        { line: 1, newText: '', delete: true },
        { line: 3, newText: 'x', insertBefore: true },
        { line: 0, newText: 'A' },
      ],
    }),
    'A\nc\nx\nd',
  );
});
