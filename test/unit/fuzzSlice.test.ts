// A small, fixed slice of the fuzz suite (`npm run fuzz`, fuzz/): the same seed and case counts on
// every run, a few seconds in all. A new failure here is a bug to turn into a regression test; the
// failures of fuzz/known.ts (fixed by other changes) are reported, not failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTarget } from '../../fuzz/runner';
import { parserTarget } from '../../fuzz/targets/parser';
import { engineTarget } from '../../fuzz/targets/engine';
import { lspTarget } from '../../fuzz/targets/lsp';
import { cliTarget } from '../../fuzz/targets/cli';
import type { FuzzTarget } from '../../fuzz/target';

const SEED = 15;
const SLICE: [FuzzTarget, number][] = [
  [parserTarget, 3000],
  [engineTarget, 40],
  [lspTarget, 12],
  [cliTarget, 6],
];

for (const [target, cases] of SLICE) {
  test(`fuzz slice: ${target.name}, ${cases} cases of seed ${SEED}`, async (t) => {
    const r = await runTarget(target, { seed: SEED, cases });
    assert.equal(r.tried, cases);
    for (const [id, n] of r.known) t.diagnostic(`${n} × known: ${id}`);
    assert.deepEqual(
      r.problems.filter((p) => !p.known),
      [],
    );
  });
}
