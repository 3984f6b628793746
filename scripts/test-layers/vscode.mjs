// Layer 'vscode': the extension-host suite (test/vscode/suite) inside real VS Code. First the
// standard @vscode/test-electron runner (desktop VS Code, when one can be had), then always the
// offline host: code-server 1.100.3 with the extension and suite loaded in development mode.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from '../test-lib.mjs';
import { runSuiteInCodeServer } from '../../test/vscode/run-code-server.mjs';

export const name = 'vscode';
export const order = 60;

const line = (t) =>
  `  ${t.ok ? 'ok  ' : 'FAIL'} ${t.name}${t.error ? `\n       ${t.error.split('\n').slice(0, 8).join('\n       ')}` : ''}`;

/** test-electron in a child process, so a hung download cannot hold this one. */
function runElectron() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-electron-'));
  const json = path.join(dir, 'result.json');
  try {
    const r = spawnSync(process.execPath, ['test/vscode/run-electron.mjs', '--json', json], {
      cwd: root,
      stdio: 'inherit',
      timeout: 15 * 60_000,
    });
    if (!existsSync(json))
      return {
        status: 'failed',
        passed: 0,
        failed: 1,
        tests: [{ name: 'test-electron runner', ok: false, error: `exit ${r.status ?? r.signal}` }],
      };
    return JSON.parse(readFileSync(json, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const started = Date.now();
  const electron = runElectron();
  let passed = 0;
  let failed = 0;
  if (electron.status !== 'skipped') {
    console.log(`desktop VS Code ${electron.vscodeVersion ?? ''} (test-electron):`);
    electron.tests.forEach((t) => console.log(line(t)));
    passed += electron.passed;
    failed += electron.failed;
  }
  try {
    const r = await runSuiteInCodeServer({ log: (l) => console.log(l) });
    console.log(
      `VS Code ${r.vscodeVersion} extension host (code-server ${r.codeServerVersion}): ${r.passed} passed, ${r.failed} failed`,
    );
    r.tests.forEach((t) => console.log(line(t)));
    passed += r.passed;
    failed += r.failed;
  } catch (err) {
    console.log(`  FAIL extension-host suite in code-server: ${err.message}`);
    failed += 1;
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { passed, failed, skipped: 0 };
}
