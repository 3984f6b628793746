// The timeline webview bundle in headless Chromium, in the harness page (serve-harness.mjs), fed
// with the engine's data for sample traces (fixtures.ts). Each test gets a fresh browser context
// (1200 × 800 px); expected values are worked out from the traces (0-based lines). Waits are on
// conditions only.
import assert from 'node:assert/strict';
import { waitFor } from '../vscode/wait.mjs';

const hvt = (page) => page.evaluate(() => window.__hvtimer());
const posted = (page, type) => page.evaluate((t) => window.__messages.filter((m) => m.type === t), type);

/** Opens the harness, loads a fixture, waits until the markers of its first framed window are drawn. */
async function open(
  ctx,
  { origin, fixtures },
  name,
  { theme = 'dark', viewport, drawn = (s) => s.hits.some((h) => h.kind === 'marker') } = {},
) {
  const page = ctx.page ?? (ctx.page = await ctx.context.newPage());
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(origin);
  await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
  if (theme !== 'dark') await page.evaluate((t) => window.__harness.setTheme(t), theme);
  await page.evaluate((data) => window.__harness.load(data), fixtures[name]);
  await waitFor(
    'the first frame and its markers',
    async () => {
      const s = await hvt(page);
      return !s.framePending && drawn(s);
    },
    { timeoutMs: 10_000, intervalMs: 20 },
  );
  return page;
}

/** The colour drawn on a canvas (default: the tracks) at a client position, as #rrggbb. */
const pixel = (page, x, y, id = 'lanes') =>
  page.evaluate(
    ([cx, cy, cid]) => {
      const c = document.getElementById(cid);
      const r = c.getBoundingClientRect();
      const d = window.devicePixelRatio || 1;
      const [red, green, blue] = c
        .getContext('2d')
        .getImageData(Math.floor((cx - r.left) * d), Math.floor((cy - r.top) * d), 1, 1).data;
      return `#${[red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    },
    [x, y, id],
  );

const hitOf = (state, kind, line) => {
  const h = state.hits.find((x) => x.kind === kind && x.line === line);
  assert.ok(h, `no ${kind} drawn for line ${line}`);
  return h;
};

/** Focus the tracks canvas (keyboard tests) without clicking a marker. */
const focusLanes = (page) => page.evaluate(() => document.getElementById('lanes').focus());

/** The parts of the view an export holds, each an SVG group with this id. */
const EXPORT_PARTS = [
  'hvtimer-timeline',
  'header',
  'legend',
  'axis',
  'track-labels',
  'tracks',
  'grid',
  'handoffs',
  'markers',
  'findings',
  'clock-chart',
  'stolen-chart',
];

/** Puts marker A at the statement of line `a` and B at line `b`: the editor's cursor there, then `[` and `]` on the tracks. */
async function setMarkers(page, a, b) {
  for (const [line, key] of [
    [a, '['],
    [b, ']'],
  ]) {
    await page.evaluate((l) => window.__harness.send({ type: 'cursor', line: l }), line);
    await waitFor(`the cursor at line ${line}`, async () => (await hvt(page)).selectedLine === line);
    await focusLanes(page);
    await page.keyboard.press(key);
  }
}

async function expectView(page, fromNs, toNs) {
  await waitFor(
    `the view ${fromNs}..${toNs}`,
    async () => {
      const v = (await hvt(page)).view;
      return v.fromNs === fromNs && v.toNs === toNs;
    },
    { timeoutMs: 5_000, intervalMs: 20 },
  ).catch(async (err) => {
    const v = (await hvt(page)).view;
    throw new Error(`${err.message}; the view is ${v.fromNs}..${v.toNs}`);
  });
}

/** The view in ms from the trace's start, within 1 ns. */
async function expectViewMs(page, fromMs, toMs) {
  await waitFor(
    `the view ${fromMs}..${toMs} ms`,
    async () => {
      const v = (await hvt(page)).view;
      return Math.abs(v.fromMs - fromMs) < 1e-6 && Math.abs(v.toMs - toMs) < 1e-6;
    },
    { timeoutMs: 5_000, intervalMs: 20 },
  ).catch(async (err) => {
    const v = (await hvt(page)).view;
    throw new Error(`${err.message}; the view is ${v.fromMs}..${v.toMs} ms`);
  });
}

/** Colours within `tolerance` per channel (antialiased edges). */
function near(actual, expected, tolerance = 24) {
  const c = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
  return c(actual).every((v, i) => Math.abs(v - c(expected)[i]) <= tolerance);
}

// arm64-migration-by-value: statements from 10 s (line 15) to 21 s (line 34). Fit all leaves 2 % of
// the 11 s on each side: [10 - 0.22, 21 + 0.22] s.
const FIT = ['9780000000', '21220000000'];
// The first view frames the handoff (pause at 20 s, `vmm migrate` 20.00002 s, resume point 20.6001 s)
// and the findings (20.6, 20.6001, 20.60015 s): 600.15 ms padded by a quarter on each side. In ms
// from the trace's start (10 s): [9849.9625, 10750.1875], span 900.225 ms.
const FRAME = ['19849962500', '20750187500'];
const F0 = 9849.9625;
const F1 = 10750.1875;
const FSPAN = F1 - F0;

export const TESTS = [
  [
    'tracks: a group per VM with its instances and their vCPUs beneath, as a tree',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      assert.deepEqual(await page.locator('.row-label .name').allTextContents(), [
        'vm1',
        'on src',
        'vcpu0',
        'vcpu1',
        'on dst',
        'vcpu0',
        'vcpu1',
      ]);
      const s = await hvt(page);
      assert.deepEqual(
        s.rows.map((r) => r.id),
        ['vm:vm1', 'src/vm1', 'src/vm1/vcpu0', 'src/vm1/vcpu1', 'dst/vm1', 'dst/vm1/vcpu0', 'dst/vm1/vcpu1'],
      );
      // Heights 22 (VM), 28 (instance), 24 (vCPU): the tracks stack from 0.
      assert.deepEqual(
        s.rows.map((r) => r.top),
        [0, 22, 50, 74, 98, 126, 150],
      );
      const label = page.locator('.row-label[data-track="src/vm1"]');
      assert.equal(
        await label.getAttribute('aria-label'),
        'instance src/vm1 (vm1 on src), 1 running interval, expanded (track 2 of 7)',
      );
      assert.deepEqual(
        [
          await label.getAttribute('role'),
          await label.getAttribute('aria-level'),
          await label.getAttribute('aria-expanded'),
          await label.getAttribute('tabindex'),
        ],
        ['treeitem', '2', 'true', '0'],
      );
      assert.equal(
        await page.locator('.row-label[data-track="dst/vm1"]').getAttribute('title'),
        'vm1 on dst · migrated here (dst/vm1)',
      );
      // Each label is as tall as its track, so names and tracks line up.
      const boxes = await page
        .locator('.row-label')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      assert.deepEqual(boxes, [22, 28, 24, 24, 28, 24, 24]);
    },
  ],

  [
    'the first view frames the handoff and the findings (not the whole trace); 0 fits all, Home frames again',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await expectView(page, ...FRAME);
      // The first request covered the whole trace (to know every finding), the next one the frame ± half.
      const requests = await posted(page, 'requestWindow');
      assert.deepEqual([requests[0].fromNs, requests[0].toNs], FIT);
      await waitFor('a request for the frame', async () =>
        (await posted(page, 'requestWindow')).some((m) => m.fromNs === '19399850000' && m.toNs === '21200300000'),
      );
      await focusLanes(page);
      await page.keyboard.press('0');
      await expectView(page, ...FIT);
      await page.keyboard.press('Home');
      await expectView(page, ...FRAME);
      await page.click('#fit');
      await expectView(page, ...FIT);
      await page.click('#frame');
      await expectView(page, ...FRAME);
    },
  ],

  [
    'the first view of a restore frames the restore and its findings, not the snapshot 65 s earlier',
    async (ctx, env) => {
      // arm64-restore-backward: `vmm restore` at 95.0 s, findings up to 95.00025 s (250 µs), padded
      // by 62.5 µs: [94.9999375, 95.0003125] s.
      const page = await open(ctx, env, 'restoreBackward');
      await expectView(page, '94999937500', '95000312500');
      // HVT001 on line 33 (95.0002 s) and line 28's HVT011 (95.0001 s) are 1040 × 100 / 375 = 277 px apart.
      const s = await hvt(page);
      const f33 = s.hits.find((h) => h.kind === 'finding' && h.line === 33 && h.severity === 'error');
      const f28 = hitOf(s, 'finding', 28);
      assert.ok(Math.abs(f33.clientX - f28.clientX - 277.33) < 0.5, `${f33.clientX - f28.clientX}`);
    },
  ],

  [
    "markers: each statement on its track in its actor's shape and colour, findings by severity (after Fit all)",
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await focusLanes(page);
      await page.keyboard.press('0');
      await expectView(page, ...FIT);
      await waitFor(
        'every marker drawn',
        async () => (await hvt(page)).hits.filter((h) => h.kind === 'marker').length === 16,
      );
      const s = await hvt(page);
      assert.deepEqual(
        s.hits.filter((h) => h.kind === 'marker').map((m) => m.line),
        [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 32, 33, 34],
      );
      const m19 = hitOf(s, 'marker', 19);
      assert.deepEqual(
        [m19.row, m19.track, m19.timeNs, m19.color],
        ['src/vm1/vcpu0', 'src/vm1/vcpu0', '12000000000', '#e37ad8'],
      ); // guest: a pink circle
      assert.deepEqual(
        s.hits.filter((h) => h.kind === 'finding').map((h) => [h.line, h.row, h.timeNs, h.severity, h.color]),
        [
          [28, 'dst/vm1/vcpu0', '20600000000', 'info', '#3794ff'],
          [30, 'dst/vm1/vcpu0', '20600100000', 'warning', '#cca700'],
          [32, 'dst/vm1/vcpu1', '20600150000', 'warning', '#cca700'],
        ],
      );
      // Really drawn: the warning triangle of line 32, the guest circle of line 19; a vmm flag (line 21)
      // has its pennant up and right of the centre and nothing below-right of it.
      const f32 = hitOf(s, 'finding', 32);
      assert.equal(await pixel(page, f32.clientX, f32.clientY), '#cca700');
      assert.equal(await pixel(page, m19.clientX, m19.clientY), '#e37ad8');
      const m21 = hitOf(s, 'marker', 21);
      assert.equal(await pixel(page, m21.clientX, m21.clientY - 2), '#e6e6e6');
      assert.notEqual(await pixel(page, m21.clientX + 3, m21.clientY + 3), '#e6e6e6');
      // x follows time: line 19 (12 s) sits (12 - 9.78) / 11.44 of the way across the tracks.
      const lanes = await page.locator('#lanes').boundingBox();
      assert.ok(
        Math.abs(m19.clientX - (lanes.x + (2220 / 11440) * lanes.width)) < 0.01,
        `${m19.clientX} vs ${lanes.x + (2220 / 11440) * lanes.width}`,
      );
    },
  ],

  [
    'the handoff goes from the pause on src (20 s) to the resume point on dst (20.6001 s), its label inside the tracks',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await focusLanes(page);
      await page.keyboard.press('0');
      await expectView(page, ...FIT);
      const s = await hvt(page);
      assert.equal(s.handoffs.length, 1);
      const h = s.handoffs[0];
      assert.deepEqual([h.from, h.to, h.label, h.elided], ['src/vm1', 'dst/vm1', 'migrate → dst', false]);
      assert.equal(
        h.full,
        'vm1: migrate src/vm1 → dst/vm1, stopped at 20.000000000 s, resumed at 20.600100000 s (+600.1 ms) (line 24)',
      );
      const lanes = await page.locator('#lanes').boundingBox();
      const xAt = (ms) => lanes.x + ((ms + 220) / 11440) * lanes.width;
      assert.ok(
        Math.abs(h.clientX0 - xAt(10000)) < 0.01 && Math.abs(h.clientX1 - xAt(10600.1)) < 0.01,
        JSON.stringify(h),
      );
      const rows = Object.fromEntries(s.rows.map((r) => [r.id, r]));
      assert.equal(h.y0, rows['src/vm1'].top + rows['src/vm1'].height / 2);
      assert.equal(h.y1, rows['dst/vm1'].top + rows['dst/vm1'].height / 2);
      const width = await page.evaluate((t) => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '12px sans-serif';
        return c.measureText(t).width;
      }, h.label);
      assert.ok(
        h.clientLabelX >= lanes.x && h.clientLabelX + width <= lanes.x + lanes.width,
        `label at ${h.clientLabelX}`,
      );
    },
  ],

  [
    'migrate labels never clip: near the right edge of a narrow view they move left or elide, with the full text in the tooltip',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration', { viewport: { width: 420, height: 700 } });
      // Pan so that the resume point (20.6001 s) is 10 px from the right edge of the tracks.
      const lanes = await page.locator('#lanes').boundingBox();
      const s0 = await hvt(page);
      const h0 = s0.handoffs[0];
      const dx = lanes.x + lanes.width - 10 - h0.clientX1;
      await page.evaluate(() => document.getElementById('lanes').focus());
      await page.mouse.move(h0.clientX1, lanes.y + 5);
      await page.mouse.down();
      await page.mouse.move(h0.clientX1 + dx, lanes.y + 5, { steps: 4 });
      await page.mouse.up();
      await waitFor(
        'the pan',
        async () => Math.abs((await hvt(page)).handoffs[0].clientX1 - (lanes.x + lanes.width - 10)) < 1,
      );
      const { handoffs, hits } = await hvt(page);
      const h = handoffs[0];
      const width = await page.evaluate((t) => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '12px sans-serif';
        return c.measureText(t).width;
      }, h.label);
      assert.ok(h.label.length > 0, 'the label is drawn');
      assert.ok(
        h.clientLabelX >= lanes.x && h.clientLabelX + width <= lanes.x + lanes.width + 0.5,
        `label "${h.label}" at ${h.clientLabelX}+${width} outside ${lanes.x}..${lanes.x + lanes.width}`,
      );
      assert.ok(h.clientLabelX + width <= h.clientX1, 'placed left of the arrow');
      const hit = hits.find((x) => x.kind === 'handoff');
      await page.mouse.move(hit.clientX, hit.clientY);
      await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5_000 });
      assert.match(
        await page.locator('#tooltip').textContent(),
        /vm1: migrate src\/vm1 → dst\/vm1, stopped at 20\.000000000 s/,
      );
    },
  ],

  [
    'the clock-error chart: 0 then -599.99 ms from the resume point (20.6001 s), drawn under the tracks',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const s = await hvt(page);
      const v0 = s.charts.clockError.find((c) => c.id === 'vm1/vcpu0');
      // The frame's window (± half of it) plus the sample just before it (10.0001 s).
      assert.deepEqual(v0.xs, [0.1, 10000, 10600.1, 11000]);
      assert.deepEqual(v0.ys, [0, 0, -599990000, -599990000]);
      assert.equal(await page.locator('#clock-chart').isVisible(), true);
      assert.equal(await page.locator('#stolen-chart').isVisible(), false, 'no stolen time in this trace');
      // The step is drawn: at the right edge the vcpu1 line (drawn last) sits at -599.99 ms, i.e. on
      // the lowest gridline (-600 ms) within a pixel; left of 20.6 s it is on the 0 line.
      const box = await page.locator('#clock-chart').boundingBox();
      const colour = s.palette.series[1];
      const column = await page.evaluate(
        ([x]) => {
          const c = document.getElementById('clock-chart');
          const d = c.getContext('2d').getImageData(Math.floor(x), 0, 1, c.height).data;
          const out = [];
          for (let y = 0; y < c.height; y++)
            out.push(`#${[d[4 * y], d[4 * y + 1], d[4 * y + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
          return out;
        },
        [box.width - 20],
      );
      const ys = column.map((c, y) => (c === colour ? y : -1)).filter((y) => y >= 0);
      assert.ok(ys.length > 0, `no ${colour} at the right edge`);
      const left = await page.evaluate(
        ([x]) => {
          const c = document.getElementById('clock-chart');
          const d = c.getContext('2d').getImageData(Math.floor(x), 0, 1, c.height).data;
          const out = [];
          for (let y = 0; y < c.height; y++)
            out.push(`#${[d[4 * y], d[4 * y + 1], d[4 * y + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
          return out;
        },
        [170],
      );
      const ysLeft = left.map((c, y) => (c === colour ? y : -1)).filter((y) => y >= 0);
      assert.ok(
        ysLeft.length > 0 && Math.min(...ysLeft) < Math.min(...ys) - 100,
        `the line at the left (${ysLeft}) is not far above the one at the right (${ys})`,
      );
    },
  ],

  [
    'zoom: keys about the centre without a cursor, about the cursor, about the A/B markers; buttons; wheel about the pointer',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await focusLanes(page);
      await page.keyboard.press('+');
      // No cursor, no A/B: about the centre (10300.075 ms), half the span: 450.1125 ms.
      await expectViewMs(page, 10300.075 - 225.05625, 10300.075 + 225.05625);
      await page.keyboard.press('-');
      await expectViewMs(page, F0, F1);
      await page.click('#zoom-in');
      await expectViewMs(page, 10300.075 - 225.05625, 10300.075 + 225.05625);
      await page.click('#zoom-out');
      await expectViewMs(page, F0, F1);
      // The cursor at line 30 (20.6001 s = 10600.1 ms) stays where it is on screen: k = (10600.1 - F0) / FSPAN.
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 30 }));
      await waitFor('the cursor at line 30', async () => (await hvt(page)).cursorNs === '20600100000');
      await focusLanes(page);
      await page.keyboard.press('w');
      const k = (10600.1 - F0) / FSPAN;
      await expectViewMs(page, 10600.1 - (k * FSPAN) / 2, 10600.1 - (k * FSPAN) / 2 + FSPAN / 2);
      await page.keyboard.press('s');
      await expectViewMs(page, F0, F1);
      // The wheel zooms about the pointer: up over the left edge of the tracks keeps the left edge.
      const lanes = await page.locator('#lanes').boundingBox();
      await page.mouse.move(lanes.x, lanes.y + 40);
      await page.mouse.wheel(0, -200);
      await waitFor('the wheel zoom', async () => (await hvt(page)).view.toMs < F1 - 1);
      assert.ok(Math.abs((await hvt(page)).view.fromMs - F0) < 1e-6);
    },
  ],

  [
    'zoom: keys about the A/B markers when the cursor is out of view',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      // A at the pause (line 21, 20 s), B at the resume point (line 30, 20.6001 s); then the cursor to
      // line 19 (12 s), out of view... which moves the view to centre it. Back with Home: cursor out of view.
      await setMarkers(page, 21, 30);
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 19 }));
      await waitFor('the cursor at 12 s', async () => (await hvt(page)).cursorNs === '12000000000');
      await focusLanes(page);
      await page.keyboard.press('Home');
      await expectViewMs(page, F0, F1);
      // Anchor: the middle of A (10000 ms) and B (10600.1 ms), 10300.05 ms, kept in place.
      await page.keyboard.press('w');
      const k = (10300.05 - F0) / FSPAN;
      await expectViewMs(page, 10300.05 - (k * FSPAN) / 2, 10300.05 - (k * FSPAN) / 2 + FSPAN / 2);
      // Z zooms to A–B with a tenth of it on each side: [20 - 0.06001, 20.6001 + 0.06001] s.
      await page.keyboard.press('z');
      await expectView(page, '19939990000', '20660110000');
    },
  ],

  [
    'zoom to a selection: Shift+drag over the tracks, or a drag on the time axis',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const lanes = await page.locator('#lanes').boundingBox();
      const msAt = (x) => F0 + ((x - lanes.x) / lanes.width) * FSPAN;
      const [x0, x1] = [lanes.x + 200, lanes.x + 600];
      await page.keyboard.down('Shift');
      await page.mouse.move(x0, lanes.y + 60);
      await page.mouse.down();
      await page.mouse.move(x1, lanes.y + 60, { steps: 5 });
      assert.equal(await page.locator('#brush').isVisible(), true, 'the brushed range is shown while dragging');
      await page.mouse.up();
      await page.keyboard.up('Shift');
      await expectViewMs(page, msAt(x0), msAt(x1));
      assert.equal(await page.locator('#brush').isVisible(), false);
      assert.equal((await posted(page, 'reveal')).length, 0, 'a brush is not a click');
      // On the axis: no modifier needed, right to left works too.
      const v = (await hvt(page)).view;
      const axis = await page.locator('#axis').boundingBox();
      const msAt2 = (x) => v.fromMs + ((x - lanes.x) / lanes.width) * (v.toMs - v.fromMs);
      await page.mouse.move(lanes.x + 900, axis.y + 10);
      await page.mouse.down();
      await page.mouse.move(lanes.x + 500, axis.y + 10, { steps: 5 });
      await page.mouse.up();
      await expectViewMs(page, msAt2(lanes.x + 500), msAt2(lanes.x + 900));
    },
  ],

  [
    'pan: D/A by a quarter of the view, and dragging by the distance dragged',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await focusLanes(page);
      await page.keyboard.press('d');
      await expectViewMs(page, F0 + FSPAN / 4, F1 + FSPAN / 4);
      await page.keyboard.press('a');
      await expectViewMs(page, F0, F1);
      const lanes = await page.locator('#lanes').boundingBox();
      const y = lanes.y + 30;
      await page.mouse.move(lanes.x + 400, y);
      await page.mouse.down();
      await page.mouse.move(lanes.x + 300, y, { steps: 5 });
      await page.mouse.up();
      // 100 px to the left = 100 px × 900.225 ms / width later.
      await expectViewMs(page, F0 + (100 * FSPAN) / lanes.width, F1 + (100 * FSPAN) / lanes.width);
      assert.equal((await posted(page, 'reveal')).length, 0, 'a drag is not a click');
    },
  ],

  [
    'a click on a marker posts { type: "reveal", line } with its line',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const s = await hvt(page);
      const m30 = hitOf(s, 'marker', 30);
      await page.mouse.click(m30.clientX, m30.clientY);
      await waitFor('reveal 30', async () => (await posted(page, 'reveal')).some((m) => m.line === 30));
      const f32 = hitOf(s, 'finding', 32);
      await page.mouse.click(f32.clientX, f32.clientY);
      await waitFor('reveal 32', async () => (await posted(page, 'reveal')).at(-1)?.line === 32);
      assert.deepEqual(await posted(page, 'reveal'), [
        { type: 'reveal', line: 30 },
        { type: 'reveal', line: 32 },
      ]);
      const after = await hvt(page);
      assert.deepEqual([after.selectedLine, after.cursorNs], [32, '20600150000']);
    },
  ],

  [
    'keyboard: Enter on a track name, arrows between markers, Enter reveals the focused marker',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      // src/vm1/vcpu0 in the frame: the KVM_GET_ONE_REG of line 22 (20.00001 s) is its only marker.
      await page.locator('.row-label[data-track="src/vm1/vcpu0"]').focus();
      await page.keyboard.press('Enter');
      await waitFor('the first marker of vcpu0 focused', async () => (await hvt(page)).focusedLine === 22);
      assert.match(
        await page.locator('#announce').textContent(),
        /^line 23, 20\.000010000 s: 20\.000010000 src\/vm1\/vcpu0 ioctl KVM_GET_ONE_REG/,
      );
      await page.keyboard.press('ArrowDown');
      await waitFor('the next track', async () => (await hvt(page)).focusedRow === 3);
      await page.keyboard.press('ArrowDown');
      await waitFor('dst/vm1', async () => (await hvt(page)).focusedRow === 4);
      // dst/vm1's markers: the KVM_CREATE_VCPUs (lines 24, 25); Right moves to the second.
      await waitFor('its first marker', async () => (await hvt(page)).focusedLine === 24);
      await page.keyboard.press('ArrowRight');
      await waitFor('the next marker', async () => (await hvt(page)).focusedLine === 25);
      await page.keyboard.press('Enter');
      await waitFor('reveal 25', async () => (await posted(page, 'reveal')).some((m) => m.line === 25));
    },
  ],

  [
    'the editor cursor message moves the timeline cursor (and the view, to show it)',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 30 }));
      await waitFor('the cursor at line 30', async () => (await hvt(page)).cursorNs === '20600100000');
      await expectViewMs(page, F0, F1);
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 19 }));
      await waitFor('the cursor at line 19', async () => (await hvt(page)).cursorNs === '12000000000');
      // 12 s was out of view: the view moves to centre it (2000 ms from the start), keeping its span.
      await expectViewMs(page, 2000 - FSPAN / 2, 2000 + FSPAN / 2);
    },
  ],

  [
    '"Show timeline" on a line (focusLine): zoomed to its statement; on a directive, the frame; before the overview, applied when it comes',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      // Line 30, vcpu0's resume point at 20.6001 s: its nearest neighbour is 50 µs away (20.60015 s):
      // a view 5 × 50 µs wide, [20.599975, 20.600225] s, the cursor on it.
      await page.evaluate(() => window.__harness.send({ type: 'focusLine', line: 30 }));
      await expectView(page, '20599975000', '20600225000');
      const s = await hvt(page);
      assert.deepEqual([s.cursorNs, s.selectedLine], ['20600100000', 30]);
      // Now the three statements are spread out: 28 a tenth of the way in, 30 at the middle, 32 at 175 / 250.
      const lanes = await page.locator('#lanes').boundingBox();
      await waitFor('the markers of the zoomed window', async () =>
        (await hvt(page)).hits.some((h) => h.kind === 'marker' && h.line === 32),
      );
      const m32 = hitOf(await hvt(page), 'marker', 32);
      assert.ok(Math.abs(m32.clientX - (lanes.x + 0.7 * lanes.width)) < 0.01, `${m32.clientX}`);
      // Line 13 is the `@vm` directive: the frame of the handoff and findings.
      await page.evaluate(() => window.__harness.send({ type: 'focusLine', line: 13 }));
      await expectView(page, ...FRAME);
      // A focusLine that arrives before the document's overview is applied when the overview comes.
      await page.reload();
      await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
      await page.evaluate(() => sessionStorage.clear());
      await page.evaluate(() => window.__harness.send({ type: 'focusLine', line: 19 }));
      await page.evaluate((data) => window.__harness.load(data), env.fixtures.restoreBackward);
      // arm64-restore-backward line 19 … its own frame; here only: the view is centred on line 19's time.
      await waitFor('the pending focus applied', async () => (await hvt(page)).selectedLine === 19);
      const r = await hvt(page);
      const t = Number(BigInt(r.cursorNs) - 10_000_000_000n) / 1e6;
      assert.ok(Math.abs((r.view.fromMs + r.view.toMs) / 2 - t) < 1e-6, JSON.stringify(r.view));
    },
  ],

  [
    'A/B markers show the exact Δt between them, flagged on the axis',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 21 }));
      await waitFor('the cursor at the pause', async () => (await hvt(page)).cursorNs === '20000000000');
      await focusLanes(page);
      await page.keyboard.press('[');
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 30 }));
      await waitFor('the cursor at the resume point', async () => (await hvt(page)).cursorNs === '20600100000');
      await page.click('#set-b');
      await waitFor('Δt', async () => (await page.locator('#delta').textContent()).includes('Δt'));
      assert.equal(
        await page.locator('#delta').textContent(),
        'cursor 20.600100000 s · A 20.000000000 s · B 20.600100000 s · Δt = +600.1 ms (600100000 ns)',
      );
      // The A flag on the axis (a 12 px box 19 px from its top): its colour 3 px right of A's x, at its top.
      const lanes = await page.locator('#lanes').boundingBox();
      const axis = await page.locator('#axis').boundingBox();
      const xA = lanes.x + ((10000 - F0) / FSPAN) * lanes.width;
      assert.equal(await pixel(page, xA + 3, axis.y + 21, 'axis'), (await hvt(page)).palette.colours.ab);
      await page.keyboard.press('Escape');
      await waitFor('A/B cleared', async () => !(await page.locator('#delta').textContent()).includes('Δt'));
    },
  ],

  [
    'time axis: 1-2-5 steps whose labels never overlap or leave the axis; µs labels are offsets from t₀, shown once',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const check = async (what) => {
        const { axis } = await hvt(page);
        const lanes = await page.locator('#lanes').boundingBox();
        assert.ok(axis.labels.length >= 2, `${what}: ${axis.labels.length} labels`);
        for (const l of axis.labels)
          assert.ok(
            l.clientX >= lanes.x && l.clientX + l.width <= axis.right + 0.01,
            `${what}: ${l.label} at ${l.clientX}`,
          );
        for (let i = 1; i < axis.labels.length; i++)
          assert.ok(
            axis.labels[i - 1].clientX + axis.labels[i - 1].width < axis.labels[i].clientX,
            `${what}: ${axis.labels[i - 1].label} runs into ${axis.labels[i].label}`,
          );
        return axis;
      };
      const framed = await check('the frame');
      assert.deepEqual([framed.stepNs, framed.relative, framed.labels[0].label], ['100000000', false, '19.9 s']);
      await focusLanes(page);
      for (let i = 0; i < 13; i++) await page.keyboard.press('w');
      await waitFor(
        '13 zoom steps',
        async () => (await hvt(page)).view.toMs - (await hvt(page)).view.fromMs < FSPAN / 8000,
      );
      // 900.225 ms / 2^13 = 109.9 µs: µs steps, labels are offsets from an origin shown in the corner.
      const deep = await check('110 µs');
      assert.equal(deep.relative, true);
      // About the centre, 10300.075 ms: [20.3000200, 20.3001299] s; no whole ms inside, so t₀ is the one before.
      assert.equal(deep.originLabel, 't₀ = 20.300 s');
      assert.ok(
        deep.labels.every((l) => /^(t₀|[+-]\d+ µs)$/.test(l.label)),
        JSON.stringify(deep.labels.map((l) => l.label)),
      );
      for (let i = 0; i < 10; i++) await page.keyboard.press('w');
      // 900.225 ms / 2^23 = 107.3 ns (the narrowest view is 100 ns): ns steps.
      await waitFor('23 zoom steps', async () => (await hvt(page)).view.toMs - (await hvt(page)).view.fromMs < 0.00011);
      const ns = await check('107 ns');
      assert.ok(
        ns.labels.every((l) => /^(t₀|[+-]\d+ ns)$/.test(l.label)),
        JSON.stringify(ns.labels.map((l) => l.label)),
      );
    },
  ],

  [
    'collapse: a VM or an instance folds its tracks into one that draws their marks; kept across reloads',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await page.locator('.row-label[data-track="dst/vm1"] .twisty').click();
      await waitFor('dst/vm1 collapsed', async () => (await hvt(page)).rows.length === 5);
      let s = await hvt(page);
      assert.deepEqual(
        s.rows.map((r) => [r.id, r.collapsed]),
        [
          ['vm:vm1', false],
          ['src/vm1', false],
          ['src/vm1/vcpu0', false],
          ['src/vm1/vcpu1', false],
          ['dst/vm1', true],
        ],
      );
      assert.equal(await page.locator('.row-label[data-track="dst/vm1"]').getAttribute('aria-expanded'), 'false');
      // The vCPUs' resume points (lines 30, 32) and findings are drawn on the collapsed dst/vm1 track.
      assert.deepEqual(
        s.hits.filter((h) => h.line === 32).map((h) => [h.kind, h.row, h.track]),
        [
          ['marker', 'dst/vm1/vcpu1', 'dst/vm1'],
          ['finding', 'dst/vm1/vcpu1', 'dst/vm1'],
        ],
      );
      // Keyboard: Left collapses the VM group, Right expands it (tree semantics).
      await page.locator('.row-label[data-track="vm:vm1"]').focus();
      await page.keyboard.press('ArrowLeft');
      await waitFor('vm1 collapsed', async () => (await hvt(page)).rows.length === 1);
      s = await hvt(page);
      assert.equal(
        s.hits.filter((h) => h.kind === 'marker').every((h) => h.track === 'vm:vm1'),
        true,
      );
      assert.deepEqual(s.collapsed, ['dst/vm1', 'vm:vm1']);
      await page.reload();
      await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
      await page.evaluate((data) => window.__harness.load(data), env.fixtures.migration);
      await waitFor('the collapsed tracks restored', async () => (await hvt(page)).rows.length === 1);
      assert.deepEqual((await posted(page, 'ready'))[0].state.collapsed, ['dst/vm1', 'vm:vm1']);
      await page.locator('.row-label[data-track="vm:vm1"]').focus();
      await page.keyboard.press('ArrowRight');
      await waitFor('vm1 expanded, dst/vm1 still collapsed', async () => (await hvt(page)).rows.length === 5);
    },
  ],

  [
    'sticky: the time axis and the group names stay in view while the tracks scroll',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration', { viewport: { width: 900, height: 260 } });
      const scroll = page.locator('#scroll');
      const before = await page.locator('#axis').boundingBox();
      await scroll.evaluate((el) => {
        el.scrollTop = 90;
      });
      await waitFor('scrolled', async () => (await scroll.evaluate((el) => el.scrollTop)) === 90);
      const axis = await page.locator('#axis').boundingBox();
      assert.equal(axis.y, before.y, 'the axis stays at the top');
      const vm = await page.locator('.row-label[data-track="vm:vm1"]').boundingBox();
      assert.equal(vm.y, axis.y + axis.height, 'the VM name sticks under the axis');
      // dst/vm1's name sticks under the VM name while its vCPUs scroll under it.
      await scroll.evaluate((el) => {
        el.scrollTop = 120;
      });
      await waitFor('scrolled more', async () => (await scroll.evaluate((el) => el.scrollTop)) === 120);
      const dst = await page.locator('.row-label[data-track="dst/vm1"]').boundingBox();
      assert.equal(dst.y, axis.y + axis.height + 22);
    },
  ],

  [
    'theme: switching the body class and variables changes the colours drawn',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const m30 = hitOf(await hvt(page), 'marker', 30); // an ioctl: a bar
      assert.equal(await pixel(page, m30.clientX, m30.clientY), '#40c8e8');
      assert.equal((await hvt(page)).palette.colours['phase:running'], '#58c25a');
      await page.evaluate(() => window.__harness.setTheme('light'));
      await waitFor('the light palette', async () => (await hvt(page)).palette.colours['phase:running'] === '#2b8a3e');
      await waitFor(
        'the marker redrawn in the light theme',
        async () => (await pixel(page, m30.clientX, m30.clientY)) === '#0b7a99',
      );
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
      await page.evaluate(() => window.__harness.setTheme('high-contrast'));
      await waitFor('the high-contrast palette', async () => (await hvt(page)).palette.grid === '#6fc3df');
      assert.equal((await hvt(page)).palette.colours['severity:error'], '#f48771');
    },
  ],

  [
    'legend: one entry per category with its shape drawn in its colour, as on the tracks',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      const entries = await page
        .locator('#legend .legend-item')
        .evaluateAll((els) => els.map((e) => [e.dataset.category, e.textContent]));
      assert.deepEqual(
        entries.map((e) => e[1]),
        [
          'setup',
          'running',
          'paused',
          'ioctl',
          'guest',
          'kvm',
          'sched',
          'vmm',
          'error',
          'warning',
          'info',
          'hint',
          'handoff',
          'A/B',
          'cursor',
          'sched wait',
        ],
      );
      // Filled shapes show their colour at the swatch's centre (9, 7); the ring (info) on its edge (9, 2.75).
      const { palette } = await hvt(page);
      for (const [category, x, y] of [
        ['actor:guest', 9, 7],
        ['actor:kvm', 9, 7],
        ['severity:error', 9, 6],
        ['severity:warning', 9, 8],
        ['severity:info', 9, 2.75],
        ['phase:running', 9, 7],
      ]) {
        const colour = await page.evaluate(
          ([c, px, py]) => {
            const canvas = document.querySelector(`#legend [data-category="${c}"] canvas`);
            const d = canvas.getContext('2d').getImageData(Math.floor(px), Math.floor(py), 1, 1).data;
            return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
          },
          [category, x, y],
        );
        assert.ok(
          near(colour, palette.colours[category], 40),
          `${category}: ${colour} vs ${palette.colours[category]}`,
        );
      }
    },
  ],

  [
    'XSS: a note with <img onerror> shows as text in the tooltip and never runs',
    async (ctx, env) => {
      const page = await open(ctx, env, 'xss');
      const note = hitOf(await hvt(page), 'marker', 6);
      await page.mouse.move(note.clientX, note.clientY);
      await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(
        await page.locator('#tooltip code').textContent(),
        '2.000000000 h/vm1 vmm note <img src=x onerror=window.__pwned=1>',
      );
      assert.equal(await page.locator('img').count(), 0);
      await page.click('#export-svg');
      const svg = await waitFor('the SVG export', async () =>
        (await posted(page, 'export')).find((m) => m.format === 'svg'),
      );
      assert.ok(svg.data.includes('&lt;img src=x onerror=window.__pwned=1&gt;'), 'the SVG escapes the note');
      assert.ok(!svg.data.includes('<img'), 'no <img> element in the SVG');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
    },
  ],

  [
    'CSP: the page has no violations, and the policy really blocks inline script and style (control)',
    async (ctx, env) => {
      const page = await open(ctx, env, 'stolen');
      await focusLanes(page);
      await page.keyboard.press('w');
      await page.click('#export-png');
      await waitFor('the PNG export', async () => (await posted(page, 'export')).some((m) => m.format === 'png'));
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.ok(
        !csp.includes('unsafe-inline') &&
          !csp.includes('unsafe-eval') &&
          /script-src 'nonce-[A-Za-z0-9+/=]+'/.test(csp),
        csp,
      );
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = 1';
        document.body.append(s);
        const st = document.createElement('style');
        st.textContent = 'body { color: red }';
        document.head.append(st);
      });
      await waitFor(
        'the control violations',
        async () => (await page.evaluate(() => window.__cspViolations.length)) >= 2,
      );
      assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
    },
  ],

  [
    'exports: the SVG and the PNG are the same picture of the view — header, legend, axis, track names, tracks, charts, A/B — at a chosen width, without focus rings',
    async (ctx, env) => {
      const page = await open(ctx, env, 'stolen');
      // A and B at the pause (line 37) and at vcpu0's resume point (line 48); a selected marker; the
      // keyboard focus on a track name: the screen shows focus and selection rings, the exports must not.
      await setMarkers(page, 37, 48);
      await page.locator('.row-label[data-track="src/vm1"]').focus();
      await page.selectOption('#export-width', '1280');
      await page.click('#export-svg');
      await page.click('#export-png');
      const result = await waitFor('both exports', async () => {
        const e = await posted(page, 'export');
        return e.length === 2 && e;
      });
      const facts = await page.evaluate(
        async ([svgText, pngUrl, parts]) => {
          const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
          const svg = doc.documentElement;
          const pixels = async (src) => {
            const img = new Image();
            img.src = src;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.naturalWidth;
            c.height = img.naturalHeight;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const at = (x, y) => {
              const d = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
              return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
            };
            return { at, size: [img.naturalWidth, img.naturalHeight] };
          };
          const png = await pixels(pngUrl);
          // The SVG rendered by the browser, to compare with the PNG point by point.
          const rendered = await pixels(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`);
          const num = (el, k) => Number(el.getAttribute(`data-${k}`));
          // Where each shape has colour: the centre, but a flag's pennant is above it and a ring is hollow.
          const dy = (cls) => (cls.includes('actor-vmm') ? -2 : cls.includes('severity-info') ? -3.75 : 0);
          const marks = [...doc.querySelectorAll('g.marker, g.finding')].map((el) => ({
            what: el.getAttribute('class'),
            line: num(el, 'line'),
            x: num(el, 'x'),
            y: num(el, 'y') + dy(el.getAttribute('class')),
          }));
          const lines = [...doc.querySelectorAll('#tracks g.ab-marker, #tracks g.cursor')].map((el) => num(el, 'x'));
          const samples = marks.map((m, i) => ({
            ...m,
            png: png.at(m.x, m.y),
            svg: rendered.at(m.x, m.y),
            // Another mark drawn later within 6 px, or the A/B or cursor line, covers this one: its colour is not this one's.
            covered:
              marks.some((o, j) => j > i && Math.abs(o.x - m.x) < 6 && Math.abs(o.y - m.y) < 6) ||
              lines.some((x) => Math.abs(x - m.x) < 2),
          }));
          const flagA = doc.querySelector('g.flag-a');
          const axisTop = Number(doc.querySelector('#axis').getAttribute('data-top'));
          samples.push({
            what: 'flag A',
            png: png.at(num(flagA, 'x') + 3, axisTop + 21),
            svg: rendered.at(num(flagA, 'x') + 3, axisTop + 21),
            covered: false,
          });
          const guest = doc.querySelector('g.legend-entry[data-category="actor:guest"] circle');
          const [gx, gy] = [Number(guest.getAttribute('cx')), Number(guest.getAttribute('cy'))];
          samples.push({ what: 'legend guest', png: png.at(gx, gy), svg: rendered.at(gx, gy), covered: false });
          const pngSize = png.size;
          const renderedSize = rendered.size;
          return {
            parseErrors: doc.getElementsByTagName('parsererror').length,
            root: svg.localName,
            svgSize: [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))],
            pngSize,
            renderedSize,
            ids: parts.filter((id) => doc.getElementById(id)),
            abLines: doc.querySelectorAll('g.ab-marker').length,
            abFlags: doc.querySelectorAll('g.ab-flag').length,
            cursor: doc.querySelectorAll('g.cursor').length,
            labels: [...doc.querySelectorAll('#track-labels text')].map((t) => t.textContent),
            legend: doc.querySelectorAll('g.legend-entry').length,
            chartLegend: [...doc.querySelectorAll('#stolen-chart .legend-item text')].map((t) => t.textContent),
            valueLabels: [...doc.querySelectorAll('#stolen-chart .value-axis text')].map((t) => t.textContent),
            strokes: [...doc.querySelectorAll('[stroke]')].map((e) => e.getAttribute('stroke')),
            samples,
            header: doc.querySelector('#header').textContent,
          };
        },
        [result.find((m) => m.format === 'svg').data, result.find((m) => m.format === 'png').data, EXPORT_PARTS],
      );
      const { palette } = await hvt(page);
      assert.equal(facts.parseErrors, 0);
      assert.equal(facts.root, 'svg');
      // The chosen width; the same size in both (device pixel ratio 1 here).
      assert.equal(facts.svgSize[0], 1280);
      assert.deepEqual(facts.pngSize, facts.svgSize);
      assert.deepEqual(facts.renderedSize, facts.svgSize);
      // Every part of the view is in the SVG, each a group with its id.
      assert.deepEqual(facts.ids, EXPORT_PARTS);
      assert.deepEqual([facts.abLines >= 2, facts.abFlags, facts.cursor >= 1], [true, 2, true]);
      assert.deepEqual(facts.labels, ['▾ vm1', '▾ on src', 'vcpu0', 'vcpu1', '▾ on dst', 'vcpu0', 'vcpu1']);
      assert.equal(facts.legend, 16);
      assert.deepEqual(facts.chartLegend, [
        'vm1/vcpu0 stolen',
        'vm1/vcpu0 waited',
        'vm1/vcpu1 stolen',
        'vm1/vcpu1 waited',
        'sched wait',
      ]);
      assert.ok(
        facts.valueLabels.includes('0') && facts.valueLabels.some((l) => / ms$/.test(l)),
        JSON.stringify(facts.valueLabels),
      );
      assert.match(
        facts.header,
        /^arm64-pvtime-migration-correct\.hvtrace.*A 20\.000000000 s · B 20\.202100000 s · Δt = \+202\.1 ms/,
      );
      // No focus or selection ring: nothing is stroked in the focus colour.
      assert.ok(!facts.strokes.includes(palette.focus), `a ${palette.focus} outline in the SVG`);
      // The PNG has each mark the SVG places, in its colour, where the SVG puts it.
      const expected = (s) =>
        s.what.startsWith('marker')
          ? palette.colours[`actor:${s.what.split(' ')[1].replace('actor-', '')}`]
          : s.what.startsWith('finding')
            ? palette.colours[`severity:${s.what.split(' ')[1].replace('severity-', '')}`]
            : s.what === 'flag A'
              ? palette.colours.ab
              : palette.colours['actor:guest'];
      // Nine marks of the view are on top of their place (the rest share it with another mark or the A/B line).
      assert.ok(facts.samples.filter((s) => !s.covered).length >= 8, JSON.stringify(facts.samples));
      for (const s of facts.samples) {
        const what = `${s.what}${s.line !== undefined ? ` line ${s.line}` : ''}`;
        assert.ok(near(s.png, s.svg), `${what}: the PNG has ${s.png} where the SVG has ${s.svg}`);
        if (!s.covered) assert.ok(near(s.png, expected(s)), `${what}: the PNG has ${s.png}, expected ${expected(s)}`);
      }
    },
  ],

  [
    'exports: the SVG is well-formed XML whatever the trace strings hold (control characters, ]]>, <, &, lone surrogates)',
    async (ctx, env) => {
      // Issue #15 item 4 as the engine gives it: `vmm note bad\x01char ]]> <b> & "q" \x1b[2J`.
      const page = await open(ctx, env, 'controlChar');
      await page.click('#export-svg');
      const first = await waitFor('the SVG export', async () =>
        (await posted(page, 'export')).find((m) => m.format === 'svg'),
      );
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          titles: [...doc.querySelectorAll('g.marker > title')].map((t) => t.textContent),
        };
      }, first.data);
      assert.equal(parsed.errors, 0);
      assert.ok(
        parsed.titles.includes('line 6: 2.000000000 h/vm1 vmm note bad\\x01char ]]> <b> & "q" \\x1B[2J'),
        JSON.stringify(parsed.titles),
      );
      // Every string of the overview and the window (names, labels, ids, texts, messages, series) with
      // a payload appended — the same payload everywhere, so the references between them still hold.
      const outcome = await page.evaluate(async (data) => {
        // …\udfff\ud800: a low surrogate then a high one, two lone surrogates.
        const P = `\u0001]]><b>&amp;&"'\u0000\u001b[2J\udfff\ud800\ufffe\u0085\u2028`;
        const keep = new Set([
          'kind',
          'phase',
          'actor',
          'actors',
          'severity',
          'origin',
          'counterName',
          'arch',
          'policy',
          'type',
        ]);
        const numeric = /^-?\d+$/;
        const inject = (v, key) => {
          if (typeof v === 'string') return keep.has(key) || numeric.test(v) ? v : v + P;
          if (Array.isArray(v)) return v.map((x) => inject(x, key));
          if (v && typeof v === 'object') {
            return Object.fromEntries(
              Object.entries(v).map(([k, x]) => [key === 'clockError' || key === 'stolen' ? k + P : k, inject(x, k)]),
            );
          }
          return v;
        };
        const hostile = { overview: inject(data.overview, ''), window: inject(data.window, '') };
        window.__messages.length = 0;
        window.__harness.load(hostile);
        const ready = () => {
          const st = window.__hvtimer();
          return st.uri === hostile.overview.uri && !st.framePending && st.hits.some((h) => h.kind === 'marker');
        };
        for (let i = 0; i < 250 && !ready(); i++) await new Promise((r) => setTimeout(r, 20));
        document.getElementById('set-a').click();
        document.getElementById('export-svg').click();
        document.getElementById('export-png').click();
        const svg = window.__messages.find((m) => m.type === 'export' && m.format === 'svg').data;
        const png = window.__messages.find((m) => m.type === 'export' && m.format === 'png').data;
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        return {
          markers: window.__hvtimer().hits.filter((h) => h.kind === 'marker').length,
          errors: doc.getElementsByTagName('parsererror').length,
          // Characters XML 1.0 `Char` excludes: C0 controls but tab and line breaks, U+FFFE, U+FFFF.
          raw: [...svg].filter((ch) => {
            const c = ch.codePointAt(0);
            return (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffe || c === 0xffff;
          }).length,
          lone: /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(svg),
          escaped: svg.includes('\\x01]]&gt;&lt;b&gt;&amp;amp;&amp;') && svg.includes('\\uDFFF\\uD800'),
          labels: [...doc.querySelectorAll('#track-labels title')].map((t) => t.textContent),
          png: png.startsWith('data:image/png;base64,'),
          title: document.getElementById('title').textContent,
        };
      }, env.fixtures.controlChar);
      assert.ok(outcome.markers > 0, 'the hostile data is drawn');
      assert.equal(outcome.errors, 0, 'DOMParser (image/svg+xml) reports no error');
      assert.equal(outcome.raw, 0, 'no character XML 1.0 forbids');
      assert.equal(outcome.lone, false, 'no lone surrogate');
      assert.equal(outcome.escaped, true, 'the payload is there, escaped');
      assert.ok(
        outcome.labels.every((l) => l.includes('\\x01]]><b>&amp;&"\'\\x00\\x1B[2J\\uDFFF\\uD800\\uFFFE\\x85\\u2028')),
        JSON.stringify(outcome.labels),
      );
      assert.equal(outcome.png, true);
      assert.equal(
        outcome.title,
        'control-char.hvtrace\\x01]]><b>&amp;&"\'\\x00\\x1B[2J\\uDFFF\\uD800\\uFFFE\\x85\\u2028',
      );
    },
  ],

  [
    'stolen time: the cumulative stolen time and waits per vCPU (ns), with the sched wait bars',
    async (ctx, env) => {
      const page = await open(ctx, env, 'stolen');
      await focusLanes(page);
      await page.keyboard.press('0');
      await expectView(page, '9794000000', '20506000000');
      // The window of the whole trace: stolen time 0, 3 ms (12.003 s), 4.5 ms (15.0015 s), 6.5 ms (after the migration).
      await waitFor(
        'the data of the whole trace',
        async () =>
          JSON.stringify([...new Set((await hvt(page)).charts.stolen[0]?.ys ?? [])]) ===
          JSON.stringify([0, 3e6, 4.5e6, 6.5e6]),
      );
      const s = await hvt(page);
      assert.deepEqual(
        s.charts.stolen.map((c) => c.id),
        ['vm1/vcpu0', 'vm1/vcpu0:waited', 'vm1/vcpu1', 'vm1/vcpu1:waited'],
      );
      // The four `sched wait`s (lines 28, 31, 34, 46), each in its vCPU's lane.
      assert.deepEqual(
        s.charts.waits.map((w) => [w.series, w.lane, w.fromMs, w.toMs]),
        [
          ['vm1/vcpu0', 0, 2000, 2003],
          ['vm1/vcpu1', 1, 3000, 3001],
          ['vm1/vcpu0', 0, 5000, 5001.5],
          ['vm1/vcpu0', 0, 10200, 10202],
        ],
      );
      assert.equal(s.charts.stolen[1].ys.at(-1), 6.5e6);
      assert.deepEqual(
        s.rows.map((r) => r.label),
        ['vm1', 'on src', 'vcpu0', 'vcpu1', 'on dst', 'vcpu0', 'vcpu1'],
      );
      assert.equal(await page.locator('#stolen-chart').isVisible(), true);
    },
  ],

  [
    "timer tracks: a track per armed timer under its vCPU, which then collapses and shows the timer's deliveries",
    async (ctx, env) => {
      // x86-firecracker-deadline-before-tsc-late-timer: one vCPU, its LAPIC timer armed three times.
      const page = await open(ctx, env, 'timerLate');
      assert.deepEqual(await page.locator('.row-label .name').allTextContents(), [
        'fc',
        'on h',
        'vcpu0',
        'lapic timer',
      ]);
      let s = await hvt(page);
      // Heights 22 (VM), 28 (instance), 24 (vCPU), 30 (timer).
      assert.deepEqual(
        s.rows.map((r) => [r.id, r.kind, r.top, r.height]),
        [
          ['vm:fc', 'vm', 0, 22],
          ['h/fc', 'instance', 22, 28],
          ['h/fc/vcpu0', 'vcpu', 50, 24],
          ['h/fc/vcpu0/lapic', 'timer', 74, 30],
        ],
      );
      assert.equal(
        await page.locator('.row-label[data-track="h/fc/vcpu0/lapic"]').getAttribute('title'),
        'lapic timer of vcpu0 of fc on h (h/fc/vcpu0/lapic): 3 armed, 2 deliveries (1 late, 0 early), 0 lost',
      );
      assert.equal(await page.locator('.row-label[data-track="h/fc/vcpu0"]').getAttribute('aria-expanded'), 'true');
      // The legend has the timer and guest-mode entries (this trace has both): 16 + 8 + 2.
      assert.equal(s.legend.length, 26);
      assert.ok(s.legend.includes('timer:late') && s.legend.includes('run:exit'));
      await page.locator('.row-label[data-track="h/fc/vcpu0"]').focus();
      await page.keyboard.press('ArrowLeft');
      await waitFor('vcpu0 collapsed', async () => (await hvt(page)).collapsed.includes('h/fc/vcpu0'));
      s = await hvt(page);
      assert.deepEqual(
        s.rows.map((r) => [r.id, r.collapsed, r.rows]),
        [
          ['vm:fc', false, []],
          ['h/fc', false, ['h/fc']],
          ['h/fc/vcpu0', true, ['h/fc/vcpu0', 'h/fc/vcpu0/lapic']],
        ],
      );
      // The late interrupt (line 51) is drawn on the collapsed vCPU.
      await waitFor('the late delivery on vcpu0', async () =>
        (await hvt(page)).hits.some((h) => h.kind === 'delivery' && h.line === 51 && h.track === 'h/fc/vcpu0'),
      );
    },
  ],

  [
    'a late timer interrupt: a ▶ in the late colour at its time, its numbers in the tooltip, a click selects its line',
    async (ctx, env) => {
      const page = await open(ctx, env, 'timerLate');
      // Line 51, the interrupt at 110.001 s; its neighbour line 53 is 1 µs later: the view is 10 µs around it.
      await page.evaluate(() => window.__harness.send({ type: 'focusLine', line: 51 }));
      await expectView(page, '110000995000', '110001005000');
      await waitFor('the delivery drawn', async () =>
        (await hvt(page)).hits.some((h) => h.kind === 'delivery' && h.line === 51),
      );
      const s = await hvt(page);
      const d = s.hits.find((h) => h.kind === 'delivery' && h.line === 51);
      // delta 41999811000 cycles at 2.1 GHz = 19.99991 s late (kvm wait_lapic_expire on line 52).
      assert.deepEqual(
        [d.track, d.timeNs, d.verdict, d.latenessNs, d.color],
        ['h/fc/vcpu0/lapic', '110001000000', 'late', '19999910000', s.palette.colours['timer:late']],
      );
      assert.equal(s.palette.colours['timer:late'], '#ff4060');
      // x follows time: the middle of the view; y is the timer track's band (top 74 + 30 − 12 = 92).
      const lanes = await page.locator('#lanes').boundingBox();
      assert.ok(Math.abs(d.clientX - (lanes.x + lanes.width / 2)) < 0.01, `${d.clientX}`);
      assert.equal(d.clientY - lanes.y, 92);
      // Really drawn: the triangle's colour 2 px right of its centre (the cursor line is on the centre).
      assert.equal(await pixel(page, d.clientX + 2, d.clientY), '#ff4060');
      // The deadline pin and the HVT044 link are there too: the pin on the arming's line 42, the link on its cause (line 42, the KVM_SET_MSRS).
      assert.deepEqual(
        s.hits.filter((h) => h.kind === 'deadline').map((h) => [h.line, h.moved, h.timeNs]),
        [
          [42, false, '110001000000'],
          [42, true, '110001000000'],
        ],
      );
      await page.mouse.move(d.clientX + 1, d.clientY);
      await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5_000 });
      const tip = await page.locator('#tooltip').textContent();
      for (const part of [
        'line 52 · 110.001000000 s · h/fc/vcpu0/lapic',
        'lapic timer interrupt: late',
        '19.99991 s after its deadline (tolerance 1 ms)',
        'deadline t_d 110.001000000 s, armed on line 43',
        'measured by kvm wait_lapic_expire on line 53',
      ])
        assert.ok(tip.includes(part), `${part} not in: ${tip}`);
      await page.mouse.click(d.clientX + 1, d.clientY);
      await waitFor('reveal 51', async () => (await posted(page, 'reveal')).some((m) => m.line === 51));
      assert.equal((await hvt(page)).selectedLine, 51);
    },
  ],

  [
    'the lateness chart: each judged interrupt at its lateness (1 µs early, then 19.99991 s late); a click on a point selects its line',
    async (ctx, env) => {
      const page = await open(ctx, env, 'timerLate');
      await focusLanes(page);
      await page.keyboard.press('0');
      await waitFor('both points', async () => ((await hvt(page)).charts.lateness[0]?.xs.length ?? 0) === 2);
      const s = await hvt(page);
      // x in ms from the first statement (10 s): 10.005999 s → 5.999 ms, 110.001 s → 100001 ms.
      assert.deepEqual(s.charts.lateness, [
        { id: 'fc/vcpu0/lapic', xs: [5.999, 100001], ys: [-1000, 19999910000], lines: [24, 51] },
      ]);
      assert.equal(await page.locator('#lateness-chart').isVisible(), true);
      // The late point is drawn (its ▶ in the late colour, 2 px right of its centre, off its stem) well above the early one.
      const [early, late] = s.charts.latenessPoints;
      assert.deepEqual([early.line, late.line], [24, 51]);
      assert.ok(late.clientY < early.clientY - 100, `${late.clientY} vs ${early.clientY}`);
      assert.equal(await pixel(page, late.clientX + 2, late.clientY, 'lateness-chart'), '#ff4060');
      await page.mouse.move(late.clientX, late.clientY);
      await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5_000 });
      assert.match(
        await page.locator('#tooltip').textContent(),
        /line 52 · 110\.001000000 s · fc\/vcpu0\/lapic.*late: \+19\.99991 s from its deadline/,
      );
      await page.mouse.click(late.clientX, late.clientY);
      await waitFor('reveal 51', async () => (await posted(page, 'reveal')).some((m) => m.line === 51));
    },
  ],

  [
    'guest mode on the vCPU track: out of the guest in HLT for 19.999 s, with the exit reason in the tooltip',
    async (ctx, env) => {
      const page = await open(ctx, env, 'timerLate');
      await focusLanes(page);
      await page.keyboard.press('0');
      await waitFor('the runs', async () => (await hvt(page)).hits.some((h) => h.kind === 'run' && h.line === 48));
      const run = (await hvt(page)).hits.find((h) => h.kind === 'run' && h.line === 48);
      assert.equal(run.track, 'h/fc/vcpu0');
      // The exit at 90.002 s (line 48) to the entry at 110.001001 s (line 53): 19.999001 s.
      assert.deepEqual(run.text, ['out of guest mode for 19.999001 s after a HLT exit', 'from line 49 to line 54']);
    },
  ],

  [
    'a timer storm in a zoomed-out window: one cluster of 2010 re-raised interrupts, not 2010 marks',
    async (ctx, env) => {
      // The harness answers from the engine's window of the whole trace (2013 marks: past 2000, so clustered).
      const page = await open(ctx, env, 'storm', { drawn: (s) => s.hits.some((h) => h.kind === 'timerCluster') });
      const s = await hvt(page);
      const storm = s.hits.filter(
        (h) => h.kind === 'timerCluster' && h.track === 'h/fcvm/vcpu0/vtimer' && h.count > 1000,
      );
      assert.equal(storm.length, 1);
      assert.deepEqual(
        [storm[0].line, storm[0].count, storm[0].color],
        [46, 2010, s.palette.colours['timer:unjudged']],
      );
      assert.match(
        storm[0].text[0],
        /^vtimer \(CNTV\): 2010 interrupts: 0 late, 0 early, 1 on time, 2009 re-raised \(lines 47–4066\)$/,
      );
    },
  ],

  [
    'exports: the timer track, its late interrupt, the timer legend entries and the lateness chart are in the SVG and the PNG',
    async (ctx, env) => {
      const page = await open(ctx, env, 'timerLate');
      await page.evaluate(() => window.__harness.send({ type: 'focusLine', line: 51 }));
      await expectView(page, '110000995000', '110001005000');
      await waitFor('the delivery drawn', async () =>
        (await hvt(page)).hits.some((h) => h.kind === 'delivery' && h.line === 51),
      );
      await page.click('#export-svg');
      await page.click('#export-png');
      const result = await waitFor('both exports', async () => {
        const e = await posted(page, 'export');
        return e.length === 2 && e;
      });
      const facts = await page.evaluate(
        async ([svgText, pngUrl]) => {
          const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
          const img = new Image();
          img.src = pngUrl;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const ctx = c.getContext('2d');
          ctx.drawImage(img, 0, 0);
          const at = (x, y) => {
            const d = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
            return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
          };
          const late = doc.querySelector('g.timer-delivery.verdict-late');
          const x = Number(late.getAttribute('data-x'));
          const y = Number(late.getAttribute('data-y'));
          return {
            errors: doc.getElementsByTagName('parsererror').length,
            ids: ['tracks', 'timers', 'lateness-chart'].filter((id) => doc.getElementById(id)),
            labels: [...doc.querySelectorAll('#track-labels text')].map((t) => t.textContent),
            legend: [...doc.querySelectorAll('g.legend-entry')]
              .map((e) => e.getAttribute('data-category'))
              .filter((k) => k.startsWith('timer:') || k.startsWith('run:')),
            late: { line: late.getAttribute('data-line'), track: late.getAttribute('data-track'), png: at(x + 2, y) },
            points: [...doc.querySelectorAll('#lateness-chart g.point')].map((g) => g.getAttribute('data-line')),
          };
        },
        [result.find((m) => m.format === 'svg').data, result.find((m) => m.format === 'png').data],
      );
      assert.equal(facts.errors, 0);
      assert.deepEqual(facts.ids, ['tracks', 'timers', 'lateness-chart']);
      assert.deepEqual(facts.labels, ['▾ fc', '▾ on h', '▾ vcpu0', 'lapic timer']);
      assert.deepEqual(facts.legend, [
        'timer:armed',
        'timer:deadline',
        'timer:moved',
        'timer:early',
        'timer:on-time',
        'timer:late',
        'timer:unjudged',
        'timer:lost',
        'run:guest',
        'run:exit',
      ]);
      assert.deepEqual(facts.late, { line: '51', track: 'h/fc/vcpu0/lapic', png: '#ff4060' });
      // The lateness chart of the view: the late point, and the early one just before the range (drawn off the plot, so not a point).
      assert.deepEqual(facts.points, ['51']);
    },
  ],

  [
    'after a reload the zoom, cursor and A/B markers come back (getState / setState)',
    async (ctx, env) => {
      const page = await open(ctx, env, 'migration');
      await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 21 }));
      await waitFor('the cursor', async () => (await hvt(page)).cursorNs === '20000000000');
      await focusLanes(page);
      await page.keyboard.press('[');
      await page.keyboard.press('w');
      // About the cursor (10000 ms): k = (10000 - F0) / FSPAN, half the span.
      const k = (10000 - F0) / FSPAN;
      await expectViewMs(page, 10000 - (k * FSPAN) / 2, 10000 - (k * FSPAN) / 2 + FSPAN / 2);
      const before = (await hvt(page)).view;
      await page.reload();
      await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
      await page.evaluate((data) => window.__harness.load(data), env.fixtures.migration);
      await expectView(page, before.fromNs, before.toNs);
      const s = await hvt(page);
      assert.deepEqual([s.cursorNs, s.markerA, s.framePending], ['20000000000', '20000000000', false]);
      const ready = await posted(page, 'ready');
      assert.equal(ready[0].state.view.fromNs, before.fromNs);
    },
  ],
];
