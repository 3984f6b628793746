// Installs code-server (a real VS Code 1.100.3 with a Node extension host) into a cache dir,
// offline-friendly: npm registry only, native modules built from source.
//   node scripts/ensure-code-server.mjs        (idempotent: a second run only prints where it is)
// Cache: $HVTIMER_CACHE_DIR/code-server, default <repo>/.cache/code-server (git-ignored, outside
// every node_modules, so the repo's own `npm ci` never touches it).
// Why by hand: code-server's postinstall refuses to run as root, downloads ripgrep from GitHub
// and npm 11 skips dependency install scripts anyway, so we install with --ignore-scripts and do
// its steps ourselves (see shared/reference/vscode-offline-testing.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3'; // last release whose engines.node is 20
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cacheRoot = process.env.HVTIMER_CACHE_DIR
  ? path.resolve(process.env.HVTIMER_CACHE_DIR)
  : path.join(root, '.cache');
const installDir = path.join(cacheRoot, 'code-server');
const packageDir = (dir) => path.join(dir, 'node_modules', 'code-server');
const markerFile = (dir) => path.join(dir, `.installed-${CODE_SERVER_VERSION}.json`);

/** Where the installed code-server lives; throws if it is not installed. */
export function codeServerPaths() {
  const marker = markerFile(installDir);
  if (!existsSync(marker))
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed; run node scripts/ensure-code-server.mjs`);
  const pkg = packageDir(installDir);
  return { installDir, entry: path.join(pkg, 'out', 'node', 'entry.js'), ...JSON.parse(readFileSync(marker, 'utf8')) };
}

/** Installs code-server unless the marker of a finished install exists; returns codeServerPaths(). */
export function ensureCodeServer({ log = (line) => console.log(line) } = {}) {
  if (existsSync(markerFile(installDir))) {
    const paths = codeServerPaths();
    log(`code-server ${CODE_SERVER_VERSION} cached at ${installDir} (VS Code ${paths.vscodeVersion})`);
    return paths;
  }
  const rg = '/usr/bin/rg';
  if (!existsSync(rg))
    throw new Error(`${rg} not found: apt-get install ripgrep (code-server's own download of ripgrep needs GitHub)`);
  const started = Date.now();
  // Build in a staging dir and rename at the end, so an interrupted install never looks finished.
  const staging = `${installDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    install(staging, rg, log);
    rmSync(installDir, { recursive: true, force: true });
    renameSync(staging, installDir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const paths = codeServerPaths();
  log(
    `code-server ${CODE_SERVER_VERSION} installed at ${installDir} (VS Code ${paths.vscodeVersion}) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return paths;
}

function install(dir, rg, log) {
  const npmCli = findNpmCli();
  const nodeGyp = path.join(path.dirname(path.dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const npm = (cwd, args) =>
    run(cwd, process.execPath, [npmCli, ...args, '--no-audit', '--no-fund', '--loglevel=error']);
  // node-gyp run directly does not read ~/.npmrc: pass the headers dir of the system node.
  const nodedir = `--nodedir=${process.env.npm_config_nodedir || path.dirname(path.dirname(process.execPath))}`;

  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ private: true, description: 'hvtimer test cache: code-server' }, null, 2),
  );
  log(`code-server: npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`);
  npm(dir, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-package-lock']);

  log('code-server: building argon2 (required even with --auth none)');
  run(
    path.join(dir, 'node_modules', 'argon2'),
    process.execPath,
    [
      path.join(dir, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp'),
      'rebuild',
      '--build-from-source',
      nodedir,
    ],
    { npm_config_node_gyp: nodeGyp },
  );

  const vscodeDir = path.join(packageDir(dir), 'lib', 'vscode');
  log('code-server: npm install --omit=dev --ignore-scripts in lib/vscode');
  npm(vscodeDir, ['install', '--omit=dev', '--ignore-scripts']);

  log('code-server: building @vscode/spdlog (log files)');
  run(path.join(vscodeDir, 'node_modules', '@vscode', 'spdlog'), process.execPath, [
    nodeGyp,
    'rebuild',
    nodedir,
    '--jobs=max',
  ]);

  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  link(rg, path.join(rgBin, 'rg'));
  link('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  const vscodeVersion = JSON.parse(readFileSync(path.join(vscodeDir, 'package.json'), 'utf8')).version;
  writeFileSync(
    markerFile(dir),
    JSON.stringify(
      { codeServerVersion: CODE_SERVER_VERSION, vscodeVersion, installedAt: new Date().toISOString() },
      null,
      2,
    ),
  );
}

function link(target, at) {
  rmSync(at, { recursive: true, force: true });
  symlinkSync(target, at);
}

/** npm's own CLI script, next to which npm bundles node-gyp. */
function findNpmCli() {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  let found = candidates.find((c) => c && c.endsWith('npm-cli.js') && existsSync(c));
  if (!found) {
    const prefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout?.trim();
    if (prefix) candidates.push(path.join(prefix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
    found = candidates.find((c) => c && c.endsWith('npm-cli.js') && existsSync(c));
  }
  if (!found) throw new Error(`cannot find npm-cli.js (tried ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** Runs a command quietly; on failure throws with the tail of its output. */
function run(cwd, cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(
      `${path.basename(args[0] ?? cmd)} ${args.slice(1).join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal}):\n${out}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    ensureCodeServer();
  } catch (err) {
    console.error(`ensure-code-server: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
