// Layer 'ui': what a person sees in real VS Code (code-server 1.100.3 in Debian Chromium, driven
// by playwright-core), with the extension loaded in development mode: squiggle, Problems row,
// hover, a command run from the palette, the timeline webview (a click on a finding selects its
// line) and its screenshots, then the editor features (test/vscode/editor-ui.mjs). Screenshots of failures go to test-results/; the README's timeline
// screenshots (media/) are rewritten with HVTIMER_UPDATE_SCREENSHOTS=1.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from '../ensure-code-server.mjs';
import { root } from '../test-lib.mjs';
import { launchBrowser, openFile, openWorkbench, runCommand } from '../../test/vscode/browser.mjs';
import {
  clickCodeLens,
  clickFinding,
  editorPosition,
  focusEditor,
  goToLine,
  showTimeline,
  timelineFrame,
  webviewLanes,
} from '../../test/vscode/timeline-ui.mjs';
import { makeScratch, startCodeServer } from '../../test/vscode/code-server.mjs';
import { FIXTURES } from '../../test/vscode/run-code-server.mjs';
import { runSteps } from '../../test/vscode/steps.mjs';
import { waitFor } from '../../test/vscode/wait.mjs';
import {
  expectProblemsRow,
  expectSquiggle,
  hoverSquiggle,
  visibleOutputChannel,
} from '../../test/vscode/workbench.mjs';
import { editorSteps } from '../../test/vscode/editor-ui.mjs';

export const name = 'ui';
export const order = 70;

const SAMPLES = {
  backward: 'arm64-restore-backward.hvtrace',
  migration: 'arm64-migration-by-value.hvtrace',
  stolen: 'arm64-pvtime-migration-correct.hvtrace',
  timerLate: 'x86-firecracker-deadline-before-tsc-late-timer.hvtrace',
};
/** Issue #17: the benchmark's 1,000,000-line trace (59 MB, above the 50 MB VS Code passes to extensions), one read made wrong. */
const LARGE = 'large-1m.hvtrace';

/** A capture `hvtimer record` made of the test VMM (docs/recording.md shows its timeline). */
const RECORDED = 'restore-100ms.trace';

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
  for (const sample of Object.values(SAMPLES))
    copyFileSync(path.join(root, 'sample-traces', sample), path.join(scratch.dirs.ws, sample));
  copyFileSync(path.join(root, 'test/kvm/fixtures', RECORDED), path.join(scratch.dirs.ws, RECORDED));
  const large = path.join(scratch.dirs.ws, LARGE);
  const written = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/writeTrace.ts', '1000000', large, '--wrong-read', '500000'],
    { cwd: root, encoding: 'utf8' },
  );
  const [wrongLine, wrongColumn] = written.stdout.trim().split(' ').map(Number);
  if (written.status !== 0 || !wrongLine) throw new Error(`bench/writeTrace.ts failed: ${written.stderr}`);
  let server;
  let browser;
  let timeline;
  try {
    server = await startCodeServer(scratch);
    browser = await launchBrowser();
    const { page } = browser;
    console.log(`VS Code ${vscodeVersion} (code-server) in Chromium, extension in development mode`);
    const url = server.workbenchUrl(scratch.dirs.ws, [['extensionDevelopmentPath', server.remoteUri(root)]]);
    const r = await runSteps(
      'ui',
      [
        { name: 'the workbench opens the fixture folder', run: () => openWorkbench(page, url) },
        { name: 'malformed.hvtrace shows an error squiggle', run: () => expectSquiggle(page) },
        { name: 'View: Toggle Problems lists HVT090 at [Ln 3, Col 1]', run: () => expectProblemsRow(page) },
        {
          name: 'hovering the squiggle shows the HVT090 message',
          run: async () => {
            const text = await hoverSquiggle(page);
            if (!text.includes('HVT090') || !text.includes('12,5'))
              throw new Error(`hover text lacks HVT090 / 12,5: ${JSON.stringify(text)}`);
          },
        },
        {
          name: 'palette "hvtimer: Show Server Log" shows the hvtimer output channel',
          run: async () => {
            const before = await visibleOutputChannel(page);
            if (before === 'hvtimer') throw new Error('the hvtimer channel was already showing before the command');
            await runCommand(page, 'hvtimer: Show Server Log');
            await waitFor(
              'the Output panel to show the hvtimer channel',
              async () => (await visibleOutputChannel(page)) === 'hvtimer',
              { timeoutMs: 10_000 },
            );
          },
        },
        {
          name: 'palette "hvtimer: Show Timeline" opens the timeline of arm64-restore-backward.hvtrace beside the editor',
          run: async () => {
            await runCommand(page, 'View: Hide Panel');
            timeline = await showTimeline(page, SAMPLES.backward);
            const rows = await timeline.evaluate(() => window.__hvtimer().rows.map((r) => r.label));
            if (JSON.stringify(rows) !== JSON.stringify(['sbx', 'on h', 'vcpu0', 'vcpu1']))
              throw new Error(`rows: ${JSON.stringify(rows)}`);
          },
        },
        {
          name: 'clicking the HVT001 marker (line 34) selects that line in the editor',
          run: async () => {
            // The first view frames the restore (95.0 s) and its findings (to 95.00025 s) — not the whole
            // 85.1 s trace — padded by a quarter: [94.9999375, 95.0003125] s. There line 34's HVT001
            // (95.0002 s) is 100 µs, a quarter of the width, from line 29's HVT011 (95.0001 s).
            await waitFor('the first view framing the restore', async () => {
              const v = await timeline.evaluate(() => window.__hvtimer().view);
              return v.fromNs === '94999937500' && v.toNs === '95000312500';
            });
            // The editor's cursor on line 34 moves the timeline's cursor to its time (95.0002 s).
            await goToLine(page, 34);
            await waitFor(
              'the timeline cursor at 95.0002 s',
              async () => (await timeline.evaluate(() => window.__hvtimer().cursorNs)) === '95000200000',
            );
            // Before the click: a bare cursor (the status bar shows it only while the editor has focus).
            if ((await editorPosition(page)) !== 'Ln 34, Col 1')
              throw new Error(`before the click: ${await editorPosition(page)}`);
            const hit = await clickFinding(page, timeline, 33);
            if (hit.severity !== 'error')
              throw new Error(`the finding clicked on line 34 is ${hit.severity}, not HVT001's error`);
            // The whole line is selected: the cursor at its end.
            const length = readFileSync(path.join(root, 'sample-traces', SAMPLES.backward), 'utf8').split('\n')[33]
              .length;
            const expected = `Ln 34, Col ${length + 1} (${length} selected)`;
            await waitFor(`the status bar to say ${expected}`, async () => (await editorPosition(page)) === expected, {
              timeoutMs: 10_000,
            });
          },
        },
        {
          name: 'screenshots of the timeline: migration by value (the clock error jumps at the resume point) and stolen time',
          run: async () => {
            await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
            await showTimeline(page, SAMPLES.migration);
            await timelineScreenshot(page, 'timeline-migration.png');
            // Stolen time grows before the migration (the sched waits at 12, 13 and 15 s): the whole trace.
            const stolen = await showTimeline(page, SAMPLES.stolen);
            await webviewLanes(page).focus();
            await page.keyboard.press('0');
            // Fit all: 10 s to 20.3 s with 2 % of it on each side.
            await waitFor(
              'the whole trace',
              async () => (await stolen.evaluate(() => window.__hvtimer().view.fromNs)) === '9794000000',
            );
            // No keyboard focus ring in the picture.
            await webviewLanes(page).evaluate((el) => el.blur());
            await timelineScreenshot(page, 'timeline-stolen-time.png');
          },
        },
        {
          name: 'screenshot of the timer rows: the LAPIC deadline restored before the TSC fires 19.99991 s late, its numbers in the tooltip',
          run: async () => {
            // The trace and its timeline side by side, nothing else.
            await runCommand(page, 'View: Close All Editor Groups');
            const frame = await showTimeline(page, SAMPLES.timerLate);
            // The first view frames the restore (90 s) and the findings to the late interrupt (line 52, 110.001 s).
            const late = () =>
              frame.evaluate(() => {
                const hit = window.__hvtimer().hits.find((h) => h.kind === 'delivery' && h.line === 51);
                const r = document.getElementById('lanes').getBoundingClientRect();
                return (
                  hit && { x: hit.clientX - r.left, y: hit.clientY - r.top, verdict: hit.verdict, track: hit.track }
                );
              });
            const target = await waitFor('the late interrupt on the LAPIC timer track', async () => {
              const t = await late();
              return t?.verdict === 'late' && t.track === 'h/fc/vcpu0/lapic' ? t : undefined;
            });
            await webviewLanes(page).hover({ position: { x: target.x, y: target.y } });
            const tooltip = frame.locator('#tooltip');
            await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
            const text = await tooltip.textContent();
            if (!text.includes('19.99991 s after its deadline (tolerance 1 ms)'))
              throw new Error(`tooltip: ${JSON.stringify(text)}`);
            await timelineScreenshot(page, 'timeline-timers.png');
          },
        },
        {
          name: 'the "Show timeline" lens of a resume point zooms to it; + then zooms about the cursor there',
          run: async () => {
            timeline = await showTimeline(page, SAMPLES.migration);
            // Line 31 is vcpu0's resume point (20.6001 s); its nearest statement is 50 µs away, so the
            // timeline shows 5 × 50 µs around it: [20.599975, 20.600225] s, its cursor on the statement.
            await goToLine(page, 31);
            await clickCodeLens(page, 31, 'Show timeline');
            await waitFor(
              'the timeline zoomed to the resume point',
              async () => {
                const s = await timeline.evaluate(() => window.__hvtimer());
                return (
                  s.view.fromNs === '20599975000' &&
                  s.view.toNs === '20600225000' &&
                  s.cursorNs === '20600100000' &&
                  s.selectedLine === 30
                );
              },
              { timeoutMs: 15_000 },
            );
            await timelineScreenshot(page, 'timeline-resume-point.png');
            // W halves the view about the cursor, which sits in the middle: [20.6000375, 20.6001625] s.
            await webviewLanes(page).focus();
            await page.keyboard.press('w');
            await waitFor('the zoom about the cursor', async () => {
              const v = await timeline.evaluate(() => window.__hvtimer().view);
              return v.fromNs === '20600037500' && v.toNs === '20600162500';
            });
          },
        },
        {
          name: "screenshot of a recorded capture's timeline: its ioctls with their values, and the findings on them",
          run: async () => {
            await runCommand(page, 'View: Close All Editor Groups');
            const recorded = await showTimeline(page, RECORDED);
            // The first view frames the findings: vcpu1's matched KVM_SET_MSRS (HVT023) and the two
            // KVM_GET_MSRS that read PVM's host TSC (HVT093); vcpu0's GET is at its entry, 1591.921265827 s.
            const get = await waitFor("vcpu0's KVM_GET_MSRS drawn", () =>
              recorded.evaluate(() => {
                const hit = window
                  .__hvtimer()
                  .hits.find((h) => h.kind === 'marker' && h.row === 'vm/vm/vcpu0' && h.timeNs === '1591921265827');
                const r = document.getElementById('lanes').getBoundingClientRect();
                return hit && { x: hit.clientX - r.left, y: hit.clientY - r.top };
              }),
            );
            // Its tooltip shows the statement: the call's latency and the value KVM returned.
            await webviewLanes(page).hover({ position: get });
            await waitFor("the tooltip with the ioctl's value", () =>
              recorded.evaluate(() => {
                const t = document.getElementById('tooltip');
                return (
                  !t.hidden && t.textContent.includes('KVM_GET_MSRS IA32_TSC took=28312ns -> IA32_TSC=3343034694116')
                );
              }),
            );
            await timelineScreenshot(page, 'timeline-recorded-capture.png');
          },
        },
        {
          name: `a 1,000,000-line trace above the 50 MB sync limit (${LARGE}) opens with its line count, its diagnostics and the timeline`,
          run: async () => {
            if (statSync(large).size <= 50 * 2 ** 20) throw new Error(`${LARGE} is not above 50 MB`);
            await runCommand(page, 'View: Close All Editor Groups');
            await openFile(page, LARGE);
            // The message of client/src/largeFiles.ts, with the line count (the empty line after the last newline counts).
            await page
              .locator('.notifications-toasts .notification-toast', { hasText: '1,000,001 lines' })
              .first()
              .waitFor({ state: 'visible', timeout: 60_000 });
            // The read made wrong on line `wrongLine`: HVT001 in the Problems panel, from the server's replay of the file it read.
            if (!(await page.locator('.markers-panel').isVisible())) await runCommand(page, 'View: Toggle Problems');
            const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'HVT001' });
            await row.first().waitFor({ state: 'visible', timeout: 120_000 });
            const text = await row.first().innerText();
            if (!text.includes(`[Ln ${wrongLine}, Col ${wrongColumn}]`))
              throw new Error(`the HVT001 row does not point at line ${wrongLine}: ${JSON.stringify(text)}`);
            await runCommand(page, 'View: Hide Panel');
            // Web VS Code asks before it shows a file this large: the user opens it anyway (still not passed to extensions).
            const openAnyway = page.getByRole('button', { name: 'Open Anyway' });
            if (await openAnyway.isVisible()) await openAnyway.click();
            // The timeline of the file read from disk, its finding drawn where it is. The palette offers
            // the command while the trace editor has the keyboard focus (its `when` is on editorLangId).
            await focusEditor(page, LARGE);
            await runCommand(page, 'hvtimer: Show Timeline');
            const frame = await waitFor(
              `the timeline of ${LARGE}`,
              async () => {
                const f = await timelineFrame(page, 120_000);
                return (await f.evaluate(() => document.getElementById('title')?.textContent)) === LARGE
                  ? f
                  : undefined;
              },
              { timeoutMs: 120_000, intervalMs: 500 },
            );
            await webviewLanes(page).focus();
            await page.keyboard.press('0'); // the whole trace
            await waitFor(
              `the finding of line ${wrongLine} drawn`,
              () =>
                frame.evaluate(
                  (l) => window.__hvtimer().hits.some((h) => h.kind === 'finding' && h.line === l),
                  wrongLine - 1,
                ),
              { timeoutMs: 60_000 },
            );
            // VS Code's own toast about a large file (tokenization off) would cover the charts.
            await runCommand(page, 'Notifications: Clear All Notifications');
            await timelineScreenshot(page, 'timeline-large-trace.png');
            // Closed, so the reloaded workbench of the steps below does not restore the trace and its
            // timeline (the server would replay the million lines again while they run).
            await runCommand(page, 'View: Close All Editor Groups');
          },
        },
      ],
      { page },
    );
    // The editor features (issue #16, test/vscode/editor-ui.mjs) on a freshly loaded workbench, so a
    // failure above does not hide them.
    const e = await runSteps('ui', editorSteps(page, { sample: SAMPLES.migration, url }), { page });
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return { passed: r.passed + e.passed, failed: r.failed + e.failed, skipped: 0 };
  } catch (err) {
    console.log(`  FAIL ui setup: ${err.message}`);
    return { passed: 0, failed: 1, skipped: 0, error: 'setup failed' };
  } finally {
    await browser?.close();
    if (server) await server.stop();
  }
}
