// Layer 'vsix': the package a user installs. `npm run package` must work offline; the .vsix is
// installed with --install-extension into a fresh extensions dir and code-server runs WITHOUT
// development mode, so only the packaged files can produce the HVT090 squiggle and Problems row.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from '../ensure-code-server.mjs';
import { root } from '../test-lib.mjs';
import { launchBrowser, openWorkbench } from '../../test/vscode/browser.mjs';
import { installVsix, makeScratch, startCodeServer } from '../../test/vscode/code-server.mjs';
import { FIXTURES } from '../../test/vscode/run-code-server.mjs';
import { runSteps } from '../../test/vscode/steps.mjs';
import { zipEntries } from '../../test/vscode/zip-entries.mjs';
import { expectProblemsRow, expectSquiggle } from '../../test/vscode/workbench.mjs';

export const name = 'vsix';
export const order = 80;

const VSIX = path.join(root, 'dist-vsix', 'hvtimer.vsix');
const mustShip = [
  'extension/package.json',
  'extension/LICENSE.txt',
  'extension/language-configuration.json',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/webview.js',
  'extension/syntaxes/hvtrace.tmLanguage.json',
  // the user-facing README with its screenshots, the icon, the walkthrough's pages
  'extension/readme.md',
  'extension/media/icon.png',
  'extension/media/hover.png',
  'extension/media/walkthrough/open-sample.md',
  // what Open Sample Trace offers, and the docs the diagnostics and hovers open
  'extension/sample-traces/arm64-migration-by-value.hvtrace',
  'extension/sample-traces/captures/x86-restore-vcpus-apart.trace',
  'extension/docs/diagnostics/HVT010.md',
  'extension/docs/format.md',
  'extension/docs/timers.md',
];
const mustNotShip = /(^|\/)(node_modules|src|test|\.cache|scripts|bench)\/|\.ts$|\.map$|CONTRIBUTING\.md$/;

function npm(args) {
  // Under `npm test` reuse the same npm; run directly, use the one on PATH.
  const viaNpm = process.env.npm_execpath?.endsWith('npm-cli.js');
  const [cmd, pre] = viaNpm ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  return spawnSync(cmd, [...pre, ...args], { cwd: root, encoding: 'utf8', timeout: 5 * 60_000 });
}

export async function run() {
  const started = Date.now();
  const { vscodeVersion } = ensureCodeServer();
  const { publisher, name: extName, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const scratch = makeScratch(FIXTURES);
  let server;
  let browser;
  try {
    const r = await runSteps(
      'vsix',
      [
        {
          name: 'npm run package writes dist-vsix/hvtimer.vsix (offline)',
          run: async () => {
            const p = npm(['run', 'package']);
            // The production build replaced dist/: put the development bundles (with source maps) back.
            spawnSync(process.execPath, ['scripts/build.mjs'], {
              cwd: root,
              env: { ...process.env, HVTIMER_QUIET_BUILD: '1' },
            });
            if (p.status !== 0)
              throw new Error(
                `npm run package exited ${p.status ?? p.signal}:\n${`${p.stdout}${p.stderr}`.split('\n').slice(-25).join('\n')}`,
              );
            if (!existsSync(VSIX) || statSync(VSIX).mtimeMs < started) throw new Error(`${VSIX} was not (re)written`);
          },
        },
        {
          name: 'the .vsix ships the bundles, manifest, grammar, LICENSE, README, icon, samples and docs, and no sources',
          run: async () => {
            const entries = zipEntries(VSIX);
            const missing = mustShip.filter((e) => !entries.includes(e));
            const extra = entries.filter((e) => mustNotShip.test(e));
            if (missing.length || extra.length)
              throw new Error(`missing: [${missing.join(', ')}]; should not ship: [${extra.join(', ')}]`);
          },
        },
        {
          name: `--install-extension puts ${publisher}.${extName}-${version} into a fresh extensions dir`,
          run: async () => {
            installVsix(scratch, VSIX);
            const installed = path.join(scratch.dirs.extensions, `${publisher}.${extName}-${version}`, 'package.json');
            if (!existsSync(installed)) throw new Error(`${installed} not found after --install-extension`);
          },
        },
        {
          name: 'without development mode the installed extension squiggles malformed.hvtrace',
          run: async () => {
            server = await startCodeServer(scratch);
            browser = await launchBrowser();
            await openWorkbench(browser.page, server.workbenchUrl(scratch.dirs.ws));
            const title = await browser.page.title();
            if (title.includes('Extension Development Host'))
              throw new Error(`unexpectedly in development mode: ${title}`);
            await expectSquiggle(browser.page);
          },
        },
        { name: 'the Problems panel lists HVT090 at [Ln 3, Col 1]', run: () => expectProblemsRow(browser.page) },
      ],
      { page: () => browser?.page },
    );
    console.log(
      `  VS Code ${vscodeVersion} (code-server), installed .vsix (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return { passed: r.passed, failed: r.failed, skipped: 0 };
  } finally {
    await browser?.close();
    if (server) await server.stop();
    else rmSync(scratch.scratch, { recursive: true, force: true });
  }
}
