import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codesAt, only } from '../testing';
import { applyFix } from '../testing';

// kata-containers/kata-containers#13798 on a fresh vCPU (LVTT 0x10000, one-shot, masked).
const HEAD = [
  '@hvtrace 1',
  '@host h arch=x86_64 freq=2GHz',
  '@vm vm1 vcpus=1',
  '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
];
const MSRS =
  '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000 IA32_TSC_DEADLINE=20004000000   # saved order';
const LAPIC = '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0 tmcct=0 tdcr=0';
const RUN = '1.000300000 h/vm1/vcpu0 ioctl KVM_RUN';

test('fires on the KVM_SET_LAPIC that enters TSC-deadline mode after KVM_SET_MSRS wrote the deadline', () => {
  const d = check([...HEAD, MSRS, LAPIC, RUN]);
  assert.deepEqual(codesAt(d), ['HVT042@5', 'HVT045@6']);
  const [f] = only(d, 'HVT045');
  assert.equal(f.severity, 'warning');
  assert.equal(
    f.message,
    'this KVM_SET_LAPIC puts LVTT of vcpu0 of vm1 on h in TSC-deadline mode (0x400ec, from one-shot mode) after KVM_SET_MSRS wrote IA32_TSC_DEADLINE=20004000000 on line 5: entering the mode clears the deadline, so the restored timer is lost. Restore the LAPIC before the MSRs',
  );
  assert.deepEqual(
    f.related.map((r) => [r.range.start.line + 1, r.message]),
    [[5, 'IA32_TSC_DEADLINE=20004000000 is written here, before the LAPIC is restored']],
  );
});

test('the quick fix moves the deadline write after KVM_SET_LAPIC, keeping the other MSR and the comment', () => {
  const text = [...HEAD, MSRS, LAPIC, RUN].join('\n');
  const [f] = only(check(text.split('\n')), 'HVT045');
  assert.equal(f.fixes[0].title, 'Write IA32_TSC_DEADLINE after KVM_SET_LAPIC');
  const fixed = applyFix(text, f.fixes[0]);
  assert.deepEqual(fixed.split('\n').slice(4), [
    '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000   # saved order',
    LAPIC,
    '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=20004000000',
    RUN,
  ]);
  assert.deepEqual(codesAt(check(fixed.split('\n'))), []);
  // a deadline alone in its KVM_SET_MSRS: the line moves
  const alone = [...HEAD, '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=20004000000', LAPIC, RUN].join(
    '\n',
  );
  const moved = applyFix(alone, only(check(alone.split('\n')), 'HVT045')[0].fixes[0]);
  assert.deepEqual(moved.split('\n').slice(4), [
    LAPIC,
    '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=20004000000',
    RUN,
  ]);
});

test('KVM_SET_LAPIC first, or LVTT already in TSC-deadline mode: nothing is cleared', () => {
  assert.deepEqual(
    codesAt(
      check([
        ...HEAD,
        '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tmict=0 tmcct=0 tdcr=0',
        '1.000200000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000 IA32_TSC_DEADLINE=20004000000',
        RUN,
      ]),
    ),
    [],
  );
  // a second KVM_SET_LAPIC in the same mode re-arms the deadline instead of clearing it
  assert.deepEqual(
    codesAt(check([...HEAD, '1.000050000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec', MSRS, LAPIC, RUN])),
    [],
  );
});

test("a deadline of 0, or one the guest wrote, is not this rule's", () => {
  assert.deepEqual(
    codesAt(
      check([
        ...HEAD,
        '1.000100000 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=20000000000 IA32_TSC_DEADLINE=0',
        LAPIC,
        RUN,
      ]),
    ),
    [],
  );
  // the guest writes a deadline in one-shot mode (dropped: HVT042), then a LAPIC restore
  const d = check([
    ...HEAD,
    '1.000010000 h/vm1/vcpu0 ioctl KVM_SET_LAPIC lvtt=0xec',
    '1.000020000 h/vm1/vcpu0 ioctl KVM_RUN',
    '1.000100000 h/vm1/vcpu0 guest write IA32_TSC_DEADLINE = 5000000',
    LAPIC,
  ]);
  assert.deepEqual(codesAt(d), ['HVT042@7']);
});
