// Runs the extension-host suite (test/vscode/suite) inside code-server's real VS Code: the
// extension and the suite are loaded in development mode through the workbench URL payload, and
// Chromium connects to start the extension host. The suite writes a JSON result file; we poll it.
//   node test/vscode/run-code-server.mjs
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureCodeServer } from '../../scripts/ensure-code-server.mjs';
import { root } from '../../scripts/test-lib.mjs';
import { launchBrowser, screenshot } from './browser.mjs';
import { bundleSuite } from './bundle-suite.mjs';
import { makeScratch, startCodeServer } from './code-server.mjs';
import { waitFor } from './wait.mjs';

export const FIXTURES = path.join(root, 'test', 'vscode', 'fixtures');

/** Returns the suite's result: { vscodeVersion, passed, failed, tests: [{ name, ok, error }] }. */
export async function runSuiteInCodeServer({ log = console.log, timeoutMs = 300_000 } = {}) {
  const { vscodeVersion, codeServerVersion } = ensureCodeServer({ log });
  const suite = await bundleSuite();
  const scratch = makeScratch(FIXTURES);
  const resultFile = path.join(scratch.scratch, 'result.json');
  const server = await startCodeServer(scratch, { env: { HVTIMER_VSCODE_RESULT: resultFile } });
  const browser = await launchBrowser().catch(async (err) => {
    await server.stop();
    throw err;
  });
  const started = Date.now();
  try {
    log(
      `code-server ${codeServerVersion} (VS Code ${vscodeVersion}) on port ${server.port}; loading the suite in the extension host`,
    );
    const url = server.workbenchUrl(scratch.dirs.ws, [
      ['extensionDevelopmentPath', server.remoteUri(root)],
      ['extensionTestsPath', server.remoteUri(suite)],
    ]);
    // The extension host's console is forwarded to the page: keep it for failure reports.
    const consoleLines = [];
    browser.page.on('console', (msg) => {
      consoleLines.push(`[${msg.type()}] ${msg.text()}`);
    });
    browser.consoleTail = () => consoleLines.slice(-40).join('\n');
    await browser.page.goto(url);
    await waitFor(
      'the suite result file',
      () => {
        if (server.proc.exitCode !== null)
          throw Object.assign(new Error(`code-server exited (${server.proc.exitCode})`), { fatal: true });
        return existsSync(resultFile);
      },
      { timeoutMs, intervalMs: 200 },
    );
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    log(`extension-host suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ...result, codeServerVersion };
  } catch (err) {
    const shot = await screenshot(browser.page, 'vscode-extension-host');
    throw new Error(
      `${err.message}${shot ? `\nscreenshot: ${shot}` : ''}\n--- browser console\n${browser.consoleTail?.() ?? ''}` +
        `\n--- code-server output\n${server.output()}\n${server.logs()}`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const r = await runSuiteInCodeServer();
    for (const t of r.tests) console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.name}${t.error ? `\n${t.error}` : ''}`);
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exit(r.failed ? 1 : 0);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
