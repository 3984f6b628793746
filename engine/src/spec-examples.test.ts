// Every example of the format, docs/format.md (§1–4, §6, §7), parses to the values the spec
// implies. The § numbers in the test names are that page's sections: docs/format.md#1-lines,
// docs/format.md#2-values, docs/format.md#3-directives-lines-starting-with-, docs/format.md#4-statements
// (docs/format.md#41-ioctl--vmm-to-kvm to docs/format.md#45-vmm--vm-lifecycle), docs/format.md#6-replay-rules,
// docs/format.md#7-example. Each expected value is written out by hand (literals), never computed by the code
// under test. Placeholders of the statement tables (N, REG, VALUE, ...) are filled in with values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkText } from './index';
import type { Directive } from './syntax/ast';
import { TraceDocument } from './syntax/document';
import { parseLine } from './syntax/parseLine';
import { bodyOf, directiveOf, known, notesOf, statementOf } from './syntax/testing';
import {
  parseCounter,
  parseDuration,
  parseFrequency,
  parseInteger,
  parseName,
  parseTime,
  type Parsed,
} from './values/parse';
import { signedDiff } from './values/u64';
import { ticksIn } from './values/units';

function value<T>(r: Parsed<T>): T {
  if (!r.ok) assert.fail(`expected a value, got failure: ${r.expected}`);
  return r.value;
}
function dir<T extends Directive['type']>(line: string, type: T): Extract<Directive, { type: T }> {
  const d = directiveOf(line).directive;
  assert.equal(d.type, type);
  return d as Extract<Directive, { type: T }>;
}

// ---- §1 Lines --------------------------------------------------------------------------------

test('§1: blank lines are ignored, `#` comments run to the end of the line from anywhere', () => {
  assert.equal(parseLine('').kind, 'empty');
  assert.equal(parseLine('# a whole-line comment').kind, 'empty');
  const n = parseLine('20.000000000 src/vm1 vmm pause # pausing for migration');
  assert.equal(n.kind, 'statement');
  assert.equal(n.comment?.text, ' pausing for migration');
});

test('§1: hvtimer-disable-next-line CODE[,CODE...] and hvtimer-disable CODE', () => {
  assert.deepEqual(
    parseLine('# hvtimer-disable-next-line HVT010,HVT001').comment?.suppression?.codes.map((c) => c.value),
    ['HVT010', 'HVT001'],
  );
  assert.equal(parseLine('# hvtimer-disable-next-line HVT010,HVT001').comment?.suppression?.kind, 'next-line');
  assert.deepEqual(
    parseLine('# hvtimer-disable HVT010').comment?.suppression?.codes.map((c) => c.value),
    ['HVT010'],
  );
  assert.equal(parseLine('# hvtimer-disable HVT010').comment?.suppression?.kind, 'rest-of-file');
});

test('§1: tokens separated by spaces or tabs; LF or CRLF; a BOM at the start is ignored', () => {
  const s = statementOf('20.000000000\tsrc/vm1\t\tvmm \t pause');
  assert.equal(s.body.type, 'pause');
  const doc = new TraceDocument(
    '\uFEFF@hvtrace 1\r\n@host src arch=arm64 freq=25MHz\r\n20.000000000 src/vm1 vmm pause\n',
  );
  assert.deepEqual(
    doc.allNodes.map((n) => n.kind),
    ['directive', 'directive', 'statement', 'empty'],
  );
});

// ---- §2 Values -------------------------------------------------------------------------------

test('§2 integer: `25000000`, `0x603000000013DF1A`, `-1000`, `1_000_000`', () => {
  assert.equal(value(parseInteger('25000000')), 25000000n);
  assert.equal(value(parseInteger('0x603000000013DF1A')), 6931039826524495642n);
  assert.equal(value(parseInteger('-1000')), -1000n);
  assert.equal(value(parseInteger('1_000_000')), 1000000n);
});

test("§2 counter: `-856010509473` is its two's complement modulo 2^64", () => {
  // 18446744073709551616 - 856010509473
  assert.equal(value(parseCounter('-856010509473')), 18446743217699042143n);
});

test('§2 time: `100.000001500` s is 100000001500 ns', () => {
  assert.equal(value(parseTime('100.000001500')), 100000001500n);
});

test('§2 duration: `154233ns`, `1.5ms`, `30s`', () => {
  assert.equal(value(parseDuration('154233ns')), 154233n);
  assert.equal(value(parseDuration('1.5ms')), 1500000n);
  assert.equal(value(parseDuration('30s')), 30000000000n);
});

test('§2 frequency: `25000000`, `25MHz`, `2.345678GHz`', () => {
  assert.equal(value(parseFrequency('25000000')), 25000000n);
  assert.equal(value(parseFrequency('25MHz')), 25000000n);
  assert.equal(value(parseFrequency('2.345678GHz')), 2345678000n);
});

test('§2 name: `src`, `vm1`, `KVM_REG_ARM_TIMER_CNT`', () => {
  for (const n of ['src', 'vm1', 'KVM_REG_ARM_TIMER_CNT']) assert.equal(value(parseName(n)), n);
});

test('§2: a wrap from 0xFFFFFFFFFFFFFFF0 to 0x10 is a step of +0x20', () => {
  assert.equal(signedDiff(0x10n, 0xfffffffffffffff0n), 0x20n);
});

// ---- §3 Directives ---------------------------------------------------------------------------

test('§3 example block', () => {
  assert.equal(dir('@hvtrace 1', 'hvtrace').version.value, 1);

  const src = dir('@host src arch=arm64 freq=25MHz ecv=0 vhe=1 counter=0x2540BE400@100.0', 'host');
  assert.equal(src.name.value, 'src');
  assert.equal(src.arch.value, 'arm64');
  assert.equal(src.freq.value, 25000000n);
  assert.equal(src.ecv?.value, 0);
  assert.equal(src.vhe?.value, true);
  assert.equal(src.counter?.value.value, 10000000000n); // 0x2540BE400
  assert.equal(src.counter?.time.value, 100000000000n); // 100.0 s

  const dst = dir('@host dst arch=arm64 freq=25MHz ecv=2 vhe=1', 'host');
  assert.equal(dst.name.value, 'dst');
  assert.equal(dst.ecv?.value, 2);
  assert.equal(dst.vhe?.value, true);
  assert.equal(dst.counter, undefined);

  const vm = dir('@vm   vm1 vcpus=2 policy=advance pvtime=on', 'vm');
  assert.equal(vm.name.value, 'vm1');
  assert.equal(vm.vcpus?.value, 2);
  assert.equal(vm.policy?.value, 'advance');
  assert.equal(vm.pvtime?.value, true);

  assert.equal(dir('@tolerance 100us', 'tolerance').duration?.value, 100000n);
});

test('§3 @host counter=V@T: the host counter is V + floor((t - T) * freq)', () => {
  const src = dir('@host src arch=arm64 freq=25MHz ecv=0 vhe=1 counter=0x2540BE400@100.0', 'host');
  // at t = 100.000001 s: 10000000000 + floor(0.000001 * 25000000) = 10000000025
  const t = value(parseTime('100.000001'));
  assert.equal(src.counter!.value.value + ticksIn(t - src.counter!.time.value, src.freq.value), 10000000025n);
});

test('§3 @host with every optional key of its grammar', () => {
  const x = dir('@host h1 arch=x86_64 freq=2.345678GHz tsc_scaling=0 kernel=6.4', 'host');
  assert.equal(x.arch.value, 'x86_64');
  assert.equal(x.freq.value, 2345678000n);
  assert.equal(x.tscScaling?.value, false);
  assert.deepEqual(x.kernel?.value, { major: 6, minor: 4 });
  const a = dir('@host h2 arch=arm64 freq=25000000 ecv=1 vhe=0 tsc_scaling=1 kernel=6.7', 'host');
  assert.equal(a.ecv?.value, 1);
  assert.equal(a.vhe?.value, false);
  assert.equal(a.tscScaling?.value, true);
  assert.deepEqual(a.kernel?.value, { major: 6, minor: 7 });
});

test('§3 @vm with policy=freeze and pvtime=off; @vm with defaults', () => {
  const v = dir('@vm vm2 policy=freeze pvtime=off', 'vm');
  assert.equal(v.policy?.value, 'freeze');
  assert.equal(v.pvtime?.value, false);
  const d = dir('@vm vm3', 'vm');
  assert.equal(d.policy, undefined);
  assert.equal(d.pvtime, undefined);
  assert.equal(d.vcpus, undefined);
});

// ---- §4 Statements ---------------------------------------------------------------------------

test('§4 WHERE: HOST, HOST/VM, HOST/VM/vcpuN', () => {
  const h = statementOf('50.000010000 src vmm sample realtime=50000010000 counter=1250000250');
  assert.equal(h.where.host.value, 'src');
  assert.equal(h.where.vm, undefined);
  const v = statementOf('20.000000000 src/vm1 vmm pause');
  assert.equal(v.where.vm?.value, 'vm1');
  const c = statementOf('10.000100000 src/vm1/vcpu0 ioctl KVM_RUN');
  assert.equal(c.where.vcpu?.value, 0);
});

test('§4: TIME 50.000010000 is realtime=50000010000 on the same clock', () => {
  const s = statementOf('50.000010000 src vmm sample realtime=50000010000 counter=1250000250');
  assert.equal(s.time.value, 50000010000n);
  assert.equal(bodyOf(s, 'sample').realtime?.value, 50000010000n);
  assert.equal(bodyOf(s, 'sample').counter?.value, 1250000250n);
});

test('§4 -> RESULT: a value (`-> 0x1234`), an errno (`-> -EINVAL`), named outputs (`-> clock=123 flags=0x6`)', () => {
  const v = statementOf('1.0 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 0x1234');
  assert.equal(v.result?.kind, 'value');
  assert.equal(bodyOf(v, 'get_one_reg').value?.value, 4660n);
  const e = statementOf(
    '1.0 src/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x41 -> -EINVAL',
  );
  assert.equal(e.result?.kind, 'errno');
  assert.equal(e.result?.kind === 'errno' ? e.result.errno.value : undefined, 'EINVAL');
  const n = statementOf('1.0 x/vm1 ioctl KVM_GET_CLOCK -> clock=123 flags=0x6');
  assert.equal(n.result?.kind, 'named');
  assert.equal(bodyOf(n, 'get_clock').clock?.value, 123n);
  assert.equal(bodyOf(n, 'get_clock').flags?.value, 6n);
  const none = statementOf('1.0 src/vm1/vcpu0 ioctl KVM_RUN');
  assert.equal(none.result, undefined);
});

// ---- §4.1 ioctl ------------------------------------------------------------------------------

test('§4.1: any ioctl may be written as its hex request code (`ioctl 0x4010AEAC ...`)', () => {
  const s = statementOf('1.0 src/vm1/vcpu0 ioctl 0x4010AEAC id=KVM_REG_ARM_TIMER_CNT value=250000225');
  assert.equal(s.op.value, 'KVM_SET_ONE_REG');
  assert.equal(bodyOf(s, 'set_one_reg').value.value, 250000225n);
});

test('§4.1 table: KVM_CREATE_VCPU, KVM_RUN, KVM_GET/SET_ONE_REG, KVM_ARM_SET_COUNTER_OFFSET', () => {
  assert.equal(bodyOf(statementOf('10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0'), 'create_vcpu').id.value, 0);
  assert.equal(bodyOf(statementOf('10.000100000 src/vm1/vcpu0 ioctl KVM_RUN'), 'run').exit, undefined);
  assert.equal(bodyOf(statementOf('10.000100000 src/vm1/vcpu0 ioctl KVM_RUN -> exit=MMIO'), 'run').exit?.value, 'MMIO');
  const g = bodyOf(
    statementOf('20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000225'),
    'get_one_reg',
  );
  assert.equal(known(g.reg.value).name, 'KVM_REG_ARM_TIMER_CNT');
  assert.equal(g.value?.value, 250000225n);
  const s = bodyOf(
    statementOf('20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225'),
    'set_one_reg',
  );
  assert.equal(known(s.reg.value).name, 'KVM_REG_ARM_TIMER_CNT');
  assert.equal(s.value.value, 250000225n);
  const o = bodyOf(
    statementOf('20.6 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025 reserved=0'),
    'set_counter_offset',
  );
  assert.equal(o.offset.value, 5250000025n);
  assert.equal(o.reserved?.value, 0n);
});

test('§4.1 table: KVM_SET/GET/HAS_DEVICE_ATTR', () => {
  const s = bodyOf(
    statementOf(
      '1.0 src/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x90000000',
    ),
    'device_attr',
  );
  assert.equal(s.verb, 'set');
  assert.equal(s.value?.value, 2415919104n);
  const g = bodyOf(
    statementOf('1.0 x/vm1/vcpu0 ioctl KVM_GET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET -> -1000'),
    'device_attr',
  );
  assert.equal(g.verb, 'get');
  assert.equal(g.value?.value, 18446744073709550616n); // 2^64 - 1000
  const h = bodyOf(
    statementOf(
      '1.0 src/vm1/vcpu0 ioctl KVM_HAS_DEVICE_ATTR group=KVM_ARM_VCPU_TIMER_CTRL attr=KVM_ARM_VCPU_TIMER_IRQ_VTIMER',
    ),
    'device_attr',
  );
  assert.equal(h.verb, 'has');
  assert.equal(h.value, undefined);
});

test('§4.1 table: KVM_GET_CLOCK, KVM_SET_CLOCK with flags by name, KVM_KVMCLOCK_CTRL', () => {
  const g = bodyOf(
    statementOf(
      '1.0 x/vm1 ioctl KVM_GET_CLOCK -> clock=1000000000 flags=0xE realtime=50000010000 host_tsc=0x2540BE400',
    ),
    'get_clock',
  );
  assert.equal(g.clock?.value, 1000000000n);
  assert.equal(g.flags?.value, 14n);
  assert.equal(g.realtime?.value, 50000010000n);
  assert.equal(g.hostTsc?.value, 10000000000n);
  const s = bodyOf(
    statementOf('1.0 x/vm1 ioctl KVM_SET_CLOCK clock=1000000000 flags=KVM_CLOCK_REALTIME realtime=50000010000'),
    'set_clock',
  );
  assert.equal(s.clock.value, 1000000000n);
  assert.equal(s.flags?.value, 4n); // KVM_CLOCK_REALTIME = 1 << 2
  assert.equal(s.realtime?.value, 50000010000n);
  assert.equal(
    bodyOf(
      statementOf('1.0 x/vm1 ioctl KVM_SET_CLOCK clock=5 flags=KVM_CLOCK_REALTIME|KVM_CLOCK_HOST_TSC'),
      'set_clock',
    ).flags?.value,
    12n,
  );
  assert.deepEqual(statementOf('1.0 x/vm1/vcpu0 ioctl KVM_KVMCLOCK_CTRL').body, { type: 'kvmclock_ctrl' });
});

test('§4.1 table: KVM_SET_TSC_KHZ / KVM_GET_TSC_KHZ on a vCPU or a VM', () => {
  assert.equal(
    bodyOf(statementOf('1.0 x/vm1/vcpu0 ioctl KVM_SET_TSC_KHZ value=3000000'), 'set_tsc_khz').khz.value,
    3000000n,
  );
  assert.equal(bodyOf(statementOf('1.0 x/vm1 ioctl KVM_SET_TSC_KHZ value=3000000'), 'set_tsc_khz').khz.value, 3000000n);
  assert.equal(
    bodyOf(statementOf('1.0 x/vm1/vcpu0 ioctl KVM_GET_TSC_KHZ -> 3000000'), 'get_tsc_khz').khz?.value,
    3000000n,
  );
  assert.equal(bodyOf(statementOf('1.0 x/vm1 ioctl KVM_GET_TSC_KHZ -> 3000000'), 'get_tsc_khz').khz?.value, 3000000n);
});

test('§4.1 table: KVM_SET_MSRS MSR=VALUE... (left to right), KVM_GET_MSRS MSR... -> MSR=VALUE...', () => {
  const s = bodyOf(statementOf('1.0 x/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0 IA32_TSC_ADJUST=0'), 'set_msrs');
  assert.deepEqual(
    s.writes.map((w) => [known(w.msr.value).name, w.value.value]),
    [
      ['IA32_TSC', 0n],
      ['IA32_TSC_ADJUST', 0n],
    ],
  );
  const g = bodyOf(
    statementOf('1.0 x/vm1/vcpu0 ioctl KVM_GET_MSRS IA32_TSC IA32_TSC_ADJUST -> IA32_TSC=123456 IA32_TSC_ADJUST=0'),
    'get_msrs',
  );
  assert.deepEqual(
    g.msrs.map((m) => known(m.value).name),
    ['IA32_TSC', 'IA32_TSC_ADJUST'],
  );
  assert.deepEqual(
    g.values.map((w) => [known(w.msr.value).name, w.value.value]),
    [
      ['IA32_TSC', 123456n],
      ['IA32_TSC_ADJUST', 0n],
    ],
  );
});

test('§4.1: 0x603000000013DF1A is the virtual counter, 0x603000000013DF02 the virtual CVAL', () => {
  const cnt = bodyOf(
    statementOf('1.0 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=0x603000000013DF1A value=1'),
    'set_one_reg',
  );
  assert.deepEqual(known(cnt.reg.value, 'role'), { name: 'KVM_REG_ARM_TIMER_CNT', role: 'vtimer_cnt' });
  const cval = bodyOf(statementOf('1.0 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=0x603000000013DF02 -> 1'), 'get_one_reg');
  assert.deepEqual(known(cval.reg.value, 'role'), { name: 'KVM_REG_ARM_TIMER_CVAL', role: 'vtimer_cval' });
});

test('§4.1: every register name accepted for id=', () => {
  const regs: [string, bigint][] = [
    ['KVM_REG_ARM_TIMER_CTL', 0x603000000013df19n],
    ['KVM_REG_ARM_TIMER_CNT', 0x603000000013df1an],
    ['KVM_REG_ARM_TIMER_CVAL', 0x603000000013df02n],
    ['KVM_REG_ARM_PTIMER_CTL', 0x603000000013df11n],
    ['KVM_REG_ARM_PTIMER_CNT', 0x603000000013df01n],
    ['KVM_REG_ARM_PTIMER_CVAL', 0x603000000013df12n],
  ];
  for (const [name, id] of regs) {
    const s = statementOf(`1.0 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=${name} -> 0`);
    assert.deepEqual(known(bodyOf(s, 'get_one_reg').reg.value, 'id'), { name, id });
    assert.deepEqual(s.notes, []);
  }
});

test('§4.1: attribute groups and attributes by name and number', () => {
  const groups: [string, bigint][] = [
    ['KVM_ARM_VCPU_PMU_V3_CTRL', 0n],
    ['KVM_ARM_VCPU_TIMER_CTRL', 1n],
    ['KVM_ARM_VCPU_PVTIME_CTRL', 2n],
    ['KVM_VCPU_TSC_CTRL', 0n],
  ];
  for (const [name, num] of groups) {
    assert.deepEqual(
      known(
        bodyOf(statementOf(`1.0 h/vm1/vcpu0 ioctl KVM_HAS_DEVICE_ATTR group=${name} attr=0`), 'device_attr').group
          .value,
        'num',
      ),
      { name, num },
    );
  }
  const attrs: [string, string, bigint][] = [
    ['KVM_ARM_VCPU_PVTIME_CTRL', 'KVM_ARM_VCPU_PVTIME_IPA', 0n],
    ['KVM_VCPU_TSC_CTRL', 'KVM_VCPU_TSC_OFFSET', 0n],
    ['KVM_ARM_VCPU_TIMER_CTRL', 'KVM_ARM_VCPU_TIMER_IRQ_VTIMER', 0n],
    ['KVM_ARM_VCPU_TIMER_CTRL', 'KVM_ARM_VCPU_TIMER_IRQ_PTIMER', 1n],
  ];
  for (const [group, name, num] of attrs) {
    assert.deepEqual(
      known(
        bodyOf(statementOf(`1.0 h/vm1/vcpu0 ioctl KVM_HAS_DEVICE_ATTR group=${group} attr=${name}`), 'device_attr').attr
          .value,
        'num',
      ),
      { name, num },
    );
  }
  const n = bodyOf(
    statementOf('1.0 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=2 attr=0 value=0x90000000'),
    'device_attr',
  );
  assert.deepEqual([n.group.value, n.attr.value], [{ num: 2n }, { num: 0n }]);
});

test('§4.1: MSR names and hex numbers', () => {
  const msrs: [string, string, bigint][] = [
    ['IA32_TSC', '0x10', 0x10n],
    ['IA32_TSC_ADJUST', '0x3b', 0x3bn],
    ['IA32_TSC_DEADLINE', '0x6e0', 0x6e0n],
    ['MSR_KVM_SYSTEM_TIME_NEW', '0x4b564d01', 0x4b564d01n],
    ['MSR_KVM_STEAL_TIME', '0x4b564d03', 0x4b564d03n],
  ];
  for (const [name, hex, index] of msrs) {
    assert.deepEqual(
      known(
        bodyOf(statementOf(`1.0 x/vm1/vcpu0 ioctl KVM_SET_MSRS ${name}=1`), 'set_msrs').writes[0].msr.value,
        'index',
      ),
      { name, index },
    );
    assert.deepEqual(
      known(
        bodyOf(statementOf(`1.0 x/vm1/vcpu0 ioctl KVM_SET_MSRS ${hex}=1`), 'set_msrs').writes[0].msr.value,
        'index',
      ),
      { name, index },
    );
  }
});

test('§4.1: unknown ioctls are accepted and reported as HVT091 (info)', () => {
  const d = checkText(['@host src arch=arm64 freq=25MHz', '1.0 src/vm1/vcpu0 ioctl KVM_ARM_VCPU_FINALIZE'].join('\n'));
  assert.deepEqual(
    d.map((x) => [x.code, x.severity, x.range.start.line, x.range.start.character, x.range.end.character]),
    [['HVT091', 'info', 1, 24, 45]],
  );
});

test('§4.1 proposed APIs: each use is HVT094 (info) on its statement', () => {
  const lines = [
    '@host src arch=arm64 freq=25MHz',
    '@host x arch=x86_64 freq=3GHz',
    '1.0 src/vm1/vcpu0 ioctl KVM_GET_SYSTEM_COUNTER_STATE -> cntvoff=250000000',
    '1.1 src/vm1/vcpu0 ioctl KVM_SET_SYSTEM_COUNTER_STATE cntvoff=250000000',
    '1.2 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_OFFSET value=250000000',
    '1.3 src/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_TIMER_CTRL attr=KVM_ARM_VCPU_TIMER_OFFSET value=0',
    '1.4 x/vm1/vcpu0 ioctl KVM_GET_TSC_STATE -> flags=3 nsec=1400000000 tsc=4200000000 tsc_adjust=0',
    '1.5 x/vm1/vcpu0 ioctl KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TIMESTAMP_VALID nsec=1400000000 tsc=4200000000',
  ];
  const d = checkText(lines.join('\n')).filter((x) => x.code === 'HVT094');
  assert.deepEqual(
    d.map((x) => [x.range.start.line, x.severity]),
    [
      [2, 'info'],
      [3, 'info'],
      [4, 'info'],
      [5, 'info'],
      [6, 'info'],
      [7, 'info'],
    ],
  );
  assert.match(d[0].message, /not an upstream KVM API/);
  const g = bodyOf(statementOf(lines[6]), 'get_tsc_state');
  assert.deepEqual(
    [g.flags?.value, g.nsec?.value, g.tsc?.value, g.tscAdjust?.value],
    [3n, 1400000000n, 4200000000n, 0n],
  );
  const s = bodyOf(statementOf(lines[7]), 'set_tsc_state');
  assert.deepEqual([s.flags.value, s.nsec?.value, s.tsc.value], [1n, 1400000000n, 4200000000n]);
  assert.equal(
    bodyOf(
      statementOf('1.0 x/vm1/vcpu0 ioctl KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TSC_ADJUST_VALID tsc=0 tsc_adjust=5'),
      'set_tsc_state',
    ).flags.value,
    2n,
  );
});

// ---- §4.2 guest ------------------------------------------------------------------------------

test('§4.2 guest read REG = VALUE for each listed register', () => {
  for (const reg of [
    'CNTVCT_EL0',
    'CNTPCT_EL0',
    'CNTVCTSS_EL0',
    'CNTPCTSS_EL0',
    'CNTFRQ_EL0',
    'CNTV_CTL_EL0',
    'CNTV_CVAL_EL0',
    'CNTP_CTL_EL0',
    'CNTP_CVAL_EL0',
    'TSC',
  ]) {
    const s = statementOf(`12.000000000 src/vm1/vcpu0 guest read ${reg} = 49999975`);
    const b = bodyOf(s, 'guest_read');
    assert.equal(b.reg.value, reg);
    assert.equal(b.value.value, 49999975n);
    assert.deepEqual(s.notes, []);
  }
  const m = bodyOf(statementOf('1.0 x/vm1/vcpu0 guest read IA32_TSC_ADJUST = 0'), 'guest_read');
  assert.equal(known(m.reg.value as object).name, 'IA32_TSC_ADJUST');
});

test('§4.2 guest write REG = VALUE (IA32_TSC, IA32_TSC_ADJUST, MSR_KVM_STEAL_TIME)', () => {
  for (const [reg, v, expect] of [
    ['IA32_TSC', '1000', 1000n],
    ['IA32_TSC_ADJUST', '-1000', 18446744073709550616n],
    ['MSR_KVM_STEAL_TIME', '0x90000001', 2415919105n],
  ] as const) {
    const b = bodyOf(statementOf(`1.0 x/vm1/vcpu0 guest write ${reg} = ${v}`), 'guest_write');
    assert.equal(known(b.reg.value as object).name, reg);
    assert.equal(b.value.value, expect);
  }
});

test('§4.2 guest hvc FUNCTION [ARG...] -> RET, by name and by hex id', () => {
  const f = bodyOf(statementOf('1.0 src/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS'), 'hvc');
  assert.equal(known(f.fn.value).name, 'SMCCC_ARCH_FEATURES');
  assert.equal(known(f.args[0].value).name, 'PV_TIME_FEATURES');
  assert.deepEqual(f.ret?.value, { value: 0n, name: 'SUCCESS' });
  const p = bodyOf(statementOf('1.0 src/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> NOT_SUPPORTED'), 'hvc');
  assert.deepEqual(p.ret?.value, { value: -1n, name: 'NOT_SUPPORTED' });
  const x = bodyOf(statementOf('1.0 src/vm1/vcpu0 guest hvc 0xC5000021 -> 0x90000000'), 'hvc');
  assert.deepEqual(known(x.fn.value, 'id'), { name: 'PV_TIME_ST', id: 0xc5000021n });
  assert.deepEqual(x.ret?.value, { value: 2415919104n });
  const i = bodyOf(statementOf('1.0 src/vm1/vcpu0 guest hvc PV_TIME_FEATURES 0x12345 -> INVALID_PARAMETER'), 'hvc');
  assert.deepEqual(i.ret?.value, { value: -3n, name: 'INVALID_PARAMETER' });
});

test('§4.2 guest read stolen_time = NS, steal = NS version=N, kvmclock = NS', () => {
  const a = bodyOf(statementOf('1.0 src/vm1/vcpu0 guest read stolen_time = 154233'), 'guest_read');
  assert.deepEqual([a.reg.value, a.value.value], ['stolen_time', 154233n]);
  const b = bodyOf(statementOf('1.0 x/vm1/vcpu0 guest read steal = 154233 version=4'), 'guest_read');
  assert.deepEqual([b.reg.value, b.value.value, b.version?.value], ['steal', 154233n, 4n]);
  const c = bodyOf(statementOf('1.0 x/vm1/vcpu0 guest read kvmclock = 1000000000'), 'guest_read');
  assert.deepEqual([c.reg.value, c.value.value], ['kvmclock', 1000000000n]);
});

// ---- §4.3 kvm --------------------------------------------------------------------------------

test('§4.3 kvm write CNTVOFF_EL2 / CNTPOFF_EL2 / CNTHCTL_EL2 = VALUE', () => {
  const kw = (line: string): [string, bigint] => {
    const b = bodyOf(statementOf(line), 'kvm_write');
    return [b.reg.value, b.value.value];
  };
  assert.deepEqual(kw('1.0 src/vm1/vcpu0 kvm write CNTVOFF_EL2 = 250000025'), ['CNTVOFF_EL2', 250000025n]);
  assert.deepEqual(kw('1.0 src/vm1/vcpu0 kvm write CNTPOFF_EL2 = 0'), ['CNTPOFF_EL2', 0n]);
  // EL1PCTEN is bit 10 with vhe=1: 0x400
  assert.deepEqual(kw('1.0 src/vm1/vcpu0 kvm write CNTHCTL_EL2 = 0x400'), ['CNTHCTL_EL2', 1024n]);
});

test('§4.3 kvm traps cntpct=on|off, kvm trap CNTPCT_EL0 = VALUE, stolen_update, write_tsc_offset', () => {
  assert.equal(bodyOf(statementOf('1.0 src/vm1/vcpu0 kvm traps cntpct=on'), 'kvm_traps').on.value, true);
  assert.equal(bodyOf(statementOf('1.0 src/vm1/vcpu0 kvm traps cntpct=off'), 'kvm_traps').on.value, false);
  assert.equal(
    bodyOf(statementOf('1.0 src/vm1/vcpu0 kvm trap CNTPCT_EL0 = 25000000'), 'kvm_trap_read').value.value,
    25000000n,
  );
  assert.equal(
    bodyOf(statementOf('1.0 src/vm1/vcpu0 kvm stolen_update stolen_time=154233'), 'stolen_update').ns.value,
    154233n,
  );
  const w = bodyOf(
    statementOf('1.0 x/vm1/vcpu0 kvm write_tsc_offset prev=0 next=18446744069414584320'),
    'write_tsc_offset',
  );
  assert.deepEqual([w.prev.value, w.next.value], [0n, 0xffffffff00000000n]);
});

// ---- §4.4 sched, §4.5 vmm ----------------------------------------------------------------------

test('§4.4 sched wait DURATION', () => {
  assert.equal(bodyOf(statementOf('1.0 src/vm1/vcpu0 sched wait 154233ns'), 'sched_wait').duration.value, 154233n);
  assert.equal(bodyOf(statementOf('1.0 src/vm1/vcpu0 sched wait 1.5ms'), 'sched_wait').duration.value, 1500000n);
  assert.equal(bodyOf(statementOf('1.0 src/vm1/vcpu0 sched wait 30s'), 'sched_wait').duration.value, 30000000000n);
});

test('§4.5 vmm pause, resume, migrate to=HOST, snapshot, restore, sample, note', () => {
  for (const op of ['pause', 'resume', 'snapshot', 'restore'])
    assert.deepEqual(statementOf(`20.0 src/vm1 vmm ${op}`).body, { type: op });
  assert.equal(bodyOf(statementOf('20.000020000 src/vm1 vmm migrate to=dst'), 'migrate').to.value, 'dst');
  const s = bodyOf(statementOf('20.0 src/vm1 vmm sample realtime=20000000000 counter=500000000'), 'sample');
  assert.deepEqual([s.realtime?.value, s.counter?.value], [20000000000n, 500000000n]);
  assert.equal(
    bodyOf(statementOf('20.0 src/vm1 vmm note migration starts: dirty=3% -> final'), 'note').text.value,
    'migration starts: dirty=3% -> final',
  );
});

// ---- §6 statements in the replay rules -----------------------------------------------------------

test('§6 statements parse with the operands the rules name', () => {
  const tsc = bodyOf(
    statementOf(
      '1.0 x/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=-5000000000',
    ),
    'device_attr',
  );
  assert.deepEqual(
    [known(tsc.group.value).name, known(tsc.attr.value).name, tsc.value?.value],
    ['KVM_VCPU_TSC_CTRL', 'KVM_VCPU_TSC_OFFSET', 18446744068709551616n],
  );
  const pv = bodyOf(
    statementOf(
      '1.0 src/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x90000040',
    ),
    'device_attr',
  );
  assert.equal(pv.value?.value, 2415919168n);
  const p = statementOf('1.0 src/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_PTIMER_CNT value=0');
  assert.equal(known(bodyOf(p, 'set_one_reg').reg.value).name, 'KVM_REG_ARM_PTIMER_CNT');
  assert.deepEqual(notesOf(p.notes), []);
});

// ---- §7 Example ------------------------------------------------------------------------------

const EXAMPLE = `@hvtrace 1
@host src arch=arm64 freq=25MHz ecv=0 vhe=1
@host dst arch=arm64 freq=25MHz ecv=0 vhe=1 counter=5000000000@0.0
@vm vm1 vcpus=2 policy=advance

10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0
10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1
10.000100000 src/vm1/vcpu0 ioctl KVM_RUN
12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975
20.000000000 src/vm1 vmm pause
20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000225
20.000020000 src/vm1 vmm migrate to=dst
20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0
20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1
20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225
20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN     # HVT010: guest lags the reference clock by 0.6 s
`;

test('§7 example: every line parses to the values it shows', () => {
  const doc = new TraceDocument(EXAMPLE);
  assert.equal(doc.lineCount, 17);
  assert.deepEqual(
    doc.allNodes.map((n) => n.kind),
    [
      'directive',
      'directive',
      'directive',
      'directive',
      'empty',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'statement',
      'empty',
    ],
  );
  const st = (line: number) => {
    const n = doc.node(line);
    assert.equal(n.kind, 'statement');
    return n.kind === 'statement' ? n.statement : assert.fail();
  };
  const dst = doc.node(2);
  assert.ok(dst.kind === 'directive' && dst.directive.type === 'host');
  if (dst.kind === 'directive' && dst.directive.type === 'host') {
    assert.deepEqual([dst.directive.counter?.value.value, dst.directive.counter?.time.value], [5000000000n, 0n]);
  }
  assert.deepEqual(st(5).time.value, 10000000000n);
  assert.deepEqual(bodyOf(st(5), 'create_vcpu').id.value, 0);
  assert.deepEqual(st(6).time.value, 10000001000n);
  assert.deepEqual(bodyOf(st(6), 'create_vcpu').id.value, 1);
  assert.deepEqual(st(7).time.value, 10000100000n);
  assert.equal(st(7).body.type, 'run');
  assert.deepEqual(st(8).time.value, 12000000000n);
  assert.deepEqual(
    [bodyOf(st(8), 'guest_read').reg.value, bodyOf(st(8), 'guest_read').value.value],
    ['CNTVCT_EL0', 49999975n],
  );
  assert.deepEqual(st(9).time.value, 20000000000n);
  assert.equal(st(9).body.type, 'pause');
  assert.deepEqual(st(10).time.value, 20000010000n);
  assert.equal(bodyOf(st(10), 'get_one_reg').value?.value, 250000225n);
  assert.deepEqual(st(11).time.value, 20000020000n);
  assert.equal(bodyOf(st(11), 'migrate').to.value, 'dst');
  assert.deepEqual([st(12).time.value, st(12).where.host.value], [20500000000n, 'dst']);
  assert.deepEqual(st(13).time.value, 20500001000n);
  assert.deepEqual(st(14).time.value, 20600000000n);
  assert.equal(bodyOf(st(14), 'set_one_reg').value.value, 250000225n);
  assert.deepEqual(st(15).time.value, 20600100000n);
  assert.equal(doc.node(15).comment?.text, ' HVT010: guest lags the reference clock by 0.6 s');
  for (let l = 0; l < doc.lineCount; l++) {
    const n = doc.node(l);
    if (n.kind === 'statement') assert.deepEqual(n.statement.notes, [], `line ${l}`);
  }
});

test('§7 example: no parse error, the observations agree with the model, HVT010 at the last KVM_RUN', () => {
  // src: C(t) = 25e6·t. CREATE_VCPU id=1 at 10.000001 sets voffset = 250000025 for both vCPUs.
  // 12 s: CNTVCT = 300000000 - 250000025 = 49999975 (as read). 20.00001 s: 500000250 - 250000025 = 250000225.
  const d = checkText(EXAMPLE);
  assert.deepEqual(
    d.filter((x) => x.code === 'HVT090' || x.code === 'HVT093'),
    [],
  );
  const jump = d.filter((x) => x.code === 'HVT010');
  assert.deepEqual(
    jump.map((x) => x.range.start.line),
    [15],
  );
  assert.match(jump[0].message, /lags/);
});
