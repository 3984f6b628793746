import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../fixtures';

test('a broken line in the middle is one HVT090 on its bad token, and the rest is still analysed', () => {
  const lines = [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE];
  lines[8] = '12,5 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975'; // line 9
  const d = check(lines);
  assert.deepEqual(codesAt(d), ['HVT090@9', 'HVT011@15', 'HVT010@16']);
  assert.equal(d[0].message, 'expected a time in seconds like 12.000000500, found `12,5`');
  assert.deepEqual(d[0].range, { start: { line: 8, character: 0 }, end: { line: 8, character: 4 } });
});

test('directives out of place are parse errors', () => {
  const d = check(['@host h arch=arm64 freq=25MHz', '@hvtrace 1', '@host h arch=x86_64 freq=1GHz']);
  assert.deepEqual(codesAt(d), ['HVT090@2', 'HVT090@3']);
  assert.equal(d[0].message, '`@hvtrace 1` must be the first directive or statement of the file');
  assert.equal(d[1].message, 'host `h` is already declared on line 1');
});

test('no finding on a well-formed trace', () => {
  assert.deepEqual(codesAt(check(SPEC_EXAMPLE)), []);
});
