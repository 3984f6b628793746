// pushAll and splice: the same results as push/splice with a spread, for any number of elements
// (issue #15 item 3: `splice(i, n, ...lines)` threw RangeError for a paste of 150k lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushAll, splice } from './arrays';

test('pushAll appends 200k elements (a spread of that many arguments throws RangeError)', () => {
  const items = Array.from({ length: 200_000 }, (_, i) => i);
  assert.throws(() => [0].push(...Array.from({ length: 1_000_000 }, () => 1)), RangeError); // what pushAll avoids
  const target = [-1];
  pushAll(target, items);
  assert.equal(target.length, 200_001);
  assert.deepEqual([target[0], target[1], target[200_000]], [-1, 0, 199_999]);
  const small = ['a'];
  pushAll(small, ['b', 'c']);
  assert.deepEqual(small, ['a', 'b', 'c']);
});

test('splice replaces a range by 200k elements and returns the removed ones', () => {
  const array = ['a', 'b', 'c', 'd'];
  const items = Array.from({ length: 200_000 }, (_, i) => `x${i}`);
  const { array: out, removed } = splice(array, 1, 2, items);
  assert.deepEqual(removed, ['b', 'c']);
  assert.equal(out.length, 4 - 2 + 200_000);
  assert.deepEqual([out[0], out[1], out[200_000], out[200_001]], ['a', 'x0', 'x199999', 'd']);
  // Small: in place, like Array.prototype.splice.
  const inPlace = ['a', 'b', 'c'];
  const r = splice(inPlace, 1, 1, ['B', 'B2']);
  assert.equal(r.array, inPlace);
  assert.deepEqual([r.array, r.removed], [['a', 'B', 'B2', 'c'], ['b']]);
});
