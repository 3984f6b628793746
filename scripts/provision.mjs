// What the test layers need beyond `npm ci`, provisioned by `npm test` itself (the way
// `npx playwright install --with-deps` provisions for its users), so that the README's commands pass
// on a fresh machine: Debian's Chromium (the webview and real-VS-Code layers drive it), ripgrep and
// a C++ toolchain (code-server's search and native modules), and the offline VS Code — code-server
// from the npm registry, installed into the cache by scripts/ensure-code-server.mjs.
//
// As root on Debian, missing packages are installed with apt-get (it prints what it installs).
// Otherwise it prints one line saying what is missing and how to get it, and the layers that need
// it fail with that line (never skipped in silence).
//
//   node scripts/provision.mjs [--dry-run] [LAYER...]    (default: every layer that needs something)
// HVTIMER_PROVISION_ASSUME_MISSING=chromium,ripgrep makes the probes report those as missing (with
// --dry-run: to see what a fresh machine would get).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The tools, how to probe for each, and its Debian package. */
export const TOOLS = {
  chromium: { apt: 'chromium', why: 'the headless browser of the webview, vscode, ui and vsix layers' },
  ripgrep: { apt: 'ripgrep', why: "code-server's search (its own download of ripgrep needs GitHub)" },
  make: { apt: 'make', why: "building code-server's native modules" },
  'g++': { apt: 'g++', why: "building code-server's native modules" },
  python3: { apt: 'python3', why: "node-gyp, building code-server's native modules" },
  gcc: { apt: 'gcc', why: "building the kvm layer's test VMM (test/kvm/vmm.c)" },
  'libc-headers': { apt: 'libc6-dev', why: "the test VMM's libc headers" },
  'kvm-headers': { apt: 'linux-libc-dev', why: "the test VMM's <linux/kvm.h>" },
};

const CODE_SERVER_NEEDS = ['ripgrep', 'make', 'g++', 'python3'];

/** What each test layer needs; `code-server` is the offline VS Code in the cache. */
export const LAYER_NEEDS = {
  webview: ['chromium'],
  vscode: ['chromium', 'code-server'],
  ui: ['chromium', 'code-server'],
  vsix: ['chromium', 'code-server'],
  kvm: ['gcc', 'libc-headers', 'kvm-headers'],
};

export const chromiumPath = (env = process.env) => env.HVTIMER_CHROMIUM ?? '/usr/bin/chromium';

function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** Looks at this machine: which tools are present, whether apt-get can install the rest. */
export function probe(env = process.env) {
  const assumeMissing = new Set((env.HVTIMER_PROVISION_ASSUME_MISSING ?? '').split(',').filter(Boolean));
  const present = {
    chromium: existsSync(chromiumPath(env)),
    ripgrep: existsSync('/usr/bin/rg'),
    make: onPath('make', env),
    'g++': onPath('g++', env),
    python3: onPath('python3', env),
    gcc: onPath('gcc', env),
    'libc-headers': existsSync('/usr/include/stdio.h'),
    'kvm-headers': existsSync('/usr/include/linux/kvm.h'),
  };
  for (const t of assumeMissing) if (t in present) present[t] = false;
  return {
    present,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    debian: existsSync('/etc/debian_version') && onPath('apt-get', env),
    customChromium: env.HVTIMER_CHROMIUM !== undefined,
  };
}

/**
 * The decision, from the probes alone (so it can be tested): the Debian packages to install, and
 * for each tool that will still be missing the reason, one line. `layers` are the selected layers.
 */
export function plan(layers, machine) {
  const needed = new Set();
  for (const layer of layers) for (const n of LAYER_NEEDS[layer] ?? []) needed.add(n);
  if (needed.has('code-server')) for (const t of CODE_SERVER_NEEDS) needed.add(t);
  const tools = Object.keys(TOOLS).filter((t) => needed.has(t));
  // A Chromium named by HVTIMER_CHROMIUM is the user's: never replaced by Debian's.
  const missing = tools.filter((t) => !machine.present[t]);
  const installable = missing.filter((t) => !(t === 'chromium' && machine.customChromium));
  const canInstall = machine.root && machine.debian;
  const install = canInstall ? installable.map((t) => TOOLS[t].apt) : [];
  const unavailable = {};
  const left = canInstall ? missing.filter((t) => !installable.includes(t)) : missing;
  if (left.length) {
    const how = [];
    const apt = left.filter((t) => installable.includes(t)).map((t) => TOOLS[t].apt);
    if (apt.length)
      how.push(
        `${machine.root ? '' : 'sudo '}apt-get install ${apt.join(' ')}${machine.debian ? '' : " (or your system's packages of the same)"}`,
      );
    if (left.includes('chromium'))
      how.push(
        machine.customChromium
          ? 'point HVTIMER_CHROMIUM at an existing Chromium'
          : 'or set HVTIMER_CHROMIUM to a Chromium binary',
      );
    const line = `missing ${left.join(', ')} (${left
      .map((t) => TOOLS[t].why)
      .filter((w, i, all) => all.indexOf(w) === i)
      .join('; ')}): ${how.join(', ')}`;
    for (const t of left) unavailable[t] = line;
  }
  return { tools, install, unavailable, codeServer: needed.has('code-server') };
}

/** apt-get, non-interactive; the commands are recorded by the caller's `exec` in tests. */
function aptGet(args, exec) {
  return exec('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

const defaultExec = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });

/**
 * Provisions what `layers` need. Returns, per layer, why it cannot run (absent: it can). With
 * `dryRun`, prints what it would do and changes nothing.
 */
export async function provision(
  layers,
  { dryRun = false, log = (l) => console.log(l), exec = defaultExec, machine = probe(), ensureCodeServer } = {},
) {
  const p = plan(layers, machine);
  const cannot = {};
  if (p.tools.length === 0) return cannot;
  if (p.install.length) {
    log(`provision: apt-get install ${p.install.join(' ')}${dryRun ? ' (dry run: not run)' : ''}`);
    if (!dryRun) {
      const update = aptGet(['update', '-qq'], exec);
      const install =
        update.status === 0 ? aptGet(['install', '-y', '-qq', '--no-install-recommends', ...p.install], exec) : update;
      if (install.status !== 0) {
        const line = `apt-get install ${p.install.join(' ')} failed (exit ${install.status ?? install.signal}): install them by hand`;
        log(`provision: ${line}`);
        for (const t of p.install) p.unavailable[Object.keys(TOOLS).find((k) => TOOLS[k].apt === t)] = line;
      }
    }
  }
  for (const line of new Set(Object.values(p.unavailable))) log(`provision: ${line}`);
  if (Object.keys(p.unavailable).length === 0 && p.tools.length && !p.install.length)
    log(`provision: ${p.tools.join(', ')} present`);
  // The offline VS Code, once its prerequisites are there.
  let codeServerProblem;
  if (p.codeServer) {
    const blocked = CODE_SERVER_NEEDS.filter((t) => p.unavailable[t]);
    if (blocked.length) codeServerProblem = p.unavailable[blocked[0]];
    else if (dryRun) {
      const { codeServerPaths } = await import('./ensure-code-server.mjs');
      let cached;
      try {
        cached = codeServerPaths();
      } catch {
        /* not installed */
      }
      log(
        cached
          ? `provision: code-server cached at ${cached.installDir}`
          : 'provision: code-server into the cache with scripts/ensure-code-server.mjs (dry run: not run)',
      );
    } else {
      try {
        const ensure = ensureCodeServer ?? (await import('./ensure-code-server.mjs')).ensureCodeServer;
        ensure({ log: (l) => log(`provision: ${l}`) });
      } catch (err) {
        codeServerProblem = `code-server could not be installed: ${String(err?.message ?? err).split('\n')[0]}`;
        log(`provision: ${codeServerProblem}`);
      }
    }
  }
  for (const layer of layers) {
    const reasons = (LAYER_NEEDS[layer] ?? [])
      .map((n) => (n === 'code-server' ? codeServerProblem : p.unavailable[n]))
      .filter(Boolean);
    if (reasons.length) cannot[layer] = reasons[0];
  }
  return cannot;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const layers = args.filter((a) => !a.startsWith('--'));
  // No top-level await: the tests load this module through a CommonJS transform.
  void provision(layers.length ? layers : Object.keys(LAYER_NEEDS), { dryRun }).then((cannot) => {
    process.exitCode = Object.keys(cannot).length ? 1 : 0;
  });
}
