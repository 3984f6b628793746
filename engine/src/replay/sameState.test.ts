// sameState: what counts as the same model state for a replay to rejoin another (analysis.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameState } from './sameState';
import { initialState, type ModelState } from './state';

const state = (f: (s: ModelState) => void): ModelState => {
  const s = initialState(100_000n);
  f(s);
  return s;
};

test('equal values, Maps in the same order: the same; a bigint, a key or an order apart: not', () => {
  const a = state((s) => {
    s.time = 5n;
    s.guests.set('a', { name: 'a' } as never);
    s.guests.set('b', { name: 'b' } as never);
  });
  assert.equal(sameState(a, structuredClone(a)), true);
  assert.equal(
    sameState(
      a,
      state((s) => {
        s.time = 6n;
        s.guests.set('a', { name: 'a' } as never);
        s.guests.set('b', { name: 'b' } as never);
      }),
    ),
    false,
  );
  // The same entries in another order: the replay iterates guests, so not the same.
  assert.equal(
    sameState(
      a,
      state((s) => {
        s.time = 5n;
        s.guests.set('b', { name: 'b' } as never);
        s.guests.set('a', { name: 'a' } as never);
      }),
    ),
    false,
  );
  // A property present but undefined is not a missing one.
  assert.equal(
    sameState(
      state((s) => {
        s.lastTime = undefined;
      }),
      state(() => undefined),
    ),
    false,
  );
});

test("the rules' lookup tables compare by content, in any order", () => {
  const a = state((s) =>
    s.rules.set('HVT001', {
      max: new Map([
        ['x', 1n],
        ['y', 2n],
      ]),
      crossReported: new Set(['p', 'q']),
    }),
  );
  const b = state((s) =>
    s.rules.set('HVT001', {
      max: new Map([
        ['y', 2n],
        ['x', 1n],
      ]),
      crossReported: new Set(['q', 'p']),
    }),
  );
  assert.equal(sameState(a, b), true);
  const c = state((s) =>
    s.rules.set('HVT001', {
      max: new Map([
        ['y', 2n],
        ['x', 3n],
      ]),
      crossReported: new Set(['q', 'p']),
    }),
  );
  assert.equal(sameState(a, c), false);
});

test('sharing counts: one object in two places is not two equal objects', () => {
  const ref = { line: 3, span: { start: 0, end: 5 } };
  const shared = state((s) => {
    s.lastTime = { time: 1n, at: ref };
    s.toleranceBy = ref;
  });
  const copies = state((s) => {
    s.lastTime = { time: 1n, at: { line: 3, span: { start: 0, end: 5 } } };
    s.toleranceBy = { line: 3, span: { start: 0, end: 5 } };
  });
  assert.equal(sameState(shared, copies), false);
  assert.equal(sameState(shared, structuredClone(shared)), true); // structuredClone keeps sharing
});
