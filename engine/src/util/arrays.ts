// Array operations that are safe for any number of elements. `a.push(...items)` and
// `a.splice(i, n, ...items)` pass every element as a call argument, and past about 100k elements
// V8 throws `RangeError: Maximum call stack size exceeded` (issue #15: a pasted change of 150k
// lines was dropped by the language server). Use these wherever the count comes from the input.

/** Above this many elements, spreading into a call is avoided (V8's limit is far higher). */
const SPREAD_LIMIT = 10_000;

/** Appends `items` to `target` in place. */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  if (items.length <= SPREAD_LIMIT) {
    target.push(...items);
    return;
  }
  for (const item of items) target.push(item);
}

/**
 * `array.splice(start, deleteCount, ...items)` for any length of `items`: returns the array with the
 * change (the same array when it could be changed in place, else a new one, where holes read as
 * `undefined`) and the removed elements.
 */
export function splice<T>(
  array: T[],
  start: number,
  deleteCount: number,
  items: readonly T[],
): { array: T[]; removed: T[] } {
  if (items.length <= SPREAD_LIMIT) {
    const removed = array.splice(start, deleteCount, ...items);
    return { array, removed };
  }
  const removed = array.slice(start, start + deleteCount);
  const out = array.slice(0, start);
  pushAll(out, items);
  for (let i = start + deleteCount; i < array.length; i++) out.push(array[i]);
  return { array: out, removed };
}
