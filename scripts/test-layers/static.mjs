// Layer 'static': what the developers' guide asks before every commit, run by `npm test` so that the
// README's test command is the whole gate: ESLint (`npm run lint`), the type check of the extension,
// the server, the engine, the CLI and the webview (`npm run typecheck`), and Prettier's check of the
// formatting (`npm run format:check`). One line per check.
import { spawnSync } from 'node:child_process';
import { root } from '../test-lib.mjs';

export const name = 'static';
export const order = 5; // after unit, lsp and grammar (order 0), before the browser layers

const CHECKS = [
  ['npm run lint', ['run', '-s', 'lint']],
  ['npm run typecheck', ['run', '-s', 'typecheck']],
  ['npm run format:check', ['run', '-s', 'format:check']],
];

export async function run() {
  let passed = 0;
  let failed = 0;
  for (const [title, args] of CHECKS) {
    const started = Date.now();
    const r = spawnSync('npm', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const ms = Date.now() - started;
    if (r.status === 0) {
      passed++;
      console.log(`  ok   ${title} (${ms} ms)`);
    } else {
      failed++;
      console.log(`  FAIL ${title} (exit ${r.status ?? r.signal})`);
      const out = `${r.stdout}${r.stderr}`.trim().split('\n');
      for (const line of out.slice(0, 40)) console.log(`       ${line}`);
      if (out.length > 40) console.log(`       … ${out.length - 40} more lines`);
    }
  }
  return { passed, failed, skipped: 0 };
}
