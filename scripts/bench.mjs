// `npm run bench`: performance and memory targets (bench/targets.json), never in unit tests.
//   bench/engine.bench.ts  the engine in process: check, edits, state queries, the timeline's index and windows
//   bench/scale.bench.ts   the shipped CLI and language server (dist/) as processes on 100k to 10M lines,
//                          each stated as a ratio to reading and splitting the same file in the same run
// The benchmarks are bundled by esbuild the way the language server and the CLI are (scripts/build.mjs),
// so they measure the code that ships rather than tsx's on-the-fly transform.
// `npm run bench -- --only engine|scale`, `-- --no-10m` (skips the 10M-line trace, ~600 MB on disk).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-bench-'));
let failed = false;
try {
  // scale.bench.ts runs dist/cli.js and dist/server.js: build them as they ship.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  for (const name of ['engine', 'scale']) {
    if (only && only !== name) continue;
    const outfile = path.join(dir, `${name}.bench.js`);
    await esbuild.build({
      entryPoints: [`bench/${name}.bench.ts`],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      absWorkingDir: root,
      logLevel: 'warning',
      // The benchmarks read bench/targets.json next to their source.
      define: { __dirname: JSON.stringify(path.join(root, 'bench')) },
    });
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', outfile, ...args.filter((a) => a.startsWith('--no-'))],
      { cwd: root, stdio: 'inherit' },
    );
    if (r.status !== 0) failed = true;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
