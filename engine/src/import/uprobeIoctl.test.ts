// The uprobe ioctl decoder against lines `hvtimer record` wrote on a real x86_64 KVM host (kernel
// 6.18, kvm_pvm), committed under test/kvm/fixtures/ with the test VMM's own output next to them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeUprobeIoctl, UprobeIoctlMatcher, type IoctlCall } from './uprobeIoctl';

const FIXTURES = path.resolve(__dirname, '../../../test/kvm/fixtures');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Splits a tracefs line (with the record-tgid column) into tid, stamp, event name and body. */
function split(line: string): { tid: number; stamp: string; name: string; body: string } {
  const m = /^\s*.+-(\d+)\s+\(\s*\d+\)\s+\[\d+\]\s+\S+\s+(\d+): (\w+): (.*)$/.exec(line);
  assert.ok(m, `a tracefs line: ${line}`);
  return { tid: Number(m[1]), stamp: m[2], name: m[3], body: m[4] };
}

/** A line quoted below must be in the fixture it came from, byte for byte. */
function quoted(file: string, line: string): ReturnType<typeof split> {
  assert.ok(fixture(file).split('\n').includes(line), `${file} contains the quoted line`);
  return split(line);
}

test('KVM_SET_MSRS: the IA32_TSC entry the VMM wrote, only nmsrs of the fetched words (restore-100ms)', () => {
  const file = 'restore-100ms.trace';
  const line = fixture(file)
    .split('\n')
    .find((l) => l.includes('hvt_KVM_SET_MSRS: ') && l.includes(' fd=5 '))!;
  assert.ok(
    line.startsWith(
      '             vmm-18856   (  18856) [001] DBZff 3342823944702: hvt_KVM_SET_MSRS: (0x7f6da3c2cd30) fd=5 req=0x4008ae89 nmsrs=1 msrs={0x10,0x1cbe991a14,0x7ffe5f261ce0,',
    ),
  );
  const { name, body } = split(line);
  // 0x1cbe991a14 = 28·2^32 + 0xbe991a14 = 120259084288 + 3197704724 = 123456789012, what vmm.c wrote.
  assert.deepEqual(decodeUprobeIoctl(name, body), {
    kind: 'entry',
    ioctl: 'KVM_SET_MSRS',
    req: 0x4008ae89n,
    fd: 5,
    args: [['IA32_TSC', '123456789012']],
  });
  assert.match(fixture('restore-100ms.vmm.txt'), /KVM_SET_MSRS vcpu0 IA32_TSC=123456789012 -> 1/);
});

test('KVM_GET_MSRS at the return site: the value the kernel filled in and the count it read', () => {
  const line = fixture('restore-100ms.trace')
    .split('\n')
    .find((l) => l.includes('hvt_KVM_GET_MSRS_ret: ') && l.includes(' fd=5 '))!;
  const { name, body } = split(line);
  assert.match(body, /^\(0x7f6da3c2cd6b\) fd=5 req=0xc008ae88 ret=1 nmsrs=1 msrs=\{0x10,0x30a5c6539e4,/);
  // 0x30a5c6539e4 = 3343034694116
  assert.deepEqual(decodeUprobeIoctl(name, body), {
    kind: 'return',
    ioctl: 'KVM_GET_MSRS',
    req: 0xc008ae88n,
    fd: 5,
    ret: 1n,
    args: [['IA32_TSC', '']],
    outputs: [['IA32_TSC', '3343034694116']],
  });
  assert.match(fixture('restore-100ms.vmm.txt'), /KVM_GET_MSRS vcpu0 IA32_TSC -> 1 IA32_TSC=3343034694116 /);
});

test('KVM_SET_DEVICE_ATTR: group/attr named for x86, the offset as a u64 (tsc-offset-attr)', () => {
  const { name, body } = quoted(
    'tsc-offset-attr.trace',
    '             vmm-19643   (  19643) [000] DBZff 3390407321954: hvt_KVM_SET_DEVICE_ATTR: (0x7fb7db30ad30) fd=5 req=0x4018aee1 flags=0x0 group=0 attr=0 value=0xfffffd075a930ce4',
  );
  // 0xfffffd075a930ce4 = 2^64 − 3266950525724 = 18446740806759025892
  assert.deepEqual(decodeUprobeIoctl(name, body)?.args, [
    ['group', 'KVM_VCPU_TSC_CTRL'],
    ['attr', 'KVM_VCPU_TSC_OFFSET'],
    ['value', '18446740806759025892'],
  ]);
  // On arm64 group 0 is the PMU's: the same numbers decode by the host's architecture.
  assert.deepEqual(decodeUprobeIoctl(name, body, 'arm64')?.args.slice(0, 1), [['group', 'KVM_ARM_VCPU_PMU_V3_CTRL']]);
  assert.match(
    fixture('tsc-offset-attr.vmm.txt'),
    /KVM_SET_DEVICE_ATTR vcpu0 group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=18446740806759025892 -> 0/,
  );
});

test('KVM_GET_DEVICE_ATTR: the value behind addr, read at the return site', () => {
  const { name, body } = quoted(
    'tsc-offset-attr.trace',
    '             vmm-19643   (  19643) [000] DBZff 3390407146966: hvt_KVM_GET_DEVICE_ATTR_ret: (0x7fb7db30ad6b) fd=5 req=0x4018aee2 ret=0 group=0 attr=0 value=0x0',
  );
  const ev = decodeUprobeIoctl(name, body)!;
  assert.equal(ev.value, '0');
  assert.deepEqual(ev.args, [
    ['group', 'KVM_VCPU_TSC_CTRL'],
    ['attr', 'KVM_VCPU_TSC_OFFSET'],
  ]);
});

test('KVM_SET_TSC_KHZ refused: the raw -22 at the return site is -EINVAL; KVM_GET_TSC_KHZ answers in its result', () => {
  const lines = [
    '             vmm-19746   (  19746) [001] DBZff 3400667192722: hvt_KVM_SET_TSC_KHZ: (0x7f359e472d30) fd=8 req=0xaea2 khz=1680000',
    '             vmm-19746   (  19746) [001] DBZff 3400675859462: hvt_KVM_SET_TSC_KHZ_ret: (0x7f359e472d6b) fd=8 req=0xaea2 ret=-22',
    '             vmm-19746   (  19746) [001] DBZff 3400676093294: hvt_KVM_GET_TSC_KHZ: (0x7f359e472d30) fd=8 req=0xaea3',
    '             vmm-19746   (  19746) [001] DBZff 3400676391626: hvt_KVM_GET_TSC_KHZ_ret: (0x7f359e472d6b) fd=8 req=0xaea3 ret=1680000',
  ].map((l) => quoted('tsc-khz-vcpu.trace', l));
  const m = new UprobeIoctlMatcher();
  const calls = lines.flatMap((l) => m.push(l.tid, l.stamp, l.name, l.body));
  assert.deepEqual(
    calls.map((c) => [c.ioctl, c.fd, c.args, c.result, c.entryStamp, c.returnStamp]),
    [
      ['KVM_SET_TSC_KHZ', 8, [['value', '1680000']], { errno: 'EINVAL' }, '3400667192722', '3400675859462'],
      ['KVM_GET_TSC_KHZ', 8, [], { value: '1680000' }, '3400676093294', '3400676391626'],
    ],
  );
  assert.match(
    fixture('tsc-khz-vcpu.vmm.txt'),
    /KVM_SET_TSC_KHZ vcpu3 value=1680000 -> -EINVAL\n\d+ KVM_GET_TSC_KHZ vcpu3 -> 1680000/,
  );
});

test('KVM_SET_CLOCK and KVM_GET_CLOCK: flags by name, realtime only with KVM_CLOCK_REALTIME (kvmclock)', () => {
  const set = quoted(
    'kvmclock.trace',
    '             vmm-19856   (  19856) [000] DBZff 3405829972186: hvt_KVM_SET_CLOCK: (0x7f006ef17d30) fd=4 req=0x4030ae7b clock=5000000000 flags=0x4 realtime=1796531227085633251 host_tsc=0',
  );
  assert.deepEqual(decodeUprobeIoctl(set.name, set.body)?.args, [
    ['clock', '5000000000'],
    ['flags', 'KVM_CLOCK_REALTIME'],
    ['realtime', '1796531227085633251'],
  ]);
  const plain = quoted(
    'kvmclock.trace',
    '             vmm-19856   (  19856) [000] DBZff 3405829719156: hvt_KVM_SET_CLOCK: (0x7f006ef17d30) fd=4 req=0x4030ae7b clock=5000000000 flags=0x0 realtime=0 host_tsc=0',
  );
  assert.deepEqual(decodeUprobeIoctl(plain.name, plain.body)?.args, [
    ['clock', '5000000000'],
    ['flags', '0'],
  ]);
  const get = quoted(
    'kvmclock.trace',
    '             vmm-19856   (  19856) [000] DBZff 3405830126868: hvt_KVM_GET_CLOCK_ret: (0x7f006ef17d6b) fd=4 req=0x8030ae7c ret=0 clock=6000073981 flags=0x0 realtime=0 host_tsc=0',
  );
  assert.deepEqual(decodeUprobeIoctl(get.name, get.body)?.outputs, [
    ['clock', '6000073981'],
    ['flags', '0'],
  ]);
  // With masterclock on, KVM_GET_CLOCK fills realtime and host_tsc and says so in flags (0xe).
  const stable = fixture('kvmclock.trace')
    .split('\n')
    .find((l) => l.includes('hvt_KVM_GET_CLOCK_ret') && l.includes('flags=0xe'))!;
  const s = split(stable);
  const out = new Map(decodeUprobeIoctl(s.name, s.body)!.outputs);
  assert.equal(out.get('flags'), 'KVM_CLOCK_TSC_STABLE|KVM_CLOCK_REALTIME|KVM_CLOCK_HOST_TSC');
  assert.ok(out.has('realtime') && out.has('host_tsc'));
});

test('KVM_SET_CPUID2: TSC_ADJUST read from CPUID.(7,0):EBX bit 1 among the fetched entries (cpuid-tsc-adjust)', () => {
  const sets = fixture('cpuid-tsc-adjust.trace')
    .split('\n')
    .filter((l) => l.includes('hvt_KVM_SET_CPUID2: '))
    .map(split);
  assert.equal(sets.length, 2);
  // vcpu0 asked for TSC_ADJUST: leaf11=0x7 ebx11=0x1802042 (bit 1 set); vcpu1 not: ebx11=0x1802040.
  assert.match(sets[0].body, / leaf11=0x7 ebx11=0x1802042 /);
  assert.match(sets[1].body, / leaf11=0x7 ebx11=0x1802040 /);
  assert.deepEqual(decodeUprobeIoctl(sets[0].name, sets[0].body)?.args, [
    ['tsc_adjust', '1'],
    ['nent', '56'],
  ]);
  assert.deepEqual(decodeUprobeIoctl(sets[1].name, sets[1].body)?.args, [
    ['tsc_adjust', '0'],
    ['nent', '56'],
  ]);
});

test('the matcher names fds: the VM from KVM_CREATE_VM, vCPUs from KVM_CREATE_VCPU, followed onto the vCPU thread (guest-rdtsc)', () => {
  const m = new UprobeIoctlMatcher();
  const calls: (IoctlCall & { tid: number })[] = [];
  for (const l of fixture('guest-rdtsc.trace').split('\n')) {
    if (!/ hvt_\w+: /.test(l)) continue;
    const s = split(l);
    for (const c of m.push(s.tid, s.stamp, s.name, s.body)) calls.push({ ...c, tid: s.tid });
  }
  const vm = calls.find((c) => c.ioctl === 'KVM_CREATE_VM')!;
  assert.deepEqual([vm.fd, vm.result], [3, { value: '4' }]);
  const vcpu = calls.find((c) => c.ioctl === 'KVM_CREATE_VCPU')!;
  assert.deepEqual([vcpu.fd, vcpu.vmFd, vcpu.args, vcpu.vcpuFd], [4, 4, [['id', '0']], 5]);
  const runs = calls.filter((c) => c.ioctl === 'KVM_RUN');
  assert.equal(runs.length, 6);
  assert.ok(runs.every((c) => c.fd === 5 && c.vcpu === 0 && c.vmFd === 4 && c.tid !== vm.tid));
  // KVM_SET_USER_MEMORY_REGION and the sregs calls come through the catch-all, named by request.
  assert.deepEqual(
    [
      ...new Set(calls.filter((c) => !c.ioctl.startsWith('KVM_') || /SREGS|MEMORY/.test(c.ioctl)).map((c) => c.ioctl)),
    ].sort(),
    ['KVM_GET_SREGS', 'KVM_SET_SREGS', 'KVM_SET_USER_MEMORY_REGION'],
  );
  assert.deepEqual(m.flush(), []);
});

test('unmatched events: an entry whose return is lost is emitted on the next entry; a return without its entry stands alone', () => {
  const m = new UprobeIoctlMatcher();
  assert.deepEqual(m.push(7, '100', 'hvt_KVM_RUN', '(0x7f0455278d30) fd=5 req=0xae80'), []);
  const lost = m.push(7, '200', 'hvt_KVM_GET_TSC_KHZ', '(0x7f0455278d30) fd=5 req=0xaea3');
  assert.deepEqual(
    lost.map((c) => [c.ioctl, c.entryStamp, c.returnStamp, c.result]),
    [['KVM_RUN', '100', undefined, undefined]],
  );
  // Attached with -p while a thread sat in KVM_RUN: its return site fires without an entry.
  const alone = m.push(8, '300', 'hvt_KVM_RUN_ret', '(0x7f0455278d6b) fd=6 req=0xae80 ret=-4');
  assert.deepEqual(
    alone.map((c) => [c.ioctl, c.fd, c.result]),
    [['KVM_RUN', 6, { errno: 'EINTR' }]],
  );
  assert.deepEqual(
    m.flush().map((c) => c.ioctl),
    ['KVM_GET_TSC_KHZ'],
  );
});

test("a uretprobe result (no return site found): libc's -1 is an error with an unknown errno", () => {
  const m = new UprobeIoctlMatcher();
  m.push(9, '1', 'hvt_KVM_SET_TSC_KHZ', '(0x7f359e472d30) fd=8 req=0xaea2 khz=1680000');
  const [c] = m.push(9, '2', 'hvt_ioctl_ret', '(0x55d1e2a3b4c5 <- 0x7f359e472d30) ret=-1');
  assert.deepEqual([c.ioctl, c.args, c.result], ['KVM_SET_TSC_KHZ', [['value', '1680000']], { errno: 'unknown' }]);
  // A uretprobe of an ioctl that was not entered through a KVM probe (a terminal ioctl) is dropped.
  assert.deepEqual(m.push(9, '3', 'hvt_ioctl_ret', '(0x55d1e2a3b4c5 <- 0x7f359e472d30) ret=0'), []);
});

test("events that are not hvtimer record's are not decoded", () => {
  assert.equal(decodeUprobeIoctl('kvm_write_tsc_offset', 'vcpu=0 prev=0 next=18446740667878072334'), undefined);
  assert.equal(decodeUprobeIoctl('hvt_KVM_RUN', 'fd=5 req=0xae80'), undefined); // no probe address
});
