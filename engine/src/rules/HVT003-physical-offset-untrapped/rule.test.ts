import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt } from '../testing';

const trace = (host: string, extra: string[]): string[] => [
  '@hvtrace 1',
  host,
  '@vm vm1',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
  // poffset = C(10.00001) - 1000 = 250000250 - 1000 = 249999250
  '10.000010000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_PTIMER_CNT value=1000',
  ...extra,
];
const NO_CNTPOFF = '@host h arch=arm64 freq=25MHz ecv=0 vhe=1';

test('fires when a vCPU runs untrapped with a physical offset on a host without CNTPOFF', () => {
  const d = check(
    trace(NO_CNTPOFF, [
      '10.000020000 h/vm1/vcpu0 kvm traps cntpct=off', //                 6
      '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN', //                        7
      '11.000000000 h/vm1/vcpu0 guest read CNTPCT_EL0 = 275000000', //    8: raw C(11): same episode
    ]),
  );
  assert.deepEqual(codesAt(d), ['HVT003@7']);
  assert.equal(
    d[0].message,
    'vcpu0 of vm1 on h runs with a physical offset of 249999250 ticks (9.99997 s at 25 MHz) on host h without CNTPOFF (ecv=0), but its CNTPCT reads are not trapped: the guest reads the raw host counter, 249999250 ticks ahead of the physical counter KVM reports — two physical counters',
  );
  assert.deepEqual(
    d[0].related.map((r) => r.range.start.line + 1),
    [5, 6],
  );
});

test('fires on a guest CNTPCT read that returns the raw host counter (evidence of a missing trap)', () => {
  const d = check(
    trace(NO_CNTPOFF, [
      '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN', //                        6: trap unknown, assumed on
      '11.000000000 h/vm1/vcpu0 guest read CNTPCT_EL0 = 275000000', //    7
      '12.000000000 h/vm1/vcpu0 ioctl KVM_RUN', //                        8: same episode
    ]),
  );
  assert.deepEqual(codesAt(d), ['HVT004@6', 'HVT003@7']);
  assert.equal(
    d[1].message,
    'the guest read CNTPCT_EL0 = 275000000 on vcpu0 of vm1 on h: the raw host counter, although the physical offset is 249999250 ticks (9.99997 s at 25 MHz) and host h has no CNTPOFF (ecv=0): the read was not trapped, so the guest sees two physical counters',
  );
  assert.deepEqual(d[1].range, { start: { line: 6, character: 49 }, end: { line: 6, character: 58 } });
});

test('does not fire on a host with CNTPOFF, or when the trap is on', () => {
  assert.deepEqual(
    codesAt(
      check(
        trace('@host h arch=arm64 freq=25MHz ecv=2 vhe=1', [
          '10.000020000 h/vm1/vcpu0 kvm traps cntpct=off',
          '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
        ]),
      ),
    ),
    [],
  );
  assert.deepEqual(
    codesAt(
      check(
        trace(NO_CNTPOFF, ['10.000020000 h/vm1/vcpu0 kvm traps cntpct=on', '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN']),
      ),
    ),
    ['HVT004@7'],
  );
});

test('CNTHCTL_EL2 decides the trap: EL1PCTEN is bit 10 with VHE and bit 0 without', () => {
  // 0x400 sets EL1PCTEN under VHE: CNTPCT does not trap.
  assert.deepEqual(
    codesAt(
      check(
        trace(NO_CNTPOFF, [
          '10.000020000 h/vm1/vcpu0 kvm write CNTHCTL_EL2 = 0x400',
          '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
        ]),
      ),
    ),
    ['HVT003@7'],
  );
  // 0x1 is EL0PCTEN under VHE: EL1PCTEN clear, CNTPCT traps.
  assert.deepEqual(
    codesAt(
      check(
        trace(NO_CNTPOFF, [
          '10.000020000 h/vm1/vcpu0 kvm write CNTHCTL_EL2 = 0x1',
          '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
        ]),
      ),
    ),
    ['HVT004@7'],
  );
  // Without VHE bit 0 is EL1PCTEN.
  assert.deepEqual(
    codesAt(
      check(
        trace('@host h arch=arm64 freq=25MHz ecv=0 vhe=0', [
          '10.000020000 h/vm1/vcpu0 kvm write CNTHCTL_EL2 = 0x1',
          '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
        ]),
      ),
    ),
    ['HVT003@7'],
  );
});
