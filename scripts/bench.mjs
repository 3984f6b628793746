// `npm run bench`: performance and memory targets (bench/targets.json), never in unit tests.
// The benchmark is bundled by esbuild the way the language server and the CLI are (scripts/build.mjs),
// so it measures the code that ships rather than tsx's on-the-fly transform.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-bench-'));
try {
  const outfile = path.join(dir, 'engine.bench.js');
  await esbuild.build({ entryPoints: ['bench/engine.bench.ts'], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', absWorkingDir: root, logLevel: 'warning',
    // The benchmark reads bench/targets.json next to its source.
    define: { __dirname: JSON.stringify(path.join(root, 'bench')) } });
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', outfile], { cwd: root, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
