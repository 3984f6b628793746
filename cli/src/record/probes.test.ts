// The uprobe definitions hvtimer record writes, per architecture, and the decoder reading what
// such probes print. The x86_64 lines are the ones the kvm layer records with on this machine;
// arm64 cannot run here, so its definitions and a decoded line are checked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUprobeIoctl } from '../../../engine/src/import/uprobeIoctl';
import { IOCTL_PROBES, probeDefinitions, probesFor } from './probes';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const x86 = probeDefinitions('x86_64', 'hvtimer_42_ab', { path: LIBC, entryOffset: 0xfdd30n, returnOffset: 0xfdd6bn });
const arm = probeDefinitions('arm64', 'hvtimer_42_ab', {
  path: '/lib/aarch64-linux-gnu/libc.so.6',
  entryOffset: 0xe5e80n,
  returnOffset: 0xe5e88n,
});
const line = (defs: typeof x86, event: string): string => defs.find((d) => d.event === `hvtimer_42_ab/${event}`)!.line;

test('request codes are the uapi _IOC encodings: dir<<30 | size<<16 | 0xAE<<8 | nr', () => {
  const ioc = (dir: number, nr: number, size: number): bigint =>
    (BigInt(dir) << 30n) | (BigInt(size) << 16n) | (0xaen << 8n) | BigInt(nr);
  const W = 1;
  const R = 2;
  const expected: Record<string, bigint> = {
    KVM_CREATE_VM: ioc(0, 0x01, 0),
    KVM_CREATE_VCPU: ioc(0, 0x41, 0),
    KVM_RUN: ioc(0, 0x80, 0),
    KVM_SET_ONE_REG: ioc(W, 0xac, 16),
    KVM_GET_ONE_REG: ioc(W, 0xab, 16),
    KVM_ARM_SET_COUNTER_OFFSET: ioc(W, 0xb5, 16),
    KVM_SET_DEVICE_ATTR: ioc(W, 0xe1, 24),
    KVM_GET_DEVICE_ATTR: ioc(W, 0xe2, 24),
    KVM_HAS_DEVICE_ATTR: ioc(W, 0xe3, 24),
    KVM_SET_CLOCK: ioc(W, 0x7b, 48),
    KVM_GET_CLOCK: ioc(R, 0x7c, 48),
    KVM_KVMCLOCK_CTRL: ioc(0, 0xad, 0),
    KVM_SET_TSC_KHZ: ioc(0, 0xa2, 0),
    KVM_GET_TSC_KHZ: ioc(0, 0xa3, 0),
    KVM_SET_MSRS: ioc(W, 0x89, 8),
    KVM_GET_MSRS: ioc(W | R, 0x88, 8),
    KVM_SET_CPUID2: ioc(W, 0x90, 8),
    // seed 003: _IOW/_IOR(KVMIO, 0xc8/0xc9, struct kvm_tsc_state) — 32 bytes with the padding after flags.
    KVM_SET_TSC_STATE: ioc(W, 0xc8, 32),
    KVM_GET_TSC_STATE: ioc(R, 0xc9, 32),
  };
  assert.deepEqual(Object.fromEntries(IOCTL_PROBES.map((p) => [p.ioctl, p.req])), expected);
});

test('x86_64: entry probes fetch through %dx, return-site probes add the raw result and the filled struct', () => {
  assert.equal(
    line(x86, 'hvt_KVM_SET_MSRS'),
    `p:hvtimer_42_ab/hvt_KVM_SET_MSRS ${LIBC}:0xfdd30 fd=%di:s32 req=%si:x32 nmsrs=+0(%dx):u32 msrs=+8(%dx):x64[64]`,
  );
  assert.equal(
    line(x86, 'hvt_KVM_GET_CLOCK_ret'),
    `p:hvtimer_42_ab/hvt_KVM_GET_CLOCK_ret ${LIBC}:0xfdd6b fd=%di:s32 req=%si:x32 ret=%ax:s64 clock=+0(%dx):u64 flags=+8(%dx):x32 realtime=+16(%dx):u64 host_tsc=+24(%dx):u64`,
  );
  assert.equal(
    line(x86, 'hvt_KVM_SET_DEVICE_ATTR'),
    `p:hvtimer_42_ab/hvt_KVM_SET_DEVICE_ATTR ${LIBC}:0xfdd30 fd=%di:s32 req=%si:x32 flags=+0(%dx):x32 group=+4(%dx):u32 attr=+8(%dx):u64 value=+0(+16(%dx)):x64`,
  );
  assert.equal(x86.find((d) => d.event.endsWith('/hvt_KVM_SET_TSC_KHZ'))!.filter, 'req == 0xaea2');
  // CPUID: 32 entries of 40 bytes from +8; entry k's function|index word at 8+40k, its ebx at 24+40k.
  assert.match(line(x86, 'hvt_KVM_SET_CPUID2'), / leaf1=\+48\(%dx\):x64 ebx1=\+64\(%dx\):x32 /);
  assert.ok(line(x86, 'hvt_KVM_SET_CPUID2').length < 4096, 'one uprobe_events write');
});

test('the catch-all takes every other KVM request (type byte 0xAE) and none of the listed ones', () => {
  const all = x86.find((d) => d.event === 'hvtimer_42_ab/hvt_ioctl')!;
  assert.equal(all.line, `p:hvtimer_42_ab/hvt_ioctl ${LIBC}:0xfdd30 fd=%di:s32 req=%si:x32 kvmio=%si:b8@8/32`);
  assert.ok(all.filter.startsWith('kvmio == 0xae && req != 0xae01 && req != 0xae41 && req != 0xae80 && '));
  assert.equal(all.filter.split('&&').length, 1 + probesFor('x86_64').length);
});

test('arm64: %x0/%x1/%x2 at entry, %x0 is the result at the return site (the fd is gone), arm64-only ioctls', () => {
  assert.equal(
    line(arm, 'hvt_KVM_SET_ONE_REG'),
    'p:hvtimer_42_ab/hvt_KVM_SET_ONE_REG /lib/aarch64-linux-gnu/libc.so.6:0xe5e80 fd=%x0:s32 req=%x1:x32 id=+0(%x2):x64 value=+0(+8(%x2)):x64',
  );
  assert.equal(
    line(arm, 'hvt_KVM_GET_ONE_REG_ret'),
    'p:hvtimer_42_ab/hvt_KVM_GET_ONE_REG_ret /lib/aarch64-linux-gnu/libc.so.6:0xe5e88 req=%x1:x32 ret=%x0:s64 id=+0(%x2):x64 value=+0(+8(%x2)):x64',
  );
  assert.equal(
    line(arm, 'hvt_KVM_ARM_SET_COUNTER_OFFSET'),
    'p:hvtimer_42_ab/hvt_KVM_ARM_SET_COUNTER_OFFSET /lib/aarch64-linux-gnu/libc.so.6:0xe5e80 fd=%x0:s32 req=%x1:x32 counter_offset=+0(%x2):x64 reserved=+8(%x2):x64',
  );
  const events = new Set(arm.map((d) => d.event.split('/')[1]));
  for (const x86only of ['hvt_KVM_SET_MSRS', 'hvt_KVM_GET_CLOCK', 'hvt_KVM_SET_CPUID2', 'hvt_KVM_SET_TSC_KHZ'])
    assert.ok(!events.has(x86only), x86only);
  assert.ok(!new Set(x86.map((d) => d.event.split('/')[1])).has('hvt_KVM_ARM_SET_COUNTER_OFFSET'));
});

test('arm64 lines as such probes print them decode to the .hvtrace arguments', () => {
  // KVM_SET_ONE_REG of the virtual counter (0x603000000013DF1A is KVM_REG_ARM_TIMER_CNT) to 100000000 (0x5f5e100).
  assert.deepEqual(
    decodeUprobeIoctl(
      'hvt_KVM_SET_ONE_REG',
      '(0xffff9a3e5e80) fd=12 req=0x4010aeac id=0x603000000013df1a value=0x5f5e100',
      'arm64',
    ),
    {
      kind: 'entry',
      ioctl: 'KVM_SET_ONE_REG',
      req: 0x4010aeacn,
      fd: 12,
      args: [
        ['id', 'KVM_REG_ARM_TIMER_CNT'],
        ['value', '100000000'],
      ],
    },
  );
  // The return site has no fd on arm64; the value behind addr is what KVM_GET_ONE_REG filled in.
  // CNTV_CTL is a U64-sized id (size field 3 in bits 52..55), so all 64 bits count.
  assert.deepEqual(
    decodeUprobeIoctl(
      'hvt_KVM_GET_ONE_REG_ret',
      '(0xffff9a3e5e88) req=0x4010aeab ret=0 id=0x603000000013df19 value=0x1',
      'arm64',
    ),
    {
      kind: 'return',
      ioctl: 'KVM_GET_ONE_REG',
      req: 0x4010aeabn,
      ret: 0n,
      args: [['id', 'KVM_REG_ARM_TIMER_CTL']],
      value: '1',
    },
  );
  // −5000 as a u64 counter offset: 2^64 − 5000 = 18446744073709546616; reserved 0 is left out.
  assert.deepEqual(
    decodeUprobeIoctl(
      'hvt_KVM_ARM_SET_COUNTER_OFFSET',
      '(0xffff9a3e5e80) fd=9 req=0x4010aeb5 counter_offset=0xffffffffffffec78 reserved=0x0',
      'arm64',
    )?.args,
    [['counter_offset', '18446744073709546616']],
  );
  // A timer IRQ attribute is an int: only the low 32 bits of the fetched word are the value.
  assert.deepEqual(
    decodeUprobeIoctl(
      'hvt_KVM_SET_DEVICE_ATTR',
      '(0xffff9a3e5e80) fd=12 req=0x4018aee1 flags=0x0 group=1 attr=0 value=0xffffd7400000001b',
      'arm64',
    )?.args,
    [
      ['group', 'KVM_ARM_VCPU_TIMER_CTRL'],
      ['attr', 'KVM_ARM_VCPU_TIMER_IRQ_VTIMER'],
      ['value', '27'],
    ],
  );
});

test('without a return site: one uretprobe carries the results', () => {
  const defs = probeDefinitions('x86_64', 'g', { path: '/bin/vmm', entryOffset: 0x1000n });
  assert.equal(defs.filter((d) => d.event.endsWith('_ret')).length, 1);
  assert.deepEqual(defs.at(-1), {
    event: 'g/hvt_ioctl_ret',
    line: 'r:g/hvt_ioctl_ret /bin/vmm:0x1000 ret=$retval:s64',
    filter: '',
  });
});

test('every field the decoder reads is one the probes fetch (a synthetic line per ioctl decodes fully)', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    for (const d of probeDefinitions(arch, 'g', { path: '/l', entryOffset: 0n, returnOffset: 4n })) {
      const name = d.event.split('/')[1];
      if (name.startsWith('hvt_ioctl')) continue;
      // `name=fetch:type` → `name=1`, arrays `{0x10,0x7}` (one MSR, IA32_TSC = 7).
      const fields = d.line
        .split(' ')
        .slice(2)
        .map((f) => f.split('=')[0])
        .map((f) =>
          f === 'msrs'
            ? 'msrs={0x10,0x7}'
            : f === 'req'
              ? `req=0x${d.filter.split('0x')[1]}`
              : f === 'leaf0'
                ? 'leaf0=0x7'
                : f === 'ebx0'
                  ? 'ebx0=0x2'
                  : `${f}=1`,
        );
      const ev = decodeUprobeIoctl(name, `(0x1) ${fields.join(' ')}`, arch);
      assert.ok(ev, `${arch} ${name} decodes`);
      const p = IOCTL_PROBES.find((x) => name === `hvt_${x.ioctl}` || name === `hvt_${x.ioctl}_ret`)!;
      assert.equal(ev.ioctl, p.ioctl);
      if (p.ioctl === 'KVM_SET_MSRS' && ev.kind === 'entry') assert.deepEqual(ev.args, [['IA32_TSC', '7']]);
      if (p.ioctl === 'KVM_SET_CPUID2' && ev.kind === 'entry')
        assert.deepEqual(ev.args, [
          ['tsc_adjust', '1'],
          ['nent', '1'],
        ]);
      if (p.ioctl === 'KVM_SET_TSC_KHZ' && ev.kind === 'entry') assert.deepEqual(ev.args, [['value', '1']]);
      if (p.ioctl === 'KVM_GET_CLOCK' && ev.kind === 'return')
        assert.deepEqual(ev.outputs, [
          ['clock', '1'],
          ['flags', '0x1'],
        ]);
    }
  }
});
