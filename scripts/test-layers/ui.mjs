// Layer 'ui': what a person sees in real VS Code (code-server 1.100.3 in Debian Chromium, driven
// by playwright-core), with the extension loaded in development mode: squiggle, Problems row,
// hover, and a command run from the palette. Screenshots of failures go to test-results/.
import { ensureCodeServer } from '../ensure-code-server.mjs';
import { root } from '../test-lib.mjs';
import { launchBrowser, openWorkbench, runCommand } from '../../test/vscode/browser.mjs';
import { makeScratch, startCodeServer } from '../../test/vscode/code-server.mjs';
import { FIXTURES } from '../../test/vscode/run-code-server.mjs';
import { runSteps } from '../../test/vscode/steps.mjs';
import { waitFor } from '../../test/vscode/wait.mjs';
import { expectProblemsRow, expectSquiggle, hoverSquiggle, visibleOutputChannel } from '../../test/vscode/workbench.mjs';

export const name = 'ui';
export const order = 70;

export async function run() {
  const started = Date.now();
  const { vscodeVersion } = ensureCodeServer();
  const scratch = makeScratch(FIXTURES);
  let server;
  let browser;
  try {
    server = await startCodeServer(scratch);
    browser = await launchBrowser();
    const { page } = browser;
    console.log(`VS Code ${vscodeVersion} (code-server) in Chromium, extension in development mode`);
    const url = server.workbenchUrl(scratch.dirs.ws, [['extensionDevelopmentPath', server.remoteUri(root)]]);
    const r = await runSteps('ui', [
      { name: 'the workbench opens the fixture folder', run: () => openWorkbench(page, url) },
      { name: 'malformed.hvtrace shows an error squiggle', run: () => expectSquiggle(page) },
      { name: 'View: Toggle Problems lists HVT090 at [Ln 3, Col 1]', run: () => expectProblemsRow(page) },
      {
        name: 'hovering the squiggle shows the HVT090 message',
        run: async () => {
          const text = await hoverSquiggle(page);
          if (!text.includes('HVT090') || !text.includes('12,5')) throw new Error(`hover text lacks HVT090 / 12,5: ${JSON.stringify(text)}`);
        },
      },
      {
        name: 'palette "hvtimer: Show Server Log" shows the hvtimer output channel',
        run: async () => {
          const before = await visibleOutputChannel(page);
          if (before === 'hvtimer') throw new Error('the hvtimer channel was already showing before the command');
          await runCommand(page, 'hvtimer: Show Server Log');
          await waitFor('the Output panel to show the hvtimer channel', async () => (await visibleOutputChannel(page)) === 'hvtimer', { timeoutMs: 10_000 });
        },
      },
    ], { page });
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return { passed: r.passed, failed: r.failed, skipped: 0 };
  } catch (err) {
    console.log(`  FAIL ui setup: ${err.message}`);
    return { passed: 0, failed: 1, skipped: 0, error: 'setup failed' };
  } finally {
    await browser?.close();
    if (server) await server.stop();
  }
}
