// Realistic data for the webview harness, produced by the engine exactly as the language server
// answers hvtimer/timelineOverview and hvtimer/timelineWindow (the whole trace in one window: these
// traces are far below the bounds). Run by scripts/test-layers/webview.mjs:
//   node --import tsx test/webview/fixtures.ts OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../../engine/src/analysis';
import { timelineOverview, timelineWindow } from '../../engine/src/timeline/index';
import { buildTimelineIndex } from '../../engine/src/timeline/testing';
import type { TimelineOverviewResult, TimelineWindowResult } from '../../protocol/requests';

const ROOT = path.resolve(__dirname, '../..');
const TRACES: Record<string, string> = {
  migration: 'sample-traces/arm64-migration-by-value.hvtrace',
  restoreBackward: 'sample-traces/arm64-restore-backward.hvtrace',
  stolen: 'sample-traces/arm64-pvtime-migration-correct.hvtrace',
  xss: 'test/webview/xss.hvtrace',
  timerLate: 'sample-traces/x86-firecracker-deadline-before-tsc-late-timer.hvtrace',
  timer600: 'sample-traces/arm64-migration-timer-600ms-late.hvtrace',
  storm: 'sample-traces/arm64-cntvoff-clobber-storm.hvtrace',
};

/**
 * Traces written here rather than as files: issue #15 item 4's note with a control character (plus
 * the other XML specials) — a byte a text file in the repository should not hold.
 */
const INLINE: Record<string, [string, string]> = {
  controlChar: [
    'control-char.hvtrace',
    [
      '@hvtrace 1',
      '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
      '@vm vm1 vcpus=1',
      '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
      '1.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
      '2.000000000 h/vm1 vmm note bad\x01char ]]> <b> & "q" \x1b[2J',
      '',
    ].join('\n'),
  ],
};

export interface Fixture {
  overview: TimelineOverviewResult;
  window: TimelineWindowResult;
}

function fixture(file: string, text = readFileSync(path.join(ROOT, file), 'utf8')): Fixture {
  const uri = `file:///fixtures/${path.basename(file)}`;
  const a = new Analysis(text);
  const diagnostics = a.diagnostics();
  const index = buildTimelineIndex(a);
  const overview = timelineOverview(index, diagnostics, path.basename(file));
  const window = timelineWindow(index, a.doc, diagnostics, {
    fromNs: 0n,
    toNs: 10n ** 18n,
    maxMarkers: 2000,
    maxSamples: 2000,
  });
  return { overview: { uri, version: 1, ...overview }, window: { uri, version: 1, ...window } };
}

const out = {
  ...Object.fromEntries(Object.entries(TRACES).map(([name, file]) => [name, fixture(file)])),
  ...Object.fromEntries(Object.entries(INLINE).map(([name, [file, text]]) => [name, fixture(file, text)])),
};
const target = process.argv[2];
if (target) writeFileSync(target, JSON.stringify(out));
else process.stdout.write(JSON.stringify(out));
