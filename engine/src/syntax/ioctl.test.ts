// `ioctl` statements (docs/format.md#41-ioctl--vmm-to-kvm), including the proposed APIs, hex request codes,
// register ids, attributes and MSRs decoded through the uapi tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, errorOf, known, notesOf, sp, statementOf, withoutSpans } from './testing';

const V = '1.0 h/vm1/vcpu0 ioctl '; // the op starts at column 22
const M = '1.0 h/vm1 ioctl '; //       the op starts at column 16

test('KVM_CREATE_VCPU id=N', () => {
  const s = statementOf(`${M}KVM_CREATE_VCPU id=1`);
  assert.deepEqual(s.op, { value: 'KVM_CREATE_VCPU', span: sp(16, 31) });
  assert.deepEqual(bodyOf(s, 'create_vcpu').id, { value: 1, span: sp(35, 36) });
  assert.deepEqual(s.notes, []);
  assert.deepEqual(errorOf(`${M}KVM_CREATE_VCPU id=-1`), {
    span: sp(35, 37),
    message: 'expected a vCPU id like 0, found `-1`',
  });
  assert.deepEqual(errorOf(`${M}KVM_CREATE_VCPU`), {
    span: sp(31, 31),
    message: 'KVM_CREATE_VCPU needs `id=`: expected a vCPU id like `id=0`',
  });
});

test('KVM_RUN, with and without `-> exit=REASON`', () => {
  const s = statementOf(`${V}KVM_RUN`);
  assert.deepEqual(s.op, { value: 'KVM_RUN', span: sp(22, 29) });
  assert.deepEqual(s.body, { type: 'run', exit: undefined });
  assert.equal(s.result, undefined);
  const e = statementOf(`${V}KVM_RUN -> exit=MMIO`);
  assert.deepEqual(bodyOf(e, 'run').exit, { value: 'MMIO', span: sp(38, 42) });
  assert.deepEqual(e.result, {
    kind: 'named',
    span: sp(30, 42),
    entries: [
      { key: { value: 'exit', span: sp(33, 37) }, value: { value: 'MMIO', span: sp(38, 42) }, span: sp(33, 42) },
    ],
  });
});

test('KVM_RUN returning a plain value is HVT090 on the result', () => {
  assert.deepEqual(errorOf(`${V}KVM_RUN -> 0`), {
    span: sp(30, 34),
    message: 'KVM_RUN returns named outputs: expected `-> exit=VALUE ...`',
  });
});

test('KVM_GET_ONE_REG id=RAW_ID -> VALUE decodes 0x...DF1A as the virtual counter', () => {
  const s = statementOf(`${V}KVM_GET_ONE_REG id=0x603000000013DF1A -> 0xEE6B2800`);
  const b = bodyOf(s, 'get_one_reg');
  assert.deepEqual(known(b.reg.value, 'id', 'role'), {
    name: 'KVM_REG_ARM_TIMER_CNT',
    id: 0x603000000013df1an,
    role: 'vtimer_cnt',
  });
  assert.deepEqual(b.reg.span, sp(41, 59));
  assert.deepEqual(b.value, { value: 4000000000n, span: sp(63, 73) });
  assert.deepEqual(s.notes, []);
});

test('KVM_SET_ONE_REG id=RAW_ID value=VALUE decodes 0x...DF02 as the virtual CVAL; value is a u64', () => {
  const s = statementOf(`${V}KVM_SET_ONE_REG id=0x603000000013DF02 value=-1`);
  const b = bodyOf(s, 'set_one_reg');
  assert.deepEqual(known(b.reg.value, 'id', 'role'), {
    name: 'KVM_REG_ARM_TIMER_CVAL',
    id: 0x603000000013df02n,
    role: 'vtimer_cval',
  });
  assert.deepEqual(b.reg.span, sp(41, 59));
  assert.deepEqual(b.value, { value: 18446744073709551615n, span: sp(66, 68) });
});

test('every timer register by name and by raw id goes through the one table', () => {
  const table: [string, bigint, string][] = [
    ['KVM_REG_ARM_TIMER_CTL', 0x603000000013df19n, 'vtimer_ctl'],
    ['KVM_REG_ARM_TIMER_CVAL', 0x603000000013df02n, 'vtimer_cval'],
    ['KVM_REG_ARM_TIMER_CNT', 0x603000000013df1an, 'vtimer_cnt'],
    ['KVM_REG_ARM_PTIMER_CTL', 0x603000000013df11n, 'ptimer_ctl'],
    ['KVM_REG_ARM_PTIMER_CVAL', 0x603000000013df12n, 'ptimer_cval'],
    ['KVM_REG_ARM_PTIMER_CNT', 0x603000000013df01n, 'ptimer_cnt'],
  ];
  for (const [name, id, role] of table) {
    const byName = bodyOf(statementOf(`${V}KVM_SET_ONE_REG id=${name} value=1`), 'set_one_reg');
    assert.deepEqual(known(byName.reg.value, 'id', 'role'), { name, id, role });
    const byId = bodyOf(statementOf(`${V}KVM_SET_ONE_REG id=0x${id.toString(16)} value=1`), 'set_one_reg');
    assert.deepEqual(known(byId.reg.value, 'id', 'role'), { name, id, role });
    const byDecimal = bodyOf(statementOf(`${V}KVM_GET_ONE_REG id=${id.toString()} -> 1`), 'get_one_reg');
    assert.deepEqual(known(byDecimal.reg.value, 'id', 'role'), { name, id, role });
  }
});

test('an unknown raw register id is kept as a number; an unknown register name is HVT091', () => {
  const raw = bodyOf(statementOf(`${V}KVM_SET_ONE_REG id=0x6030000000100000 value=1`), 'set_one_reg');
  assert.deepEqual(raw.reg.value, { unknown: 0x6030000000100000n });
  const s = statementOf(`${V}KVM_SET_ONE_REG id=MY_REG value=1`);
  assert.deepEqual(bodyOf(s, 'set_one_reg').reg, { value: { unknown: 'MY_REG' }, span: sp(41, 47) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@41-47']);
  assert.equal(s.notes[0].message, 'unknown register `MY_REG`');
  const g = statementOf(`${V}KVM_GET_ONE_REG id=MY_REG`);
  assert.deepEqual(notesOf(g.notes), ['HVT091@41-47']);
  assert.deepEqual(errorOf(`${V}KVM_SET_ONE_REG id=a/b value=1`), {
    span: sp(41, 44),
    message: 'expected a register name like KVM_REG_ARM_TIMER_CNT or a 64-bit id like 0x603000000013DF1A, found `a/b`',
  });
});

test('KVM_GET_ONE_REG with named outputs is HVT090 on the result', () => {
  assert.deepEqual(errorOf(`${V}KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> value=5`), {
    span: sp(63, 73),
    message: 'KVM_GET_ONE_REG returns a single value: expected `-> VALUE`',
  });
});

test('KVM_ARM_SET_COUNTER_OFFSET counter_offset=VALUE [reserved=0]', () => {
  const s = statementOf(`${M}KVM_ARM_SET_COUNTER_OFFSET counter_offset=0x2540BE400 reserved=0`);
  const b = bodyOf(s, 'set_counter_offset');
  assert.deepEqual(b.offset, { value: 10000000000n, span: sp(58, 69) });
  assert.deepEqual(b.reserved, { value: 0n, span: sp(79, 80) });
  assert.equal(
    bodyOf(statementOf(`${M}KVM_ARM_SET_COUNTER_OFFSET counter_offset=-1`), 'set_counter_offset').offset.value,
    18446744073709551615n,
  );
  assert.equal(
    bodyOf(statementOf(`${M}KVM_ARM_SET_COUNTER_OFFSET counter_offset=1`), 'set_counter_offset').reserved,
    undefined,
  );
});

test('KVM_SET_DEVICE_ATTR with named group and attribute (PV time IPA)', () => {
  const s = statementOf(
    `${V}KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x90000000`,
  );
  const b = bodyOf(s, 'device_attr');
  assert.equal(b.verb, 'set');
  assert.deepEqual(known(b.group.value, 'arch', 'num', 'role'), {
    name: 'KVM_ARM_VCPU_PVTIME_CTRL',
    arch: 'arm64',
    num: 2n,
    role: 'pvtime',
  });
  assert.deepEqual(b.group.span, sp(48, 72));
  assert.deepEqual(known(b.attr.value, 'num', 'role'), {
    name: 'KVM_ARM_VCPU_PVTIME_IPA',
    num: 0n,
    role: 'pvtime_ipa',
  });
  assert.deepEqual(b.attr.span, sp(78, 101));
  assert.deepEqual(b.value, { value: 2415919104n, span: sp(108, 118) });
  assert.deepEqual(s.notes, []);
});

test('KVM_GET_DEVICE_ATTR with numeric group and attribute -> VALUE', () => {
  const b = bodyOf(statementOf(`${V}KVM_GET_DEVICE_ATTR group=0 attr=0 -> 0xFFFFFFFFFF000000`), 'device_attr');
  assert.equal(b.verb, 'get');
  assert.deepEqual(b.group, { value: { num: 0n }, span: sp(48, 49) });
  assert.deepEqual(b.attr, { value: { num: 0n }, span: sp(55, 56) });
  // 2^64 - 2^24
  assert.deepEqual(b.value, { value: 18446744073692774400n, span: sp(60, 78) });
});

test('KVM_HAS_DEVICE_ATTR has no value', () => {
  const b = bodyOf(
    statementOf(`${V}KVM_HAS_DEVICE_ATTR group=KVM_ARM_VCPU_TIMER_CTRL attr=KVM_ARM_VCPU_TIMER_IRQ_PTIMER`),
    'device_attr',
  );
  assert.equal(b.verb, 'has');
  assert.deepEqual(known(b.group.value, 'num'), { name: 'KVM_ARM_VCPU_TIMER_CTRL', num: 1n });
  assert.deepEqual(known(b.attr.value, 'num'), { name: 'KVM_ARM_VCPU_TIMER_IRQ_PTIMER', num: 1n });
  assert.deepEqual(b.attr.span, sp(77, 106));
  assert.equal(b.value, undefined);
});

test('every attribute group and attribute name of §4.1', () => {
  const groups: [string, string, bigint][] = [
    ['KVM_ARM_VCPU_PMU_V3_CTRL', 'arm64', 0n],
    ['KVM_ARM_VCPU_TIMER_CTRL', 'arm64', 1n],
    ['KVM_ARM_VCPU_PVTIME_CTRL', 'arm64', 2n],
    ['KVM_VCPU_TSC_CTRL', 'x86_64', 0n],
  ];
  for (const [name, arch, num] of groups) {
    const b = bodyOf(statementOf(`${V}KVM_HAS_DEVICE_ATTR group=${name} attr=0`), 'device_attr');
    assert.deepEqual(known(b.group.value, 'arch', 'num'), { name, arch, num });
  }
  const attrs: [string, string, bigint][] = [
    ['KVM_ARM_VCPU_PVTIME_IPA', 'KVM_ARM_VCPU_PVTIME_CTRL', 0n],
    ['KVM_VCPU_TSC_OFFSET', 'KVM_VCPU_TSC_CTRL', 0n],
    ['KVM_ARM_VCPU_TIMER_IRQ_VTIMER', 'KVM_ARM_VCPU_TIMER_CTRL', 0n],
    ['KVM_ARM_VCPU_TIMER_IRQ_PTIMER', 'KVM_ARM_VCPU_TIMER_CTRL', 1n],
  ];
  for (const [name, group, num] of attrs) {
    const s = statementOf(`${V}KVM_GET_DEVICE_ATTR group=${group} attr=${name} -> 0`);
    assert.deepEqual(known(bodyOf(s, 'device_attr').attr.value, 'num'), { name, num });
    assert.deepEqual(s.notes, []);
  }
});

test('device attributes: unknown names are HVT091, a known attribute of another group is HVT090', () => {
  const s = statementOf(`${V}KVM_SET_DEVICE_ATTR group=MY_GROUP attr=MY_ATTR value=0`);
  const b = bodyOf(s, 'device_attr');
  assert.deepEqual(b.group.value, { unknown: 'MY_GROUP' });
  assert.deepEqual(b.attr.value, { unknown: 'MY_ATTR' });
  assert.deepEqual(notesOf(s.notes), ['HVT091@48-56', 'HVT091@62-69']);
  assert.deepEqual(
    s.notes.map((n) => n.message),
    ['unknown attribute group `MY_GROUP`', 'unknown attribute `MY_ATTR`'],
  );
  assert.deepEqual(errorOf(`${V}KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_VCPU_TSC_OFFSET value=0`), {
    span: sp(78, 97),
    message: 'KVM_VCPU_TSC_OFFSET does not belong to KVM_ARM_VCPU_PVTIME_CTRL',
  });
  assert.deepEqual(errorOf(`${V}KVM_SET_DEVICE_ATTR group=2 attr=0`), {
    span: sp(56, 56),
    message: 'KVM_SET_DEVICE_ATTR needs `value=`: expected the attribute value like `value=0x40000000`',
  });
});

test('KVM_GET_CLOCK -> clock=NS flags=F realtime=NS host_tsc=VALUE', () => {
  const s = statementOf(`${M}KVM_GET_CLOCK -> clock=123 flags=0x6 realtime=50000010000 host_tsc=-1`);
  const b = bodyOf(s, 'get_clock');
  assert.deepEqual(b.clock, { value: 123n, span: sp(39, 42) });
  assert.deepEqual(b.flags, { value: 6n, span: sp(49, 52) });
  assert.deepEqual(b.realtime, { value: 50000010000n, span: sp(62, 73) });
  assert.deepEqual(b.hostTsc, { value: 18446744073709551615n, span: sp(83, 85) });
  assert.equal(s.result?.kind, 'named');
  assert.deepEqual(s.result?.span, sp(30, 85));
});

test('KVM_GET_CLOCK with flags given by name, and without outputs', () => {
  assert.equal(
    bodyOf(
      statementOf(`${M}KVM_GET_CLOCK -> clock=1 flags=KVM_CLOCK_TSC_STABLE|KVM_CLOCK_REALTIME|KVM_CLOCK_HOST_TSC`),
      'get_clock',
    ).flags?.value,
    14n,
  );
  assert.deepEqual(withoutSpans(statementOf(`${M}KVM_GET_CLOCK`).body), { type: 'get_clock' });
});

test('KVM_SET_CLOCK clock=NS flags=NAME|NAME realtime=NS', () => {
  const b = bodyOf(
    statementOf(`${M}KVM_SET_CLOCK clock=1000000000 flags=KVM_CLOCK_REALTIME|KVM_CLOCK_HOST_TSC realtime=50000010000`),
    'set_clock',
  );
  assert.deepEqual(b.clock, { value: 1000000000n, span: sp(36, 46) });
  assert.deepEqual(b.flags, { value: 12n, span: sp(53, 90) }); // 4 | 8
  assert.deepEqual(b.realtime, { value: 50000010000n, span: sp(100, 111) });
  assert.equal(bodyOf(statementOf(`${M}KVM_SET_CLOCK clock=5 flags=KVM_CLOCK_REALTIME`), 'set_clock').flags?.value, 4n);
  assert.equal(bodyOf(statementOf(`${M}KVM_SET_CLOCK clock=5 flags=4`), 'set_clock').flags?.value, 4n);
});

test('KVM_SET_CLOCK errors: unknown flag name, negative nanoseconds', () => {
  assert.deepEqual(errorOf(`${M}KVM_SET_CLOCK clock=1 flags=KVM_CLOCK_BOGUS`), {
    span: sp(44, 59),
    message:
      'expected flags: a number or names joined by `|` (KVM_CLOCK_TSC_STABLE, KVM_CLOCK_REALTIME, KVM_CLOCK_HOST_TSC), found `KVM_CLOCK_BOGUS`',
  });
  assert.deepEqual(errorOf(`${M}KVM_SET_CLOCK clock=-1`), {
    span: sp(36, 38),
    message: 'expected nanoseconds like 50000010000, found `-1`',
  });
});

test('KVM_KVMCLOCK_CTRL', () => {
  const s = statementOf(`${V}KVM_KVMCLOCK_CTRL`);
  assert.deepEqual(s.body, { type: 'kvmclock_ctrl' });
  assert.deepEqual(s.op.span, sp(22, 39));
});

test('KVM_SET_TSC_KHZ value=KHZ (vCPU or VM) and KVM_GET_TSC_KHZ -> KHZ', () => {
  assert.deepEqual(bodyOf(statementOf(`${V}KVM_SET_TSC_KHZ value=2000000`), 'set_tsc_khz').khz, {
    value: 2000000n,
    span: sp(44, 51),
  });
  assert.equal(bodyOf(statementOf(`${M}KVM_SET_TSC_KHZ value=2000000`), 'set_tsc_khz').khz.value, 2000000n);
  assert.deepEqual(bodyOf(statementOf(`${M}KVM_GET_TSC_KHZ -> 3000000`), 'get_tsc_khz').khz, {
    value: 3000000n,
    span: sp(35, 42),
  });
  assert.equal(bodyOf(statementOf(`${V}KVM_GET_TSC_KHZ`), 'get_tsc_khz').khz, undefined);
});

test('KVM_SET_MSRS MSR=VALUE... by name and by index, in order', () => {
  const s = statementOf(`${V}KVM_SET_MSRS IA32_TSC=0 0x3b=-5 MSR_KVM_STEAL_TIME=0x90000001`);
  const b = bodyOf(s, 'set_msrs');
  assert.deepEqual(
    b.writes.map((w) => [known(w.msr.value, 'index', 'role'), w.msr.span, w.value]),
    [
      [{ name: 'IA32_TSC', index: 0x10n, role: 'tsc' }, sp(35, 43), { value: 0n, span: sp(44, 45) }],
      [
        { name: 'IA32_TSC_ADJUST', index: 0x3bn, role: 'tsc_adjust' },
        sp(46, 50),
        { value: 18446744073709551611n, span: sp(51, 53) },
      ],
      [
        { name: 'MSR_KVM_STEAL_TIME', index: 0x4b564d03n, role: 'kvm_steal_time' },
        sp(54, 72),
        { value: 2415919105n, span: sp(73, 83) },
      ],
    ],
  );
  assert.deepEqual(s.notes, []);
});

test('KVM_SET_MSRS may write the same MSR twice (applied left to right)', () => {
  const b = bodyOf(statementOf(`${V}KVM_SET_MSRS IA32_TSC=5 IA32_TSC=7`), 'set_msrs');
  assert.deepEqual(
    b.writes.map((w) => [known(w.msr.value).name, w.value.value, w.value.span]),
    [
      ['IA32_TSC', 5n, sp(44, 45)],
      ['IA32_TSC', 7n, sp(55, 56)],
    ],
  );
});

test('KVM_SET_MSRS without writes is HVT090', () => {
  assert.deepEqual(errorOf(`${V}KVM_SET_MSRS`), {
    span: sp(34, 34),
    message: 'KVM_SET_MSRS needs at least one `MSR=VALUE` like `IA32_TSC=0`',
  });
});

test('every MSR name of §4.1 with its index', () => {
  const msrs: [string, bigint][] = [
    ['IA32_TSC', 0x10n],
    ['IA32_TSC_ADJUST', 0x3bn],
    ['IA32_TSC_DEADLINE', 0x6e0n],
    ['MSR_KVM_SYSTEM_TIME_NEW', 0x4b564d01n],
    ['MSR_KVM_STEAL_TIME', 0x4b564d03n],
  ];
  for (const [name, index] of msrs) {
    const byName = bodyOf(statementOf(`${V}KVM_SET_MSRS ${name}=1`), 'set_msrs');
    assert.deepEqual(known(byName.writes[0].msr.value, 'index'), { name, index });
    const byIndex = bodyOf(statementOf(`${V}KVM_SET_MSRS 0x${index.toString(16)}=1`), 'set_msrs');
    assert.deepEqual(known(byIndex.writes[0].msr.value, 'index'), { name, index });
  }
  assert.deepEqual(bodyOf(statementOf(`${V}KVM_SET_MSRS 0x12345=1`), 'set_msrs').writes[0].msr.value, {
    unknown: 0x12345n,
  });
});

test('KVM_GET_MSRS MSR... -> MSR=VALUE...', () => {
  const s = statementOf(`${V}KVM_GET_MSRS IA32_TSC 0x6e0 -> IA32_TSC=100 IA32_TSC_DEADLINE=0`);
  const b = bodyOf(s, 'get_msrs');
  assert.deepEqual(
    b.msrs.map((m) => [known(m.value, 'index'), m.span]),
    [
      [{ name: 'IA32_TSC', index: 0x10n }, sp(35, 43)],
      [{ name: 'IA32_TSC_DEADLINE', index: 0x6e0n }, sp(44, 49)],
    ],
  );
  assert.deepEqual(
    b.values.map((w) => [known(w.msr.value).name, w.msr.span, w.value]),
    [
      ['IA32_TSC', sp(53, 61), { value: 100n, span: sp(62, 65) }],
      ['IA32_TSC_DEADLINE', sp(66, 83), { value: 0n, span: sp(84, 85) }],
    ],
  );
});

test('KVM_GET_MSRS: an unknown MSR name is HVT091; a plain value result is HVT090', () => {
  const s = statementOf(`${V}KVM_GET_MSRS IA32_TSC MY_MSR -> IA32_TSC=1`);
  assert.deepEqual(bodyOf(s, 'get_msrs').msrs[1], { value: { unknown: 'MY_MSR' }, span: sp(44, 50) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@44-50']);
  assert.equal(s.notes[0].message, 'unknown MSR `MY_MSR`');
  assert.deepEqual(errorOf(`${V}KVM_GET_MSRS IA32_TSC -> 5`), {
    span: sp(44, 48),
    message: 'KVM_GET_MSRS returns named outputs: expected `-> MSR=VALUE ...`',
  });
});

// ---- proposed APIs (HVT094) ------------------------------------------------------------------

test('proposed: KVM_GET_SYSTEM_COUNTER_STATE -> cntvoff=VALUE is HVT094 on the op', () => {
  const s = statementOf(`${V}KVM_GET_SYSTEM_COUNTER_STATE -> cntvoff=250000000`);
  assert.deepEqual(bodyOf(s, 'get_system_counter_state').cntvoff, { value: 250000000n, span: sp(62, 71) });
  assert.deepEqual(notesOf(s.notes), ['HVT094@22-50']);
  assert.equal(
    s.notes[0].message,
    'KVM_GET_SYSTEM_COUNTER_STATE is a proposed API from the seed discussions, not an upstream KVM API',
  );
});

test('proposed: KVM_SET_SYSTEM_COUNTER_STATE cntvoff=VALUE', () => {
  const s = statementOf(`${V}KVM_SET_SYSTEM_COUNTER_STATE cntvoff=-856010509473`);
  assert.deepEqual(bodyOf(s, 'set_system_counter_state').cntvoff, { value: 18446743217699042143n, span: sp(59, 72) });
  assert.deepEqual(notesOf(s.notes), ['HVT094@22-50']);
});

test('proposed: KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_OFFSET is HVT094 on the register', () => {
  const s = statementOf(`${V}KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_OFFSET value=5`);
  const b = bodyOf(s, 'set_one_reg');
  assert.deepEqual(known(b.reg.value, 'role', 'proposed'), {
    name: 'KVM_REG_ARM_TIMER_OFFSET',
    role: 'timer_offset',
    proposed: true,
  });
  assert.deepEqual(b.value, { value: 5n, span: sp(72, 73) });
  assert.deepEqual(notesOf(s.notes), ['HVT094@41-65']);
  assert.equal(
    s.notes[0].message,
    'KVM_REG_ARM_TIMER_OFFSET is a proposed register (seed 002), not an upstream KVM API',
  );
});

test('proposed: KVM_SET_DEVICE_ATTR attr=KVM_ARM_VCPU_TIMER_OFFSET is HVT094 on the attribute', () => {
  const s = statementOf(`${V}KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_TIMER_CTRL attr=KVM_ARM_VCPU_TIMER_OFFSET value=5`);
  const b = bodyOf(s, 'device_attr');
  assert.deepEqual(known(b.attr.value, 'role', 'proposed'), {
    name: 'KVM_ARM_VCPU_TIMER_OFFSET',
    role: 'timer_offset',
    proposed: true,
  });
  assert.deepEqual(b.value, { value: 5n, span: sp(109, 110) });
  assert.deepEqual(notesOf(s.notes), ['HVT094@77-102']);
  assert.equal(
    s.notes[0].message,
    'KVM_ARM_VCPU_TIMER_OFFSET is a proposed attribute (seed 002), not an upstream KVM API',
  );
});

test('proposed: KVM_GET_TSC_STATE -> flags=F nsec=NS tsc=VALUE tsc_adjust=VALUE', () => {
  const s = statementOf(`${V}KVM_GET_TSC_STATE -> flags=3 nsec=50000010000 tsc=1000 tsc_adjust=-2`);
  const b = bodyOf(s, 'get_tsc_state');
  assert.deepEqual(b.flags, { value: 3n, span: sp(49, 50) });
  assert.deepEqual(b.nsec, { value: 50000010000n, span: sp(56, 67) });
  assert.deepEqual(b.tsc, { value: 1000n, span: sp(72, 76) });
  assert.deepEqual(b.tscAdjust, { value: 18446744073709551614n, span: sp(88, 90) });
  assert.deepEqual(notesOf(s.notes), ['HVT094@22-39']);
});

test('proposed: KVM_SET_TSC_STATE flags=NAME nsec=NS tsc=VALUE', () => {
  const s = statementOf(`${V}KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TIMESTAMP_VALID nsec=50000010000 tsc=0x10`);
  const b = bodyOf(s, 'set_tsc_state');
  assert.deepEqual(b.flags, { value: 1n, span: sp(46, 75) });
  assert.deepEqual(b.nsec, { value: 50000010000n, span: sp(81, 92) });
  assert.deepEqual(b.tsc, { value: 16n, span: sp(97, 101) });
  assert.equal(b.tscAdjust, undefined);
  assert.deepEqual(notesOf(s.notes), ['HVT094@22-39']);
  const both = bodyOf(
    statementOf(
      `${V}KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TIMESTAMP_VALID|KVM_TSC_STATE_TSC_ADJUST_VALID tsc=0 tsc_adjust=7`,
    ),
    'set_tsc_state',
  );
  assert.equal(both.flags.value, 3n);
  assert.equal(both.tscAdjust?.value, 7n);
});

// ---- hex request codes and unknown ioctls ----------------------------------------------------

test('an ioctl written as its hex request code is decoded to its name (span of the code)', () => {
  const s = statementOf(`${V}0x4010AEAC id=KVM_REG_ARM_TIMER_CNT value=5`);
  assert.deepEqual(s.op, { value: 'KVM_SET_ONE_REG', span: sp(22, 32) });
  assert.deepEqual(
    withoutSpans(s.body),
    withoutSpans(statementOf(`${V}KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=5`).body),
  );
  assert.deepEqual(s.notes, []);
});

test('request codes of every modelled ioctl (kvm-time.md §3, §6, §7)', () => {
  const codes: [string, string, string][] = [
    ['0xAE41', 'KVM_CREATE_VCPU', `${M}0xAE41 id=0`],
    ['0xAE80', 'KVM_RUN', `${V}0xAE80`],
    ['0x4010AEAB', 'KVM_GET_ONE_REG', `${V}0x4010AEAB id=KVM_REG_ARM_TIMER_CNT -> 1`],
    ['0x4010aeac', 'KVM_SET_ONE_REG', `${V}0x4010aeac id=KVM_REG_ARM_TIMER_CNT value=1`],
    ['0x4010AEB5', 'KVM_ARM_SET_COUNTER_OFFSET', `${M}0x4010AEB5 counter_offset=0`],
    ['0x4018AEE1', 'KVM_SET_DEVICE_ATTR', `${V}0x4018AEE1 group=2 attr=0 value=0x40`],
    ['0x4018AEE2', 'KVM_GET_DEVICE_ATTR', `${V}0x4018AEE2 group=2 attr=0 -> 0x40`],
    ['0x4018AEE3', 'KVM_HAS_DEVICE_ATTR', `${V}0x4018AEE3 group=2 attr=0`],
    ['0x8030AE7C', 'KVM_GET_CLOCK', `${M}0x8030AE7C -> clock=1`],
    ['0x4030AE7B', 'KVM_SET_CLOCK', `${M}0x4030AE7B clock=1`],
    ['0xAEAD', 'KVM_KVMCLOCK_CTRL', `${V}0xAEAD`],
    ['0xAEA2', 'KVM_SET_TSC_KHZ', `${V}0xAEA2 value=1000`],
    ['0xAEA3', 'KVM_GET_TSC_KHZ', `${V}0xAEA3 -> 1000`],
    ['0x4008AE89', 'KVM_SET_MSRS', `${V}0x4008AE89 IA32_TSC=0`],
    ['0xC008AE88', 'KVM_GET_MSRS', `${V}0xC008AE88 IA32_TSC`],
    ['0x4020AEC8', 'KVM_SET_TSC_STATE', `${V}0x4020AEC8 flags=0 tsc=0`],
    ['0x8020AEC9', 'KVM_GET_TSC_STATE', `${V}0x8020AEC9`],
  ];
  for (const [code, name, text] of codes) {
    const s = statementOf(text);
    assert.equal(s.op.value, name, code);
    assert.deepEqual(s.op.span, sp(text.indexOf(code), text.indexOf(code) + code.length));
    assert.notEqual(s.body.type, 'other_ioctl', code);
  }
});

test('an unknown ioctl name or code is accepted and noted HVT091 on the op', () => {
  const s = statementOf(`${V}KVM_FROB x=1`);
  assert.deepEqual(s.body, { type: 'other_ioctl', name: 'KVM_FROB' });
  assert.deepEqual(s.op, { value: 'KVM_FROB', span: sp(22, 30) });
  assert.deepEqual(notesOf(s.notes), ['HVT091@22-30']);
  assert.equal(s.notes[0].message, 'unknown ioctl `KVM_FROB`; accepted without effect on the model');
  assert.deepEqual(s.args, [
    { key: { value: 'x', span: sp(31, 32) }, value: { value: '1', span: sp(33, 34) }, span: sp(31, 34) },
  ]);
  const c = statementOf(`${V}0xAE99 x=1`);
  assert.deepEqual(c.body, { type: 'other_ioctl', name: '0xAE99' });
  assert.deepEqual(notesOf(c.notes), ['HVT091@22-28']);
});

test('a known ioctl that does not affect guest time is accepted silently, by name or code', () => {
  const s = statementOf(`${M}KVM_CHECK_EXTENSION KVM_CAP_COUNTER_OFFSET -> 1`);
  const b = bodyOf(s, 'other_ioctl');
  assert.equal(b.name, 'KVM_CHECK_EXTENSION');
  assert.equal(b.ioctl?.code, 0xae03n);
  assert.deepEqual(s.notes, []);
  assert.deepEqual(s.result, { kind: 'value', span: sp(59, 63), value: { value: '1', span: sp(62, 63) } });
  const c = statementOf(`${M}0xAE03`);
  assert.equal(c.op.value, 'KVM_CHECK_EXTENSION');
  assert.equal(bodyOf(c, 'other_ioctl').ioctl?.name, 'KVM_CHECK_EXTENSION');
  assert.deepEqual(c.notes, []);
});

test('an ioctl word that is neither a name nor a number is HVT090', () => {
  assert.deepEqual(errorOf(`${V}KVM_FROB/X`), {
    span: sp(22, 32),
    message: 'expected an ioctl name like KVM_RUN or a request code like 0x4010AEAC, found `KVM_FROB/X`',
  });
});
