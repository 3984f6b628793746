// `npm run fuzz [-- --seconds 180] [--seed 1] [--targets parser,engine,lsp,cli] [--cases N] [--case N]`
// The fuzz suite of issue #15: seeded and bounded; by default three minutes over every target.
// Prints per target the inputs tried and the failures, saves failing inputs under .scratch/fuzz/,
// and exits 1 if anything failed. A small slice of it runs in `npm test` (test/unit/fuzzSlice.test.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { KNOWN_ISSUES } from './known';
import { TARGETS, runTarget, type TargetResult } from './runner';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : i >= 0 ? process.argv[i + 1] : undefined;
}

function number(name: string, fallback?: number): number | undefined {
  const v = option(name);
  if (v === undefined) return fallback;
  if (!/^[0-9]+$/.test(v)) {
    console.error(`fuzz: --${name} needs a whole number, not \`${v}\``);
    process.exit(2);
  }
  return Number(v);
}

async function main(): Promise<void> {
  const seconds = number('seconds', 180)!;
  const seed = number('seed', 1)!;
  const cases = number('cases');
  const only = number('case');
  const names = (option('targets') ?? TARGETS.map((t) => t.target.name).join(',')).split(',');
  const selected = TARGETS.filter((t) => names.includes(t.target.name));
  if (selected.length !== names.length) {
    console.error(`fuzz: unknown target; known: ${TARGETS.map((t) => t.target.name).join(', ')}`);
    process.exit(2);
  }
  // The LSP and CLI targets run the bundles: build them first.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
    env: { ...process.env, HVTIMER_QUIET_BUILD: '1' },
  });
  if (build.status !== 0) process.exit(1);
  const total = selected.reduce((s, t) => s + t.share, 0);
  console.log(
    `fuzz: seed ${seed}, ${cases !== undefined ? `${cases} cases per target` : only !== undefined ? `case ${only}` : `${seconds} s`} over ${selected.map((t) => t.target.name).join(', ')}`,
  );
  const results: TargetResult[] = [];
  for (const { target, share } of selected) {
    const r = await runTarget(target, {
      seed,
      cases,
      only,
      ms: cases === undefined && only === undefined ? (seconds * 1000 * share) / total : undefined,
      saveDir: path.resolve(__dirname, '../.scratch/fuzz'),
      log: (l) => console.log(`  FAIL ${l}`),
    });
    results.push(r);
    const known = [...r.known.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${r.name.padEnd(7)} ${String(r.tried).padStart(7)} inputs, ${r.failed} failures${known ? ` (+ ${known} of known issues fixed elsewhere)` : ''}`,
    );
  }
  const tried = results.reduce((n, r) => n + r.tried, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(
    `${'total'.padEnd(7)} ${String(tried).padStart(7)} inputs, ${failed} failures${failed ? ` (replay one: npm run fuzz -- --targets NAME --seed ${seed} --case N)` : ''}`,
  );
  for (const k of KNOWN_ISSUES) {
    const seen = results.reduce((n, r) => n + (r.known.get(k.id) ?? 0), 0);
    console.log(
      seen
        ? `known: ${seen} × ${k.id} — fixed by ${k.fixedBy}`
        : `known issue not seen in this run: ${k.id} (once fixed, remove it from fuzz/known.ts)`,
    );
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
