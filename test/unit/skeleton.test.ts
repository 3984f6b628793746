import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkText } from '../../engine/src/index';

test('a statement line that does not start with a time is a parse error', () => {
  const d = checkText('@hvtrace 1\nabc src ioctl KVM_RUN\n');
  assert.equal(d.length, 1);
  assert.equal(d[0].code, 'HVT090');
  assert.equal(d[0].range.start.line, 1);
});
