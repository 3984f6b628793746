import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

test('an @host with assumed=freq is reported once per assumption, on the assumed= argument', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=x86_64 freq=1GHz assumed=freq,counter',
    '10.000000000 h/vm/vcpu0 kvm write_tsc_offset prev=0 next=-1000',
  ]);
  assert.deepEqual(codesAt(d), ['HVT095@2', 'HVT095@2']);
  // The value `freq,counter` (12 chars) starts at column 38 (0-based): `@host h arch=x86_64 freq=1GHz ` is 30 chars, `assumed=` 8.
  assert.deepEqual(
    d.map((x) => [x.range.start.character, x.range.end.character, x.severity]),
    [
      [38, 50, 'info'],
      [38, 50, 'info'],
    ],
  );
  assert.match(d[0].message, /^host h: the counter frequency \(freq=\) was not in the capture and is assumed/);
  assert.match(
    d[1].message,
    /^host h: the host counter at the trace clock's zero \(counter=\) was not in the capture and is assumed/,
  );
});

test('near miss: a host whose frequency came from the capture has no assumed= and no finding', () => {
  const d = check([
    '@hvtrace 1',
    '@host h arch=x86_64 freq=2.9GHz',
    '10.000000000 h/vm/vcpu0 kvm write_tsc_offset prev=0 next=-1000',
  ]);
  assert.deepEqual(codesAt(d), []);
});

test('assumed= takes only freq and counter', () => {
  const d = check(['@hvtrace 1', '@host h arch=x86_64 freq=1GHz assumed=clock']);
  assert.deepEqual(codesAt(d), ['HVT090@2']);
  assert.equal(d[0].message, 'expected `freq`, `counter` or `freq,counter`, found `clock`');
});
