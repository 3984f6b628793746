// `npm run bench`: performance and memory targets (bench/targets.json), never in unit tests.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', 'bench/engine.bench.ts'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
