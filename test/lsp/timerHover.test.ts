// Timers in the editor (timers.md T4): the hover on a timer write shows the compare value, the guest
// counter now, TVAL, the deadline in reference time and "fires in Δ" (or "already passed by Δ");
// an inlay hint after the arming statement says when it fires. By hand, at 25 MHz:
//   the vCPU is created at 10 s: voffset = C(10) = 250000000;
//   at 12 s the guest counter is 300000000 - 250000000 = 50000000 (2 s); CVAL 80000000 is
//   30000000 ticks = 1.2 s ahead, so the timer fires at 13.2 s; TVAL reads 30000000;
//   at 12.5 s a TVAL write of 0xFFFFFFFF (-1 as a signed 32-bit count) sets CVAL = 62500000 - 1:
//   already passed by 1 tick (40 ns), it fires at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withClient } from './client';
import { uriFor } from './fixtures';

const LINES = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
  '@vm vm1 vcpus=1',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
  '12.000000000 h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = 80000000',
  '12.000000000 h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 1',
  '12.500000000 h/vm1/vcpu0 guest write CNTV_TVAL_EL0 = 0xFFFFFFFF',
];
const TEXT = `${LINES.join('\n')}\n`;
const T2 = `${pathToFileURL(path.resolve(__dirname, '../../docs/timers.md')).href}#t2-model`;

interface Hover {
  contents: { value: string };
}
interface Hint {
  position: { line: number; character: number };
  label: string;
  tooltip: string;
}

test('hover on the write that arms the virtual timer: compare value, counter now, TVAL, deadline, fires in', async () => {
  await withClient(async (client) => {
    const uri = uriFor('timer-hover');
    await client.open(uri, TEXT);
    await client.diagnostics(uri, 1);
    const h = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 6, character: 3 },
    });
    assert.equal(
      h.contents.value,
      `**arms** the virtual timer of vcpu0: fires in 1.2 s, at 13.200000000 s

**virtual timer (CNTV)** · armed (compare value set on line 7)

| | value | |
|:--|--:|:--|
| CTL | 0x1 | ENABLE |
| CVAL | 80000000 | 3.200000000 s |
| guest CNTVCT now | 50000000 | 2.000000000 s |
| TVAL | 30000000 | 1.2 s ahead |
| deadline | 13.200000000 s | reference time |

[the timer model (timers.md T2)](${T2})`,
    );
    // The CVAL write alone does not arm it (CTL is still 0 after the reset): "would fire".
    const cval = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 5, character: 3 },
    });
    assert.match(
      cval.contents.value,
      /^\*\*programs\*\* the virtual timer of vcpu0: not armed \(ENABLE clear\); would fire in 1\.2 s, at 13\.200000000 s\n/,
    );
    const tval = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 7, character: 3 },
    });
    assert.match(
      tval.contents.value,
      /^\*\*arms\*\* the virtual timer of vcpu0: already passed by 40 ns \(1 tick\): it fires at once\n/,
    );
    assert.match(
      tval.contents.value,
      /\n\| CVAL \| 62499999 \| 2\.499999960 s \|\n\| guest CNTVCT now \| 62500000 \| 2\.500000000 s \|\n\| TVAL \| -1 \| 40 ns ago \|\n/,
    );
  });
});

test('an inlay hint after each arming statement: fires at +Δ', async () => {
  await withClient(async (client) => {
    const uri = uriFor('timer-inlay');
    await client.open(uri, TEXT);
    const hints = await client.request<Hint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } },
    });
    const timers = hints.filter((x) => x.label.startsWith('fires'));
    assert.deepEqual(
      timers.map((x) => [x.position, x.label, x.tooltip]),
      [
        [
          { line: 6, character: LINES[6].length },
          'fires at +1.200 s',
          'the virtual timer of vcpu0 (CVAL 80000000) fires at 13.200000000 s, 1.2 s after this statement',
        ],
        [
          { line: 7, character: LINES[7].length },
          'fires at once',
          'the virtual timer of vcpu0 (CVAL 62499999) fires at 12.500000000 s: its compare value has already passed',
        ],
      ],
    );
  });
});

test("hvtimer/stateAt: the Replay State view's vCPU carries its timers as in replay --format json", async () => {
  await withClient(async (client) => {
    const uri = uriFor('timer-state-at');
    await client.open(uri, TEXT);
    await client.diagnostics(uri, 1);
    const r = await client.request<{
      view: { instances: { vcpus: { timers: Record<string, unknown> }[] }[] };
      markdown: string;
    }>('hvtimer/stateAt', { uri, line: 6 });
    // After the CTL write: CTL 1 (armable), CVAL 80000000, t_d = 13.2 s; armed by line 7 (1-based).
    assert.deepEqual(r.view.instances[0].vcpus[0].timers.vtimer, {
      ctl: '1',
      cmp: '80000000',
      cmp_is_time: false,
      armable: true,
      deadline_ns: '13200000000',
      armed_at_line: 7,
      last_delivery: null,
    });
    assert.match(r.markdown, /\| vtimer CVAL \(line 7\) \| 80000000 \| — \| armed, deadline 13\.200000000 s \|/);
  });
});
