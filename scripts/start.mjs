// `npm start`: the main job on a bundled sample — check it with the CLI and print the diagnostics.
// Exit status 1 (the sample has errors) is the expected result, not a failure of `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sample = process.argv[2] ?? 'sample-traces/arm64-migration-by-value.hvtrace';
if (!existsSync(path.join(root, 'dist/cli.js')))
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
console.log(`$ hvtimer check ${sample}`);
const r = spawnSync(process.execPath, ['dist/cli.js', 'check', sample], { cwd: root, stdio: 'inherit' });
process.exit(r.status === 0 || r.status === 1 ? 0 : (r.status ?? 2));
