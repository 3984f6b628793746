// Layer 'ui': what a person sees in real VS Code (code-server 1.100.3 in Debian Chromium, driven
// by playwright-core), with the extension loaded in development mode: squiggle, Problems row,
// hover, a command run from the palette, the timeline webview (a click on a finding selects its
// line) and its screenshots. Screenshots of failures go to test-results/; the README's timeline
// screenshots (media/) are rewritten with HVTIMER_UPDATE_SCREENSHOTS=1.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from '../ensure-code-server.mjs';
import { root } from '../test-lib.mjs';
import { launchBrowser, openWorkbench, runCommand } from '../../test/vscode/browser.mjs';
import { clickFinding, editorPosition, goToLine, showTimeline, webviewLanes } from '../../test/vscode/timeline-ui.mjs';
import { makeScratch, startCodeServer } from '../../test/vscode/code-server.mjs';
import { FIXTURES } from '../../test/vscode/run-code-server.mjs';
import { runSteps } from '../../test/vscode/steps.mjs';
import { waitFor } from '../../test/vscode/wait.mjs';
import { expectProblemsRow, expectSquiggle, hoverSquiggle, visibleOutputChannel } from '../../test/vscode/workbench.mjs';

export const name = 'ui';
export const order = 70;

const SAMPLES = {
  backward: 'arm64-restore-backward.hvtrace',
  migration: 'arm64-migration-by-value.hvtrace',
  stolen: 'arm64-pvtime-migration-correct.hvtrace',
};

/** The workbench with the timeline beside the editor, into test-results/ and (on request) media/. */
async function timelineScreenshot(page, file) {
  const out = [path.join(root, 'test-results', file)];
  if (process.env.HVTIMER_UPDATE_SCREENSHOTS === '1') out.push(path.join(root, 'media', file));
  for (const f of out) {
    mkdirSync(path.dirname(f), { recursive: true });
    await page.screenshot({ path: f });
  }
}

export async function run() {
  const started = Date.now();
  const { vscodeVersion } = ensureCodeServer();
  const scratch = makeScratch(FIXTURES);
  for (const sample of Object.values(SAMPLES)) copyFileSync(path.join(root, 'sample-traces', sample), path.join(scratch.dirs.ws, sample));
  let server;
  let browser;
  let timeline;
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
      {
        name: 'palette "hvtimer: Show Timeline" opens the timeline of arm64-restore-backward.hvtrace beside the editor',
        run: async () => {
          await runCommand(page, 'View: Hide Panel');
          timeline = await showTimeline(page, SAMPLES.backward);
          const rows = await timeline.evaluate(() => window.__hvtimer().rows.map((r) => r.label));
          if (JSON.stringify(rows) !== JSON.stringify(['sbx on h', 'vcpu0', 'vcpu1'])) throw new Error(`rows: ${JSON.stringify(rows)}`);
        },
      },
      {
        name: 'clicking the HVT001 marker (line 34) selects that line in the editor',
        run: async () => {
          // The editor's cursor on line 34 moves the timeline's cursor to its time (95.0002 s); zooming
          // in around it separates its findings from line 29's, 100 µs earlier. The fit shows the
          // trace's 85.1 s (10.0 s to 95.1 s) plus 2 % on each side; 16 presses of W halve it 16 times:
          // 85100 ms × 1.04 / 2^16 = 1.3505 ms, where 100 µs is about 27 px.
          await goToLine(page, 34);
          await waitFor('the timeline cursor at 95.0002 s', async () => (await timeline.evaluate(() => window.__hvtimer().cursorNs)) === '95000200000');
          // Before the click: a bare cursor (the status bar shows it only while the editor has focus).
          if ((await editorPosition(page)) !== 'Ln 34, Col 1') throw new Error(`before the click: ${await editorPosition(page)}`);
          await webviewLanes(page).focus();
          for (let i = 0; i < 16; i++) await page.keyboard.press('w');
          const zoomedMs = (85100 * 1.04) / 2 ** 16;
          await waitFor(`the view zoomed to ${zoomedMs.toFixed(4)} ms`, async () => Math.abs((await timeline.evaluate(() => window.__hvtimer().view.toMs - window.__hvtimer().view.fromMs)) - zoomedMs) < 1e-6);
          const hit = await clickFinding(page, timeline, 33);
          if (hit.severity !== 'error') throw new Error(`the finding clicked on line 34 is ${hit.severity}, not HVT001's error`);
          // The whole line is selected: the cursor at its end.
          const length = readFileSync(path.join(root, 'sample-traces', SAMPLES.backward), 'utf8').split('\n')[33].length;
          const expected = `Ln 34, Col ${length + 1} (${length} selected)`;
          await waitFor(`the status bar to say ${expected}`, async () => (await editorPosition(page)) === expected, { timeoutMs: 10_000 });
        },
      },
      {
        name: 'screenshots of the timeline: migration by value (the clock error jumps at the resume point) and stolen time',
        run: async () => {
          await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
          await showTimeline(page, SAMPLES.migration);
          await timelineScreenshot(page, 'timeline-migration.png');
          await showTimeline(page, SAMPLES.stolen);
          await timelineScreenshot(page, 'timeline-stolen-time.png');
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
