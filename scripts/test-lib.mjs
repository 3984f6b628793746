// Helpers shared by the test orchestrator (scripts/test.mjs) and the layers in scripts/test-layers/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Recursively lists files under `dir` whose name ends with `suffix`. */
export function findFiles(dir, suffix) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const name of readdirSync(abs)) {
    if (name === 'node_modules') continue;
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...findFiles(rel, suffix));
    else if (name.endsWith(suffix)) out.push(rel);
  }
  return out.sort();
}

/** Runs `files` with node --test (through tsx) and returns {passed, failed, skipped}. */
export function nodeTest(files, extraEnv = {}) {
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0 };
  const summary = path.join(mkdtempSync(path.join(tmpdir(), 'hvtimer-test-')), 'summary.json');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/summary-reporter.mjs',
      '--test-reporter-destination=stdout',
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv, HVTIMER_TEST_SUMMARY: summary } },
  );
  if (!existsSync(summary)) return { passed: 0, failed: 1, skipped: 0, error: `node --test exited ${r.status}` };
  const counts = JSON.parse(readFileSync(summary, 'utf8'));
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}
