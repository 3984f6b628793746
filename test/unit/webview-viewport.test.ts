// The timeline's visible range (webview/src/viewport.ts): zoom, pan, fit and reveal, in ms from the
// start of the trace. Pure functions, so they are tested here without a browser; the numbers are
// worked out by hand from each function's definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIT_MARGIN, MIN_SPAN_MS, fit, pan, reveal, span, zoom, type Range } from '../../webview/src/viewport';

/** Ranges compared to 1e-9 ms (doubles: 0.001 is not exact). */
function assertRange(actual: Range, expected: Range): void {
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9;
  assert.ok(
    near(actual.fromMs, expected.fromMs) && near(actual.toMs, expected.toMs),
    `${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`,
  );
}

test('the constants: 100 ns narrowest, a 2 % margin on each side of a fit', () => {
  assert.equal(MIN_SPAN_MS, 0.0001);
  assert.equal(FIT_MARGIN, 0.02);
  assert.equal(span({ fromMs: -20, toMs: 1020 }), 1040);
});

test('zoom keeps the anchor where it is on screen; the default anchor is the middle', () => {
  // span 100 / 2 = 50 around the middle 50 (k = 0.5): 50 - 25 = 25 to 75.
  assertRange(zoom({ fromMs: 0, toMs: 100 }, 2), { fromMs: 25, toMs: 75 });
  // Anchored at 20 (k = 0.2): from 20 - 0.2 × 50 = 10 to 60; 20 stays a fifth of the way in.
  assertRange(zoom({ fromMs: 0, toMs: 100 }, 2, 20), { fromMs: 10, toMs: 60 });
  // Zooming out (factor 0.5) doubles the span: 200 around 50.
  assertRange(zoom({ fromMs: 0, toMs: 100 }, 0.5), { fromMs: -50, toMs: 150 });
});

test('zoom never goes below 100 ns, and a zero-width range opens around its anchor', () => {
  // 0.0002 / 4 = 0.00005 < 0.0001: the span is 0.0001 around the middle 0.0001.
  assertRange(zoom({ fromMs: 0, toMs: 0.0002 }, 4), { fromMs: 0.00005, toMs: 0.00015 });
  // No span to place the anchor in (k = 0.5): 0.0001 around 7.
  assertRange(zoom({ fromMs: 7, toMs: 7 }, 2), { fromMs: 6.99995, toMs: 7.00005 });
});

test('pan moves by a fraction of the visible span', () => {
  assertRange(pan({ fromMs: 0, toMs: 100 }, 0.25), { fromMs: 25, toMs: 125 });
  assertRange(pan({ fromMs: 10, toMs: 30 }, -0.5), { fromMs: 0, toMs: 20 }); // 20 × -0.5 = -10
});

test('fit shows the whole trace with 2 % on each side, at least 100 ns', () => {
  // 85100 ms (10.0 s to 95.1 s): margin 85100 × 0.02 = 1702.
  assertRange(fit(85100), { fromMs: -1702, toMs: 86802 });
  // A single statement (extent 0): the margin is the 100 ns floor.
  assertRange(fit(0), { fromMs: -0.0001, toMs: 0.0001 });
});

test('reveal leaves a visible time alone and centres one outside the range', () => {
  const r = { fromMs: 0, toMs: 100 };
  assert.equal(reveal(r, 50), r);
  assert.equal(reveal(r, 100), r); // the edge counts as visible
  assertRange(reveal(r, 300), { fromMs: 250, toMs: 350 });
  assertRange(reveal(r, -40), { fromMs: -90, toMs: 10 });
});
