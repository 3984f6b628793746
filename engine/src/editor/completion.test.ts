// Completion, signature help and the restore snippets: what is offered at each word of a statement
// and a directive, and that every snippet, expanded with its defaults into the trace it belongs to,
// replays without a finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../analysis';
import { completionsAt } from './completion';
import { signatureHelpAt } from './signatureHelp';
import { expandSnippet, SNIPPETS } from './snippets';

const sample = (name: string): string => readFileSync(path.resolve(__dirname, '../../../sample-traces', name), 'utf8');
const BASE = sample('arm64-migration-by-value.hvtrace');

/** Completion labels at the end of `partial`, appended as the last line of the by-value migration sample. */
function labels(partial: string): string[] {
  const a = new Analysis(`${BASE}${partial}`);
  return completionsAt(a, a.doc.lineCount - 1, partial.length).items.map((i) => i.label);
}

function signature(partial: string): { label: string; active: string } | undefined {
  const a = new Analysis(`${BASE}${partial}`);
  const s = signatureHelpAt(a, a.doc.lineCount - 1, partial.length);
  return (
    s && {
      label: s.label,
      active: s.activeParameter < 0 ? '' : s.label.slice(...s.parameters[s.activeParameter].label),
    }
  );
}

test('a new line: the previous time first, then the snippets and the directives', () => {
  // The sample's last statement is at 21.0 s.
  assert.deepEqual(labels(''), [
    '21.000000000',
    'restore arm64 (idempotent, KVM_ARM_SET_COUNTER_OFFSET)',
    'restore x86 (documented migration algorithm, KVM_VCPU_TSC_OFFSET)',
    'restore x86 timer (Firecracker-safe: LAPIC, TSC offset, then IA32_TSC_DEADLINE)',
    'new trace header (@hvtrace, @host, @vm)',
    '@hvtrace',
    '@host',
    '@vm',
    '@tolerance',
  ]);
});

test('locations are the hosts, VMs and vCPUs the file declares and creates; actors; operations that fit the location', () => {
  assert.deepEqual(labels('21.1 '), [
    'src/vm1/vcpu0',
    'src/vm1/vcpu1',
    'dst/vm1/vcpu0',
    'dst/vm1/vcpu1',
    'src/vm1',
    'dst/vm1',
    'src',
    'dst',
  ]);
  assert.deepEqual(labels('21.1 dst/vm1 '), ['ioctl', 'guest', 'kvm', 'sched', 'vmm']);
  // VM-level operations only at a VM location; vCPU-level ones at a vCPU.
  const vm = labels('21.1 dst/vm1 ioctl ');
  assert.ok(vm.includes('KVM_ARM_SET_COUNTER_OFFSET') && vm.includes('KVM_CREATE_VCPU') && !vm.includes('KVM_RUN'));
  const vcpu = labels('21.1 dst/vm1/vcpu0 ioctl ');
  assert.ok(
    vcpu.includes('KVM_RUN') && vcpu.includes('KVM_SET_ONE_REG') && !vcpu.includes('KVM_ARM_SET_COUNTER_OFFSET'),
  );
  assert.deepEqual(labels('21.1 dst/vm1 vmm '), [
    'pause',
    'resume',
    'snapshot',
    'restore',
    'migrate',
    'sample',
    'note',
  ]);
});

test("operations of the host's architecture only: arm64's on an arm64 host, x86's on an x86 host", () => {
  // The by-value sample declares `@host dst arch=arm64 …`: no kvmclock, MSR or LAPIC ioctls there.
  const arm = labels('21.1 dst/vm1/vcpu0 ioctl ');
  assert.ok(arm.includes('KVM_RUN') && arm.includes('KVM_SET_ONE_REG'));
  for (const x86 of ['KVM_SET_MSRS', 'KVM_GET_MSRS', 'KVM_SET_LAPIC', 'KVM_KVMCLOCK_CTRL', 'KVM_SET_TSC_KHZ'])
    assert.ok(!arm.includes(x86), x86);
  assert.deepEqual(
    labels('21.1 dst/vm1/vcpu0 kvm ').filter((l) =>
      ['write', 'trap', 'write_tsc_offset', 'wait_lapic_expire'].includes(l),
    ),
    ['write', 'trap'],
  );
  // An x86 host (x86-kata-msrs-before-lapic.hvtrace declares `@host h arch=x86_64`): the reverse.
  const X86 = sample('x86-kata-msrs-before-lapic.hvtrace');
  const host = /^@host (\S+) arch=x86_64/m.exec(X86)![1];
  const vm = /^@vm (\S+)/m.exec(X86)![1];
  const partial = `999.0 ${host}/${vm}/vcpu0 ioctl `;
  const a = new Analysis(`${X86}\n${partial}`);
  const x86 = completionsAt(a, a.doc.lineCount - 1, partial.length).items.map((i) => i.label);
  assert.ok(x86.includes('KVM_SET_MSRS') && x86.includes('KVM_SET_LAPIC') && x86.includes('KVM_RUN'));
  assert.ok(!x86.includes('KVM_SET_SYSTEM_COUNTER_STATE'));
});

test('arguments: the keys not written yet, then the values a key takes', () => {
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG '), ['id=', 'value=', 'took=']);
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT '), ['value=', 'took=']);
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_C'), [
    'KVM_REG_ARM_TIMER_CTL',
    'KVM_REG_ARM_TIMER_CVAL',
    'KVM_REG_ARM_TIMER_CNT',
    'KVM_REG_ARM_PTIMER_CTL',
    'KVM_REG_ARM_PTIMER_CVAL',
    'KVM_REG_ARM_PTIMER_CNT',
    'KVM_REG_ARM_TIMER_OFFSET',
    'CNTFRQ_EL0',
    'KVM_REG_ARM_STD_HYP_BMAP',
  ]);
  // Attributes of the group written; the hosts of the file after to=; MSR names as keys of KVM_SET_MSRS.
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr='), [
    'KVM_VCPU_TSC_OFFSET',
  ]);
  assert.deepEqual(labels('21.1 dst/vm1 vmm migrate to='), ['src', 'dst']);
  assert.ok(labels('21.1 dst/vm1/vcpu0 ioctl KVM_SET_MSRS ').includes('IA32_TSC_DEADLINE='));
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 kvm timer_irq '), [
    'vtimer',
    'ptimer',
    'hvtimer',
    'hptimer',
    'lapic',
    'level=',
  ]);
  assert.deepEqual(labels('21.1 dst/vm1/vcpu0 kvm timer_irq vtimer level='), ['0', '1']);
  // Named results after ->.
  assert.deepEqual(labels('21.1 dst/vm1 ioctl KVM_GET_CLOCK -> '), ['clock=', 'flags=', 'realtime=', 'host_tsc=']);
});

test('directives and suppression comments', () => {
  assert.deepEqual(labels('@host h '), [
    'arch=',
    'freq=',
    'ecv=',
    'vhe=',
    'tsc_scaling=',
    'counter=',
    'kernel=',
    'assumed=',
  ]);
  assert.deepEqual(labels('@host h arch='), ['arm64', 'x86_64']);
  assert.deepEqual(labels('@vm vm2 policy='), ['advance', 'freeze']);
  assert.deepEqual(labels('# '), ['hvtimer-disable-next-line', 'hvtimer-disable']);
  assert.equal(labels('# hvtimer-disable-next-line ').slice(0, 3).join(','), 'HVT001,HVT002,HVT003');
});

test("signature help: the operation's pattern with the parameter being typed", () => {
  assert.deepEqual(signature('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG '), {
    label: 'ioctl KVM_SET_ONE_REG id=REG value=VALUE',
    active: 'id=REG',
  });
  assert.deepEqual(signature('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT '), {
    label: 'ioctl KVM_SET_ONE_REG id=REG value=VALUE',
    active: 'value=VALUE',
  });
  assert.deepEqual(signature('21.1 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG value=1'), {
    label: 'ioctl KVM_SET_ONE_REG id=REG value=VALUE',
    active: 'value=VALUE',
  });
  assert.deepEqual(signature('21.1 dst/vm1/vcpu0 guest read CNTVCT_EL0 = '), {
    label: 'guest read GREG = VALUE [version=N]',
    active: 'VALUE',
  });
  assert.deepEqual(signature('21.1 dst/vm1 ioctl KVM_GET_CLOCK -> clock=1 '), {
    label: 'ioctl KVM_GET_CLOCK -> [clock=NS] [flags=CLOCK_FLAGS] [realtime=NS] [host_tsc=VALUE]',
    active: '[flags=CLOCK_FLAGS]',
  });
  assert.deepEqual(signature('@vm vm2 policy=f'), {
    label: '@vm NAME [vcpus=VCPUS] [policy=POLICY] [pvtime=ONOFF]',
    active: '[policy=POLICY]',
  });
  // Before the arguments there is no signature to show.
  assert.equal(signature('21.1 dst/vm1/vcpu0 ioctl'), undefined);
});

/** The trace up to (and including) the first line containing `last`. */
const upTo = (text: string, last: string): string => {
  const lines = text.split('\n');
  return lines.slice(0, lines.findIndex((l) => l.includes(last)) + 1).join('\n');
};

test('each restore snippet, with its defaults, replays clean in the trace it is for', () => {
  const [arm64, x86, firecracker, header] = SNIPPETS;
  // arm64: src C = 25e6·t, dst C = 5e9 + 25e6·t; voffset = C_src(10.000003) = 250000075; G_before = 500000000 - 250000075.
  // Off1 at 20.3 s = 250000075 - 0.3 s × 25 MHz - (500000000 - 5507500000) = 5250000075 (the default);
  // at the resume (20.3501 s) the guest reads 5508752500 - 5250000075 = 258752425 = 249999925 + 0.3501 s × 25 MHz.
  const arm64Prefix = [
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host dst arch=arm64 freq=25MHz ecv=2 vhe=1 counter=5000000000@0.0',
    '@vm vm1 vcpus=2 policy=advance',
    '10.000002000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '10.000003000 src/vm1 ioctl KVM_CREATE_VCPU id=1',
    '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN',
    '10.000100000 src/vm1/vcpu1 ioctl KVM_RUN',
    '20.000000000 src/vm1 vmm pause',
    '20.000050000 src/vm1 vmm migrate to=dst',
  ].join('\n');
  const restored = `${arm64Prefix}\n${expandSnippet(arm64.body(undefined))}`;
  assert.deepEqual(
    new Analysis(restored).diagnostics().map((d) => `${d.code}@${d.range.start.line + 1}: ${d.message}`),
    [],
  );
  assert.match(
    restored,
    /20\.300000000 dst\/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000075\n20\.350100000 dst\/vm1\/vcpu0 ioctl KVM_RUN/,
  );

  // x86: the documented algorithm's sample up to the destination's vCPUs (its comments give the numbers).
  const x86Prefix = upTo(
    sample('x86-migration-documented-algorithm.hvtrace'),
    '20.300001000 d/vm1 ioctl KVM_CREATE_VCPU id=1',
  );
  assert.deepEqual(
    new Analysis(`${x86Prefix}\n${expandSnippet(x86.body(undefined))}`)
      .diagnostics()
      .map((d) => `${d.code}@${d.range.start.line + 1}`),
    [],
  );

  // Firecracker: its sample up to KVM_SET_CLOCK, vcpu0 restored in the safe order (offset -147000210000, see
  // moreFixes.test.ts); the restored instance gets only vcpu0 (the snippet restores one vCPU).
  const fcPrefix = upTo(
    sample('x86-firecracker-deadline-before-tsc.hvtrace'),
    'KVM_SET_CLOCK clock=19999900000',
  ).replace(/\n90\.000001000 h\/fc ioctl KVM_CREATE_VCPU id=1.*/, '');
  assert.deepEqual(
    new Analysis(`${fcPrefix}\n${expandSnippet(firecracker.body(undefined))}`)
      .diagnostics()
      .map((d) => `${d.code}@${d.range.start.line + 1}`),
    [],
  );

  assert.equal(
    expandSnippet(header.body(undefined)),
    '@hvtrace 1\n@host src arch=arm64 freq=25MHz\n@vm vm1 vcpus=2 policy=advance\n',
  );
  // The first tab stop defaults to the previous statement's time.
  assert.match(arm64.body(20_000_050_000n), /^\$\{1:20\.000050000\} /);
});
