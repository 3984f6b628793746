// The importer as a whole: refusals (not a trace, captures whose clocks cannot be merged), mixed
// garbage, wrapped lines, counter-clock stamps, the frequency and its assumption, several
// captures of one migration, and the line map the editor uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCaptures, looksLikeCapture } from './index';

const tf = (comm: string, pid: number, time: string, event: string, body: string, cpu = 0): string =>
  `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] d..1. ${time.padStart(12)}: ${event}: ${body}`;
const mark = (time: string, text: string): string => tf('qemu-system-x86', 4100, time, 'tracing_mark_write', text);

function refusal(text: string, name = 'f.txt'): string {
  const r = importCaptures([{ name, text }]);
  assert.ok(!r.ok, 'expected a refusal');
  return r.error;
}

test('a kvm_stat table, a perf kvm stat report, an strace log, a .hvtrace, prose and a binary file are refused with what they look like', () => {
  // kvm_stat (tools/kvm/kvm_stat) prints "Event  Total %Total CurAvg/s" and one row per event.
  assert.equal(
    refusal(
      [
        ' kvm statistics - summary',
        '',
        ' Event                                         Total %Total CurAvg/s',
        ' kvm_entry                                  1934123   25.1     9120',
        ' kvm_exit(HLT)                               412443    5.3     1933',
      ].join('\n'),
      'stat.txt',
    ),
    'stat.txt is not a kernel trace: it looks like a kvm_stat table; it holds counts, not events: record with `trace-cmd record -e kvm …` (docs/capturing.md). hvtimer reads the text of tracefs trace/trace_pipe, trace-cmd report and perf script',
  );
  assert.match(
    refusal(
      'Analyze events for all VMs, all VCPUs:\n\n             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n',
    ),
    /it looks like a perf kvm stat report/,
  );
  assert.match(
    refusal('[pid  4107] 10:00:01.000001 ioctl(14<anon_inode:kvm-vcpu:0>, KVM_RUN, 0) = 0\n'),
    /it looks like an strace log/,
  );
  assert.match(
    refusal('@hvtrace 1\n@host h arch=x86_64 freq=1GHz\n'),
    /it looks like a \.hvtrace file; open or check it directly/,
  );
  assert.equal(
    refusal('The guest clock jumped after the migration.\nWe looked at the logs.\n', 'notes.md'),
    'notes.md is not a kernel trace: no line has the shape of a trace event (`comm-pid [cpu] time: event: …`). hvtimer reads the text of tracefs trace/trace_pipe, trace-cmd report and perf script',
  );
  assert.match(
    refusal('\0\0\x17trace.dat'),
    /it looks like a binary file \(a trace\.dat or perf\.data\?\); convert it with `trace-cmd report` or `perf script` first/,
  );
  assert.match(refusal(''), /: it is empty\./);
});

test('mixed garbage: events among unreadable lines are converted, the rest counted', () => {
  const r = importCaptures([
    {
      name: 'mixed.txt',
      text: [
        'From: someone@example.org',
        'Here is what I see:',
        tf('CPU 0/KVM', 4107, '1.000000', 'kvm_write_tsc_offset', 'vcpu=0 prev=0 next=18446744063709551616'),
        '> quoted reply text',
        tf('CPU 0/KVM', 4107, '1.000001', 'kvm_entry', 'vcpu 0, rip 0xffffffff8108aca7'),
        '-- ',
      ].join('\n'),
    },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.value.counts, { statements: 3, notes: 0, ignored: 0, unreadable: 4 });
  assert.deepEqual(r.value.status[0], ['unreadable', 'unreadable', 'used', 'unreadable', 'used', 'unreadable']);
});

test('the counter trace clock is refused: it counts events, not time', () => {
  assert.equal(
    refusal(
      [mark('1', 'hvtrace-capture clock=counter'), tf('CPU 0/KVM', 4107, '2', 'kvm_entry', 'vcpu 0')].join('\n'),
      'c.txt',
    ),
    'c.txt was recorded with the `counter` trace clock, which counts events (or jiffies), not time: record with mono, tai or x86-tsc (docs/capturing.md)',
  );
});

test('a line wrapped by a terminal (at its width) or by a mail client (at a space) is rejoined', () => {
  const full = tf(
    'CPU 1/KVM',
    4108,
    '31.400060',
    'kvm_exit',
    'vcpu 1 reason PREEMPTION_TIMER rip 0xffffffff81000170 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
  );
  const atSpace = full.lastIndexOf(' ', 110);
  for (const [first, second] of [
    [full.slice(0, 100), full.slice(100)],
    [full.slice(0, atSpace), full.slice(atSpace + 1)],
  ]) {
    const r = importCaptures([{ name: 'w.txt', text: `${first}\n${second}\n` }]);
    assert.ok(r.ok);
    assert.ok(r.value.text.includes('31.400060000 host/vm/vcpu1 kvm exit PREEMPTION_TIMER\n'), r.value.text);
    assert.deepEqual(r.value.status[0], ['used', 'continuation', 'blank']);
    assert.equal(r.value.counts.unreadable, 0);
  }
});

test('x86-tsc stamps are the host counter: time = stamp / freq, and the @host gets counter=', () => {
  const r = importCaptures(
    [
      {
        name: 'tsc.txt',
        text: [
          '       CPU 0/KVM-4107  [000] d..1.  29000000000: kvm_entry:            vcpu 0',
          '       CPU 0/KVM-4107  [000] d..1.  29000029000: kvm_exit:             vcpu 0 reason HLT rip 0xffffffff81a3f5e6 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
        ].join('\n'),
      },
    ],
    { freq: 2_900_000_000n },
  );
  assert.ok(r.ok);
  // 29000000000 / 2.9 GHz = 10 s; 29000029000 / 2.9e9 = 10.00001 s.
  assert.deepEqual(r.value.text.split('\n').slice(3, 11), [
    "# counter= from the first event's stamp (x86-tsc: every stamp is the host TSC)",
    '@host host arch=x86_64 freq=2.9GHz counter=29000000000@10.000000000',
    '@vm vm',
    '',
    '10.000000000 host/vm/vcpu0 ioctl KVM_RUN',
    '10.000000000 host/vm/vcpu0 kvm entry',
    '10.000010000 host/vm/vcpu0 kvm exit HLT',
    '',
  ]);
});

test('without a marker, --freq or a pvclock the frequency is assumed and says so (assumed=freq)', () => {
  const r = importCaptures([
    { name: 'a.txt', text: tf('CPU 0/KVM', 2210, '1.0', 'kvm_timer_update_irq', 'VCPU: 0, IRQ 27, level 1') },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.value.text.split('\n').slice(2, 5), [
    '# freq= assumed: the capture does not record it (set it, or pass --freq)',
    '@host host arch=arm64 freq=25MHz assumed=freq',
    '@vm vm',
  ]);
  assert.equal(r.value.files[0].freqFrom, 'assumed');
});

test("the first vCPU's creation gives an x86 ns-clock capture its counter reference (next = 0 - host TSC)", () => {
  const r = importCaptures(
    [
      {
        name: 'c.txt',
        text: [
          tf('CPU 0/KVM', 4107, '5.000000', 'kvm_write_tsc_offset', 'vcpu=0 prev=0 next=18446744063709551616'),
          tf('CPU 1/KVM', 4108, '5.000001', 'kvm_write_tsc_offset', 'vcpu=1 prev=0 next=18446744063709551616'),
        ].join('\n'),
      },
    ],
    { freq: 2_000_000_000n },
  );
  assert.ok(r.ok);
  // 2^64 - 18446744063709551616 = 10000000000: the host TSC at 5 s.
  assert.match(r.value.text, /^@host host arch=x86_64 freq=2GHz counter=10000000000@5\.000000000$/m);
});

test('two captures of one migration on the tai clock merge in time order, one host per file', () => {
  const src = [
    mark('50.000000', 'hvtrace-capture clock=tai'),
    mark('50.000000', 'hvtrace: src/vm1 vmm pause'),
    mark('50.200000', 'hvtrace: src/vm1 vmm migrate to=dst'),
  ].join('\n');
  const dst = [
    mark('50.000000', 'hvtrace-capture clock=tai'),
    mark('50.100000', 'hvtrace: dst/vm1 ioctl KVM_CREATE_VCPU id=0'),
    tf('CPU 0/KVM', 9107, '50.300000', 'kvm_entry', 'vcpu 0'),
  ].join('\n');
  const r = importCaptures(
    [
      { name: 'src.txt', text: src, host: 'src' },
      { name: 'dst.txt', text: dst, host: 'dst' },
    ],
    { freq: 2_000_000_000n },
  );
  assert.ok(r.ok, r.ok ? '' : r.error);
  const body = r.value.text.split('\n');
  assert.deepEqual(body.slice(body.indexOf('') + 1), [
    '50.000000000 src/vm1 vmm pause',
    '50.100000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0',
    '50.200000000 src/vm1 vmm migrate to=dst',
    '50.300000000 dst/vm1/vcpu0 ioctl KVM_RUN',
    '50.300000000 dst/vm1/vcpu0 kvm entry',
    '',
  ]);
  // Each statement maps back to its file and line.
  assert.deepEqual(r.value.sourceOf.slice(body.indexOf('') + 1, body.indexOf('') + 4), [
    { file: 0, line: 1 },
    { file: 1, line: 1 },
    { file: 0, line: 2 },
  ]);
  assert.deepEqual(
    r.value.files.map((f) => [f.host, f.clock]),
    [
      ['src', 'tai'],
      ['dst', 'tai'],
    ],
  );
});

test('captures of two hosts on mono, or without a clock marker, are refused with the reason', () => {
  const a = [
    mark('1.000000', 'hvtrace-capture clock=mono'),
    tf('CPU 0/KVM', 1, '2.000000', 'kvm_entry', 'vcpu 0'),
  ].join('\n');
  const b = [tf('CPU 0/KVM', 1, '2.000000', 'kvm_entry', 'vcpu 0')].join('\n');
  const r = importCaptures([
    { name: 'src.txt', text: a, host: 'src' },
    { name: 'dst.txt', text: a, host: 'dst' },
  ]);
  assert.ok(!r.ok);
  assert.equal(
    r.error,
    'cannot merge src.txt (host src, clock mono) and dst.txt (host dst, clock mono): src.txt uses the mono clock, which counts from its own host\'s boot, so the captures\' times are not comparable; record every host with the tai trace clock and write "hvtrace-capture clock=tai" to trace_marker (docs/capturing.md)',
  );
  const u = importCaptures([
    { name: 'src.txt', text: b, host: 'src' },
    { name: 'dst.txt', text: b, host: 'dst' },
  ]);
  assert.ok(!u.ok);
  assert.match(
    u.error,
    /^cannot merge src\.txt \(host src, clock not recorded\) and dst\.txt \(host dst, clock not recorded\): src\.txt does not say which trace clock it used/,
  );
  // Two captures of one host on mono share its boot: they merge.
  const same = importCaptures([
    { name: 'a.txt', text: a, host: 'h' },
    { name: 'b.txt', text: a, host: 'h' },
  ]);
  assert.ok(same.ok);
  assert.equal(same.value.text.match(/^@host /gm)?.length, 1);
});

test('trace-cmd host-guest report: guest-file lines are read for their markers only', () => {
  const r = importCaptures([
    {
      name: 'hg.txt',
      text: [
        '      trace.dat: cpus=4',
        'trace-guest.dat: cpus=2',
        '      trace.dat:        CPU 0/KVM-4107  [000] 1196830.834258: kvm_entry:            vcpu 0, rip 0xffffffff8108aca7',
        'trace-guest.dat:           <idle>-0     [000] 1196830.835990: hrtimer_expire_entry: hrtimer=0xffff888007a1c0e8 now=1196830835990000 function=tick_sched_timer',
        'trace-guest.dat:         hvagent-310   [000] 1196830.836000: print:                tracing_mark_write: hvtrace: h/vm/vcpu0 guest read TSC = 123456',
      ].join('\n'),
    },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.value.status[0].slice(2, 5), ['used', 'ignored', 'used']);
  assert.match(r.value.text, /^1196830\.836000000 host\/vm\/vcpu0 guest read TSC = 123456$/m);
});

test("QEMU's ftrace backend: vm_state_notify running 0 then 1 is a pause and a resume; the next entry is a new KVM_RUN", () => {
  const r = importCaptures([
    {
      name: 'q.txt',
      text: [
        tf('CPU 0/KVM', 4107, '1.000000', 'kvm_entry', 'vcpu 0'),
        mark('2.000000', 'vm_state_notify running 0 reason 4 (paused)'),
        mark('3.000000', 'vm_state_notify running 1 reason 9 (running)'),
        tf('CPU 0/KVM', 4107, '3.000100', 'kvm_entry', 'vcpu 0'),
      ].join('\n'),
    },
  ]);
  assert.ok(r.ok);
  const body = r.value.text.split('\n');
  assert.deepEqual(body.slice(body.indexOf('') + 1, -1), [
    '1.000000000 host/vm/vcpu0 ioctl KVM_RUN',
    '1.000000000 host/vm/vcpu0 kvm entry',
    '2.000000000 host/vm vmm pause',
    '3.000000000 host/vm vmm resume',
    '3.000100000 host/vm/vcpu0 ioctl KVM_RUN',
    '3.000100000 host/vm/vcpu0 kvm entry',
  ]);
});

test('looksLikeCapture: by name, by the tracefs/trace-cmd header, by event lines; never a .hvtrace', () => {
  assert.equal(looksLikeCapture('anything', '/tmp/x.ftrace'), true);
  assert.equal(looksLikeCapture('anything', '/tmp/trace.dat.txt'), true);
  assert.equal(looksLikeCapture('# tracer: nop\n#\n'), true);
  assert.equal(looksLikeCapture('cpus=4\n'), true);
  assert.equal(
    looksLikeCapture([tf('a', 1, '1', 'kvm_entry', 'vcpu 0'), tf('a', 1, '2', 'kvm_entry', 'vcpu 0')].join('\n')),
    true,
  );
  assert.equal(looksLikeCapture('@hvtrace 1\n10.0 h/vm ioctl KVM_CREATE_VCPU id=0\n'), false);
  assert.equal(looksLikeCapture('just some text\nmore text\n'), false);
});
