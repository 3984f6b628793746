// Debian Chromium driven by playwright-core, pointed at a code-server workbench. code-server only
// starts an extension host once a browser window is connected, so every VS Code test needs one.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../../scripts/test-lib.mjs';

export const CHROMIUM = process.env.HVTIMER_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Chromium with a fresh profile; returns { page, close() }. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'hvtimer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the workbench at `url` and waits until it is ready for input. */
export async function openWorkbench(page, url, timeoutMs = 60_000) {
  await page.goto(url, { timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer shows the folder once the remote file system is connected.
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** F1, type the command's label, Enter. */
export async function runCommand(page, label) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: label });
  // Two things can undo the palette under the test: F1 pressed while a webview (the timeline, a
  // Markdown preview) has the focus reaches the workbench through the webview's iframe and is now and
  // then lost on the way; and an editor or webview that opens a moment later takes the focus, which
  // closes the palette. Either way: open it again and type the command again.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 4_000 });
      await input.fill(`>${label}`, { timeout: 4_000 });
      // Enter only once the palette shows the command itself as the focused row.
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Quick Open (Ctrl+P) a workspace file by name and wait for its editor tab. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
}

/** Saves a screenshot into test-results/ and returns its path (best effort). */
export async function screenshot(page, name) {
  const dir = path.join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
  try {
    await page.screenshot({ path: file });
    return file;
  } catch {
    return undefined;
  }
}
