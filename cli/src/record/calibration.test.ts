// The TSC calibration from trace_marker samples, on the samples of a real capture
// (test/kvm/fixtures/restore-100ms.trace, x86-tsc trace clock, a 2.1 GHz host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { calibrate, samplesFromTrace, writeSamples } from './calibration';

const capture = readFileSync(path.resolve(__dirname, '../../../test/kvm/fixtures/restore-100ms.trace'), 'utf8').split(
  '\n',
);

test('samples pair each marker with its -end marker and keep the kernel stamp', () => {
  const s = samplesFromTrace(capture);
  assert.deepEqual(
    s.map((x) => x.seq),
    [1, 2, 3, 4, 5, 1000, 1001, 1002, 1003, 1004],
  );
  // `… 3342794792610: tracing_mark_write: hvtrace-sample seq=4 mono=1591757663621` and its end marker `mono=1591757673620`.
  assert.deepEqual(s[3], { seq: 4, before: 1591757663621n, after: 1591757673620n, stamp: 3342794792610n });
});

test('the frequency from the tightest sample of each burst, with its error bound', () => {
  const c = calibrate(samplesFromTrace(capture), 1000)!;
  // Tightest spans: seq 4 (9999 ns) and seq 1002 (1591873367125 − 1591873355178 = 11947 ns).
  // Δstamp = 3343037747866 − 3342794792610 = 242955256 cycles; Δ(2·mid) = (1591873355178 + 1591873367125)
  // − (1591757663621 + 1591757673620) = 231385062 ns; hz = round(242955256 · 2e9 / 231385062) = 2100008133.
  assert.equal(c.hz, 2100008133n);
  // ±(9999 + 11947)/2 ns over 231385062/2 ns = 94.8 ppm, over 0.1157 s.
  assert.equal(c.errorPpm.toFixed(1), '94.8');
  assert.equal(c.seconds.toFixed(4), '0.1157');
});

test('too few samples or samples in the wrong order give no calibration', () => {
  assert.equal(calibrate(samplesFromTrace(capture), 1), undefined);
  assert.equal(calibrate([], 1000), undefined);
});

test('writeSamples writes a marker and its end marker per sample, CLOCK_MONOTONIC before and after', () => {
  const written: string[] = [];
  const s = writeSamples((t) => written.push(t), 7, 2);
  assert.equal(written.length, 4);
  assert.match(written[0], /^hvtrace-sample seq=7 mono=\d+$/);
  assert.match(written[3], /^hvtrace-sample-end seq=8 mono=\d+$/);
  assert.ok(s.every((x) => x.after >= x.before));
  assert.equal(written[1], `hvtrace-sample-end seq=7 mono=${s[0].after}`);
});
