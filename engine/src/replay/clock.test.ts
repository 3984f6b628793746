// What each counter reads at a reference time (clock.ts; docs/format.md#3-directives-lines-starting-with-,
// docs/format.md#5-model-state): the host counter, the guest's virtual and physical counters, the
// scaled TSC and kvmclock. States come from small traces and are varied field by field; every
// expected value is worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  guestCntpct,
  guestCntvct,
  guestCounter,
  guestFreq,
  guestRate,
  guestTsc,
  hasCntpoff,
  hostCounter,
  kvmCntpct,
  kvmclockAt,
  scaleTsc,
} from './clock';
import { modelAfter } from './testing';

const U64 = 2n ** 64n;

const ARM = modelAfter(
  [
    '@hvtrace 1',
    '@host dst arch=arm64 freq=25MHz ecv=0 vhe=1 counter=5000000000@0.0',
    '@vm vm1',
    '10.000000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0',
  ],
  4,
);
const armHost = ARM.hosts.get('dst')!;
const armVcpu = ARM.instances.get('dst/vm1')!.vcpus.get(0)!;

test('C_H(t) = V + floor((t - T) × freq) mod 2^64', () => {
  assert.equal(hostCounter(armHost, 20_600_000_000n), 5_515_000_000n); // 5e9 + 25 MHz × 20.6 s
  assert.equal(hostCounter(armHost, 39n), 5_000_000_000n); //            39 ns × 25 MHz = 0.975 tick: floor
  assert.equal(hostCounter(armHost, 40n), 5_000_000_001n);
  // Before T the counter is smaller: 1 s before 0 at V = 10 → 10 - 25000000 mod 2^64
  assert.equal(hostCounter({ ...armHost, counterValue: 10n }, -1_000_000_000n), U64 - 24_999_990n);
});

test('CNTVCT = C - voffset; CNTPCT is offset by poffset only with CNTPOFF or a trap', () => {
  // voffset = C(10 s) = 5250000000; at 12 s C = 5300000000.
  assert.equal(armVcpu.voffset, 5_250_000_000n);
  assert.equal(guestCntvct(armHost, armVcpu, 12_000_000_000n), 50_000_000n);
  assert.equal(guestCounter(armHost, armVcpu, 12_000_000_000n), 50_000_000n);
  const v = { ...armVcpu, poffset: 1_000n };
  assert.equal(kvmCntpct(armHost, v, 12_000_000_000n), 5_299_999_000n);
  assert.equal(guestCntpct(armHost, { ...v, trap: 'unknown' }, 12_000_000_000n), 5_299_999_000n); // assumed trapped
  assert.equal(guestCntpct(armHost, { ...v, trap: 'off' }, 12_000_000_000n), 5_300_000_000n); //     raw host counter
  assert.equal(guestCntpct({ ...armHost, ecv: 2 }, { ...v, trap: 'off' }, 12_000_000_000n), 5_299_999_000n); // CNTPOFF
});

test('CNTPOFF needs ecv=2 and vhe=1', () => {
  assert.equal(hasCntpoff({ ...armHost, ecv: 2, vhe: true }), true);
  assert.equal(hasCntpoff({ ...armHost, ecv: 2, vhe: false }), false);
  assert.equal(hasCntpoff({ ...armHost, ecv: 1, vhe: true }), false);
});

const X86 = modelAfter(
  ['@hvtrace 1', '@host x arch=x86_64 freq=2GHz', '@vm v', '10.000000000 x/v ioctl KVM_CREATE_VCPU id=0'],
  4,
);
const x86Host = X86.hosts.get('x')!;
const x86Vcpu = X86.instances.get('x/v')!.vcpus.get(0)!;

test('guest TSC = scale(C) + offset, scale(x) = x × virtual_khz / host_khz only when KVM scales', () => {
  // offset = -C(10 s) = -2e10; at 11 s: 2.2e10 - 2e10
  assert.equal(guestTsc(x86Host, x86Vcpu, 11_000_000_000n), 2_000_000_000n);
  assert.equal(guestCounter(x86Host, x86Vcpu, 11_000_000_000n), 2_000_000_000n);
  const scaled = { ...x86Vcpu, virtualKhz: 1_000_000n, scaled: true };
  assert.equal(scaleTsc(x86Host, scaled, 22_000_000_000n), 11_000_000_000n); // × 1000000 / 2000000
  assert.equal(scaleTsc(x86Host, { ...scaled, scaled: false }, 22_000_000_000n), 22_000_000_000n);
  // The frequency the guest knows is the one it was given; the rate it runs at is that only when scaled.
  assert.deepEqual([guestFreq(x86Host, scaled), guestRate(x86Host, scaled)], [1_000_000_000n, 1_000_000_000n]);
  assert.deepEqual(
    [guestFreq(x86Host, { ...scaled, scaled: false }), guestRate(x86Host, { ...scaled, scaled: false })],
    [1_000_000_000n, 2_000_000_000n],
  );
  assert.deepEqual([guestFreq(armHost, armVcpu), guestRate(armHost, armVcpu)], [25_000_000n, 25_000_000n]);
});

test('kvmclock advances 1 ns per ns from its last setting', () => {
  const inst = { ...X86.instances.get('x/v')!, kvmclockBase: 5_000_000_000n, kvmclockAt: 20_000_000_000n };
  assert.equal(kvmclockAt(inst, 21_000_000_000n), 6_000_000_000n);
  assert.equal(kvmclockAt(inst, 19_000_000_000n), 4_000_000_000n);
});
