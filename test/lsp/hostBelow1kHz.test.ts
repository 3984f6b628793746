// Issue #15 item 1 in the editor: an x86 host below 1000 Hz plus KVM_SET_TSC_KHZ used to make the
// replay throw (division by zero), and the document went dead — no diagnostics, and hover,
// stateAt, timelineOverview and report all answered null. Every request must answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportResult, StateAtResult, TimelineOverviewResult } from '../../protocol/requests';
import { withClient } from './client';
import { uriFor } from './fixtures';

// The report's input, verbatim.
const REPORT = [
  '@host h arch=x86_64 freq=999',
  '1.0 h/vm ioctl KVM_SET_TSC_KHZ value=1',
  '1.0 h/vm ioctl KVM_CREATE_VCPU id=0',
];

test('a host below 1 kHz with KVM_SET_TSC_KHZ: diagnostics, hover, stateAt, timelineOverview and report all answer', async () => {
  await withClient(async (client) => {
    const uri = uriFor('host-below-1khz');
    await client.open(uri, `${REPORT.join('\n')}\n`);
    const ds = await client.diagnostics(uri, 1);
    // KVM's tsc_khz is 0: with TSC scaling it accepts no frequency, so the VM-wide ioctl is -EINVAL
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line]),
      [['HVT093', 1]],
    );
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 2, character: 0 },
    });
    assert.ok(hover, 'hover on the vCPU creation');
    const state = await client.request<StateAtResult | null>('hvtimer/stateAt', { uri, line: 2 });
    // C(1.0) = floor(1.0 · 999) = 999; offset 0 - 999: the guest TSC starts at 0
    assert.equal(state?.replayJson.vms.vm.vcpus['0'].tsc_offset, (2n ** 64n - 999n).toString());
    assert.equal(state?.replayJson.vms.vm.vcpus['0'].guest_counter, '0');
    const overview = await client.request<TimelineOverviewResult | null>('hvtimer/timelineOverview', { uri });
    assert.ok(overview, 'timelineOverview');
    const report = await client.request<ReportResult | null>('hvtimer/report', { uri });
    assert.deepEqual(report?.report.findingsBySeverity, { error: 0, warning: 1, info: 0, hint: 0 });
    assert.deepEqual(
      client.logs.filter((l) => l.type === 1).map((l) => l.message),
      [],
    );
  });
});
