// Counting a capture's events while it is copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventNameOf, writeCapture } from './capture';

test('event names in tracefs lines with and without the tgid column and the flags', () => {
  assert.equal(
    eventNameOf(
      '             vmm-18856   (  18856) [001] DBZff 3342823944702: hvt_KVM_SET_MSRS: (0x7f6da3c2cd30) fd=5',
    ),
    'hvt_KVM_SET_MSRS',
  );
  assert.equal(
    eventNameOf(' qemu-system-x86-8397    [002] .....  1404.389519: kvm_msr: msr_write c0000080 = 0xd01'),
    'kvm_msr',
  );
  assert.equal(eventNameOf('        CPU 0/KVM-4101    [003] 1404.389519: kvm_entry: vcpu 0'), 'kvm_entry');
  assert.equal(eventNameOf('#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION'), undefined);
});

test('the copy is byte for byte, events are counted by name, LOST lines are summed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-capture-'));
  const src = path.join(dir, 'trace');
  const text =
    [
      '# tracer: nop',
      '             vmm-18856   (  18856) [001] d..1. 3342824000000: kvm_write_tsc_offset: vcpu=0 prev=0 next=1',
      'CPU:1 [LOST 17 EVENTS]',
      '             vmm-18856   (  18856) [001] d..1. 3342824000001: kvm_track_tsc: vcpu_id 0 masterclock 0 offsetmatched 0 nr_online 1 hostclock tsc',
      '            node-18835   (  18835) [001] ...1. 3342794591290: tracing_mark_write: hvtrace: @host vm arch=x86_64 freq=2100000000 kernel=6.18',
      '             vmm-18856   (  18856) [001] d..1. 3342824000002: kvm_write_tsc_offset: vcpu=1 prev=0 next=1',
    ].join('\n') + '\n';
  writeFileSync(src, text);
  const out = path.join(dir, 'out.trace');
  const stats = writeCapture(src, out);
  assert.equal(readFileSync(out, 'utf8'), text);
  assert.deepEqual(
    [...stats.events],
    [
      ['kvm_write_tsc_offset', 2],
      ['kvm_track_tsc', 1],
      ['tracing_mark_write', 1],
    ],
  );
  assert.equal(stats.lostInline, 17);
  assert.equal(stats.markers.length, 1);
});
