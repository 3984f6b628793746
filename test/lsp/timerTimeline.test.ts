// The timer tracks over the protocol (hvtimer/timelineOverview and hvtimer/timelineWindow, timers.md
// T4): what the server sends the timeline for the arm64 migration whose by-value restore shifts the
// armed virtual timer by 599.99 ms, with every u64 and time a decimal string (0-based lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TimelineOverviewResult, TimelineWindowResult } from '../../protocol/requests';
import { withClient } from './client';
import { uriFor } from './fixtures';

const LATE_600 = readFileSync(
  path.resolve(__dirname, '../../sample-traces/arm64-migration-timer-600ms-late.hvtrace'),
  'utf8',
);

test('hvtimer/timelineOverview and timelineWindow: the timer tracks, the shifted deadline, the deliveries and guest mode', async () => {
  await withClient(async (client) => {
    const uri = uriFor('tl-timers');
    await client.open(uri, LATE_600);
    const o = await client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri });
    assert.deepEqual(
      o.timers.map((t) => [t.id, t.vcpuRow, t.timer, t.series]),
      [
        ['src/vm1/vcpu0/vtimer', 'src/vm1/vcpu0', 'vtimer', 'vm1/vcpu0/vtimer'],
        ['dst/vm1/vcpu0/vtimer', 'dst/vm1/vcpu0', 'vtimer', 'vm1/vcpu0/vtimer'],
      ],
    );
    assert.deepEqual(o.runRows, ['src/vm1/vcpu0', 'dst/vm1/vcpu0']);
    assert.deepEqual(
      o.lateness.map((l) => l.id),
      ['vm1/vcpu0/vtimer'],
    );
    // dst from the restore (20.6 s) to the end (21.499991 s).
    const w = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: '20600000000',
      toNs: '21499991000',
    });
    // KVM fires when C_dst − 5264999750 reaches CVAL 272500000: C_dst = 5537499750 = 5e9 + 25e6·t, t = 21.49999 s;
    // the policy's line reaches it at 20.9 s (HVT044 on line 46, caused by the TIMER_CNT restore on line 40).
    const d = w.timers.deadlines.find((x) => x.track === 'dst/vm1/vcpu0/vtimer');
    assert.deepEqual(d, {
      track: 'dst/vm1/vcpu0/vtimer',
      kind: 'armed',
      timeNs: '21499990000',
      line: 43,
      cmp: '272500000',
      cmpIsTime: false,
      armedLine: 43,
      armedNs: '20600000000',
      previousNs: null,
      shift: { expectedNs: '20900000000', shiftNs: '599990000', causeLine: 40, reportedLine: 46, reason: 'resume' },
    });
    assert.deepEqual(
      w.timers.deliveries.map((x) => [x.line, x.verdict, x.latenessNs, x.policyLatenessNs]),
      [[51, 'on-time', '0', '599990000']],
    );
    assert.deepEqual(
      w.runs.filter((r) => r.row === 'dst/vm1/vcpu0').map((r) => [r.inGuest, r.fromNs, r.toNs, r.reason]),
      [
        [true, '20600102000', '21499990000', 'IRQ'],
        [false, '21499990000', '21499991000', 'IRQ'],
        [true, '21499991000', '21499991000', null],
      ],
    );
    // The lateness series: the point in range and the one before it (the src tick at 15 s).
    assert.deepEqual(
      w.lateness['vm1/vcpu0/vtimer'].map((p) => [p.line, p.timeNs, p.latenessNs]),
      [
        [25, '15000000000', '0'],
        [51, '21499990000', '0'],
      ],
    );
  });
});
