// Level of detail for the timeline (window.ts): items grouped per key (a row) and time bucket, with
// as few buckets as keep the groups within a bound.

/** Bucket of time `t` among `buckets` equal parts of [from, to]. */
export const bucketOf = (t: bigint, from: bigint, to: bigint, buckets: number): number => {
  const span = to - from;
  if (span <= 0n) return 0;
  const b = Number(((t - from) * BigInt(buckets)) / span);
  return Math.min(buckets - 1, Math.max(0, b));
};

/**
 * Groups `items` by (key, time bucket) with as many buckets as keep the groups within `max`:
 * `max` buckets first, halved until the groups fit. Buckets are bucketOf's; items in time order (the
 * statements of a range are) find theirs by walking the bucket edges instead of dividing per item,
 * and groups are keyed by a number, not a string: a million-statement window is one pass per try.
 */
export function cluster<T>(
  items: readonly T[],
  key: (item: T) => string | number,
  time: (item: T) => bigint,
  from: bigint,
  to: bigint,
  max: number,
): T[][] {
  const keyIds = new Map<string | number, number>();
  const ids = new Int32Array(items.length);
  const times: bigint[] = new Array<bigint>(items.length);
  let sorted = true;
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]);
    let id = keyIds.get(k);
    if (id === undefined) keyIds.set(k, (id = keyIds.size));
    ids[i] = id;
    times[i] = time(items[i]);
    if (i > 0 && times[i] < times[i - 1]) sorted = false;
  }
  const span = to - from;
  const walk = sorted && span > 0n;
  const bucket = new Int32Array(items.length);
  const last = new Int32Array(keyIds.size);
  for (let buckets = Math.max(1, max); ; buckets = Math.max(1, Math.floor(buckets / 2))) {
    // Count the groups first (no arrays built for a bucket count that gives too many).
    let count = 0;
    if (walk) {
      // In time order each key's buckets only grow: a (key, bucket) pair is new when it differs from the key's last.
      const nb = BigInt(buckets);
      // The first time of bucket b + 1: the least t with (t - from) * buckets >= (b + 1) * span.
      const edge = (b: number): bigint => from + (BigInt(b + 1) * span + nb - 1n) / nb;
      let b = 0;
      let next = edge(0);
      last.fill(-1);
      for (let i = 0; i < items.length; i++) {
        while (b < buckets - 1 && times[i] >= next) next = edge(++b);
        bucket[i] = b;
        if (last[ids[i]] !== b) {
          last[ids[i]] = b;
          count++;
        }
      }
    } else {
      const seen = new Set<number>();
      for (let i = 0; i < items.length; i++) {
        bucket[i] = bucketOf(times[i], from, to, buckets);
        seen.add(ids[i] * buckets + bucket[i]);
      }
      count = seen.size;
    }
    if (count > max && buckets > 1) continue;
    const groups = new Map<number, T[]>();
    for (let i = 0; i < items.length; i++) {
      const k = ids[i] * buckets + bucket[i];
      const g = groups.get(k);
      if (g) g.push(items[i]);
      else groups.set(k, [items[i]]);
    }
    return [...groups.values()].slice(0, max);
  }
}
