// hvtimer/stateAt and the clock error of hvtimer/timelineWindow (protocol/requests.ts), and
// $/cancelRequest on a long request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateAtResult, TimelineOverviewResult, TimelineWindowResult } from '../../protocol/requests';
import { CancellationTokenSource, withClient } from './client';
import { bigTrace, S7, uriFor } from './fixtures';
import { RESET_TIMERS_JSON } from '../../engine/src/replay/testing';

// docs/cli.md: at the spec's line 16 the src counter is 25 MHz × 20.6001 s = 515002500 and dst's
// 5000000000 + 515002500; both vCPUs share the VM-wide offset 5264999775.
const VCPU = {
  guest_counter: '250002725',
  virtual_offset: '5264999775',
  physical_offset: '0',
  physical_trap: 'unknown',
  tsc_offset: null,
  stolen_ns: null,
  timers: RESET_TIMERS_JSON,
};

test('hvtimer/stateAt: the CLI replay JSON, a richer view and markdown', async () => {
  await withClient(async (client) => {
    const uri = uriFor('req-state');
    await client.open(uri, S7);
    const r = await client.request<StateAtResult>('hvtimer/stateAt', { uri, line: 15 });
    assert.equal(r.uri, uri);
    assert.equal(r.version, 1);
    assert.equal(r.line, 15);
    assert.deepEqual(r.replayJson, {
      time: '20.600100000',
      hosts: { src: { counter: '515002500', freq: '25000000' }, dst: { counter: '5515002500', freq: '25000000' } },
      vms: { vm1: { host: 'dst', running: true, vcpus: { 0: VCPU, 1: VCPU } } },
    });
    assert.equal(r.view.time, '20.600100000');
    assert.equal(r.view.timeNs, '20600100000');
    assert.equal(r.view.tolerance, '100000');
    assert.deepEqual(
      r.view.hosts.map((h) => [h.name, h.counter.decimal, h.counter.hex, h.cntpoff]),
      [
        ['src', '515002500', '0x1EB25084', false],
        ['dst', '5515002500', '0x148B84284', false],
      ],
    );
    // vcpu1 has not resumed yet, so the pause's G_before (500000000 - 250000025) is still pending.
    assert.deepEqual(r.view.guests, [
      {
        name: 'vm1',
        policy: 'advance',
        currentInstance: 'dst/vm1',
        started: true,
        stop: {
          kind: 'pause',
          line: 9,
          timeNs: '20000000000',
          instance: 'src/vm1',
          counters: { 0: '249999975', 1: '249999975' },
        },
      },
    ]);
    assert.deepEqual(
      r.view.instances.map((i) => [i.key, i.origin, i.originLine, i.current, i.running]),
      [
        ['src/vm1', 'fresh', null, false, false],
        ['dst/vm1', 'migration', 11, true, true],
      ],
    );
    const v0 = r.view.instances[1].vcpus[0];
    assert.deepEqual(v0.guestCounter, { decimal: '250002725', hex: '0xEE6BD25', time: '10.000109000 s' });
    assert.deepEqual(v0.virtualOffset, { decimal: '5264999775', hex: '0x139D1855F', time: '210.599991000 s' });
    assert.deepEqual(v0.setBy, {
      virtualOffset: 14,
      physicalOffset: null,
      trap: null,
      tscOffset: null,
      pvAddress: null,
    });
    assert.equal(v0.tscOffset, null);
    assert.match(
      r.markdown,
      /^# req-state\.hvtrace\n\nState after line 16 · t = 20\.600100000 s · tolerance 100000 ns\n/,
    );
    assert.match(r.markdown, /\| guest CNTVCT \| 250002725 \| 0xEE6BD25 \| 10\.000109000 s \|/);
    // Lines are clamped to the document.
    assert.equal((await client.request<StateAtResult>('hvtimer/stateAt', { uri, line: 999 })).line, 16);
  });
});

test('hvtimer/timelineWindow: the guest clock error of vcpu0 across the migration, in decimal strings', async () => {
  await withClient(async (client) => {
    const uri = uriFor('req-timeline');
    await client.open(uri, S7);
    const r = await client.request<TimelineWindowResult>('hvtimer/timelineWindow', {
      uri,
      fromNs: '0',
      toNs: '20600100000',
    });
    // vcpu0's time line starts at its first run (10.0001 s: 250002500 - 250000025 = 2475) and
    // advances at 25 MHz: at the resume, 2475 + 10.5 s × 25 MHz = 265002475 against 250002725,
    // an error of -14999750 ticks = -14999750 / 25 MHz = -599990000 ns. The series keeps the points
    // where the error changes and the last one before each change (line 8's error is 0 like line 7's).
    const point = (
      line: number,
      timeNs: string,
      instance: string,
      guest: string,
      expected: string,
      errorTicks: string,
      errorNs: string,
    ) => ({ line, timeNs, instance, guest, expected, errorTicks, errorNs, freq: '25000000' });
    assert.deepEqual(r.clockError['vm1/vcpu0'], [
      point(7, '10000100000', 'src/vm1', '2475', '2475', '0', '0'),
      point(9, '20000000000', 'src/vm1', '249999975', '249999975', '0', '0'),
      point(15, '20600100000', 'dst/vm1', '250002725', '265002475', '-14999750', '-599990000'),
    ]);
  });
});

test('$/cancelRequest cancels a long hvtimer/timelineOverview request; the server keeps answering', async () => {
  await withClient(async (client) => {
    const uri = uriFor('req-cancel');
    await client.open(uri, bigTrace(120_000));
    // After the replay the timeline index is ~120 chunks of work: the cancellation arrives before it is done.
    await client.diagnostics(uri, 1, 60_000);
    const source = new CancellationTokenSource();
    const pending = client.request<TimelineOverviewResult>('hvtimer/timelineOverview', { uri }, source.token);
    source.cancel();
    await assert.rejects(pending, (err: { code?: number }) => err.code === -32800);
    const state = await client.request<StateAtResult>('hvtimer/stateAt', { uri, line: 4 });
    assert.equal(state.replayJson.time, '1.000000000');
  });
});
