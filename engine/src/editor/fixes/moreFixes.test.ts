// The quick fixes beyond the format's worked example: restores by offset (a group of TIMER_CNT
// writes, x86 KVM_VCPU_TSC_OFFSET), restore order (HVT021, HVT033), the trace-hygiene fixes
// (HVT090, HVT091, HVT092), "disable for this line" and "fix all", on hand-built traces and on the
// bundled samples. Every offset is worked out in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../../analysis';
import { applyFix, codesAt } from '../../rules/testing';
import { disableLineFix, fixAll, fixesFor } from './index';

const sample = (name: string): string =>
  readFileSync(path.resolve(__dirname, '../../../../sample-traces', name), 'utf8');
const codes = (text: string): string[] => codesAt(new Analysis(text).diagnostics());
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

// h: C(t) = 25e6·t. Created at 10 s: voffset = 250000000; paused at 20 s: G_before = 500000000 - 250000000 = 250000000.
const LAST_WRITER = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
  '@vm vm1 vcpus=2 policy=freeze',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1',
  '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN',
  '10.000100000 h/vm1/vcpu1 ioctl KVM_RUN',
  '20.000000000 h/vm1 vmm pause',
  '50.000000000 h/vm1 vmm resume',
  '50.000000000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000250   # by value',
  '50.000010000 h/vm1/vcpu1 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250050250',
  '50.000020000 h/vm1/vcpu0 ioctl KVM_RUN',
  '50.000030000 h/vm1/vcpu1 ioctl KVM_RUN',
].join('\n');

test('HVT011 and HVT012 on a restore of two vCPUs: one KVM_ARM_SET_COUNTER_OFFSET replaces both TIMER_CNT writes', () => {
  assert.deepEqual(codes(LAST_WRITER), ['HVT011@10', 'HVT011@11', 'HVT012@11', 'HVT010@12', 'HVT010@13']);
  const a = new Analysis(LAST_WRITER);
  // Policy freeze: Off1 = Off0 - (C0 - C1) = 250000000 - (C(20) - C(50)) = 250000000 - (500000000 - 1250000000) = 1000000000.
  const expected = {
    title:
      'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000 (replaces 2 counter writes)',
    edits: [
      {
        line: 9,
        newText: '50.000000000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000   # by value',
      },
      { line: 10, newText: '', delete: true },
    ],
  };
  // The same fix from either write, from HVT012, and from the resume points' HVT010.
  for (const [code, line] of [
    ['HVT011', 9],
    ['HVT011', 10],
    ['HVT012', 10],
    ['HVT010', 11],
    ['HVT010', 12],
  ] as const) {
    assert.deepEqual(fixesFor(a, code, line), [expected], `${code} on line ${line + 1}`);
  }
  // vcpu0 resumes 20 µs after the offset is set: 500 ticks, within the 100 µs tolerance; vcpu1 30 µs.
  assert.deepEqual(codes(applyFix(LAST_WRITER, expected)), []);
});

// h: TSC(t) = 2.1e9·t. Created at 10 s: offset = -21e9; paused at 30 s: G0 = 63e9 - 21e9 = 42000000000.
const X86_RESTORE = [
  '@hvtrace 1',
  '@host h arch=x86_64 freq=2.1GHz',
  '@vm fc vcpus=1 policy=freeze',
  '10.000000000 h/fc ioctl KVM_CREATE_VCPU id=0',
  '10.000100000 h/fc/vcpu0 ioctl KVM_RUN',
  '30.000000000 h/fc vmm pause',
  '30.000100000 h/fc vmm snapshot',
  '90.000000000 h/fc vmm restore',
  '90.000000000 h/fc ioctl KVM_CREATE_VCPU id=0',
  '90.000050000 h/fc ioctl KVM_SET_CLOCK clock=19999900000',
  '90.000100000 h/fc/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=42002100000 IA32_TSC=42000021000 # saved order',
  '90.000110000 h/fc/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
  '90.000120000 h/fc/vcpu0 ioctl KVM_RUN',
].join('\n');

test('x86 HVT011: IA32_TSC becomes KVM_VCPU_TSC_OFFSET with the idempotent offset; the deadline follows in its own KVM_SET_MSRS', () => {
  assert.deepEqual(codes(X86_RESTORE), ['HVT011@11', 'HVT020@11', 'HVT044@13']);
  const a = new Analysis(X86_RESTORE);
  // offset = G0 - scale(C1) = 42000000000 - 2.1e9 × 90.0001 = 42000000000 - 189000210000 = -147000210000
  //        = 2^64 - 147000210000 = 18446743926709341616 as a u64.
  const [fix, ...rest] = fixesFor(a, 'HVT011', 10);
  assert.deepEqual(rest, []);
  assert.deepEqual(fix, {
    title: 'Restore the TSC idempotently: KVM_VCPU_TSC_OFFSET value=18446743926709341616 (-147000210000)',
    edits: [
      {
        line: 10,
        newText:
          '90.000100000 h/fc/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=18446743926709341616 # saved order',
      },
      {
        line: 11,
        newText: '90.000100000 h/fc/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=42002100000',
        insertBefore: true,
      },
    ],
  });
  // HVT044 at the resume point offers it too, and the plain reorder of HVT020.
  assert.deepEqual(
    fixesFor(a, 'HVT044', 12).map((f) => f.title),
    [fix.title, 'Write IA32_TSC_DEADLINE after IA32_TSC'],
  );
  // The offset is set before the deadline is written: no drift, no order problem, the timer where it was.
  assert.deepEqual(codes(applyFix(X86_RESTORE, fix)), []);
});

test('HVT021: the later KVM_SET_CLOCK moves before the first KVM_RUN; without one, the saved clock is inserted', () => {
  const text = sample('x86-cloud-hypervisor-run-before-set-clock.hvtrace');
  const run = lineOf(text, '90.000180000 h/win/vcpu0 ioctl KVM_RUN');
  const set = lineOf(text, 'KVM_SET_CLOCK clock=19999900000');
  const [fix] = fixesFor(new Analysis(text), 'HVT021', run);
  assert.deepEqual(fix, {
    title: 'Restore kvmclock (KVM_SET_CLOCK) before the first KVM_RUN',
    edits: [
      { line: set, newText: '', delete: true },
      { line: run, newText: '90.000180000 h/win ioctl KVM_SET_CLOCK clock=19999900000', insertBefore: true },
    ],
  });
  assert.deepEqual(codes(applyFix(text, fix)), []);
  // No KVM_SET_CLOCK at all: policy freeze restores the clock the source saved (KVM_GET_CLOCK -> clock=19999900000).
  const without = text
    .split('\n')
    .filter((_, i) => i !== set)
    .join('\n');
  const [insert] = fixesFor(new Analysis(without), 'HVT021', run);
  assert.deepEqual(insert.edits, [
    { line: run, newText: '90.000180000 h/win ioctl KVM_SET_CLOCK clock=19999900000', insertBefore: true },
  ]);
  // Policy advance: kvmclock runs on through the downtime, 90.00018 s - 30 s = 60000180000 ns: 19999900000 + 60000180000.
  const advance = without.replace('policy=freeze', 'policy=advance');
  assert.equal(
    fixesFor(new Analysis(advance), 'HVT021', run)[0].edits[0].newText,
    '90.000180000 h/win ioctl KVM_SET_CLOCK clock=80000080000',
  );
});

test('HVT033: the destination sets the PV-time address the source had, before the vCPU runs', () => {
  const text = sample('arm64-pvtime-destination-without-address.hvtrace');
  const run = lineOf(text, '20.200100000 dst/vm1/vcpu0 ioctl KVM_RUN');
  const [fix] = fixesFor(new Analysis(text), 'HVT033', run);
  assert.deepEqual(fix.edits, [
    {
      line: run,
      newText:
        '20.200100000 dst/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x40000000',
      insertBefore: true,
    },
  ]);
  assert.equal(
    fix.title,
    `Set vcpu0's stolen-time address on the destination before it runs (as on line ${lineOf(text, 'value=0x40000000') + 1})`,
  );
});

test('trace-with-mistakes: the decimal comma, the statement out of order and the undeclared host are fixed; the unknown ioctl and the model disagreement are not', () => {
  const text = sample('trace-with-mistakes.hvtrace');
  const a = new Analysis(text);
  assert.deepEqual(codes(text), ['HVT091@19', 'HVT090@23', 'HVT092@25', 'HVT093@28', 'HVT091@31']);
  assert.deepEqual(fixesFor(a, 'HVT090', 22), [
    {
      title: 'Write the time with a decimal point: 12.500000000',
      edits: [
        {
          line: 22,
          newText: '12.500000000 src/vm1/vcpu1 guest read CNTVCT_EL0 = 62500000             # expect: HVT090',
        },
      ],
    },
  ]);
  // 12.8 s goes before line 24 (13.0 s), after line 23 (12.5 s once fixed, but already now: a parse error is not a statement).
  assert.deepEqual(fixesFor(a, 'HVT092', 24), [
    {
      title: 'Move this statement to its place in time order (before line 24)',
      edits: [
        { line: 24, newText: '', delete: true },
        {
          line: 23,
          newText: '12.800000000 src/vm1/vcpu1 guest read CNTVCT_EL0 = 70000000     # expect: HVT092',
          insertBefore: true,
        },
      ],
    },
  ]);
  // dst is declared like src, after the last @host line (line 14).
  assert.deepEqual(fixesFor(a, 'HVT091', 30), [
    {
      title: 'Declare host dst like src: @host dst arch=arm64 freq=25MHz ecv=2 vhe=1',
      edits: [{ line: 14, newText: '@host dst arch=arm64 freq=25MHz ecv=2 vhe=1', insertBefore: true }],
    },
  ]);
  assert.deepEqual(fixesFor(a, 'HVT091', 18), []);
  assert.deepEqual(fixesFor(a, 'HVT093', 27), []);
  // Fix all: three fixes in one pass; what is left is the unknown ioctl and the disagreement (one line lower: the @host line).
  const all = fixAll(a);
  assert.deepEqual(
    all.applied.map((x) => `${x.pass}:${x.code}@${x.line + 1}`),
    ['1:HVT090@23', '1:HVT092@25', '1:HVT091@31'],
  );
  assert.deepEqual(codes(all.lines.join('\n')), ['HVT091@20', 'HVT093@29']);
  // One block changed: from the inserted @host (line 15) to the moved statement (line 26).
  assert.equal(all.change?.start, 14);
  assert.equal(all.change?.end, 25);
  // Only one kind: the other two stay.
  assert.deepEqual(codes(fixAll(a, { codes: ['HVT092'] }).lines.join('\n')), [
    'HVT091@19',
    'HVT090@23',
    'HVT093@28',
    'HVT091@31',
  ]);
});

test('fix all applies each fix once when several findings share it, in passes until nothing is left to fix', () => {
  const all = fixAll(new Analysis(LAST_WRITER));
  // HVT011 ×2, HVT012 and HVT010 ×2 share one edit: applied once (for the first finding).
  assert.deepEqual(
    all.applied.map((x) => `${x.code}@${x.line + 1}`),
    ['HVT011@10'],
  );
  assert.equal(all.lines.length, 12);
  assert.deepEqual(all.change, {
    start: 9,
    end: 11,
    replacement: ['50.000000000 h/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=1000000000   # by value'],
  });
  // Nothing to fix: no change.
  assert.equal(fixAll(new Analysis(all.lines.join('\n'))).change, undefined);
});

test('"disable for this line" inserts a suppression comment, or adds the code to the one above', () => {
  const a = new Analysis(LAST_WRITER);
  assert.deepEqual(disableLineFix(a, 'HVT011', 9), {
    title: 'Disable HVT011 for this line',
    edits: [{ line: 9, newText: '# hvtimer-disable-next-line HVT011', insertBefore: true }],
  });
  const once = applyFix(LAST_WRITER, disableLineFix(a, 'HVT011', 10)!);
  assert.deepEqual(codes(once), ['HVT011@10', 'HVT012@12', 'HVT010@13', 'HVT010@14']);
  const b = new Analysis(once);
  assert.deepEqual(disableLineFix(b, 'HVT012', 11), {
    title: 'Disable HVT012 for this line',
    edits: [{ line: 10, newText: '# hvtimer-disable-next-line HVT011,HVT012' }],
  });
  assert.deepEqual(codes(applyFix(once, disableLineFix(b, 'HVT012', 11)!)), ['HVT011@10', 'HVT010@13', 'HVT010@14']);
  assert.equal(disableLineFix(b, 'HVT011', 11), undefined);
  // Indentation is kept.
  const indented = LAST_WRITER.replace('50.000020000 h/vm1/vcpu0', '  50.000020000 h/vm1/vcpu0');
  assert.equal(
    disableLineFix(new Analysis(indented), 'HVT010', 11)?.edits[0].newText,
    '  # hvtimer-disable-next-line HVT010',
  );
});

test('on every sample trace, each fix offered removes the finding it is offered for', () => {
  const dir = path.resolve(__dirname, '../../../../sample-traces');
  let offered = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.hvtrace'))) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    const a = new Analysis(text);
    const before = a.diagnostics();
    // The same finding would come back with the same message (lines may shift, the words would not);
    // two findings can share a message, so fewer of them must be left.
    const same = (ds: typeof before, d: (typeof before)[number]): number =>
      ds.filter((x) => x.code === d.code && x.message === d.message).length;
    for (const d of before) {
      for (const fix of [...d.fixes, ...fixesFor(a, d.code, d.range.start.line)]) {
        offered++;
        const after = new Analysis(applyFix(text, fix)).diagnostics();
        assert.ok(
          same(after, d) < same(before, d),
          `${name}:${d.range.start.line + 1} ${d.code}: "${fix.title}" leaves it`,
        );
      }
    }
  }
  // Fixes per sample (docs/diagnostics/README.md, "Quick fixes"): counter-offset-then-set-one-reg 3
  // (HVT013 ×3), hotplug-after-restore 3 (HVT011, HVT001, HVT014), last-writer-wins 5, migration-by-value 3,
  // migration-timer-600ms-late 3, pvtime-destination-without-address 2, restore-backward 6,
  // qemu-freeze-30s-pause 2, trace-with-mistakes 3, cloud-hypervisor-run-before-set-clock 1,
  // firecracker-deadline-before-tsc-late-timer 4 (HVT044 has two), firecracker-deadline-before-tsc 9,
  // kata-msrs-before-lapic 3, restore-without-kvmclock-ctrl 2, vcpus-restored-at-different-instants 4: 53.
  assert.equal(offered, 53);
});
