// The timeline webview bundle in headless Chromium, in the harness page (serve-harness.mjs), fed
// with the engine's data for sample traces (fixtures.ts). Each test gets a fresh browser context;
// expected values are worked out from the traces (0-based lines). Waits are on conditions only.
import assert from 'node:assert/strict';
import { waitFor } from '../vscode/wait.mjs';

const hvt = (page) => page.evaluate(() => window.__hvtimer());
const posted = (page, type) => page.evaluate((t) => window.__messages.filter((m) => m.type === t), type);

/** Opens the harness, loads a fixture, waits until the markers of its window are drawn. */
async function open(ctx, { origin, fixtures }, name, { theme = 'dark' } = {}) {
  const page = ctx.page ?? (ctx.page = await ctx.context.newPage());
  await page.goto(origin);
  await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
  if (theme !== 'dark') await page.evaluate((t) => window.__harness.setTheme(t), theme);
  await page.evaluate((data) => window.__harness.load(data), fixtures[name]);
  await waitFor('the markers to be drawn', async () => (await hvt(page)).hits.some((h) => h.kind === 'marker'), { timeoutMs: 10_000, intervalMs: 20 });
  return page;
}

/** The colour drawn on the lanes canvas at a client position, as #rrggbb. */
const pixel = (page, x, y) => page.evaluate(([cx, cy]) => {
  const c = document.getElementById('lanes');
  const r = c.getBoundingClientRect();
  const d = window.devicePixelRatio || 1;
  const [red, green, blue] = c.getContext('2d').getImageData(Math.floor((cx - r.left) * d), Math.floor((cy - r.top) * d), 1, 1).data;
  return `#${[red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}, [x, y]);

const hitOf = (state, kind, line) => {
  const h = state.hits.find((x) => x.kind === kind && x.line === line);
  assert.ok(h, `no ${kind} drawn for line ${line}`);
  return h;
};

/** Focus the rows canvas (keyboard tests) without clicking a marker. */
const focusLanes = (page) => page.evaluate(() => document.getElementById('lanes').focus());

async function expectView(page, fromNs, toNs) {
  await waitFor(`the view ${fromNs}..${toNs}`, async () => {
    const v = (await hvt(page)).view;
    return v.fromNs === fromNs && v.toNs === toNs;
  }, { timeoutMs: 5_000, intervalMs: 20 }).catch(async (err) => {
    const v = (await hvt(page)).view;
    throw new Error(`${err.message}; the view is ${v.fromNs}..${v.toNs}`);
  });
}

// arm64-migration-by-value: statements from 10 s (line 15) to 21 s (line 34); fit leaves 2% of the
// 11 s on each side: [10 - 0.22, 21 + 0.22] s.
const FIT = ['9780000000', '21220000000'];

export const TESTS = [
  ['rows: one per instance and per vCPU, with their labels', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const labels = await page.locator('.row-label').allTextContents();
    assert.deepEqual(labels, ['vm1 on src', 'vcpu0', 'vcpu1', 'vm1 on dst', 'vcpu0', 'vcpu1']);
    const s = await hvt(page);
    assert.deepEqual(s.rows.map((r) => r.id), ['src/vm1', 'src/vm1/vcpu0', 'src/vm1/vcpu1', 'dst/vm1', 'dst/vm1/vcpu0', 'dst/vm1/vcpu1']);
    assert.equal(await page.locator('.row-label').first().getAttribute('aria-label'), 'instance src/vm1, 1 running interval (row 1 of 6)');
    assert.equal(await page.locator('.row-label').first().getAttribute('tabindex'), '0');
  }],

  ['markers: every statement at its time on its row, findings coloured by severity', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const s = await hvt(page);
    const markers = s.hits.filter((h) => h.kind === 'marker');
    assert.equal(markers.length, 16);
    assert.deepEqual(markers.map((m) => m.line), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 32, 33, 34]);
    const m19 = hitOf(s, 'marker', 19);
    assert.deepEqual([m19.row, m19.timeNs, m19.color], ['src/vm1/vcpu0', '12000000000', '#b180d7']); // guest: charts-purple
    const findings = s.hits.filter((h) => h.kind === 'finding').map((h) => [h.line, h.row, h.timeNs, h.severity, h.color]);
    assert.deepEqual(findings, [
      [28, 'dst/vm1/vcpu0', '20600000000', 'info', '#3794ff'],
      [30, 'dst/vm1/vcpu0', '20600100000', 'warning', '#cca700'],
      [32, 'dst/vm1/vcpu1', '20600150000', 'warning', '#cca700'],
    ]);
    // Really drawn: the triangle of line 32 in the warning colour, the bar of line 19 in the guest colour.
    const f32 = hitOf(s, 'finding', 32);
    assert.equal(await pixel(page, f32.clientX, f32.clientY - 1), '#cca700');
    assert.equal(await pixel(page, m19.clientX, m19.clientY), '#b180d7');
    // Marker x positions follow time: line 19 (12 s) sits 2/11.44 of the way from the left edge.
    const lanes = await page.locator('#lanes').boundingBox();
    assert.ok(Math.abs(m19.clientX - (lanes.x + (2220 / 11440) * lanes.width)) < 0.01, `${m19.clientX} vs ${lanes.x + (2220 / 11440) * lanes.width}`);
  }],

  ['the handoff goes from the pause on src (20 s) to the resume point on dst (20.6001 s)', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const s = await hvt(page);
    assert.equal(s.handoffs.length, 1);
    const h = s.handoffs[0];
    assert.deepEqual([h.from, h.to], ['src/vm1', 'dst/vm1']);
    const lanes = await page.locator('#lanes').boundingBox();
    const xAt = (ms) => lanes.x + ((ms + 220) / 11440) * lanes.width;
    assert.ok(Math.abs(h.clientX0 - xAt(10000)) < 0.01 && Math.abs(h.clientX1 - xAt(10600.1)) < 0.01, JSON.stringify(h));
    const rows = Object.fromEntries(s.rows.map((r) => [r.id, r]));
    assert.equal(h.y0, rows['src/vm1'].top + rows['src/vm1'].height / 2);
    assert.equal(h.y1, rows['dst/vm1'].top + rows['dst/vm1'].height / 2);
  }],

  ['the clock-error chart jumps from 0 to -599990 µs at the resume point (20.6001 s)', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const s = await hvt(page);
    const v0 = s.charts.clockError.find((c) => c.id === 'vm1/vcpu0');
    assert.deepEqual(v0.xs, [0.1, 10000, 10600.1, 11000]);
    assert.deepEqual(v0.ys, [0, 0, -599990, -599990]);
    assert.equal(await page.locator('#clock-chart canvas').count(), 1);
  }],

  ['zoom in and out (+, -, W, S, buttons) around the centre (no cursor yet), and fit', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await expectView(page, ...FIT);
    await focusLanes(page);
    await page.keyboard.press('+');
    // span 11440 ms / 2 around 5500 ms: [2640, 8360] ms.
    await expectView(page, '12640000000', '18360000000');
    // The request covers the view and half of it on each side.
    await waitFor('a window request for the zoomed range', async () => (await posted(page, 'requestWindow')).some((m) => m.fromNs === '9780000000' && m.toNs === '21220000000' && m.maxMarkers === 2000));
    await page.keyboard.press('-');
    await expectView(page, ...FIT);
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    await expectView(page, '14070000000', '16930000000');
    await page.keyboard.press('s');
    await expectView(page, '12640000000', '18360000000');
    await page.click('#zoom-in');
    await expectView(page, '14070000000', '16930000000');
    await page.click('#fit');
    await expectView(page, ...FIT);
    // The wheel zooms around the mouse: wheel up over the left edge keeps the left edge.
    const lanes = await page.locator('#lanes').boundingBox();
    await page.mouse.move(lanes.x, lanes.y + 40);
    await page.mouse.wheel(0, -200);
    await waitFor('the wheel zoom', async () => (await hvt(page)).view.toNs !== FIT[1]);
    assert.equal((await hvt(page)).view.fromNs, FIT[0]);
  }],

  ['pan: D/A by a quarter of the view, and dragging by the distance dragged', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await focusLanes(page);
    await page.keyboard.press('d');
    await expectView(page, '12640000000', '24080000000');
    await page.keyboard.press('a');
    await expectView(page, ...FIT);
    const lanes = await page.locator('#lanes').boundingBox();
    const y = lanes.y + 30;
    await page.mouse.move(lanes.x + 400, y);
    await page.mouse.down();
    await page.mouse.move(lanes.x + 300, y, { steps: 5 });
    await page.mouse.up();
    // 100 px to the left = 100 px × 11440 ms / width later.
    const expected = -220 + (100 * 11440) / lanes.width;
    await waitFor('the drag to pan', async () => Math.abs((await hvt(page)).view.fromMs - expected) < 1e-6);
    assert.equal((await posted(page, 'reveal')).length, 0, 'a drag is not a click');
  }],

  ['a click on a marker posts { type: "reveal", line } with its line', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const s = await hvt(page);
    const m19 = hitOf(s, 'marker', 19);
    await page.mouse.click(m19.clientX, m19.clientY);
    await waitFor('reveal 19', async () => (await posted(page, 'reveal')).some((m) => m.line === 19));
    const f32 = hitOf(s, 'finding', 32);
    await page.mouse.click(f32.clientX, f32.clientY);
    await waitFor('reveal 32', async () => (await posted(page, 'reveal')).at(-1)?.line === 32);
    assert.deepEqual((await posted(page, 'reveal')), [{ type: 'reveal', line: 19 }, { type: 'reveal', line: 32 }]);
    const after = await hvt(page);
    assert.deepEqual([after.selectedLine, after.cursorNs], [32, '20600150000']);
  }],

  ['keyboard: Enter on a row label, arrows between markers, Enter reveals the focused marker', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await page.locator('.row-label').nth(1).focus(); // src/vm1/vcpu0
    await page.keyboard.press('Enter');
    await waitFor('the first marker of vcpu0 focused', async () => (await hvt(page)).focusedLine === 17);
    await page.keyboard.press('ArrowRight');
    await waitFor('the next marker', async () => (await hvt(page)).focusedLine === 19);
    assert.match(await page.locator('#announce').textContent(), /^line 20, 12\.000000000 s: 12\.000000000 src\/vm1\/vcpu0 guest read CNTVCT_EL0 = 49999975$/);
    await page.keyboard.press('Enter');
    await waitFor('reveal 19', async () => (await posted(page, 'reveal')).some((m) => m.line === 19));
    await page.keyboard.press('ArrowDown');
    await waitFor('the next row', async () => (await hvt(page)).focusedRow === 2);
  }],

  ['the editor cursor message moves the timeline cursor (and the view, to show it)', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 30 }));
    await waitFor('the cursor at line 30', async () => (await hvt(page)).cursorNs === '20600100000');
    await focusLanes(page);
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    // Zoomed around the cursor (20.6001 s = 10600.1 ms, which stays where it is on screen).
    const z = (await hvt(page)).view;
    const k = (10600.1 + 220) / 11440;
    assert.ok(Math.abs(z.fromMs - (10600.1 - k * 1430)) < 1e-6 && Math.abs(z.toMs - z.fromMs - 1430) < 1e-6, JSON.stringify(z));
    await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 19 }));
    await waitFor('the cursor at line 19', async () => (await hvt(page)).cursorNs === '12000000000');
    // 12 s was out of view: the view moves to centre it, keeping its span.
    const v = (await hvt(page)).view;
    assert.ok(Math.abs(v.fromMs - (2000 - 715)) < 1e-6 && Math.abs(v.toMs - (2000 + 715)) < 1e-6, JSON.stringify(v));
  }],

  ['A/B markers show the exact Δt between them', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 21 }));
    await waitFor('the cursor at the pause', async () => (await hvt(page)).cursorNs === '20000000000');
    await focusLanes(page);
    await page.keyboard.press('[');
    await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 30 }));
    await waitFor('the cursor at the resume point', async () => (await hvt(page)).cursorNs === '20600100000');
    await page.click('#set-b');
    await waitFor('Δt', async () => (await page.locator('#delta').textContent()).includes('Δt'));
    assert.equal(await page.locator('#delta').textContent(), 'cursor 20.600100000 s · A 20.000000000 s · B 20.600100000 s · Δt = +600.1 ms (600100000 ns)');
    await page.keyboard.press('Escape');
    await waitFor('A/B cleared', async () => !(await page.locator('#delta').textContent()).includes('Δt'));
  }],

  ['theme: switching the body class and variables changes the colours drawn', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    const m15 = hitOf(await hvt(page), 'marker', 15); // an ioctl: charts-blue
    assert.equal(await pixel(page, m15.clientX, m15.clientY), '#3794ff');
    assert.equal((await hvt(page)).palette.phase.running, '#89d185');
    await page.evaluate(() => window.__harness.setTheme('light'));
    await waitFor('the light palette', async () => (await hvt(page)).palette.phase.running === '#388a34');
    await waitFor('the marker redrawn in the light theme', async () => (await pixel(page, m15.clientX, m15.clientY)) === '#1a85ff');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    await page.evaluate(() => window.__harness.setTheme('high-contrast'));
    await waitFor('the high-contrast palette', async () => (await hvt(page)).palette.grid === '#6fc3df');
    assert.equal((await hvt(page)).palette.severity.error, '#f48771');
  }],

  ['XSS: a note with <img onerror> shows as text in the tooltip and never runs', async (ctx, env) => {
    const page = await open(ctx, env, 'xss');
    const note = hitOf(await hvt(page), 'marker', 6);
    await page.mouse.move(note.clientX, note.clientY);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await page.locator('#tooltip code').textContent(), '2.000000000 h/vm1 vmm note <img src=x onerror=window.__pwned=1>');
    assert.equal(await page.locator('img').count(), 0);
    await page.click('#export-svg');
    const svg = await waitFor('the SVG export', async () => (await posted(page, 'export')).find((m) => m.format === 'svg'));
    assert.ok(svg.data.includes('&lt;img src=x onerror=window.__pwned=1&gt;'), 'the SVG escapes the note');
    assert.ok(!svg.data.includes('<img'), 'no <img> element in the SVG');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  }],

  ['CSP: the page has no violations, and the policy really blocks inline script and style (control)', async (ctx, env) => {
    const page = await open(ctx, env, 'stolen');
    await focusLanes(page);
    await page.keyboard.press('w');
    await page.click('#export-png');
    await waitFor('the PNG export', async () => (await posted(page, 'export')).some((m) => m.format === 'png'));
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && /script-src 'nonce-[A-Za-z0-9+/=]+'/.test(csp), csp);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = 1';
      document.body.append(s);
      const st = document.createElement('style');
      st.textContent = 'body { color: red }';
      document.head.append(st);
    });
    await waitFor('the control violations', async () => (await page.evaluate(() => window.__cspViolations.length)) >= 2);
    assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
  }],

  ['export posts a PNG data URL and an SVG document of the view', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await page.click('#export-png');
    await page.click('#export-svg');
    const exports = await waitFor('both exports', async () => { const e = await posted(page, 'export'); return e.length === 2 && e; });
    const png = exports.find((m) => m.format === 'png');
    assert.match(png.data, /^data:image\/png;base64,/);
    const bytes = Buffer.from(png.data.split(',')[1], 'base64');
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    const size = await page.evaluate(() => {
      const lanes = document.getElementById('lanes');
      return [lanes.width, lanes.height, Array.from(document.querySelectorAll('.chart:not([hidden]) .uplot canvas')).map((c) => c.height)];
    });
    // PNG height (bytes 20..23) = the lanes + the visible chart (this trace has no stolen time: one chart).
    assert.equal(size[2].length, 1);
    assert.equal(await page.locator('#stolen-chart').isVisible(), false);
    assert.equal(bytes.readUInt32BE(20), size[1] + size[2][0]);
    const svg = exports.find((m) => m.format === 'svg').data;
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
    for (const text of ['vm1 on src', 'vm1 on dst', 'Guest clock error (µs)', 'HVT010']) assert.ok(svg.includes(text), `SVG lacks ${text}`);
  }],

  ['stolen time: the cumulative stolen time and waits per vCPU, with the sched wait bars', async (ctx, env) => {
    const page = await open(ctx, env, 'stolen');
    const s = await hvt(page);
    assert.deepEqual(s.charts.stolen.map((c) => c.id), ['vm1/vcpu0', 'vm1/vcpu0:waited', 'vm1/vcpu1', 'vm1/vcpu1:waited']);
    const v0 = s.charts.stolen[0];
    assert.deepEqual([...new Set(v0.ys)], [0, 3, 4.5, 6.5]);
    assert.equal(s.charts.stolen[1].ys.at(-1), 6.5);
    assert.deepEqual(s.rows.map((r) => r.label), ['vm1 on src', 'vcpu0', 'vcpu1', 'vm1 on dst', 'vcpu0', 'vcpu1']);
  }],

  ['after a reload the zoom, cursor and A/B markers come back (getState / setState)', async (ctx, env) => {
    const page = await open(ctx, env, 'migration');
    await focusLanes(page);
    await page.keyboard.press('w');
    await page.evaluate(() => window.__harness.send({ type: 'cursor', line: 21 }));
    await waitFor('the cursor', async () => (await hvt(page)).cursorNs === '20000000000');
    await page.keyboard.press('[');
    await expectView(page, '17140000000', '22860000000');
    await page.reload();
    await page.waitForFunction(() => typeof window.__hvtimer === 'function' && window.__harness);
    await page.evaluate((data) => window.__harness.load(data), env.fixtures.migration);
    await expectView(page, '17140000000', '22860000000');
    const s = await hvt(page);
    assert.deepEqual([s.cursorNs, s.markerA], ['20000000000', '20000000000']);
    const ready = await posted(page, 'ready');
    assert.equal(ready[0].state.view.fromNs, '17140000000');
  }],
];
