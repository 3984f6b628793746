// Runs every test layer and prints one summary line per layer:
//   node scripts/test.mjs [layer...]        (default: all layers, in order)
// Layers: unit (engine, CLI, server internals), lsp (protocol over stdio), grammar (TextMate),
// plus the layers registered in scripts/test-layers/*.mjs (real VS Code host, UI, webview).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, findFiles, nodeTest } from './test-lib.mjs';
import { provision } from './provision.mjs';

const layers = [
  {
    name: 'unit',
    run: () =>
      nodeTest([
        ...findFiles('engine', '.test.ts'),
        ...findFiles('cli', '.test.ts'),
        ...findFiles('server', '.test.ts'),
        ...findFiles('test/unit', '.test.ts'),
        ...findFiles('docs', '.test.ts'),
      ]),
  },
  { name: 'lsp', run: () => nodeTest(findFiles('test/lsp', '.test.ts')) },
  { name: 'grammar', run: () => nodeTest(findFiles('test/grammar', '.test.ts')) },
];
// Further layers (each module exports `name` and `run(): Promise<{passed, failed, skipped}>`).
for (const file of findFiles('scripts/test-layers', '.mjs')) {
  const mod = await import(pathToFileURL(path.join(root, file)).href);
  layers.push({ name: mod.name, run: mod.run, order: mod.order ?? 50 });
}
layers.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)); // stable: built-ins first, then by `order`

const wanted = process.argv.slice(2);
const selected = wanted.length ? layers.filter((l) => wanted.includes(l.name)) : layers;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown layer; known: ${layers.map((l) => l.name).join(', ')}`);
  process.exit(2);
}

const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HVTIMER_QUIET_BUILD: '1' },
});
if (build.status !== 0) process.exit(1);

// Chromium, ripgrep, a C++ toolchain and the offline VS Code for the layers that need them
// (scripts/provision.mjs): installed when this machine allows it, else those layers fail saying why.
const cannot = await provision(selected.map((l) => l.name));

const results = [];
for (const layer of selected) {
  console.log(`\n=== ${layer.name} ===`);
  if (cannot[layer.name]) console.log(`  FAIL ${layer.name}: ${cannot[layer.name]}`);
  const r = cannot[layer.name] ? { passed: 0, failed: 1, skipped: 0, error: 'not provisioned' } : await layer.run();
  results.push({ name: layer.name, ...r });
  console.log(
    `=== ${layer.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}${r.error ? ` (${r.error})` : ''}`,
  );
}
console.log('\nSummary');
for (const r of results)
  console.log(
    `  ${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`,
  );
const failed = results.reduce((n, r) => n + r.failed, 0);
const passed = results.reduce((n, r) => n + r.passed, 0);
console.log(`  ${'total'.padEnd(10)} ${passed} passed, ${failed} failed`);
process.exit(failed || results.some((r) => r.passed === 0 && !r.allowEmpty) ? 1 : 0);
