// Error recovery (the "done when"): a file with a broken line in the middle reports exactly
// one HVT090 on that line, with the range on the bad token, and the rest is analysed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from './analysis';
import { checkText } from './index';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from './rules/fixtures';

// src: C(t) = 25e6·t. CREATE_VCPU at 10 s: voffset = 250000000.
const BROKEN = [
  '@hvtrace 1', //                                                                                   0
  '@host src arch=arm64 freq=25MHz ecv=0 vhe=1', //                                                  1
  '@vm vm1 vcpus=1 policy=advance', //                                                               2
  '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', //                                              3
  '10.000100000 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=12,5', //         4: broken (cols 80..84)
  '10.000200000 src/vm1/vcpu0 ioctl KVM_RUN', //                                                     5
  '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 50000000', //                                  6: 300000000 - 250000000
  '11.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 25000000', //                                  7: earlier than line 6
  '13.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 80000000', //                                  8: model says 75000000
].join('\n');

test('a broken line 5 of 9: exactly one HVT090, on that line and on the bad token', () => {
  const d = checkText(BROKEN);
  const errors = d.filter((x) => x.code === 'HVT090');
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0].range, { start: { line: 4, character: 80 }, end: { line: 4, character: 84 } });
  assert.equal(errors[0].message, 'expected a counter value like 250000225 or 0x2540BE400, found `12,5`');
  assert.equal(errors[0].severity, 'error');
});

test('a broken line 5 of 9: the lines after it are still replayed and checked', () => {
  const d = checkText(BROKEN);
  // out-of-order time on line 7
  assert.deepEqual(
    d
      .filter((x) => x.code === 'HVT092')
      .map((x) => [x.range.start.line, x.range.start.character, x.range.end.character]),
    [[7, 0, 12]],
  );
  // line 8 disagrees with the model, which kept the offset of line 3 (the broken write changed nothing):
  // 13 s: 325000000 - 250000000 = 75000000, the guest read 80000000
  const disagree = d.filter((x) => x.code === 'HVT093');
  assert.deepEqual(
    disagree.map((x) => x.range.start.line),
    [8],
  );
  assert.match(disagree[0].message, /75000000/);
  // lines 6 and 7 agree with the model: nothing is reported on them but the order and the step back
  assert.deepEqual(
    d.filter((x) => x.range.start.line === 6),
    [],
  );
});

test('a broken line 5 of 9: the model state changes after the bad line', () => {
  const a = new Analysis(BROKEN);
  const after3 = a.stateAfter(3).instances.get('src/vm1')?.vcpus.get(0);
  const after4 = a.stateAfter(4).instances.get('src/vm1')?.vcpus.get(0);
  const after5 = a.stateAfter(5).instances.get('src/vm1')?.vcpus.get(0);
  assert.equal(after3?.voffset, 250000000n);
  assert.equal(after4?.voffset, 250000000n); // the broken write is not applied
  assert.equal(after4?.running, false);
  assert.equal(after5?.running, true); // KVM_RUN on the line after the bad one is replayed
  assert.equal(a.stateAfter(8).time, 13000000000n);
});

test('§7 example with a garbage line inserted in the middle: one HVT090 there, HVT010 still found at the end', () => {
  // docs/format.md#7-example without its blank line, with a broken statement (no operation) inserted as line 11.
  const lines = [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE].filter((l) => l !== '');
  lines.splice(11, 0, '20.3 dst/vm1 vmm');
  const d = checkText(lines.join('\n'));
  assert.deepEqual(
    d
      .filter((x) => x.code === 'HVT090')
      .map((x) => [x.range.start.line, x.range.start.character, x.range.end.character, x.message]),
    [[11, 16, 16, 'expected an operation for `vmm`, found nothing']],
  );
  assert.deepEqual(
    d.filter((x) => x.code === 'HVT010').map((x) => x.range.start.line),
    [15],
  );
});

test('several broken lines: one HVT090 each, nothing else on them', () => {
  const text = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=1x',
    '1.0 h/vm1/vcpu0 ioctl KVM_RUN',
    'garbage',
    '2,0 h/vm1 vmm pause',
    '3.0 h/vm1 vmm pause',
  ].join('\n');
  const d = checkText(text);
  assert.deepEqual(
    d
      .filter((x) => x.code === 'HVT090')
      .map((x) => [x.range.start.line, x.range.start.character, x.range.end.character]),
    [
      [1, 24, 26],
      [3, 0, 7],
      [4, 0, 3],
    ],
  );
});
