// Layer 'webview': the timeline webview bundle (dist/webview.js + .css) in headless Debian Chromium
// driven by playwright-core, in a harness page built from the extension's own page template (same
// CSP) whose script stands in for VS Code (test/webview/harness/). Data: the engine's answers for
// sample traces (test/webview/fixtures.ts). One line per test; each test in a fresh browser context.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../test-lib.mjs';
import { serveHarness } from '../../test/webview/serve-harness.mjs';
import { TESTS } from '../../test/webview/timeline.tests.mjs';
import { CHROMIUM } from '../../test/vscode/browser.mjs';

export const name = 'webview';
export const order = 65;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function makeFixtures() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-webview-'));
  const file = path.join(dir, 'fixtures.json');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/webview/fixtures.ts', file], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`test/webview/fixtures.ts failed: ${r.stderr}`);
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const started = Date.now();
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    const fixtures = makeFixtures();
    server = await serveHarness();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const env = { origin: server.origin, fixtures };
    for (const [title, fn] of TESTS) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const ctx = { context, page: undefined };
      const errors = [];
      context.on('page', (p) => p.on('pageerror', (e) => errors.push(e.message)));
      const t0 = Date.now();
      try {
        await fn(ctx, env);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        passed++;
        console.log(`  ok   ${title} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed++;
        console.log(
          `  FAIL ${title} (${Date.now() - t0} ms)\n       ${String(err?.message ?? err)
            .split('\n')
            .slice(0, 12)
            .join('\n       ')}`,
        );
      } finally {
        await context.close();
      }
    }
  } catch (err) {
    console.log(`  FAIL webview setup: ${err.message}`);
    return { passed, failed: failed + 1, skipped: 0, error: 'setup failed' };
  } finally {
    await browser?.close();
    await server?.close();
  }
  console.log(`  headless Chromium, ${TESTS.length} tests (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { passed, failed, skipped: 0 };
}
