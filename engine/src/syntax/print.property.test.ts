// Property tests (fast-check): the parser never throws, whatever the input, and printing a parsed
// statement then parsing it again gives the same statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BodyType, LineNode, Span, Statement } from './ast';
import { TraceDocument } from './document';
import { parseLine } from './parseLine';
import { printDirective, printStatement } from './print';
import { directiveOf, statementOf, withoutSpans } from './testing';
import { parseInteger } from '../values/parse';

const U64 = 1n << 64n;

// ---- value texts -----------------------------------------------------------------------------

/** Inserts `_` every `n` digits from the right. */
function grouped(digits: string, n: number): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % n === 0) out += '_';
    out += digits[i];
  }
  return out;
}

/**
 * An integer written in any of the docs/format.md#2-values spellings: decimal or hex (either case), `_`,
 * leading `-`.
 */
const intText = (v: bigint): fc.Arbitrary<string> =>
  fc
    .record({ hex: fc.boolean(), upper: fc.boolean(), sep: fc.boolean(), zeros: fc.boolean() })
    .map(({ hex, upper, sep, zeros }) => {
      const a = v < 0n ? -v : v;
      let digits = hex ? a.toString(16) : a.toString(10);
      if (upper) digits = digits.toUpperCase();
      if (zeros) digits = `0${digits}`;
      if (sep) digits = grouped(digits, hex ? 4 : 3);
      return `${v < 0n ? '-' : ''}${hex ? '0x' : ''}${digits}`;
    });

const counterText = fc.bigInt(-U64, U64 - 1n).chain(intText);
const u64Text = fc.bigInt(0n, U64 - 1n).chain(intText);
const smallText = fc.integer({ min: 0, max: 100000 }).chain((n) => intText(BigInt(n)));

const timeText = fc
  .tuple(fc.bigInt(0n, 100000000000n), fc.stringMatching(/^[0-9]{0,9}$/))
  .map(([s, frac]) => (frac === '' ? `${s}` : `${s}.${frac}`));

const UNITS: [string, bigint][] = [
  ['ns', 1n],
  ['us', 1000n],
  ['ms', 1000000n],
  ['s', 1000000000n],
];
/** A duration of whole nanoseconds in any unit, as an exact decimal. */
const durationText = fc.tuple(fc.bigInt(0n, 10n ** 15n), fc.constantFrom(...UNITS)).map(([ns, [unit, scale]]) => {
  const whole = ns / scale;
  const frac = (ns % scale)
    .toString()
    .padStart(scale.toString().length - 1, '0')
    .replace(/0+$/, '');
  return `${whole}${frac && scale > 1n ? `.${frac}` : ''}${unit}`;
});

const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const sep = fc.constantFrom(' ', '  ', '\t', ' \t ');
const comment = fc.option(fc.stringMatching(/^#[^\r\n]{0,12}$/), { nil: undefined });

// ---- locations -------------------------------------------------------------------------------

type Level = 'host' | 'vm' | 'vcpu';
const whereAt = (levels: Level[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...levels), name, name, fc.integer({ min: 0, max: 9999 }))
    .map(([l, h, v, n]) => (l === 'host' ? h : l === 'vm' ? `${h}/${v}` : `${h}/${v}/vcpu${n}`));
const VCPU = whereAt(['vcpu']);
const VM = whereAt(['vm']);
const VM_OR_VCPU = whereAt(['vm', 'vcpu']);
const HOST_OR_VM = whereAt(['host', 'vm']);
const ANY = whereAt(['host', 'vm', 'vcpu']);

// ---- operands --------------------------------------------------------------------------------

const REGS = [
  'KVM_REG_ARM_TIMER_CTL',
  'KVM_REG_ARM_TIMER_CVAL',
  'KVM_REG_ARM_TIMER_CNT',
  'KVM_REG_ARM_PTIMER_CTL',
  'KVM_REG_ARM_PTIMER_CVAL',
  'KVM_REG_ARM_PTIMER_CNT',
  'KVM_REG_ARM_TIMER_OFFSET',
];
const REG_IDS = [
  0x603000000013df19n,
  0x603000000013df02n,
  0x603000000013df1an,
  0x603000000013df11n,
  0x603000000013df12n,
  0x603000000013df01n,
  0x603000000013e703n,
];
const reg = fc.oneof(fc.constantFrom(...REGS), fc.constantFrom(...REG_IDS).chain(intText), counterText, ident);
/** CTL registers take CTL bits only (docs/timers.md#t1-statements): any other register any counter value. */
const CTL_REG_IDS = new Set([0x603000000013df19n, 0x603000000013df11n]);
const isCtlReg = (r: string): boolean => {
  const n = parseInteger(r);
  return /_CTL$/.test(r) || (n.ok && CTL_REG_IDS.has(BigInt.asUintN(64, n.value)));
};
const regWrite = reg.chain((r) =>
  fc.tuple(fc.constant(r), isCtlReg(r) ? fc.bigInt(0n, 7n).chain(intText) : counterText),
);

const MSRS = [
  'IA32_TSC',
  'IA32_TSC_ADJUST',
  'IA32_TSC_DEADLINE',
  'MSR_KVM_SYSTEM_TIME_NEW',
  'MSR_KVM_STEAL_TIME',
  'MSR_KVM_WALL_CLOCK',
];
const msr = fc.oneof(
  fc.constantFrom(...MSRS),
  fc.constantFrom(0x10n, 0x3bn, 0x6e0n, 0x4b564d01n, 0x4b564d03n, 0x12345n).chain(intText),
  ident,
);

const ATTR_PAIRS: [string, string][] = [
  ['KVM_ARM_VCPU_PVTIME_CTRL', 'KVM_ARM_VCPU_PVTIME_IPA'],
  ['KVM_VCPU_TSC_CTRL', 'KVM_VCPU_TSC_OFFSET'],
  ['KVM_ARM_VCPU_TIMER_CTRL', 'KVM_ARM_VCPU_TIMER_IRQ_VTIMER'],
  ['KVM_ARM_VCPU_TIMER_CTRL', 'KVM_ARM_VCPU_TIMER_IRQ_PTIMER'],
  ['KVM_ARM_VCPU_TIMER_CTRL', 'KVM_ARM_VCPU_TIMER_OFFSET'],
  ['KVM_ARM_VCPU_PMU_V3_CTRL', '0'],
];
const attrPair = fc.oneof(
  fc.constantFrom(...ATTR_PAIRS),
  fc.tuple(fc.bigInt(0n, 10n).chain(intText), fc.bigInt(0n, 10n).chain(intText)),
  fc.tuple(
    ident.map((x) => `G_${x}`),
    ident.map((x) => `A_${x}`),
  ),
);

const CLOCK_FLAG_NAMES = ['KVM_CLOCK_TSC_STABLE', 'KVM_CLOCK_REALTIME', 'KVM_CLOCK_HOST_TSC'];
const TSC_FLAG_NAMES = ['KVM_TSC_STATE_TIMESTAMP_VALID', 'KVM_TSC_STATE_TSC_ADJUST_VALID'];
const flags = (names: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.bigInt(0n, 15n).chain(intText),
    fc.subarray(names, { minLength: 1 }).map((xs) => xs.join('|')),
  );

const SMCCC = ['SMCCC_VERSION', 'SMCCC_ARCH_FEATURES', 'PV_TIME_FEATURES', 'PV_TIME_ST', 'KVM_PTP'];
const smccc = fc.oneof(
  fc.constantFrom(...SMCCC),
  fc.constantFrom(0xc5000020n, 0xc5000021n, 0x80000001n, 0xc6000001n).chain(intText),
  ident.map((x) => `F_${x}`),
);
const smcccRet = fc.oneof(
  fc.constantFrom('SUCCESS', 'NOT_SUPPORTED', 'NOT_REQUIRED', 'INVALID_PARAMETER'),
  fc.bigInt(-3n, 0xffffffffn).chain(intText),
);

const GUEST_REGS = [
  'CNTVCT_EL0',
  'CNTPCT_EL0',
  'CNTVCTSS_EL0',
  'CNTPCTSS_EL0',
  'CNTFRQ_EL0',
  'CNTV_CVAL_EL0',
  'CNTP_CVAL_EL0',
  'CNTV_TVAL_EL0',
  'CNTP_TVAL_EL0',
  'CNTHV_CVAL_EL2',
  'TSC',
  'stolen_time',
  'steal',
  'kvmclock',
];
const guestReg = fc.oneof(fc.constantFrom(...GUEST_REGS), msr);
/** Timer registers whose values are checked (CTL bits, 32-bit LAPIC registers): with values that are valid for them. */
const CTL_REGS = ['CNTV_CTL_EL0', 'CNTP_CTL_EL0', 'CNTHV_CTL_EL2', 'CNTHP_CTL_EL2'];
const ctlText = fc.bigInt(0n, 7n).chain(intText);
const LAPIC_REGS = [
  'APIC_LVTT',
  'APIC_TMICT',
  'APIC_TDCR',
  'IA32_X2APIC_LVT_TIMER',
  'IA32_X2APIC_INIT_COUNT',
  'IA32_X2APIC_DIV_CONF',
];
const lvttText = fc
  .tuple(fc.bigInt(0n, 255n), fc.boolean(), fc.constantFrom(0n, 1n, 2n))
  .map(([vec, masked, mode]) => vec | (masked ? 1n << 16n : 0n) | (mode << 17n))
  .chain(intText);
const tdcrText = fc.constantFrom(0n, 1n, 2n, 3n, 8n, 9n, 10n, 11n).chain(intText);
const tmictText = fc.bigInt(0n, 0xffffffffn).chain(intText);
const lapicValue = (reg: string): fc.Arbitrary<string> =>
  /LVT/.test(reg) ? lvttText : /TDCR|DIV/.test(reg) ? tdcrText : tmictText;
const timerWrite = fc.oneof(
  fc.constantFrom(...CTL_REGS).chain((r) => assignment(fc.constant(r), ctlText)),
  fc.constantFrom(...LAPIC_REGS).chain((r) => assignment(fc.constant(r), lapicValue(r))),
);
const TIMERS = ['vtimer', 'ptimer', 'hvtimer', 'hptimer', 'lapic'];

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
const kv = (key: string, v: fc.Arbitrary<string>): fc.Arbitrary<string> => v.map((x) => `${key}=${x}`);
const optKv = (key: string, v: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> => opt(kv(key, v));
const assignment = (r: fc.Arbitrary<string>, v: fc.Arbitrary<string>): fc.Arbitrary<string[]> =>
  fc.tuple(r, v, fc.boolean()).map(([a, b, spaced]) => (spaced ? [a, '=', b] : [`${a}=${b}`]));
const errno = fc.constantFrom('-EINVAL', '-EEXIST', '-EBUSY', '-ENXIO', '-EFROB');
/** A CPUID key of KVM_SET_CPUID2 other than `tsc_adjust` (and `took`, the generic ioctl argument). */
const cpuidKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((k) => k !== 'tsc_adjust' && k !== 'took');
const rawWord = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.:,]{1,6}$/),
  fc.tuple(fc.stringMatching(/^[a-z_]{1,5}$/), fc.stringMatching(/^[A-Za-z0-9_]{1,5}$/)).map(([k, v]) => `${k}=${v}`),
);

// ---- statements of every body type -------------------------------------------------------------

interface Shape {
  where: fc.Arbitrary<string>;
  actor: string;
  op: fc.Arbitrary<string>;
  args: fc.Arbitrary<(string | undefined)[]>;
  result?: fc.Arbitrary<string | undefined>;
}
const none = fc.constant([] as string[]);

const SHAPES: Record<BodyType, Shape> = {
  create_vm: {
    where: VM,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_CREATE_VM', '0xAE01', '0xae01'),
    args: none,
    result: opt(fc.oneof(errno, fc.integer({ min: 0, max: 1024 }).map(String))),
  },
  set_cpuid2: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_SET_CPUID2', '0x4008AE90'),
    args: fc
      .tuple(
        optKv('tsc_adjust', fc.constantFrom('0', '1')),
        fc.uniqueArray(fc.tuple(cpuidKey, u64Text), { selector: ([k]) => k, maxLength: 3 }),
      )
      .map(([t, es]) => [t, ...es.map(([k, v]) => `${k}=${v}`)]),
    result: opt(errno),
  },
  create_vcpu: { where: VM, actor: 'ioctl', op: fc.constant('KVM_CREATE_VCPU'), args: fc.tuple(kv('id', smallText)) },
  run: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_RUN', '0xAE80'),
    args: none,
    result: opt(fc.oneof(kv('exit', name), errno)),
  },
  get_one_reg: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_ONE_REG'),
    args: fc.tuple(kv('id', reg)),
    result: opt(fc.oneof(counterText, errno)),
  },
  set_one_reg: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_SET_ONE_REG', '0x4010AEAC'),
    args: regWrite.map(([r, v]) => [`id=${r}`, `value=${v}`]),
    result: opt(errno),
  },
  set_counter_offset: {
    where: VM,
    actor: 'ioctl',
    op: fc.constant('KVM_ARM_SET_COUNTER_OFFSET'),
    args: fc.tuple(kv('counter_offset', counterText), optKv('reserved', counterText)),
    result: opt(errno),
  },
  device_attr: {
    // `value=` for SET only (GET returns it, HAS has none): an extra argument would be an HVT091
    // note that printing drops.
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_SET_DEVICE_ATTR', '0x4018AEE1'),
    args: fc.tuple(attrPair, counterText).map(([[g, a], v]) => [`group=${g}`, `attr=${a}`, `value=${v}`]),
    result: opt(errno),
  },
  get_clock: {
    where: VM,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_CLOCK'),
    args: none,
    result: opt(
      fc.oneof(
        errno,
        fc
          .tuple(
            optKv('clock', u64Text),
            optKv('flags', flags(CLOCK_FLAG_NAMES)),
            optKv('realtime', u64Text),
            optKv('host_tsc', counterText),
            kv('clock', u64Text),
          )
          .map((xs) => xs.filter((x, i) => x !== undefined && !(i === 4 && xs[0] !== undefined)).join(' ')),
      ),
    ),
  },
  set_clock: {
    where: VM,
    actor: 'ioctl',
    op: fc.constant('KVM_SET_CLOCK'),
    args: fc.tuple(kv('clock', u64Text), optKv('flags', flags(CLOCK_FLAG_NAMES)), optKv('realtime', u64Text)),
    result: opt(errno),
  },
  kvmclock_ctrl: { where: VCPU, actor: 'ioctl', op: fc.constantFrom('KVM_KVMCLOCK_CTRL', '0xaead'), args: none },
  set_tsc_khz: {
    where: VM_OR_VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_SET_TSC_KHZ'),
    args: fc.tuple(kv('value', fc.bigInt(0n, 10n ** 10n).chain(intText))),
    result: opt(errno),
  },
  get_tsc_khz: {
    where: VM_OR_VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_TSC_KHZ'),
    args: none,
    result: opt(fc.bigInt(0n, 10n ** 10n).chain(intText)),
  },
  set_msrs: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_SET_MSRS'),
    args: fc.array(
      fc.tuple(msr, counterText).map(([m, v]) => `${m}=${v}`),
      { minLength: 1, maxLength: 4 },
    ),
  },
  get_msrs: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_MSRS'),
    args: fc.array(msr, { maxLength: 3 }),
    result: opt(
      fc
        .array(
          fc.tuple(msr, counterText).map(([m, v]) => `${m}=${v}`),
          { minLength: 1, maxLength: 3 },
        )
        .map((xs) => xs.join(' ')),
    ),
  },
  get_system_counter_state: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_SYSTEM_COUNTER_STATE'),
    args: none,
    result: opt(kv('cntvoff', counterText)),
  },
  set_system_counter_state: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_SET_SYSTEM_COUNTER_STATE'),
    args: fc.tuple(kv('cntvoff', counterText)),
  },
  get_tsc_state: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_TSC_STATE'),
    args: none,
    result: opt(
      fc
        .tuple(
          kv('flags', flags(TSC_FLAG_NAMES)),
          optKv('nsec', u64Text),
          optKv('tsc', counterText),
          optKv('tsc_adjust', counterText),
        )
        .map((xs) => xs.filter((x) => x !== undefined).join(' ')),
    ),
  },
  set_tsc_state: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_SET_TSC_STATE', '0x4020AEC8'),
    args: fc.tuple(
      kv('flags', flags(TSC_FLAG_NAMES)),
      optKv('nsec', u64Text),
      kv('tsc', counterText),
      optKv('tsc_adjust', counterText),
    ),
  },
  other_ioctl: {
    where: ANY,
    actor: 'ioctl',
    op: fc.oneof(
      fc.constantFrom('KVM_CHECK_EXTENSION', 'KVM_GET_API_VERSION', 'KVM_SET_USER_MEMORY_REGION', '0xAE03', '0xAE99'),
      fc.stringMatching(/^KVM_X[A-Z0-9_]{0,8}$/),
    ),
    args: fc.array(
      rawWord.filter((w) => !w.startsWith('took=')),
      { maxLength: 3 },
    ),
    result: opt(
      fc.oneof(
        errno,
        fc.stringMatching(/^[0-9]{1,4}$/),
        rawWord.filter((w) => w.includes('=')),
      ),
    ),
  },
  guest_read: {
    where: VCPU,
    actor: 'guest',
    op: fc.constant('read'),
    args: fc
      .tuple(
        assignment(fc.oneof(guestReg, fc.constantFrom(...CTL_REGS, 'APIC_LVTT', 'APIC_TMCCT')), counterText),
        optKv('version', u64Text),
      )
      .map(([a, v]) => [...a, v]),
  },
  guest_write: {
    where: VCPU,
    actor: 'guest',
    op: fc.constant('write'),
    args: fc.oneof(
      assignment(
        guestReg.filter((r) => !/^(IA32_X2APIC|0x83)/i.test(r)),
        counterText,
      ),
      timerWrite,
    ),
  },
  hvc: {
    where: VCPU,
    actor: 'guest',
    op: fc.constant('hvc'),
    args: fc.array(smccc, { minLength: 1, maxLength: 3 }),
    result: opt(smcccRet),
  },
  kvm_write: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('write'),
    args: assignment(fc.constantFrom('CNTVOFF_EL2', 'CNTPOFF_EL2', 'CNTHCTL_EL2'), counterText),
  },
  kvm_traps: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('traps'),
    args: fc.tuple(kv('cntpct', fc.constantFrom('on', 'off'))),
  },
  kvm_trap_read: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('trap'),
    args: assignment(fc.constantFrom('CNTPCT_EL0', 'CNTPCTSS_EL0'), counterText),
  },
  stolen_update: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('stolen_update'),
    args: fc.tuple(fc.constantFrom('stolen_time', 'steal').chain((k) => kv(k, u64Text))),
  },
  write_tsc_offset: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('write_tsc_offset'),
    args: fc.tuple(kv('prev', counterText), kv('next', counterText)),
  },
  track_tsc: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('track_tsc'),
    args: fc.tuple(
      kv('masterclock', fc.constantFrom('0', '1')),
      kv('offsetmatched', smallText),
      kv('nr_online', smallText),
      optKv('hostclock', fc.constantFrom('tsc', 'none', '0x2')),
    ),
  },
  update_master_clock: {
    where: VM,
    actor: 'kvm',
    op: fc.constant('update_master_clock'),
    args: fc.tuple(
      kv('masterclock', fc.constantFrom('0', '1')),
      optKv('hostclock', fc.constantFrom('tsc', 'none')),
      kv('offsetmatched', fc.constantFrom('0', '1')),
    ),
  },
  pvclock_update: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('pvclock_update'),
    args: fc.tuple(
      optKv('version', u64Text),
      kv('tsc_timestamp', counterText),
      kv('system_time', counterText),
      kv('tsc_to_system_mul', fc.bigInt(0n, 0xffffffffn).chain(intText)),
      kv('tsc_shift', fc.integer({ min: -31, max: 31 }).map(String)),
      optKv('flags', fc.bigInt(0n, 3n).chain(intText)),
    ),
  },
  set_lapic: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constantFrom('KVM_SET_LAPIC', '0x4400AE8F'),
    args: fc.tuple(kv('lvtt', lvttText), optKv('tmict', tmictText), optKv('tmcct', tmictText), optKv('tdcr', tdcrText)),
    result: opt(errno),
  },
  get_lapic: {
    where: VCPU,
    actor: 'ioctl',
    op: fc.constant('KVM_GET_LAPIC'),
    args: none,
    result: opt(
      fc
        .tuple(optKv('lvtt', lvttText), optKv('tmict', tmictText), optKv('tmcct', tmictText), optKv('tdcr', tdcrText))
        .map((xs) => xs.filter((x) => x !== undefined).join(' '))
        .filter((x) => x !== ''),
    ),
  },
  timer_state: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('timer_state'),
    args: fc.tuple(
      fc.constantFrom('vtimer', 'ptimer', 'hvtimer', 'hptimer'),
      kv('ctl', ctlText),
      kv('cval', counterText),
    ),
  },
  timer_irq: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('timer_irq'),
    args: fc
      .constantFrom(...TIMERS)
      .chain((t) =>
        fc.tuple(fc.constant(t), kv('level', t === 'lapic' ? fc.constant('1') : fc.constantFrom('0', '1'))),
      ),
  },
  timer_expire: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('timer_expire'),
    args: fc.tuple(fc.constantFrom(...TIMERS)),
  },
  wait_lapic_expire: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('wait_lapic_expire'),
    args: fc.tuple(kv('delta', fc.bigInt(-(1n << 63n), (1n << 63n) - 1n).chain(intText))),
  },
  hv_timer: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('hv_timer'),
    args: fc.tuple(kv('in_use', fc.constantFrom('0', '1'))),
  },
  kvm_entry: { where: VCPU, actor: 'kvm', op: fc.constant('entry'), args: none },
  kvm_exit: {
    where: VCPU,
    actor: 'kvm',
    op: fc.constant('exit'),
    args: fc.tuple(
      fc.constantFrom('IRQ', 'WFx', 'HLT', 'PREEMPTION_TIMER', 'MSR_WRITE', 'EXTERNAL_INTERRUPT', 'x-1.y'),
    ),
  },
  sched_wait: { where: VCPU, actor: 'sched', op: fc.constant('wait'), args: fc.tuple(durationText) },
  pause: { where: VM, actor: 'vmm', op: fc.constant('pause'), args: none },
  resume: { where: VM, actor: 'vmm', op: fc.constant('resume'), args: none },
  snapshot: { where: VM, actor: 'vmm', op: fc.constant('snapshot'), args: none },
  restore: { where: VM, actor: 'vmm', op: fc.constant('restore'), args: none },
  migrate: { where: VM, actor: 'vmm', op: fc.constant('migrate'), args: fc.tuple(kv('to', name)) },
  sample: {
    where: HOST_OR_VM,
    actor: 'vmm',
    op: fc.constant('sample'),
    args: fc.tuple(optKv('realtime', u64Text), optKv('counter', counterText)),
  },
  note: {
    where: ANY,
    actor: 'vmm',
    op: fc.constant('note'),
    args: fc.array(fc.stringMatching(/^[^\s#]{1,6}$/), { maxLength: 5 }),
  },
  unknown_op: {
    where: ANY,
    actor: 'guest',
    op: fc.stringMatching(/^x_[a-z]{0,6}$/),
    args: fc.array(rawWord, { maxLength: 3 }),
    result: opt(
      fc.oneof(
        errno,
        fc.stringMatching(/^[0-9]{1,4}$/),
        rawWord.filter((w) => w.includes('=')),
      ),
    ),
  },
};

/** A whole statement line for `type`, with random blanks between tokens and an optional comment. */
function lineOf(type: BodyType): fc.Arbitrary<string> {
  const s = SHAPES[type];
  const actor = type === 'unknown_op' ? fc.constantFrom('guest', 'kvm', 'sched', 'vmm') : fc.constant(s.actor);
  // `took=DURATION` is accepted on any ioctl statement, anywhere among its arguments.
  const took = s.actor === 'ioctl' ? opt(fc.tuple(durationText, fc.nat(4))) : fc.constant(undefined);
  return fc
    .record({
      time: timeText,
      where: s.where,
      actor,
      op: s.op,
      args: s.args,
      result: s.result ?? fc.constant(undefined),
      took,
      seps: fc.array(sep, { minLength: 16, maxLength: 16 }),
      lead: fc.constantFrom('', ' ', '\t'),
      comment,
    })
    .map(({ time, where, actor: a, op, args, result, took: t, seps, lead, comment: c }) => {
      const given = args.filter((x): x is string => x !== undefined);
      if (t !== undefined) given.splice(Math.min(t[1], given.length), 0, `took=${t[0]}`);
      const words = [time, where, a, op, ...given, ...(result !== undefined ? ['->', result] : [])];
      return (
        lead +
        words.map((w, i) => (i === 0 ? w : seps[i % seps.length] + w)).join('') +
        (c !== undefined ? ` ${c}` : '')
      );
    });
}

const noteKey = (s: Statement): string[] => s.notes.map((n) => `${n.code} ${n.message}`);

function assertRoundTrip(line: string, type: BodyType): void {
  const a = statementOf(line);
  assert.equal(a.body.type, type, line);
  const printed = printStatement(a);
  const b = statementOf(printed);
  assert.deepEqual(withoutSpans(b.body), withoutSpans(a.body), `${line}\n -> ${printed}`);
  assert.equal(b.time.value, a.time.value);
  assert.deepEqual(withoutSpans(b.where), withoutSpans(a.where));
  assert.equal(b.actor.value, a.actor.value);
  assert.equal(b.op.value, a.op.value);
  assert.equal(b.took?.value, a.took?.value);
  assert.equal(
    b.result?.kind === 'errno' ? b.result.errno.value : undefined,
    a.result?.kind === 'errno' ? a.result.errno.value : undefined,
  );
  assert.deepEqual(noteKey(b), noteKey(a), `${line}\n -> ${printed}`);
  // the printed form is canonical: printing it again changes nothing
  assert.equal(printStatement(b), printed);
}

for (const type of Object.keys(SHAPES) as BodyType[]) {
  test(`print -> parse round trip: ${type}`, () => {
    fc.assert(
      fc.property(lineOf(type), (line) => assertRoundTrip(line, type)),
      { numRuns: 150 },
    );
  });
}

test('print -> parse round trip: device_attr (GET -> VALUE, HAS)', () => {
  const line = fc
    .record({
      time: timeText,
      where: VCPU,
      pair: attrPair,
      verb: fc.constantFrom('KVM_GET_DEVICE_ATTR', 'KVM_HAS_DEVICE_ATTR', '0x4018AEE2'),
      ret: opt(fc.oneof(counterText, errno)),
    })
    .map(
      ({ time, where, pair: [g, a], verb, ret }) =>
        `${time} ${where} ioctl ${verb} group=${g} attr=${a}${ret !== undefined && (verb !== 'KVM_HAS_DEVICE_ATTR' || ret.startsWith('-E')) ? ` -> ${ret}` : ''}`,
    );
  fc.assert(
    fc.property(line, (l) => assertRoundTrip(l, 'device_attr')),
    { numRuns: 150 },
  );
});

test('print -> parse round trip of hand-picked statements', () => {
  const cases: [string, BodyType][] = [
    ['20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225', 'set_one_reg'],
    ['1.0 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=0x603000000013DF02 value=-1 -> -EINVAL', 'set_one_reg'],
    ['1.0 h/vm1 ioctl KVM_GET_CLOCK -> clock=123 flags=0x6', 'get_clock'],
    ['1.0 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> NOT_SUPPORTED', 'hvc'],
    ['1.0 h/vm1/vcpu0 guest hvc PV_TIME_ST -> -1', 'hvc'],
    ['1.0 h vmm note   spaced   out  text ', 'note'],
    ['1.0 h/vm1/vcpu0 ioctl KVM_FROB a=b c -> x=1 y=2', 'other_ioctl'],
    ['1.0 h/vm1/vcpu0 kvm stolen_update steal=5', 'stolen_update'],
    ['1.0 h/vm1/vcpu0 sched wait 0.000000001s', 'sched_wait'],
  ];
  for (const [line, type] of cases) assertRoundTrip(line, type);
});

// ---- directives round trip -----------------------------------------------------------------------

const freqText = fc.oneof(
  fc
    .bigInt(1n, 10n ** 10n)
    .chain(intText)
    .filter((t) => !t.startsWith('-')),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('kHz', 'MHz', 'GHz')).map(([n, u]) => `${n}${u}`),
  fc.constantFrom('25MHz', '2.345678GHz', '32.768kHz', '19.2MHz'),
);
const directiveLine = fc.oneof(
  fc.constant('@hvtrace 1'),
  durationText.map((d) => `@tolerance ${d}`),
  fc
    .tuple(
      opt(durationText),
      opt(durationText),
      opt(durationText),
      opt(durationText),
      opt(fc.integer({ min: 2, max: 9999999 })),
    )
    .filter((xs) => xs.some((x) => x !== undefined))
    .map(([d, e, l, x, n]) =>
      [
        '@tolerance',
        d ?? '',
        e ? `timer_early=${e}` : '',
        l ? `timer_late=${l}` : '',
        x ? `timer_lost=${x}` : '',
        n !== undefined ? `timer_storm=${n}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    ),
  fc
    .tuple(
      name,
      opt(fc.integer({ min: 1, max: 64 })),
      opt(fc.constantFrom('advance', 'freeze')),
      opt(fc.constantFrom('on', 'off')),
    )
    .map(([n, v, p, t]) =>
      ['@vm', n, v !== undefined ? `vcpus=${v}` : '', p ? `policy=${p}` : '', t ? `pvtime=${t}` : '']
        .filter(Boolean)
        .join(' '),
    ),
  fc
    .tuple(
      name,
      fc.constantFrom('arm64', 'x86_64'),
      freqText,
      opt(fc.constantFrom('0', '1', '2')),
      opt(fc.constantFrom('0', '1')),
      opt(fc.constantFrom('0', '1')),
      opt(fc.tuple(counterText, timeText).map(([c, t]) => `${c}@${t}`)),
      opt(fc.tuple(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 0, max: 19 })).map(([a, b]) => `${a}.${b}`)),
    )
    .map(([n, arch, f, ecv, vhe, ts, counter, kernel]) =>
      [
        '@host',
        n,
        `arch=${arch}`,
        `freq=${f}`,
        ecv ? `ecv=${ecv}` : '',
        vhe ? `vhe=${vhe}` : '',
        ts ? `tsc_scaling=${ts}` : '',
        counter ? `counter=${counter}` : '',
        kernel ? `kernel=${kernel}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    ),
);

test('print -> parse round trip of directives', () => {
  fc.assert(
    fc.property(directiveLine, (line) => {
      const a = directiveOf(line);
      const printed = printDirective(a.directive);
      const b = directiveOf(printed);
      assert.deepEqual(withoutSpans(b.directive), withoutSpans(a.directive), `${line}\n -> ${printed}`);
      assert.equal(printDirective(b.directive), printed);
    }),
    { numRuns: 500 },
  );
});

// ---- never throws ----------------------------------------------------------------------------

/** Checks that a node is well formed: spans inside the line, tokens that are what the line says. */
function assertWellFormed(line: string, n: LineNode): void {
  const inLine = (s: Span, what: string): void => {
    assert.ok(
      Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= line.length,
      `${what} span ${s.start}-${s.end} outside ${JSON.stringify(line)}`,
    );
  };
  const walk = (x: unknown, path: string): void => {
    if (Array.isArray(x)) {
      x.forEach((y, i) => walk(y, `${path}[${i}]`));
      return;
    }
    if (x === null || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x)) {
      if (k === 'span') inLine(v as Span, path);
      else if (k !== 'known') walk(v, `${path}.${k}`);
    }
  };
  walk(n, 'node');
  if (n.comment) assert.equal(line.slice(n.comment.span.start, n.comment.span.end), `#${n.comment.text}`);
  if (n.kind === 'error') assert.doesNotMatch(n.error.message, /internal parser error/, JSON.stringify(line));
  if (n.kind === 'statement') {
    const s = n.statement;
    const at = (sp: Span): string => line.slice(sp.start, sp.end);
    assert.equal(at(s.where.host.span), s.where.host.value);
    if (s.where.vm) assert.equal(at(s.where.vm.span), s.where.vm.value);
    if (s.where.vcpu) assert.equal(at(s.where.vcpu.span), `vcpu${at(s.where.vcpu.span).slice(4)}`);
    assert.equal(at(s.actor.span), s.actor.value);
    for (const a of s.args) {
      if (a.key) assert.equal(at(a.key.span), a.key.value);
      assert.equal(at(a.value.span), a.value.value);
    }
    if (s.result?.kind === 'value') assert.equal(at(s.result.value.span), s.result.value.value);
    if (s.result?.kind === 'errno') assert.equal(at(s.result.errno.span), `-${s.result.errno.value}`);
  }
}

function neverThrows(line: string): void {
  let n: LineNode;
  try {
    n = parseLine(line);
  } catch (e) {
    assert.fail(`parseLine threw on ${JSON.stringify(line)}: ${String(e)}`);
  }
  assertWellFormed(line, n);
}

const VOCAB = [
  '@hvtrace',
  '@host',
  '@vm',
  '@tolerance',
  '1',
  '12.5',
  '0x10',
  '-5',
  '1_000',
  'src',
  'src/vm1',
  'src/vm1/vcpu0',
  'a/b/c/d',
  '//',
  'ioctl',
  'guest',
  'kvm',
  'sched',
  'vmm',
  '->',
  '=',
  '#',
  '@',
  'KVM_RUN',
  'KVM_SET_ONE_REG',
  'KVM_GET_ONE_REG',
  'KVM_SET_MSRS',
  'KVM_GET_MSRS',
  'KVM_SET_DEVICE_ATTR',
  'KVM_GET_CLOCK',
  'KVM_SET_CLOCK',
  'KVM_SET_TSC_STATE',
  'KVM_GET_TSC_STATE',
  '0x4010AEAC',
  'read',
  'write',
  'hvc',
  'traps',
  'trap',
  'wait',
  'note',
  'pause',
  'sample',
  'migrate',
  'id=KVM_REG_ARM_TIMER_CNT',
  'value=5',
  'group=1',
  'attr=0',
  'flags=KVM_CLOCK_REALTIME|',
  'IA32_TSC=5',
  'exit=X',
  '-EINVAL',
  'arch=arm64',
  'freq=25MHz',
  'counter=5@1.0',
  'counter=@',
  'constructor',
  '__proto__',
  'toString',
  'cntpct=on',
  'a=b',
  '=x',
  'x=',
  'freq=1constructor',
  '1.5ms',
  'hasOwnProperty',
  'CNTVCT_EL0',
  'CNTVOFF_EL2',
  'PV_TIME_ST',
  'SUCCESS',
  'stolen_time=1',
  '# hvtimer-disable-next-line',
  'HVT010,',
  '\u00A0',
  '\uFEFF',
];
const soupLine = fc
  .array(fc.oneof(fc.constantFrom(...VOCAB), fc.string({ maxLength: 5 })), { maxLength: 12 })
  .chain((ts) =>
    fc
      .array(fc.constantFrom(' ', '\t', '', '=', '/', '  '), { minLength: ts.length, maxLength: ts.length })
      .map((ss) => ts.map((t, i) => t + ss[i]).join('')),
  );

/** A valid statement with one random edit: a character removed, replaced or inserted. */
const mutatedLine = fc
  .constantFrom(...(Object.keys(SHAPES) as BodyType[]))
  .chain(lineOf)
  .chain((l) =>
    fc.tuple(
      fc.constant(l),
      fc.nat({ max: Math.max(0, l.length - 1) }),
      fc.constantFrom('del', 'rep', 'ins'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  )
  .map(([l, i, how, ch]) =>
    how === 'del'
      ? l.slice(0, i) + l.slice(i + 1)
      : how === 'rep'
        ? l.slice(0, i) + ch + l.slice(i + 1)
        : l.slice(0, i) + ch + l.slice(i),
  );

test('never throws: random strings (grapheme, binary, ASCII)', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      ),
      neverThrows,
    ),
    { numRuns: 3000 },
  );
});

test('never throws: random bytes decoded as UTF-8 and as latin1', () => {
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      neverThrows(utf8.decode(bytes));
      neverThrows(Buffer.from(bytes).toString('latin1'));
    }),
    { numRuns: 3000 },
  );
});

test("never throws: token soup from the format's own vocabulary", () => {
  fc.assert(fc.property(soupLine, neverThrows), { numRuns: 5000 });
});

test('never throws: valid statements with one random character edit', () => {
  fc.assert(fc.property(mutatedLine, neverThrows), { numRuns: 3000 });
});

test('generated valid statements are well formed (spans inside the line, tokens as written)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...(Object.keys(SHAPES) as BodyType[])).chain(lineOf), (line) => {
      const n = parseLine(line);
      assert.equal(n.kind, 'statement', line);
      assertWellFormed(line, n);
    }),
    { numRuns: 2000 },
  );
});

test('never throws: a document of random bytes, and edits applied to it', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 400 }),
      fc.array(fc.tuple(fc.nat(20), fc.nat(40), fc.nat(20), fc.nat(40), fc.string({ unit: 'binary', maxLength: 10 })), {
        maxLength: 5,
      }),
      (bytes, edits) => {
        const doc = new TraceDocument(new TextDecoder().decode(bytes));
        for (const [l1, c1, l2, c2, text] of edits) {
          const [a, b] =
            l1 < l2 || (l1 === l2 && c1 <= c2)
              ? [
                  { line: l1, character: c1 },
                  { line: l2, character: c2 },
                ]
              : [
                  { line: l2, character: c2 },
                  { line: l1, character: c1 },
                ];
          doc.applyEdit({ start: a, end: b, text });
        }
        for (let i = 0; i < doc.lineCount; i++) assertWellFormed(doc.text(i), doc.node(i));
      },
    ),
    { numRuns: 500 },
  );
});
