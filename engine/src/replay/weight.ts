// The size of a model state in objects (what a structuredClone of it copies), so that the analysis
// can space its checkpoints by what they cost: a trace that names a new VM on every line grows the
// state with the line count, and a checkpoint every N lines would then copy O(lines²) objects.
import type { ModelState } from './state';

/**
 * Objects reachable from `state` (plain objects, arrays, Maps and Sets, each counted once per
 * occurrence; primitives are free). Linear in the state, and much cheaper than cloning it.
 */
export function stateWeight(state: ModelState): number {
  return weightOf(state, 0);
}

/** Deeper than any model state nests; a bound so that a cycle cannot recurse forever. */
const MAX_DEPTH = 32;

function weightOf(value: unknown, depth: number): number {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return 0;
  const d = depth + 1;
  let n = 1;
  if (value instanceof Map) {
    for (const [k, v] of value) n += weightOf(k, d) + weightOf(v, d);
  } else if (value instanceof Set) {
    for (const v of value) n += weightOf(v, d);
  } else if (Array.isArray(value)) {
    for (const v of value) n += weightOf(v, d);
  } else {
    for (const k in value) n += weightOf((value as Record<string, unknown>)[k], d);
  }
  return n;
}
