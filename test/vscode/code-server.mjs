// Starts and stops a hermetic code-server (VS Code 1.100.3 with a Node extension host) for tests:
// fresh user-data, extensions and XDG dirs per run, a random free port, killed by PID at the end.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeServerPaths } from '../../scripts/ensure-code-server.mjs';
import { waitFor } from './wait.mjs';

// Keep the workbench quiet and predictable: no welcome page, tips, update or telemetry traffic.
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.hover.delay': 150,
  // VS Code cancels a code-action request in flight when the code-action provider registry changes,
  // comparing the providers it asked (those whose kinds can match) with all the model's providers
  // (getCodeActions, src/vs/editor/contrib/codeAction/browser/codeAction.ts). The built-in snippet
  // code actions register a provider for '*' that declares only the `surround` kind
  // (src/vs/workbench/contrib/snippets/browser/snippetCodeActionProvider.ts), so those lists differ
  // for every model, and any extension starting up (the JSON or Markdown language server) emptied
  // the `source.fixAll.hvtimer` request, or the codeActionsOnSave, of whatever test was running.
  // Without them a registration cancels only the requests it concerns.
  'editor.snippets.codeActions.enabled': false,
};

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A scratch dir with the sub-dirs code-server writes to; `fixtures` (a dir) is copied to ws/. */
export function makeScratch(fixtures) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hvtimer-code-server-'));
  const dirs = Object.fromEntries(
    ['user-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache', 'ws'].map((d) => [d, path.join(scratch, d)]),
  );
  Object.values(dirs).forEach((d) => mkdirSync(d, { recursive: true }));
  mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  writeFileSync(path.join(scratch, 'config.yaml'), 'auth: none\n');
  if (fixtures) cpSync(fixtures, dirs.ws, { recursive: true });
  return { scratch, dirs, config: path.join(scratch, 'config.yaml') };
}

function codeServerEnv(dirs, extraEnv) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: dirs['xdg-config'],
    XDG_DATA_HOME: dirs['xdg-data'],
    XDG_CACHE_HOME: dirs['xdg-cache'],
    ...extraEnv,
  };
}

/** Installs a .vsix into the scratch's extensions dir with code-server's own CLI. */
export function installVsix(scratchInfo, vsix) {
  const { dirs, config } = scratchInfo;
  const r = spawnSync(
    process.execPath,
    [
      codeServerPaths().entry,
      '--config',
      config,
      '--user-data-dir',
      dirs['user-data'],
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      vsix,
    ],
    { encoding: 'utf8', env: codeServerEnv(dirs, {}), timeout: 120_000 },
  );
  if (r.status !== 0)
    throw new Error(`--install-extension failed (exit ${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * Starts code-server on a free port with `scratchInfo` (from makeScratch) and waits for /healthz.
 * Returns { port, origin, proc, output(), workbenchUrl(folder, payload), exthostLog(), stop() }.
 */
export async function startCodeServer(scratchInfo, { env = {}, startTimeoutMs = 30_000 } = {}) {
  const { dirs, config, scratch } = scratchInfo;
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    codeServerPaths().entry,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    dirs['user-data'],
    '--extensions-dir',
    dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    dirs.ws,
  ];
  // detached: own process group, so stop() also ends the extension host and the language server.
  const proc = spawn(process.execPath, args, {
    env: codeServerEnv(dirs, env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  proc.stdout.on('data', (d) => {
    output += d;
  });
  proc.stderr.on('data', (d) => {
    output += d;
  });
  let exited = null;
  proc.on('exit', (code, signal) => {
    exited = code ?? signal;
  });

  const server = {
    port,
    origin,
    proc,
    scratch,
    dirs,
    output: () => output,
    /** The workbench URL for `folder` with a development-mode payload ([[key, value], …]). */
    workbenchUrl(folder = dirs.ws, payload = []) {
      const query = `folder=${encodeURIComponent(folder)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
      return `${origin}/?${query}`;
    },
    /** A vscode-remote URI for an absolute path on this server, as extensionDevelopmentPath wants. */
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    /** The text of the newest extension host logs (for failure reports). */
    logs() {
      const logsDir = path.join(dirs['user-data'], 'logs');
      return listFiles(logsDir)
        .filter((f) => /exthost|remoteagent|hvtimer/i.test(f))
        .map((f) => `--- ${path.relative(logsDir, f)}\n${readFileSync(f, 'utf8').split('\n').slice(-60).join('\n')}`)
        .join('\n');
    },
    /** Kills the process group by PID; removes the scratch dir unless HVTIMER_KEEP_SCRATCH=1. */
    async stop() {
      if (exited === null) {
        try {
          process.kill(-proc.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        try {
          await waitFor('code-server to exit', () => exited !== null, { timeoutMs: 5_000, intervalMs: 50 });
        } catch {
          try {
            process.kill(-proc.pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
      if (process.env.HVTIMER_KEEP_SCRATCH !== '1') rmSync(scratch, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      `${origin}/healthz`,
      async () => {
        if (exited !== null)
          throw Object.assign(new Error(`code-server exited (${exited}):\n${output}`), { fatal: true });
        const res = await fetch(`${origin}/healthz`).catch(() => null);
        return res?.ok;
      },
      { timeoutMs: startTimeoutMs, intervalMs: 100 },
    );
  } catch (err) {
    await server.stop();
    throw new Error(`code-server did not become healthy: ${err.message}\n${output}`);
  }
  return server;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
