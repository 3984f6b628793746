// Issue #15 item 12: `npm test` provisions what its layers need on a fresh machine (Debian, root,
// node 20, nothing installed by hand): this machine cannot uninstall Chromium, so the decision is
// tested from the probes — given "missing" tools it calls apt-get with the right packages, and where
// it cannot install it says so in one line and the layers that need the tool fail with that line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, provision, type Exec, type Machine } from '../../scripts/provision.mjs';

const ALL = { chromium: true, ripgrep: true, make: true, 'g++': true, python3: true };
const fresh = (over: Partial<Machine> = {}): Machine => ({
  present: { ...ALL, chromium: false, ripgrep: false },
  root: true,
  debian: true,
  customChromium: false,
  ...over,
});
const LAYERS = ['unit', 'lsp', 'grammar', 'webview', 'vscode', 'ui', 'vsix'];

function recorder(status = 0): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    exec: (cmd, args, options) => {
      calls.push(`${options?.env?.DEBIAN_FRONTEND ?? ''} ${cmd} ${args.join(' ')}`.trim());
      return { status };
    },
  };
}

test('the unit, lsp and grammar layers need nothing: no probe decides anything, nothing is run', async () => {
  assert.deepEqual(plan(['unit', 'lsp', 'grammar'], fresh()), {
    tools: [],
    install: [],
    unavailable: {},
    codeServer: false,
  });
  const { exec, calls } = recorder();
  assert.deepEqual(await provision(['unit', 'lsp', 'grammar'], { exec, machine: fresh(), log: () => undefined }), {});
  assert.deepEqual(calls, []);
});

test('root on Debian without Chromium and ripgrep: apt-get update, then install exactly those two', async () => {
  const { exec, calls } = recorder();
  const logs: string[] = [];
  let codeServer = 0;
  const cannot = await provision(LAYERS, {
    exec,
    machine: fresh(),
    log: (l) => logs.push(l),
    ensureCodeServer: () => {
      codeServer++;
    },
  });
  assert.deepEqual(calls, [
    'noninteractive apt-get update -qq',
    'noninteractive apt-get install -y -qq --no-install-recommends chromium ripgrep',
  ]);
  assert.deepEqual(cannot, {});
  assert.equal(codeServer, 1); // then the offline VS Code into the cache
  assert.equal(logs[0], 'provision: apt-get install chromium ripgrep'); // what it installs, printed
});

test('the webview layer alone needs only Chromium (no toolchain, no code-server)', () => {
  assert.deepEqual(plan(['webview'], fresh({ present: { ...ALL, chromium: false, make: false } })), {
    tools: ['chromium'],
    install: ['chromium'],
    unavailable: {},
    codeServer: false,
  });
});

test('a fresh Debian image without a toolchain gets make, g++ and python3 too', () => {
  const machine = fresh({ present: { chromium: false, ripgrep: false, make: false, 'g++': false, python3: false } });
  assert.deepEqual(plan(['vscode'], machine).install, ['chromium', 'ripgrep', 'make', 'g++', 'python3']);
});

test('not root: nothing installed; one line says what is missing and how; the layers that need it fail with it', async () => {
  const { exec, calls } = recorder();
  const logs: string[] = [];
  const cannot = await provision(LAYERS, {
    exec,
    machine: fresh({ root: false }),
    log: (l) => logs.push(l),
    ensureCodeServer: () => assert.fail('code-server needs ripgrep first'),
  });
  assert.deepEqual(calls, []);
  const line =
    "missing chromium, ripgrep (the headless browser of the webview, vscode, ui and vsix layers; code-server's search (its own download of ripgrep needs GitHub)): sudo apt-get install chromium ripgrep, or set HVTIMER_CHROMIUM to a Chromium binary";
  assert.deepEqual(logs, [`provision: ${line}`]);
  assert.deepEqual(cannot, { webview: line, vscode: line, ui: line, vsix: line });
});

test('apt-get failing (offline, no such package) is reported and fails the layers, not hidden', async () => {
  const { exec } = recorder(100);
  const logs: string[] = [];
  const cannot = await provision(['webview'], { exec, machine: fresh(), log: (l) => logs.push(l) });
  assert.deepEqual(cannot, { webview: 'apt-get install chromium failed (exit 100): install them by hand' });
  assert.ok(logs.includes('provision: apt-get install chromium failed (exit 100): install them by hand'));
});

test("a Chromium named by HVTIMER_CHROMIUM is never replaced by Debian's; if it is not there, the layers say so", () => {
  const p = plan(['webview'], fresh({ customChromium: true }));
  assert.deepEqual(p.install, []);
  assert.equal(
    p.unavailable.chromium,
    'missing chromium (the headless browser of the webview, vscode, ui and vsix layers): point HVTIMER_CHROMIUM at an existing Chromium',
  );
});

test('code-server that cannot be installed fails the layers that need it with the reason', async () => {
  const cannot = await provision(['webview', 'vscode'], {
    exec: recorder().exec,
    machine: { present: ALL, root: true, debian: true, customChromium: false },
    log: () => undefined,
    ensureCodeServer: () => {
      throw new Error('npm install code-server@4.100.3 failed: ENOTFOUND registry.npmjs.org\nmore');
    },
  });
  assert.deepEqual(cannot, {
    vscode: 'code-server could not be installed: npm install code-server@4.100.3 failed: ENOTFOUND registry.npmjs.org',
  });
});
