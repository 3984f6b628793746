// The line layouts of docs/reference/real-captures.md#2-line-formats-of-the-tools-that-print-these-events and Appendix A, one test per variant. Lines marked
// "genuine" are copied from the reference's quoted real captures; the others are written by hand
// from the printf formats the reference quotes (trace_print_context, trace_show_data, perf's
// builtin-script.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLayout, readLine, type Layout } from './readers';
import type { TraceEvent } from './event';

function event(text: string, layout: Layout = 'tracefs'): Omit<TraceEvent, 'file' | 'line' | 'endLine'> {
  const r = readLine(text, layout, 0, 0);
  if (r.kind !== 'event') assert.fail(`not read as an event: ${text}`);
  const { file: _f, line: _l, endLine: _e, ...rest } = r.event;
  return rest;
}

test('tracefs, pre-5.10 kernel: pid %-5d, 4-char flags (genuine)', () => {
  assert.deepEqual(
    event(
      '           a.out-20024 [001] d... 2323301.154551: kvm_write_tsc_offset: vcpu=0 prev=0 next=18439928704022336791',
    ),
    {
      source: undefined,
      comm: 'a.out',
      pid: 20024,
      cpu: 1,
      stamp: { kind: 'ns', ns: 2323301154551000n },
      name: 'kvm_write_tsc_offset',
      body: 'vcpu=0 prev=0 next=18439928704022336791',
    },
  );
});

test('tracefs, 6.x kernel: pid %-7d, 5-char flags, a 15-char truncated comm (genuine, LKML 2023-03-30)', () => {
  const e = event(' qemu-system-x86-8397    [002] .....  1404.389519: kvm_msr: msr_write c0000080 = 0xd01');
  assert.deepEqual(
    [e.comm, e.pid, e.cpu, e.stamp, e.name, e.body],
    ['qemu-system-x86', 8397, 2, { kind: 'ns', ns: 1404389519000n }, 'kvm_msr', 'msr_write c0000080 = 0xd01'],
  );
});

test('tracefs: a comm with a slash and a `-digits` tail (genuine trace_pipe, LKML 2022), and with spaces', () => {
  const e = event(
    '  vmalloc_test/0-1296    [062] b....    18.157470: 0xffffffffc044e5dc: -> in the local_bh_disable()',
  );
  assert.deepEqual([e.comm, e.pid, e.cpu], ['vmalloc_test/0', 1296, 62]);
  // "%16s-%-7d": QEMU's vCPU thread `CPU 1/KVM` (accel/kvm/kvm-accel-ops.c "CPU %d/KVM").
  const v = event('       CPU 1/KVM-4108    [001] d..1.    31.300000: kvm_entry: vcpu 1, rip 0xffffffff8108aca7');
  assert.deepEqual([v.comm, v.pid], ['CPU 1/KVM', 4108]);
  // A comm ending in -digits: the last -digits before [cpu] is the pid (greedy comm).
  const w = event(
    '   kworker/u8-12-88      [003] .....    12.000001: sched_waking: comm=a pid=1 prio=120 target_cpu=000',
  );
  assert.deepEqual([w.comm, w.pid], ['kworker/u8-12', 88]);
  assert.deepEqual([event('           <...>-4107    [000] d..1.     1.000000: kvm_entry: vcpu 0').comm], ['<...>']);
});

test('tracefs: 7-char PREEMPT_RT flags, no flags (options/irq-info off), and record-tgid', () => {
  assert.equal(event('       CPU 0/KVM-4107    [000] dNh2.1.     7.000001: kvm_entry: vcpu 0').pid, 4107);
  assert.deepEqual(event('       CPU 0/KVM-4107    [000]     7.000002: kvm_entry: vcpu 0').stamp, {
    kind: 'ns',
    ns: 7000002000n,
  });
  // "(%7d) " after the pid when record-tgid is set; "(-------) " when the tgid is unknown.
  assert.equal(event('       CPU 0/KVM-4107    (   4100) [000] d..1.     7.000003: kvm_entry: vcpu 0').pid, 4107);
  assert.equal(
    event('       CPU 0/KVM-4107    (-------) [000] d..1.     7.000004: kvm_entry: vcpu 0').name,
    'kvm_entry',
  );
});

test('trace-cmd report ≤3.2 (no flags) and ≥3.3 (flags), event names padded to column 20 (genuine, trace-cmd-report.1.txt)', () => {
  const old = event(
    '          <idle>-0     [005] 223087.004012: sched_wakeup:         trace-cmd:89992 [120] CPU:005',
    'trace-cmd',
  );
  assert.deepEqual(
    [old.comm, old.pid, old.cpu, old.name, old.body],
    ['<idle>', 0, 5, 'sched_wakeup', 'trace-cmd:89992 [120] CPU:005'],
  );
  const now = event(
    '           sleep-89142 [001] d.h6. 162573.215941: sched_waking:         comm=trace-cmd pid=89135 prio=120 target_cpu=000',
    'trace-cmd',
  );
  assert.deepEqual(
    [now.pid, now.stamp, now.body],
    [89142, { kind: 'ns', ns: 162573215941000n }, 'comm=trace-cmd pid=89135 prio=120 target_cpu=000'],
  );
});

test('trace-cmd report -t: nine fractional digits; --ts-diff: (+N) after the stamp', () => {
  assert.deepEqual(
    event('       CPU 0/KVM-4107  [000] d..1. 1404.389435123: kvm_entry:            vcpu 0', 'trace-cmd').stamp,
    { kind: 'ns', ns: 1404389435123n },
  );
  assert.equal(
    event('       CPU 0/KVM-4107  [000] d..1. 1404.389435: (+1200)  kvm_entry:            vcpu 0', 'trace-cmd').name,
    'kvm_entry',
  );
});

test('trace-cmd report -R: raw field=value bodies with hex flags', () => {
  const e = event(
    '       CPU 0/KVM-4107  [000] -0x1 1404.389435: kvm_write_tsc_offset: vcpu_id=0 previous_tsc_offset=0 next_tsc_offset=18439928704022336791',
    'trace-cmd',
  );
  assert.deepEqual(
    [e.pid, e.name, e.body],
    [4107, 'kvm_write_tsc_offset', 'vcpu_id=0 previous_tsc_offset=0 next_tsc_offset=18439928704022336791'],
  );
});

test('counter clocks (x86-tsc, trace-cmd "%12d:"): the stamp is an integer', () => {
  assert.deepEqual(
    event('       CPU 0/KVM-4107  [000] d..1.  20000000000: kvm_entry:            vcpu 0', 'trace-cmd').stamp,
    { kind: 'counter', value: 20000000000n },
  );
  assert.deepEqual(event('       CPU 0/KVM-4107    [000] d..1. 123456789012: kvm_entry: vcpu 0').stamp, {
    kind: 'counter',
    value: 123456789012n,
  });
});

test('trace-cmd report of several files: the file prefix (genuine, trace-cmd-record.1.txt)', () => {
  const e = event(
    'trace-guest.dat:           <idle>-0     [000] 1196830.835990: napi_gro_receive_entry: dev=eth1 napi_id=0x2002',
    'trace-cmd',
  );
  assert.deepEqual([e.source, e.comm, e.pid, e.name], ['trace-guest.dat', '<idle>', 0, 'napi_gro_receive_entry']);
  const h = event(
    '      trace.dat:           ping-3071450 [013] 1196830.834258: sched_process_exec:     filename=/bin/ping pid=3071450 old_pid=3071450',
    'trace-cmd',
  );
  assert.deepEqual([h.source, h.comm, h.pid], ['trace.dat', 'ping', 3071450]);
});

test('libtraceevent kvm plugin errors on arm64 are stripped from the body', () => {
  assert.equal(
    event(
      '       CPU 0/KVM-2210  [000] d..1.   100.005000: kvm_exit:             <CANT FIND FIELD exit_reason>TRAP: HSR_EC: 0x0001 (WFx), PC: 0xffff800080a1b2c4',
      'trace-cmd',
    ).body,
    'TRAP: HSR_EC: 0x0001 (WFx), PC: 0xffff800080a1b2c4',
  );
  assert.equal(
    event(
      '       CPU 0/KVM-2210  [000] d..1.   100.005000: kvm_entry:            CAN\'T FIND FIELD "vcpu_id"<CANT FIND FIELD rip>PC: 0xffff800080a1b2c8',
      'trace-cmd',
    ).body,
    'PC: 0xffff800080a1b2c8',
  );
});

test('perf script: comm with spaces, tid, sys:event (genuine, kernel bugzilla #220549); -F +pid; --ns', () => {
  const e = event(
    '      CPU 0/KVM  699876 [020] 18136.763622:                    kvm:kvm_set_irq: gsi 19 level 1 source 0',
    'perf-script',
  );
  assert.deepEqual(
    [e.comm, e.pid, e.cpu, e.stamp, e.name, e.body],
    ['CPU 0/KVM', 699876, 20, { kind: 'ns', ns: 18136763622000n }, 'kvm_set_irq', 'gsi 19 level 1 source 0'],
  );
  // "%7d/%-7d " with -F +pid: the tid is the thread.
  assert.equal(
    event(
      '      CPU 0/KVM  699870/699876  [020] 18136.763622123:  kvm:kvm_entry: vcpu 0, rip 0xfffff8489b64142c',
      'perf-script',
    ).pid,
    699876,
  );
});

test('headers, blank lines and lost-event lines', () => {
  assert.equal(readLine('# tracer: nop', 'tracefs', 0, 0).kind, 'header');
  assert.equal(readLine('cpus=28', 'trace-cmd', 0, 0).kind, 'header');
  assert.equal(readLine('      trace.dat: cpus=28', 'trace-cmd', 0, 0).kind, 'header');
  assert.equal(readLine('CPU 3 is empty', 'trace-cmd', 0, 0).kind, 'header');
  assert.equal(readLine('   ', 'tracefs', 0, 0).kind, 'blank');
  assert.deepEqual(readLine('CPU:3 [LOST 17 EVENTS]', 'tracefs', 0, 0), { kind: 'lost', cpu: 3, count: 17n });
  assert.deepEqual(readLine('CPU:2 [1024 EVENTS DROPPED]', 'trace-cmd', 0, 0), { kind: 'lost', cpu: 2, count: 1024n });
  assert.equal(readLine('hello world', 'tracefs', 0, 0).kind, 'unreadable');
});

test('the layout is detected per file', () => {
  assert.equal(
    detectLayout([
      '# tracer: nop',
      ' qemu-system-x86-8397    [002] .....  1404.389519: kvm_msr: msr_write c0000080 = 0xd01',
    ]),
    'tracefs',
  );
  assert.equal(
    detectLayout([
      'cpus=4',
      '           sleep-89142 [001] d.... 162573.215767: irq_disable:          caller=syscall_exit_to_user_mode+0x15 parent=0x0',
    ]),
    'trace-cmd',
  );
  assert.equal(
    detectLayout(['           sleep-89142 [001] d.... 162573.215767: irq_disable:          caller=x parent=0x0']),
    'trace-cmd',
  );
  assert.equal(
    detectLayout([
      '      CPU 0/KVM  699876 [020] 18136.763622:                    kvm:kvm_set_irq: gsi 19 level 1 source 0',
    ]),
    'perf-script',
  );
});
