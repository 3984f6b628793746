// cluster: the groups of a worked example, and the same groups as the straightforward definition
// (a string key per item, bucketOf per item) on random inputs, sorted or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketOf, cluster } from './cluster';

interface Item {
  row: string;
  t: bigint;
}

/** The definition: group by `${row}\0${bucketOf(t)}`, halving the buckets until the groups fit. */
function reference(items: readonly Item[], from: bigint, to: bigint, max: number): Item[][] {
  for (let buckets = Math.max(1, max); ; buckets = Math.max(1, Math.floor(buckets / 2))) {
    const groups = new Map<string, Item[]>();
    for (const item of items) {
      const k = `${item.row}\u0000${bucketOf(item.t, from, to, buckets)}`;
      const g = groups.get(k);
      if (g) g.push(item);
      else groups.set(k, [item]);
    }
    if (groups.size <= max || buckets === 1) return [...groups.values()].slice(0, max);
  }
}

test('a worked example: 0..99 ns on two rows, at most 4 groups', () => {
  // 4 buckets give 8 groups (two rows): too many; 2 buckets over [0, 99]: t·2/99 < 1 for t ≤ 49, so
  // [0, 49] and [50, 99], on each row.
  const items = Array.from({ length: 100 }, (_, i): Item => ({ row: i % 2 ? 'b' : 'a', t: BigInt(i) }));
  const groups = cluster(
    items,
    (x) => x.row,
    (x) => x.t,
    0n,
    99n,
    4,
  );
  assert.deepEqual(
    groups.map((g) => [g[0].row, g[0].t, g.at(-1)!.t, g.length]),
    [
      ['a', 0n, 48n, 25],
      ['b', 1n, 49n, 25],
      ['a', 50n, 98n, 25],
      ['b', 51n, 99n, 25],
    ],
  );
});

test('the same groups as the definition on random items, in time order and not', () => {
  let seed = 17;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let run = 0; run < 300; run++) {
    const from = BigInt(rand(1000)) * 10n ** BigInt(rand(12));
    const span = BigInt(rand(5)) === 0n ? 0n : BigInt(1 + rand(1_000_000)) * 10n ** BigInt(rand(8));
    const to = from + span;
    const n = rand(400);
    const items = Array.from({ length: n }, (): Item => ({
      row: `r${rand(1 + rand(12))}`,
      t: from - 5n + (span > 0n ? (BigInt(rand(1_000_003)) * (span + 10n)) / 1_000_003n : BigInt(rand(10))),
    }));
    if (run % 2 === 0) items.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
    const max = 1 + rand(60);
    assert.deepEqual(
      cluster(
        items,
        (x) => x.row,
        (x) => x.t,
        from,
        to,
        max,
      ),
      reference(items, from, to, max),
      `run ${run}`,
    );
  }
});
