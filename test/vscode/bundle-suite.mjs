// Bundles the extension-host test suite (test/vscode/suite/index.ts) to dist/test/vscode-suite.js,
// `vscode` left external, and checks that every suite/*.test.ts is imported by index.ts.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { root } from '../../scripts/test-lib.mjs';

export const SUITE_BUNDLE = path.join(root, 'dist', 'test', 'vscode-suite.js');

export async function bundleSuite() {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['test/vscode/suite/index.ts'],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
  });
  const bundled = new Set(Object.keys(result.metafile.inputs).map((p) => p.split(path.sep).join('/')));
  const missing = readdirSync(path.join(root, 'test', 'vscode', 'suite')).filter(
    (f) => f.endsWith('.test.ts') && !bundled.has(`test/vscode/suite/${f}`),
  );
  if (missing.length) throw new Error(`test/vscode/suite/index.ts does not import: ${missing.join(', ')}`);
  return SUITE_BUNDLE;
}
