import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../analysis';
import { report } from './report';
import { reportMarkdown } from './reportMarkdown';
import { buildTimelineIndex } from '../timeline/testing';
import { stateChangeFrom } from '../timeline/stateChange';
import { timelineOverview } from '../timeline/overview';

const sample = (name: string): Analysis =>
  new Analysis(readFileSync(path.resolve(__dirname, '../../../sample-traces', name), 'utf8'));

function reportOf(name: string) {
  const a = sample(name);
  return report(buildTimelineIndex(a), a.diagnostics(), a.stateAfter(a.doc.lineCount - 1), name);
}

test('report: findings in time, instances with running/paused time, clock error per vCPU', () => {
  const r = reportOf('arm64-migration-by-value.hvtrace');
  assert.deepEqual(
    [r.lineCount, r.vcpuCount, r.migrationCount, r.findingsBySeverity],
    [36, 2, 1, { error: 0, warning: 2, info: 1, hint: 0 }],
  );
  assert.deepEqual(
    r.findings.map((f) => [f.code, f.line, f.timeNs]),
    [
      ['HVT011', 28, '20600000000'],
      ['HVT010', 30, '20600100000'],
      ['HVT010', 32, '20600150000'],
    ],
  );
  const vm = r.vms[0];
  assert.deepEqual([vm.name, vm.policy, vm.migrations, vm.restores], ['vm1', 'advance', 1, 0]);
  // src runs 10.0001 s → 20 s (9.9999 s) and is paused 20 s → 20.00002 s; dst runs 20.6001 s → 21 s.
  assert.deepEqual(
    vm.instances.map((i) => [i.key, i.origin, i.firstNs, i.lastNs, i.runningNs, i.pausedNs, i.vcpus]),
    [
      ['src/vm1', 'fresh', '10000000000', '20000020000', '9999900000', '20000', [0, 1]],
      ['dst/vm1', 'migration', '20500000000', '21000000000', '399900000', '0', [0, 1]],
    ],
  );
  assert.deepEqual(
    vm.vcpus.map((v) => [v.vcpu, v.finalErrorNs, v.worstErrorNs, v.worstErrorLine, v.stolenNs]),
    [
      [0, '-599990000', '-599990000', 30, null],
      [1, '-599990000', '-599990000', 32, null],
    ],
  );
});

test('report as Markdown: summary, findings table with 1-based lines, a section per VM', () => {
  const md = reportMarkdown(reportOf('arm64-pvtime-migration-correct.hvtrace'));
  assert.match(md, /^# hvtimer report: arm64-pvtime-migration-correct\.hvtrace\n/);
  assert.match(
    md,
    /\n55 lines, 10\.000000000 s to 20\.300000000 s · 1 VM, 2 vCPUs, 1 migration · findings: 0 error, 0 warning, 0 info, 0 hint\n/,
  );
  assert.match(md, /\n## Findings\n\nNone\.\n/);
  assert.match(md, /\| dst\/vm1 \| migration \| 20\.100000000 s \| 20\.300000000 s \| 97\.9 ms \| 0 ns \| 0, 1 \|/);
  assert.match(md, /\| vcpu0 \(CNTVCT\) \| \+0 ns \| \+0 ns \| 21 \| 6\.5 ms \| 6\.5 ms \|/);
  const withFindings = reportMarkdown(reportOf('arm64-restore-backward.hvtrace'));
  assert.match(withFindings, /\| 34 \| 95\.000200000 s \| HVT001 \| error \| /);
});

test('overview: extent, rows, series and a line index; state changes found by binary search', () => {
  const a = sample('arm64-migration-by-value.hvtrace');
  const index = buildTimelineIndex(a);
  const o = timelineOverview(index, a.diagnostics(), 'by-value.hvtrace');
  assert.deepEqual(o.extent, { startNs: '10000000000', endNs: '21000000000', firstLine: 15, lastLine: 34 });
  assert.deepEqual(
    [o.lineCount, o.statementCount, o.rows.length, o.handoffs.length, o.findings],
    [36, 16, 6, 1, { error: 0, warning: 2, info: 1, hint: 0 }],
  );
  assert.deepEqual(
    o.series.map((s) => [s.id, s.clockError, s.stolen]),
    [
      ['vm1/vcpu0', true, false],
      ['vm1/vcpu1', true, false],
    ],
  );
  assert.deepEqual(o.lineIndex.slice(0, 2), [
    { line: 15, timeNs: '10000000000' },
    { line: 16, timeNs: '10000001000' },
  ]);
  // With a limit of 3: the first, middle and last statements.
  assert.deepEqual(
    timelineOverview(index, [], 'x', 3).lineIndex.map((e) => e.line),
    [15, 23, 34],
  );
  assert.deepEqual(stateChangeFrom(index, 25, 'next'), { line: 28, what: 'counter write' });
  assert.deepEqual(stateChangeFrom(index, 28, 'previous'), { line: 25, what: 'vCPU created' });
  assert.deepEqual(stateChangeFrom(index, 0, 'previous'), null);
  assert.deepEqual(stateChangeFrom(index, 32, 'next'), null);
});
