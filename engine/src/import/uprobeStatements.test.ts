// The recorder's uprobe events become ioctl statements (uprobeStatements.ts), checked on the real
// captures `hvtimer record` made of the test VMM (test/kvm/fixtures/, x86_64, kvm_pvm, 2.1 GHz,
// trace clock x86-tsc: a stamp S is the host TSC, at S / 2.1 ns rounded down). Times and values are
// worked out by hand from the quoted capture lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importCaptures } from './index';

const FIXTURES = path.resolve(__dirname, '../../../test/kvm/fixtures');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

/** The capture holds this line, byte for byte. */
function quoted(capture: string, ...lines: string[]): void {
  const all = new Set(capture.split('\n'));
  for (const l of lines) assert.ok(all.has(l), `the capture holds: ${l}`);
}

function imported(capture: string, name = 'capture.trace'): string[] {
  const r = importCaptures([{ name, text: capture }]);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value.text.split('\n');
}

const statements = (lines: string[]): string[] =>
  lines.filter((l) => /^\d+\.\d{9} \S+ (?:ioctl|guest|vmm note ioctl)\b/.test(l));

test('restore-100ms: each call where KVM acted (its kvm_write_tsc_offset / kvm_update_master_clock), else at its entry with took=', () => {
  const capture = fixture('restore-100ms.trace');
  quoted(
    capture,
    '             vmm-18856   (  18856) [001] DBZff 3342819674048: hvt_KVM_CREATE_VM: (0x7f6da3c2cd30) fd=3 req=0xae01 type=0',
    '             vmm-18856   (  18856) [001] dN.1. 3342820123902: kvm_update_master_clock: masterclock 0 hostclock tsc offsetmatched 0',
    '             vmm-18856   (  18856) [001] DBZff 3342820909886: hvt_KVM_CREATE_VM_ret: (0x7f6da3c2cd6b) fd=3 req=0xae01 ret=4',
    '             vmm-18856   (  18856) [001] DBZff 3342821211526: hvt_KVM_CREATE_VCPU: (0x7f6da3c2cd30) fd=4 req=0xae41 id=0',
    '             vmm-18856   (  18856) [001] d..1. 3342822019562: kvm_write_tsc_offset: vcpu=0 prev=0 next=18446740730887534764',
    '             vmm-18856   (  18856) [001] DBZff 3342822049450: hvt_KVM_CREATE_VCPU_ret: (0x7f6da3c2cd6b) fd=4 req=0xae41 ret=5',
    '             vmm-18856   (  18856) [001] DBZff 3342822560318: hvt_ioctl: (0x7f6da3c2cd30) fd=3 req=0xae04 kvmio=174',
    '             vmm-18856   (  18856) [001] DBZff 3342822729654: hvt_ioctl_ret: (0x7f6da3c2cd6b) fd=3 req=0xae04 ret=12288 kvmio=174',
    '             vmm-18856   (  18856) [001] d..1. 3342823987518: kvm_write_tsc_offset: vcpu=0 prev=0 next=18446740854342353794',
    '             vmm-18856   (  18856) [001] DBZff 3343034658238: hvt_KVM_GET_MSRS: (0x7f6da3c2cd30) fd=5 req=0xc008ae88 nmsrs=1',
  );
  const lines = imported(capture);
  assert.deepEqual(statements(lines).slice(0, 6), [
    // kvm_update_master_clock at 3342820123902: 3342820123902 / 2.1 = 1591819106620.9 ns; the VM fd 4 is the result.
    '1591.819106620 vm/vm ioctl KVM_CREATE_VM -> 4',
    // kvm_write_tsc_offset at 3342822019562 / 2.1 = 1591820009315.2 ns (not the entry, 3342821211526 / 2.1 = 1591.819624536).
    '1591.820009315 vm/vm ioctl KVM_CREATE_VCPU id=0',
    // KVM_GET_VCPU_MMAP_SIZE on /dev/kvm (fd 3) is not modelled: a note at its entry, 3342822560318 / 2.1 = 1591820266818.1.
    '1591.820266818 vm/vm vmm note ioctl KVM_GET_VCPU_MMAP_SIZE -> 12288',
    '1591.820553818 vm/vm ioctl KVM_CREATE_VCPU id=1',
    '1591.820823187 vm/vm vmm note ioctl KVM_GET_VCPU_MMAP_SIZE -> 12288',
    // fd 5 is vcpu0 (KVM_CREATE_VCPU id=0 returned 5); 3342823987518 / 2.1 = 1591820946437.1; KVM_SET_MSRS returned 1.
    '1591.820946437 vm/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=123456789012 -> 1',
  ]);
  // The statement goes before the kernel's event it is stamped with (the model computes, then compares).
  const set = lines.indexOf('1591.820946437 vm/vm/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=123456789012 -> 1');
  assert.equal(lines[set + 1], '1591.820946437 vm/vm/vcpu0 kvm write_tsc_offset prev=0 next=18446740854342353794');
  // KVM_GET_MSRS: no kernel event inside, so the entry (3343034658238 / 2.1 = 1591921265827.6) and
  // took = 1591921294139 (3343034717692 / 2.1) - 1591921265827 = 28312 ns; the value is from the return site.
  assert.ok(
    lines.includes('1591.921265827 vm/vm/vcpu0 ioctl KVM_GET_MSRS IA32_TSC took=28312ns -> IA32_TSC=3343034694116'),
  );
});

test('kvmclock: errno from the raw return, GET_CLOCK outputs, realtime onto the trace clock, KVM_RUN with its exit', () => {
  const capture = fixture('kvmclock.trace');
  quoted(
    capture,
    '             vmm-19856   (  19856) [000] DBZff 3405832606258: hvt_KVM_KVMCLOCK_CTRL: (0x7f006ef17d30) fd=5 req=0xaead',
    '             vmm-19856   (  19856) [000] DBZff 3405832928506: hvt_KVM_KVMCLOCK_CTRL_ret: (0x7f006ef17d6b) fd=5 req=0xaead ret=-22',
    '             vmm-19856   (  19856) [000] DBZff 3405833861102: hvt_KVM_RUN: (0x7f006ef17d30) fd=5 req=0xae80',
    '             vmm-19856   (  19856) [000] ..... 3405834454870: kvm_userspace_exit: reason KVM_EXIT_IO (2)',
    '             vmm-19856   (  19856) [000] DBZff 3405834459056: hvt_KVM_RUN_ret: (0x7f006ef17d6b) fd=5 req=0xae80 ret=0',
    '             vmm-19856   (  19856) [000] DBZff 3405836033188: hvt_KVM_GET_CLOCK_ret: (0x7f006ef17d6b) fd=4 req=0x8030ae7c ret=0 clock=5002760672 flags=0xe realtime=1796531228088518592 host_tsc=3405836019452',
    '             vmm-19856   (  19856) [000] DBZff 3405829972186: hvt_KVM_SET_CLOCK: (0x7f006ef17d30) fd=4 req=0x4030ae7b clock=5000000000 flags=0x4 realtime=1796531227085633251 host_tsc=0',
    '             vmm-19856   (  19856) [000] d..1. 3405830007160: kvm_update_master_clock: masterclock 0 hostclock tsc offsetmatched 0',
  );
  const lines = imported(capture);
  // -22 is -EINVAL; entry 3405832606258 / 2.1 = 1621825050599.0, return 3405832928506 / 2.1 = 1621825204050.4: took 153451 ns.
  assert.ok(lines.includes('1621.825050599 vm/vm/vcpu0 ioctl KVM_KVMCLOCK_CTRL took=153451ns -> -EINVAL'));
  // KVM_RUN: no kvm_entry under PVM, so the entry 3405833861102 / 2.1 = 1621825648143.8, took to
  // 3405834459056 / 2.1 = 1621825932883.8: 284740 ns; the exit from kvm_userspace_exit.
  assert.ok(lines.includes('1621.825648143 vm/vm/vcpu0 ioctl KVM_RUN took=284740ns -> exit=KVM_EXIT_IO'));
  // The GET_CLOCK pairs realtime 1796531228088518592 with host_tsc 3405836019452, i.e. 1621826675929 ns
  // on the trace clock (3405836019452 / 2.1): realtime − trace = 1796529606261842663.
  assert.ok(
    lines.some((l) =>
      / vm\/vm ioctl KVM_GET_CLOCK took=\d+ns -> clock=5002760672 flags=KVM_CLOCK_TSC_STABLE\|KVM_CLOCK_REALTIME\|KVM_CLOCK_HOST_TSC realtime=1621826675929 host_tsc=3405836019452$/.test(
        l,
      ),
    ),
  );
  // The earlier SET_CLOCK's realtime 1796531227085633251 − 1796529606261842663 = 1620823790588 ns: one
  // second before the SET (stamped at its kvm_update_master_clock, 3405830007160 / 2.1 = 1621823812933.3).
  assert.ok(
    lines.includes(
      '1621.823812933 vm/vm ioctl KVM_SET_CLOCK clock=5000000000 flags=KVM_CLOCK_REALTIME realtime=1620823790588',
    ),
  );
  // The recorder's comments are kept in the header; its KVM_RUNs stand for themselves (none synthesised).
  assert.ok(
    lines.includes(
      '# hvtimer record: trace clock x86-tsc; host counter frequency from kernel log "tsc: Detected 2100.000 MHz processor"; KVM vendor module kvm_pvm',
    ),
  );
  assert.equal(lines.filter((l) => / ioctl KVM_RUN\b/.test(l)).length, 3);
});

test("tsc-khz-vm: each KVM_CREATE_VM is a VM of its own, and the kernel's events follow the thread's VM", () => {
  const lines = imported(fixture('tsc-khz-vm.trace'));
  assert.deepEqual(
    lines.filter((l) => l.startsWith('@vm')),
    ['@vm vm2', '@vm vm3', '@vm vm4', '@vm vm5', '@vm vm'],
  );
  assert.deepEqual(
    lines.filter((l) => / ioctl KVM_CREATE_VM\b/.test(l)).map((l) => l.split(' ')[1]),
    ['vm/vm', 'vm/vm2', 'vm/vm3', 'vm/vm4', 'vm/vm5'],
  );
  // vm4 at 2520000 kHz (FINDINGS.md): the VM-wide rate before its vCPU (on the VM fd: a VM statement),
  // its vCPU's creation offset 0 from the zero ratio, and -EINVAL once the vCPU exists.
  const vm4 = lines.filter((l) => / vm\/vm4\b/.test(l)).map((l) => l.replace(/^\S+ /, '').replace(/ took=\d+ns/, ''));
  assert.deepEqual(
    vm4.filter((l) => /KVM_SET_TSC_KHZ|write_tsc_offset/.test(l)),
    [
      'vm/vm4 ioctl KVM_SET_TSC_KHZ value=2520000',
      'vm/vm4/vcpu0 kvm write_tsc_offset prev=0 next=0',
      'vm/vm4/vcpu0 kvm write_tsc_offset prev=0 next=0',
      'vm/vm4 ioctl KVM_SET_TSC_KHZ value=2520000 -> -EINVAL',
    ],
  );
  // The recorder's vendor module says PVM, which cannot scale the TSC.
  assert.match(
    lines.find((l) => l.startsWith('@host'))!,
    / tsc_scaling=0 /,
  );
});

test('cpuid-tsc-adjust: a guest TSC_ADJUST write KVM took goes before the offset write it caused; one it ignored stays a note', () => {
  const capture = fixture('cpuid-tsc-adjust.trace');
  quoted(
    capture,
    '             vmm-19901   (  19901) [000] ..... 3410734565062: kvm_write_tsc_offset: vcpu=0 prev=0 next=999000',
    '             vmm-19901   (  19901) [000] ..... 3410734567082: kvm_msr: msr_write 3b = 0xf4240',
    '             vmm-19901   (  19901) [000] ..... 3410739544450: kvm_msr: msr_write 3b = 0xf4240',
  );
  const lines = imported(capture);
  // 3410734565062 / 2.1 = 1624159316696.2: the write's time, the statement before it.
  const i = lines.indexOf('1624.159316696 vm/vm/vcpu0 guest write IA32_TSC_ADJUST = 0xf4240');
  assert.ok(i > 0);
  assert.equal(lines[i + 1], '1624.159316696 vm/vm/vcpu0 kvm write_tsc_offset prev=0 next=999000');
  // vcpu2 has no CPUID: no offset write before its kvm_msr (3410739544450 / 2.1 = 1624161687833.3), a note.
  assert.ok(lines.includes('1624.161687833 vm/vm vmm note kvm_msr: msr_write 3b = 0xf4240'));
  // KVM_SET_CPUID2: TSC_ADJUST from leaf 7.0's EBX as the probe fetched it.
  assert.deepEqual(
    lines.filter((l) => / KVM_SET_CPUID2 /.test(l)).map((l) => l.replace(/^\S+ /, '').replace(/ took=\d+ns/, '')),
    ['vm/vm/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=1 nent=56', 'vm/vm/vcpu1 ioctl KVM_SET_CPUID2 tsc_adjust=0 nent=56'],
  );
});

test('a capture that starts after the fds were made (-p) or ends inside a call', () => {
  const capture = fixture('restore-100ms.trace');
  // Without the KVM_CREATE_* lines fd 5 is nobody's: the call is a note that says so.
  const attached = capture
    .split('\n')
    .filter((l) => !/hvt_KVM_CREATE_(?:VM|VCPU)(?:_ret)?:/.test(l))
    .join('\n');
  assert.ok(
    imported(attached).includes(
      '1591.820946437 vm/vm vmm note ioctl KVM_SET_MSRS IA32_TSC=123456789012 -> 1 (fd 5 was opened before the recording)',
    ),
  );
  // Cut after the last KVM_GET_MSRS entry: that call is written at its entry, without took= or a result
  // (nor MSR names: the probe reads the indices with the values, at the return site).
  const cut = capture.split('\n');
  const last = cut.findIndex((l) => l.includes('hvt_KVM_GET_MSRS: (0x7f6da3c2cd30) fd=6 '));
  const lines = imported(cut.slice(0, last + 1).join('\n'));
  // 3343034799242 / 2.1 = 1591921332972.3
  assert.equal(statements(lines).at(-1), '1591.921332972 vm/vm/vcpu1 ioctl KVM_GET_MSRS');
});

test("restore-100ms-tai (trace clock tai): the host counter comes from the recorder's anchors", () => {
  const capture = fixture('restore-100ms-tai.trace');
  quoted(
    capture,
    '            node-16202   (  16202) [000] ...1. 1796533046.927668: tracing_mark_write: hvtrace-anchor seq=3',
    '            node-16202   (  16202) [000] ...1. 1796533046.927686: tracing_mark_write: hvtrace-anchor-end seq=3',
    '            node-16202   (  16202) [000] ...1. 1796533046.928220: tracing_mark_write: hvtrace-anchor-tsc seq=3 tsc=7225398479184',
  );
  const lines = imported(capture);
  // Anchor 3 is the tightest (18 µs; 1 and 2 span 28 and 20): TSC 7225398479184 at the middle of its stamps.
  assert.equal(
    lines.find((l) => l.startsWith('@host')),
    '@host vm arch=x86_64 freq=2.1GHz kernel=6.18 tsc_scaling=0 counter=7225398479184@1796533046.927677000',
  );
  assert.match(lines[1], /clock tai, host vm$/);
});

test('KVM_RUN with a kvm_entry inside (VMX and SVM hosts trace one; PVM does not) is stamped at the entry into the guest', () => {
  const capture = fixture('guest-rdtsc.trace');
  const run =
    '             vmm-19992   (  19986) [001] DBZff 3415814741974: hvt_KVM_RUN: (0x7f0455278d30) fd=5 req=0xae80';
  quoted(capture, run);
  // A kvm_entry line as kernel 6.18 prints it (docs/reference/real-captures.md#11-x86-archx86kvmtraceh-trace_system-kvm), put inside this call.
  const entry = '             vmm-19992   (  19986) [001] d..1. 3415814900000: kvm_entry: vcpu 0, rip 0xfff0';
  const lines = imported(capture.replace(run, `${run}\n${entry}`));
  // 3415814900000 / 2.1 = 1626578523809.5 ns; no took=, and the guest entry right after it.
  const i = lines.indexOf('1626.578523809 vm/vm/vcpu0 ioctl KVM_RUN -> exit=KVM_EXIT_IO');
  assert.ok(i > 0);
  assert.equal(lines[i + 1], '1626.578523809 vm/vm/vcpu0 kvm entry');
  // The other runs have no kvm_entry: at their entry, with took=.
  assert.equal(lines.filter((l) => / ioctl KVM_RUN took=\d+ns -> exit=KVM_EXIT_(?:IO|HLT)$/.test(l)).length, 5);
});
