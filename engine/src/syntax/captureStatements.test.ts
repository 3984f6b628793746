// Parser tests of the capture statements (docs/format-capture-statements.md) and of `@host
// assumed=`: each written as the importer writes it from the tracepoint's TP_printk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directiveOf, errorOf, notesOf, statementOf, withoutSpans } from './testing';
import { printDirective, printStatement } from './print';

test('kvm track_tsc: the fields of "vcpu_id %u masterclock %u offsetmatched %u nr_online %u hostclock %s"', () => {
  const s = statementOf(
    '2323301.154555000 h/vm/vcpu0 kvm track_tsc masterclock=0 offsetmatched=0 nr_online=1 hostclock=tsc',
  );
  assert.deepEqual(withoutSpans(s.body), {
    type: 'track_tsc',
    offsetmatched: { value: 0 },
    nrOnline: { value: 1 },
    masterclock: { value: false },
    hostclock: { value: 'tsc' },
  });
  assert.deepEqual(notesOf(s.notes), []);
  assert.equal(
    printStatement(s),
    '2323301.154555000 h/vm/vcpu0 kvm track_tsc masterclock=0 offsetmatched=0 nr_online=1 hostclock=tsc',
  );
});

test('kvm update_master_clock is a VM statement: "masterclock %d hostclock %s offsetmatched %u"', () => {
  const s = statementOf('2323301.154569 h/vm kvm update_master_clock masterclock=1 hostclock=tsc offsetmatched=1');
  assert.deepEqual(withoutSpans(s.body), {
    type: 'update_master_clock',
    masterclock: { value: true },
    offsetmatched: { value: true },
    hostclock: { value: 'tsc' },
  });
  assert.equal(
    errorOf('1 h/vm/vcpu0 kvm update_master_clock masterclock=1 offsetmatched=1').message,
    'update_master_clock: expected a VM location like src/vm1, found `h/vm/vcpu0`',
  );
});

test('kvm pvclock_update: hex u64s, a 32-bit multiplier, a signed shift, flags', () => {
  // From "vcpu_id %u, pvclock { version %u, tsc_timestamp 0x%llx, system_time 0x%llx, tsc_to_system_mul 0x%x, tsc_shift %d, flags 0x%x }"
  const line =
    '1.0 h/vm/vcpu1 kvm pvclock_update version=4 tsc_timestamp=0x2f1b6bd8e4 system_time=0x1bf08eb000 tsc_to_system_mul=0xa6aaaaab tsc_shift=-1 flags=0x1';
  const s = statementOf(line);
  assert.deepEqual(withoutSpans(s.body), {
    type: 'pvclock_update',
    version: { value: 4n },
    tscTimestamp: { value: 0x2f1b6bd8e4n },
    systemTime: { value: 0x1bf08eb000n },
    tscToSystemMul: { value: 0xa6aaaaabn },
    tscShift: { value: -1 },
    flags: { value: 1n },
  });
  assert.equal(
    printStatement(s),
    '1.000000000 h/vm/vcpu1 kvm pvclock_update version=4 tsc_timestamp=0x2f1b6bd8e4 system_time=0x1bf08eb000 tsc_to_system_mul=0xa6aaaaab tsc_shift=-1 flags=0x1',
  );
  assert.equal(
    errorOf('1 h/vm/vcpu1 kvm pvclock_update tsc_timestamp=1 system_time=2 tsc_to_system_mul=3').message,
    'pvclock_update needs `tsc_shift=`: expected the shift like `tsc_shift=-1`',
  );
  assert.equal(
    errorOf('1 h/vm/vcpu1 kvm pvclock_update tsc_timestamp=1 system_time=2 tsc_to_system_mul=3 tsc_shift=x').message,
    'expected a shift like -1 or 2, found `x`',
  );
});

test('@host assumed=freq,counter parses, prints, and notes each assumption (HVT095)', () => {
  const d = directiveOf('@host h arch=x86_64 freq=1GHz assumed=freq,counter');
  assert.deepEqual(d.directive.type === 'host' ? d.directive.assumed?.value : undefined, ['freq', 'counter']);
  assert.deepEqual(notesOf(d.notes), ['HVT095@38-50', 'HVT095@38-50']);
  assert.equal(printDirective(d.directive), '@host h arch=x86_64 freq=1000000000 assumed=freq,counter');
  assert.equal(
    errorOf('@host h arch=x86_64 freq=1GHz assumed=freq,freq').message,
    'expected `freq`, `counter` or `freq,counter`, found `freq,freq`',
  );
});
