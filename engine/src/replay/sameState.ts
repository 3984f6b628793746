// Whether two model states are the same (issue #17): after an edit that changed no line count, the
// new replay rejoins the old one where their states agree again (Analysis), and everything the old
// replay found after that point stands. "The same" is strict: equal values, the same Map and Set
// orders, the same keys (an undefined property counts), and the same sharing of objects (a state
// where two fields hold one object behaves differently from one where they hold equal copies, once
// either is changed in place). One exception: the rules' bookkeeping (`state.rules`) is lookup
// tables that no rule iterates to decide what it reports (HVT001's `forget` only deletes), so its
// Maps and Sets compare by content whatever the order their keys came in.

import type { ModelState } from './state';

/** Deep equality of two plain-data states (objects, arrays, Maps, Sets, primitives, bigints). */
export function sameState(a: ModelState, b: ModelState): boolean {
  const ab = new Map<object, object>();
  const ba = new Map<object, object>();
  const keys = Object.keys(a);
  if (!same(keys, Object.keys(b), ab, ba, 0, false)) return false;
  for (const k of keys) {
    if (
      !same(
        (a as unknown as Record<string, unknown>)[k],
        (b as unknown as Record<string, unknown>)[k],
        ab,
        ba,
        1,
        k === 'rules',
      )
    )
      return false;
  }
  return true;
}

/** Deeper than any model state nests (a bound, like stateWeight's). */
const MAX_DEPTH = 64;

/** `byContent`: Maps and Sets with primitive keys compare as lookup tables (any order). */
function same(
  a: unknown,
  b: unknown,
  ab: Map<object, object>,
  ba: Map<object, object>,
  depth: number,
  byContent: boolean,
): boolean {
  if (a === b) return typeof a !== 'object' || a === null || pair(a, b as object, ab, ba);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > MAX_DEPTH) return false;
  // Sharing: an object met before must meet the same partner again.
  const seenA = ab.get(a);
  const seenB = ba.get(b);
  if (seenA !== undefined || seenB !== undefined) return seenA === b && seenB === a;
  ab.set(a, b);
  ba.set(b, a);
  const d = depth + 1;
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    if (byContent && primitiveKeys(a.keys())) {
      for (const [k, va] of a) if (!b.has(k) || !same(va, b.get(k), ab, ba, d, true)) return false;
      return true;
    }
    const bi = b.entries();
    for (const [ka, va] of a) {
      const [kb, vb] = bi.next().value as [unknown, unknown];
      if (!same(ka, kb, ab, ba, d, byContent) || !same(va, vb, ab, ba, d, byContent)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    if (byContent && primitiveKeys(a.values())) {
      for (const va of a) if (!b.has(va)) return false;
      return true;
    }
    const bi = b.values();
    for (const va of a) if (!same(va, bi.next().value, ab, ba, d, byContent)) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], ab, ba, d, byContent)) return false;
    return true;
  }
  if (b instanceof Map || b instanceof Set || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!same((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]], ab, ba, d, byContent))
      return false;
  }
  return true;
}

function primitiveKeys(keys: Iterable<unknown>): boolean {
  for (const k of keys) if (typeof k === 'object' && k !== null) return false;
  return true;
}

/** The same object on both sides: it must not have been paired with another before. */
function pair(a: object, b: object, ab: Map<object, object>, ba: Map<object, object>): boolean {
  const seenA = ab.get(a);
  const seenB = ba.get(b);
  if (seenA === undefined && seenB === undefined) {
    ab.set(a, b);
    ba.set(b, a);
    return true;
  }
  return seenA === b && seenB === a;
}
