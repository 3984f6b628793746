// The ecosystem's standard runner: the same extension-host suite in desktop VS Code via
// @vscode/test-electron. VS Code comes from $VSCODE_EXECUTABLE, else a cached .vscode-test/, else a
// download (bounded; it fails offline). When it cannot get VS Code it prints one line and exits 0
// with status "skipped": the offline code-server host (run-code-server.mjs) runs the suite instead.
//   node test/vscode/run-electron.mjs [--json RESULT_FILE]
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../../scripts/test-lib.mjs';
import { bundleSuite } from './bundle-suite.mjs';
import { makeScratch } from './code-server.mjs';
import { FIXTURES } from './run-code-server.mjs';

const VERSION = '1.100.3'; // the same VS Code as the offline code-server host
const CACHE = path.join(root, '.vscode-test');
const DOWNLOAD_TIMEOUT_MS = 20_000;
const silent = { report() {}, error() {} };

/** The executable and where it came from, or throws why there is none. */
async function resolveVSCode() {
  if (process.env.VSCODE_EXECUTABLE) return { exe: process.env.VSCODE_EXECUTABLE, from: '$VSCODE_EXECUTABLE' };
  // A finished earlier download of any version (test-electron's layout) needs no network.
  const cached = existsSync(CACHE)
    ? readdirSync(CACHE).filter((d) => /^vscode-linux-x64-\d/.test(d) && existsSync(path.join(CACHE, d, 'is-complete')))
    : [];
  const version = cached.includes(`vscode-linux-x64-${VERSION}`)
    ? VERSION
    : (cached
        .map((d) => d.replace('vscode-linux-x64-', ''))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .at(-1) ?? VERSION);
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`)),
      DOWNLOAD_TIMEOUT_MS,
    );
  });
  try {
    const exe = await Promise.race([
      downloadAndUnzipVSCode({ version, cachePath: CACHE, timeout: DOWNLOAD_TIMEOUT_MS / 2, reporter: silent }),
      deadline,
    ]);
    return { exe, from: cached.length ? `.vscode-test (${version})` : `download of ${version}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Returns { status: 'passed' | 'failed' | 'skipped', passed, failed, tests, reason? }. */
export async function runElectron({ log = console.log } = {}) {
  let vscode;
  try {
    vscode = await resolveVSCode();
  } catch (err) {
    const reason = (err?.message ?? String(err)).split('\n')[0];
    log(`test-electron: cannot get VS Code (${reason}); the offline code-server host runs the extension tests instead`);
    return { status: 'skipped', passed: 0, failed: 0, tests: [], reason };
  }
  log(`test-electron: VS Code from ${vscode.from}: ${vscode.exe}`);
  const suite = await bundleSuite();
  const scratch = makeScratch(FIXTURES);
  const resultFile = path.join(scratch.scratch, 'result.json');
  let exitCode;
  try {
    try {
      exitCode = await runTests({
        vscodeExecutablePath: vscode.exe,
        extensionDevelopmentPath: root,
        extensionTestsPath: suite,
        extensionTestsEnv: { HVTIMER_VSCODE_RESULT: resultFile },
        launchArgs: [
          scratch.dirs.ws,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--disable-gpu',
          '--user-data-dir',
          scratch.dirs['user-data'],
          '--extensions-dir',
          scratch.dirs.extensions,
        ],
      });
    } catch (err) {
      exitCode = err?.message ?? String(err);
    }
    if (!existsSync(resultFile))
      return {
        status: 'failed',
        passed: 0,
        failed: 1,
        tests: [{ name: 'VS Code (test-electron) ran the suite', ok: false, error: `${exitCode}; no result file` }],
      };
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    return { status: r.failed ? 'failed' : 'passed', ...r };
  } finally {
    rmSync(scratch.scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(root, 'test/vscode/run-electron.mjs')) {
  const jsonAt = process.argv.indexOf('--json');
  const r = await runElectron();
  if (r.status !== 'skipped') {
    for (const t of r.tests) console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.name}${t.error ? `\n${t.error}` : ''}`);
    console.log(`test-electron: ${r.passed} passed, ${r.failed} failed`);
  }
  if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(r, null, 2));
  // Exit explicitly: a timed-out download may still hold a socket open.
  process.exit(r.status === 'failed' ? 1 : 0);
}
