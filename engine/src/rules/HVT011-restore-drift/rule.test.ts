import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../analysis';
import { replayJson } from '../../state/replayJson';
import { check, codesAt, only } from '../testing';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../fixtures';
import { RESET_TIMERS_JSON } from '../../replay/testing';

test("fires on a by-value restore and works out the idempotent offset with the trace's numbers", () => {
  const d = check([...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE]);
  const [f] = only(d, 'HVT011');
  assert.equal(f.range.start.line + 1, 15);
  assert.equal(f.severity, 'info');
  // Off0 = 250000025, T0 = 20 s, C0 = 500000000, T1 = 20.6 s, C1 = 5515000000:
  // Off1 = 250000025 - 0.6 × 25e6 - (500000000 - 5515000000) = 5250000025; by value: 5264999775.
  assert.equal(
    f.message,
    'by-value restore: TIMER_CNT=250000225 sets the offset to 5264999775 (C1 - value, sampled when KVM serves the ioctl); the idempotent restore KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025, from Off1 = Off0 - (T1-T0)*F - (C0-C1) = 250000025 - (20.600000000 - 20.000000000) s × 25 MHz - (500000000 - 5515000000) = 5250000025, would keep the guest on its time line. This write leaves it 14999750 ticks (599.99 ms at 25 MHz) behind',
  );
});

const ECV2 = (lines: string[]): string[] => lines.map((l) => l.replace('ecv=0', 'ecv=2'));

test('an idempotent restore with KVM_ARM_SET_COUNTER_OFFSET: no findings, exact guest counter at resume', () => {
  const trace = [
    ...ECV2(SPEC_EXAMPLE),
    '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
    '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN',
  ];
  assert.deepEqual(codesAt(check(trace)), []);
  const s = replayJson(new Analysis(trace.join('\n')).stateAfter(15));
  // 5515002500 - 5250000025 = 265002475 = 249999975 + 0.6001 s × 25 MHz
  assert.deepEqual(s.vms.vm1.vcpus['0'], {
    guest_counter: '265002475',
    virtual_offset: '5250000025',
    physical_offset: '5250000025',
    physical_trap: 'unknown',
    tsc_offset: null,
    stolen_ns: null,
    // the vCPU's timers in their reset state (docs/timers.md#t2-model: CTL 0, CVAL 0, disabled)
    timers: RESET_TIMERS_JSON,
  });
});

test('does not fire where no idempotent restore exists (arm64 before Linux 6.4)', () => {
  const d = check(
    [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE].map((l) => (l.startsWith('@host dst') ? `${l} kernel=5.15` : l)),
  );
  assert.deepEqual(codesAt(d), ['HVT010@16']);
});

test('policy freeze drops the (T1-T0)*F term: QEMU-style restore of the saved value is exact', () => {
  const d = check([
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz',
    '@vm vm1 policy=freeze',
    '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '20.000000000 src/vm1 vmm pause',
    '50.000000000 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000000',
    '50.000000000 src/vm1/vcpu0 ioctl KVM_RUN',
  ]);
  assert.deepEqual(codesAt(d), ['HVT011@7']);
  // Off1 = 250000000 - (500000000 - 1250000000) = 1000000000 = 1250000000 - 250000000
  assert.match(
    d[0].message,
    /Off1 = Off0 - \(C0-C1\) = 250000000 - \(500000000 - 1250000000\) = 1000000000 \(policy freeze drops the \(T1-T0\)\*F term\)/,
  );
  assert.match(d[0].message, /This write leaves it exactly on it$/);
});
