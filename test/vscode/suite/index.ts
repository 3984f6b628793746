// Entry point loaded by the extension host as extensionTestsPath (bundled to
// dist/test/vscode-suite.js). Runs the registered tests and writes a JSON result file, since a
// code-server host has no channel back to the driver: $HVTIMER_VSCODE_RESULT, else
// vscode-suite.result.json next to the bundle.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runAll } from './harness';
// Test files, in run order (the bundler check in test/vscode/bundle-suite.mjs fails on one not listed).
import './activation.test';
import './diagnostics.test';
import './commands.test';
import './languageFeatures.test';
import './quickFix.test';
import './clientCommands.test';
import './sampleTraces.test';
import './timeline.test';
import './timerTimeline.test';
import './captures.test';
import './recordedCapture.test';
import './editorFeatures.test';

export async function run(): Promise<void> {
  const results = await runAll((r) =>
    console.log(`[hvtimer suite] ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.error ? `\n${r.error}` : ''}`),
  );
  const failed = results.filter((r) => !r.ok).length;
  const summary = {
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    passed: results.length - failed,
    failed,
    tests: results,
  };
  const file = process.env.HVTIMER_VSCODE_RESULT || path.join(__dirname, 'vscode-suite.result.json');
  // Write then rename, so the polling driver never reads a half-written file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(summary, null, 2));
  fs.renameSync(`${file}.tmp`, file);
  if (failed) throw new Error(`${failed} of ${results.length} VS Code extension tests failed`);
}
