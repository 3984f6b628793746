// Runs fuzz targets for a time budget or a number of cases, each case from its own seeded
// generator (seed, target, case number), so any failure can be replayed alone with --case.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { knownIssueOf } from './known';
import { Random } from './random';
import type { FuzzTarget } from './target';
import { cliTarget } from './targets/cli';
import { engineTarget } from './targets/engine';
import { lspTarget } from './targets/lsp';
import { parserTarget } from './targets/parser';

/** The targets, with their share of a time budget. */
export const TARGETS: { target: FuzzTarget; share: number }[] = [
  { target: parserTarget, share: 0.1 },
  { target: engineTarget, share: 0.4 },
  { target: lspTarget, share: 0.3 },
  { target: cliTarget, share: 0.2 },
];

export interface TargetResult {
  name: string;
  tried: number;
  /** New failures (not in fuzz/known.ts). */
  failed: number;
  /** Failures of a known issue fixed elsewhere, by issue. */
  known: Map<string, number>;
  problems: { case: number; problem: string; saved?: string; known?: string }[];
}

export interface RunOptions {
  seed: number;
  /** Run each target for this long (ms)… */
  ms?: number;
  /** …or for exactly this many cases. */
  cases?: number;
  /** Only this case (to replay a failure). */
  only?: number;
  /** Where to write failing inputs (none: not written). */
  saveDir?: string;
  log?: (line: string) => void;
}

/** The generator of one case: the same (seed, target, case) always gives the same input. */
export function caseRandom(seed: number, target: string, n: number): Random {
  let h = 2166136261 ^ seed;
  for (const c of `${target}#${n}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return new Random(h >>> 0);
}

export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<TargetResult> {
  const result: TargetResult = { name: target.name, tried: 0, failed: 0, known: new Map(), problems: [] };
  const deadline = options.ms !== undefined ? Date.now() + options.ms : Infinity;
  await target.setup?.();
  try {
    for (let n = options.only ?? 0; ; n++) {
      if (
        options.only !== undefined
          ? n > options.only
          : options.cases !== undefined
            ? n >= options.cases
            : Date.now() >= deadline
      )
        break;
      const failure = await target.one(caseRandom(options.seed, target.name, n));
      result.tried++;
      if (!failure) continue;
      const known = knownIssueOf(failure.problem);
      if (known) result.known.set(known.id, (result.known.get(known.id) ?? 0) + 1);
      else result.failed++;
      let saved: string | undefined;
      if (options.saveDir) {
        mkdirSync(options.saveDir, { recursive: true });
        saved = path.join(options.saveDir, `${target.name}-seed${options.seed}-case${n}.input`);
        writeFileSync(saved, failure.input);
      }
      result.problems.push({ case: n, problem: failure.problem.slice(0, 500), saved, known: known?.id });
      if (!known)
        options.log?.(`${target.name} case ${n}: ${failure.problem.slice(0, 300)}${saved ? ` (input: ${saved})` : ''}`);
      // A failure may leave a server or a document in a bad state: start the target afresh.
      await target.teardown?.();
      await target.setup?.();
    }
  } finally {
    await target.teardown?.();
  }
  return result;
}
