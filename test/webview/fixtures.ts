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
};

export interface Fixture { overview: TimelineOverviewResult; window: TimelineWindowResult }

function fixture(file: string): Fixture {
  const uri = `file:///fixtures/${path.basename(file)}`;
  const a = new Analysis(readFileSync(path.join(ROOT, file), 'utf8'));
  const diagnostics = a.diagnostics();
  const index = buildTimelineIndex(a);
  const overview = timelineOverview(index, diagnostics, path.basename(file));
  const window = timelineWindow(index, a.doc, diagnostics, { fromNs: 0n, toNs: 10n ** 18n, maxMarkers: 2000, maxSamples: 2000 });
  return { overview: { uri, version: 1, ...overview }, window: { uri, version: 1, ...window } };
}

const out = Object.fromEntries(Object.entries(TRACES).map(([name, file]) => [name, fixture(file)]));
const target = process.argv[2];
if (target) writeFileSync(target, JSON.stringify(out));
else process.stdout.write(JSON.stringify(out));
