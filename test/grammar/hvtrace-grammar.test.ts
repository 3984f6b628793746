// TextMate grammar (syntaxes/hvtrace.tmLanguage.json): exact tokens and scopes of each construct of
// the .hvtrace format (spec sections 1-4 and the section 7 example).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { grammarPath, tokenize, tokenizeLines, tokenizeWithMeta, type Token } from './tokenize';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../../engine/src/rules/fixtures';

// Scopes the grammar emits (syntaxes/README.md).
const COMMENT = 'comment.line.number-sign.hvtrace';
const COMMENT_PUNCT = 'punctuation.definition.comment.hvtrace';
const SUPPRESS = 'keyword.control.directive.suppress.hvtrace';
const CODE = 'constant.other.diagnostic-code.hvtrace';
const COMMA = 'punctuation.separator.comma.hvtrace';
const DIRECTIVE = 'keyword.control.directive.hvtrace';
const DIRECTIVE_PUNCT = 'punctuation.definition.directive.hvtrace';
const HOST_DECL = 'entity.name.type.host.hvtrace';
const VM_DECL = 'entity.name.type.vm.hvtrace';
const KEY = 'variable.parameter.key.hvtrace';
const ASSIGN = 'keyword.operator.assignment.hvtrace';
const ENUM = 'constant.language.hvtrace';
const AT = 'punctuation.separator.at.hvtrace';
const VERSION = 'constant.numeric.version.hvtrace';
const TIME = 'constant.numeric.time.hvtrace';
const HOST = 'entity.name.namespace.host.hvtrace';
const VM = 'entity.name.type.vm.hvtrace';
const VCPU = 'variable.other.vcpu.hvtrace';
const SLASH = 'punctuation.separator.location.hvtrace';
const IOCTL = 'support.function.ioctl.hvtrace';
const OP = 'support.function.operation.hvtrace';
const REG = 'variable.language.register.hvtrace';
const SMCCC = 'support.function.smccc.hvtrace';
const RETCODE = 'constant.language.return-code.hvtrace';
const ATTR = 'variable.other.constant.attribute.hvtrace';
const FLAG = 'variable.other.constant.flag.hvtrace';
const BITOR = 'keyword.operator.bitwise.or.hvtrace';
const DEC = 'constant.numeric.integer.decimal.hvtrace';
const HEX = 'constant.numeric.integer.hexadecimal.hvtrace';
const DURATION = 'constant.numeric.duration.hvtrace';
const FREQ = 'constant.numeric.frequency.hvtrace';
const UNIT = 'keyword.other.unit.hvtrace';
const ARROW = 'keyword.operator.arrow.hvtrace';
const ERRNO = 'constant.language.errno.hvtrace';
const EXIT = 'constant.language.exit-reason.hvtrace';
const NOTE = 'string.unquoted.note.hvtrace';
const TIMER = 'variable.other.constant.timer.hvtrace';
const actor = (name: string) => `keyword.other.actor.${name}.hvtrace`;

const ws = (text = ' '): Token => [text, []];
const kv = (key: string, value: Token, keyScope = KEY): Token[] => [[key, [keyScope]], ['=', [ASSIGN]], value];
const comment = (body: string): Token[] => [
  ['#', [COMMENT, COMMENT_PUNCT]],
  [body, [COMMENT]],
];

/** Expected tokens of `TIME WHERE ACTOR` plus the space after the actor. */
function prefix(time: string, where: string, actorName: string): Token[] {
  const [host, vm, vcpu] = where.split('/');
  const loc: Token[] = [[host!, [HOST]]];
  if (vm !== undefined) loc.push(['/', [SLASH]], [vm, [VM]]);
  if (vcpu !== undefined) loc.push(['/', [SLASH]], [vcpu, [VCPU]]);
  return [[time, [TIME]], ws(), ...loc, ws(), [actorName, [actor(actorName)]], ws()];
}

async function expectTokens(line: string, expected: Token[]): Promise<void> {
  assert.deepEqual(await tokenize(line), expected, line);
}

describe('comments', () => {
  test('a whole-line comment', async () => {
    await expectTokens('# migration of vm1 from src to dst', comment(' migration of vm1 from src to dst'));
  });

  test('an indented comment', async () => {
    await expectTokens('   #x', [ws('   '), ...comment('x')]);
  });

  test('hvtimer-disable-next-line with two codes', async () => {
    await expectTokens('# hvtimer-disable-next-line HVT010,HVT011', [
      ['#', [COMMENT, COMMENT_PUNCT]],
      [' ', [COMMENT]],
      ['hvtimer-disable-next-line', [COMMENT, SUPPRESS]],
      [' ', [COMMENT]],
      ['HVT010', [COMMENT, CODE]],
      [',', [COMMENT, COMMA]],
      ['HVT011', [COMMENT, CODE]],
    ]);
  });

  test('hvtimer-disable with one code and a reason', async () => {
    await expectTokens('#hvtimer-disable HVT004 noisy host', [
      ['#', [COMMENT, COMMENT_PUNCT]],
      ['hvtimer-disable', [COMMENT, SUPPRESS]],
      [' ', [COMMENT]],
      ['HVT004', [COMMENT, CODE]],
      [' noisy host', [COMMENT]],
    ]);
  });

  test('a look-alike word is a plain comment, and codes are only scoped after the directive word', async () => {
    await expectTokens('# hvtimer-disabled HVT004', comment(' hvtimer-disabled HVT004'));
    await expectTokens('# HVT010: guest lags', comment(' HVT010: guest lags'));
  });

  test('a suppression comment after a statement', async () => {
    await expectTokens('1.0 src/vm1 vmm pause # hvtimer-disable-next-line HVT020', [
      ...prefix('1.0', 'src/vm1', 'vmm'),
      ['pause', [OP]],
      ws(),
      ['#', [COMMENT, COMMENT_PUNCT]],
      [' ', [COMMENT]],
      ['hvtimer-disable-next-line', [COMMENT, SUPPRESS]],
      [' ', [COMMENT]],
      ['HVT020', [COMMENT, CODE]],
    ]);
  });
});

describe('directives', () => {
  test('@hvtrace VERSION', async () => {
    await expectTokens('@hvtrace 1', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['hvtrace', [DIRECTIVE]],
      ws(),
      ['1', [DEC]],
    ]);
  });

  test('@host with every key, counter=V@T and kernel=MAJOR.MINOR', async () => {
    await expectTokens(
      '@host src arch=arm64 freq=25MHz ecv=2 vhe=1 tsc_scaling=0 counter=0x2540BE400@100.0 kernel=6.4',
      [
        ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
        ['host', [DIRECTIVE]],
        ws(),
        ['src', [HOST_DECL]],
        ws(),
        ...kv('arch', ['arm64', [ENUM]]),
        ws(),
        ...kv('freq', ['25', [FREQ]]),
        ['MHz', [FREQ, UNIT]],
        ws(),
        ...kv('ecv', ['2', [DEC]]),
        ws(),
        ...kv('vhe', ['1', [DEC]]),
        ws(),
        ...kv('tsc_scaling', ['0', [DEC]]),
        ws(),
        ...kv('counter', ['0x2540BE400', [HEX]]),
        ['@', [AT]],
        ['100.0', [TIME]],
        ws(),
        ...kv('kernel', ['6.4', [VERSION]]),
      ],
    );
  });

  test('@host assumed=freq,counter (what an importer assumed, HVT095)', async () => {
    await expectTokens('@host h arch=x86_64 freq=1GHz assumed=freq,counter', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['host', [DIRECTIVE]],
      ws(),
      ['h', [HOST_DECL]],
      ws(),
      ...kv('arch', ['x86_64', [ENUM]]),
      ws(),
      ...kv('freq', ['1', [FREQ]]),
      ['GHz', [FREQ, UNIT]],
      ws(),
      ...kv('assumed', ['freq,counter', [ENUM]]),
    ]);
  });

  test('@host x86_64 with a decimal GHz frequency and a negative counter', async () => {
    await expectTokens('@host h-1.lab arch=x86_64 freq=2.345678GHz counter=-1_000@0.5', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['host', [DIRECTIVE]],
      ws(),
      ['h-1.lab', [HOST_DECL]],
      ws(),
      ...kv('arch', ['x86_64', [ENUM]]),
      ws(),
      ...kv('freq', ['2.345678', [FREQ]]),
      ['GHz', [FREQ, UNIT]],
      ws(),
      ...kv('counter', ['-1_000', [DEC]]),
      ['@', [AT]],
      ['0.5', [TIME]],
    ]);
  });

  test('@host: an integer Hz frequency is a number; unknown keys and values stay unscoped', async () => {
    await expectTokens('@host src freq=25000000 arch=arm32 colour=red', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['host', [DIRECTIVE]],
      ws(),
      ['src', [HOST_DECL]],
      ws(),
      ...kv('freq', ['25000000', [DEC]]),
      ws(),
      ['arch', [KEY]],
      ['=', [ASSIGN]],
      ['arm32 colour', []],
      ['=', [ASSIGN]],
      ['red', []],
    ]);
  });

  test('@vm with all keys (extra spaces after the directive) and a trailing comment', async () => {
    await expectTokens('@vm   vm1 vcpus=2 policy=advance pvtime=on  # two vCPUs', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['vm', [DIRECTIVE]],
      ws('   '),
      ['vm1', [VM_DECL]],
      ws(),
      ...kv('vcpus', ['2', [DEC]]),
      ws(),
      ...kv('policy', ['advance', [ENUM]]),
      ws(),
      ...kv('pvtime', ['on', [ENUM]]),
      ws('  '),
      ...comment(' two vCPUs'),
    ]);
  });

  test('@vm policy=freeze pvtime=off', async () => {
    await expectTokens('@vm vm2 policy=freeze pvtime=off', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['vm', [DIRECTIVE]],
      ws(),
      ['vm2', [VM_DECL]],
      ws(),
      ...kv('policy', ['freeze', [ENUM]]),
      ws(),
      ...kv('pvtime', ['off', [ENUM]]),
    ]);
  });

  test('@tolerance DURATION (each unit)', async () => {
    for (const [num, unit] of [
      ['100', 'us'],
      ['1.5', 'ms'],
      ['30', 's'],
      ['154233', 'ns'],
    ] as const) {
      await expectTokens(`@tolerance ${num}${unit}`, [
        ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
        ['tolerance', [DIRECTIVE]],
        ws(),
        [num, [DURATION]],
        [unit, [DURATION, UNIT]],
      ]);
    }
  });

  test('directive lines carry meta.directive.* scopes', async () => {
    const tokens = await tokenizeWithMeta('@host src arch=arm64');
    assert.deepEqual(
      tokens.map(([, s]) => s[0]),
      Array(tokens.length).fill('meta.directive.host.hvtrace'),
    );
    assert.deepEqual((await tokenizeWithMeta('@vm v'))[0]![1][0], 'meta.directive.vm.hvtrace');
    assert.deepEqual((await tokenizeWithMeta('@hvtrace 1'))[0]![1][0], 'meta.directive.version.hvtrace');
    assert.deepEqual((await tokenizeWithMeta('@tolerance 1s'))[0]![1][0], 'meta.directive.tolerance.hvtrace');
  });

  test('a directive name that is not at line start, or unknown, is not a directive', async () => {
    await expectTokens('x @host src', [['x @host src', []]]);
    await expectTokens('@hosts src', [['@hosts src', []]]);
  });
});

describe('statement prefix: TIME WHERE ACTOR', () => {
  test('WHERE as HOST, HOST/VM and HOST/VM/vcpuN', async () => {
    await expectTokens('5 src vmm sample realtime=5000000000 counter=0x10', [
      ...prefix('5', 'src', 'vmm'),
      ['sample', [OP]],
      ws(),
      ...kv('realtime', ['5000000000', [DEC]]),
      ws(),
      ...kv('counter', ['0x10', [HEX]]),
    ]);
    await expectTokens('20.000000000 src/vm1 vmm pause', [
      ...prefix('20.000000000', 'src/vm1', 'vmm'),
      ['pause', [OP]],
    ]);
    await expectTokens('20.1 src/vm1/vcpu12 ioctl KVM_RUN', [
      ...prefix('20.1', 'src/vm1/vcpu12', 'ioctl'),
      ['KVM_RUN', [IOCTL]],
    ]);
  });

  test('the location carries meta.location and the line meta.statement', async () => {
    const tokens = await tokenizeWithMeta('1.5 src/vm1/vcpu0 vmm resume');
    assert.deepEqual(tokens, [
      ['1.5', ['meta.statement.hvtrace', TIME]],
      [' ', ['meta.statement.hvtrace']],
      ['src', ['meta.statement.hvtrace', 'meta.location.hvtrace', HOST]],
      ['/', ['meta.statement.hvtrace', 'meta.location.hvtrace', SLASH]],
      ['vm1', ['meta.statement.hvtrace', 'meta.location.hvtrace', VM]],
      ['/', ['meta.statement.hvtrace', 'meta.location.hvtrace', SLASH]],
      ['vcpu0', ['meta.statement.hvtrace', 'meta.location.hvtrace', VCPU]],
      [' ', ['meta.statement.hvtrace']],
      ['vmm', ['meta.statement.hvtrace', actor('vmm')]],
      [' ', ['meta.statement.hvtrace']],
      ['resume', ['meta.statement.hvtrace', OP]],
    ]);
  });

  test('tabs separate tokens', async () => {
    await expectTokens('1.0\tsrc/vm1\tvmm\tsnapshot', [
      ['1.0', [TIME]],
      ws('\t'),
      ['src', [HOST]],
      ['/', [SLASH]],
      ['vm1', [VM]],
      ws('\t'),
      ['vmm', [actor('vmm')]],
      ws('\t'),
      ['snapshot', [OP]],
    ]);
  });

  test('an unknown actor and unknown operations stay unscoped', async () => {
    await expectTokens('1.0 src/vm1 qemu frobnicate x', [
      ['1.0', [TIME]],
      ws(),
      ['src', [HOST]],
      ['/', [SLASH]],
      ['vm1', [VM]],
      [' qemu frobnicate x', []],
    ]);
    await expectTokens('1.0 src/vm1 vmm explode', [...prefix('1.0', 'src/vm1', 'vmm').slice(0, -1), [' explode', []]]);
    await expectTokens('1.0 src/vm1 guest reads TSC', [
      ...prefix('1.0', 'src/vm1', 'guest').slice(0, -1),
      [' reads ', []],
      ['TSC', [REG]],
    ]);
  });

  test('an actor word later in the line is not an actor', async () => {
    await expectTokens('1.0 src/vm1 vmm note ioctl read', [
      ...prefix('1.0', 'src/vm1', 'vmm'),
      ['note', [OP]],
      ws(),
      ['ioctl read', [NOTE]],
    ]);
    await expectTokens('1.0 src/vm1 vmm pause ioctl', [
      ...prefix('1.0', 'src/vm1', 'vmm'),
      ['pause', [OP]],
      [' ioctl', []],
    ]);
  });
});

describe('ioctl', () => {
  test('KVM_CREATE_VCPU id=N', async () => {
    await expectTokens('10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', [
      ...prefix('10.000000000', 'src/vm1', 'ioctl'),
      ['KVM_CREATE_VCPU', [IOCTL]],
      ws(),
      ...kv('id', ['0', [DEC]]),
    ]);
  });

  test('KVM_SET_ONE_REG id=REG value=VALUE', async () => {
    await expectTokens('20.6 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250_000_225', [
      ...prefix('20.6', 'dst/vm1/vcpu0', 'ioctl'),
      ['KVM_SET_ONE_REG', [IOCTL]],
      ws(),
      ...kv('id', ['KVM_REG_ARM_TIMER_CNT', [REG]]),
      ws(),
      ...kv('value', ['250_000_225', [DEC]]),
    ]);
  });

  test('-> RESULT as a value', async () => {
    await expectTokens('20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=0x603000000013DF1A -> 0x1234', [
      ...prefix('20.000010000', 'src/vm1/vcpu0', 'ioctl'),
      ['KVM_GET_ONE_REG', [IOCTL]],
      ws(),
      ...kv('id', ['0x603000000013DF1A', [HEX]]),
      ws(),
      ['->', [ARROW]],
      ws(),
      ['0x1234', [HEX]],
    ]);
  });

  test('-> RESULT as an errno', async () => {
    await expectTokens(
      '3 src/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x1000 -> -EEXIST',
      [
        ...prefix('3', 'src/vm1/vcpu0', 'ioctl'),
        ['KVM_SET_DEVICE_ATTR', [IOCTL]],
        ws(),
        ...kv('group', ['KVM_ARM_VCPU_PVTIME_CTRL', [ATTR]]),
        ws(),
        ...kv('attr', ['KVM_ARM_VCPU_PVTIME_IPA', [ATTR]]),
        ws(),
        ...kv('value', ['0x1000', [HEX]]),
        ws(),
        ['->', [ARROW]],
        ws(),
        ['-EEXIST', [ERRNO]],
      ],
    );
    for (const errno of ['-EINVAL', '-EBUSY', '-ENXIO']) {
      await expectTokens(`3 src/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=-1000 reserved=0 -> ${errno}`, [
        ...prefix('3', 'src/vm1', 'ioctl'),
        ['KVM_ARM_SET_COUNTER_OFFSET', [IOCTL]],
        ws(),
        ...kv('counter_offset', ['-1000', [DEC]]),
        ws(),
        ...kv('reserved', ['0', [DEC]]),
        ws(),
        ['->', [ARROW]],
        ws(),
        [errno, [ERRNO]],
      ]);
    }
  });

  test('-> RESULT as named outputs, with flags joined by |', async () => {
    await expectTokens(
      '4 src/vm1 ioctl KVM_GET_CLOCK -> clock=123 flags=KVM_CLOCK_REALTIME|KVM_CLOCK_HOST_TSC realtime=4000000000 host_tsc=0x6',
      [
        ...prefix('4', 'src/vm1', 'ioctl'),
        ['KVM_GET_CLOCK', [IOCTL]],
        ws(),
        ['->', [ARROW]],
        ws(),
        ...kv('clock', ['123', [DEC]]),
        ws(),
        ...kv('flags', ['KVM_CLOCK_REALTIME', [FLAG]]),
        ['|', [BITOR]],
        ['KVM_CLOCK_HOST_TSC', [FLAG]],
        ws(),
        ...kv('realtime', ['4000000000', [DEC]]),
        ws(),
        ...kv('host_tsc', ['0x6', [HEX]]),
      ],
    );
  });

  test('the result carries meta.result up to a comment', async () => {
    const tokens = await tokenizeWithMeta('1 h/v ioctl KVM_GET_TSC_KHZ -> 2000000 # khz');
    const i = tokens.findIndex(([t]) => t === '->');
    assert.deepEqual(tokens.slice(i), [
      ['->', ['meta.statement.hvtrace', 'meta.result.hvtrace', ARROW]],
      [' ', ['meta.statement.hvtrace', 'meta.result.hvtrace']],
      ['2000000', ['meta.statement.hvtrace', 'meta.result.hvtrace', DEC]],
      [' ', ['meta.statement.hvtrace', 'meta.result.hvtrace']],
      ['#', ['meta.statement.hvtrace', COMMENT, COMMENT_PUNCT]],
      [' khz', ['meta.statement.hvtrace', COMMENT]],
    ]);
  });

  test('KVM_RUN -> exit=REASON', async () => {
    await expectTokens('5 src/vm1/vcpu1 ioctl KVM_RUN -> exit=KVM_EXIT_MMIO', [
      ...prefix('5', 'src/vm1/vcpu1', 'ioctl'),
      ['KVM_RUN', [IOCTL]],
      ws(),
      ['->', [ARROW]],
      ws(),
      ...kv('exit', ['KVM_EXIT_MMIO', [EXIT]]),
    ]);
  });

  test('a hex ioctl request code', async () => {
    await expectTokens('6 h/v/vcpu0 ioctl 0x4010AEAC id=0x603000000013DF02 value=0', [
      ...prefix('6', 'h/v/vcpu0', 'ioctl'),
      ['0x4010AEAC', [IOCTL]],
      ws(),
      ...kv('id', ['0x603000000013DF02', [HEX]]),
      ws(),
      ...kv('value', ['0', [DEC]]),
    ]);
  });

  test('an unknown non-KVM ioctl name stays unscoped', async () => {
    await expectTokens('6 h/v ioctl VFIO_GET_INFO', [
      ...prefix('6', 'h/v', 'ioctl').slice(0, -1),
      [' VFIO_GET_INFO', []],
    ]);
  });

  test('KVM_SET_MSRS MSR=VALUE keeps the register scope on the key; KVM_GET_MSRS lists MSRs', async () => {
    await expectTokens('7 h/v/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0 IA32_TSC_ADJUST=-5 MSR_KVM_STEAL_TIME=0x1001', [
      ...prefix('7', 'h/v/vcpu0', 'ioctl'),
      ['KVM_SET_MSRS', [IOCTL]],
      ws(),
      ...kv('IA32_TSC', ['0', [DEC]], REG),
      ws(),
      ...kv('IA32_TSC_ADJUST', ['-5', [DEC]], REG),
      ws(),
      ...kv('MSR_KVM_STEAL_TIME', ['0x1001', [HEX]], REG),
    ]);
    await expectTokens(
      '7 h/v/vcpu0 ioctl KVM_GET_MSRS IA32_TSC_DEADLINE MSR_KVM_SYSTEM_TIME_NEW -> IA32_TSC_DEADLINE=0',
      [
        ...prefix('7', 'h/v/vcpu0', 'ioctl'),
        ['KVM_GET_MSRS', [IOCTL]],
        ws(),
        ['IA32_TSC_DEADLINE', [REG]],
        ws(),
        ['MSR_KVM_SYSTEM_TIME_NEW', [REG]],
        ws(),
        ['->', [ARROW]],
        ws(),
        ...kv('IA32_TSC_DEADLINE', ['0', [DEC]], REG),
      ],
    );
  });

  test('x86 TSC attribute and proposed TSC_STATE flags', async () => {
    await expectTokens(
      '8 h/v/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=-856010509473',
      [
        ...prefix('8', 'h/v/vcpu0', 'ioctl'),
        ['KVM_SET_DEVICE_ATTR', [IOCTL]],
        ws(),
        ...kv('group', ['KVM_VCPU_TSC_CTRL', [ATTR]]),
        ws(),
        ...kv('attr', ['KVM_VCPU_TSC_OFFSET', [ATTR]]),
        ws(),
        ...kv('value', ['-856010509473', [DEC]]),
      ],
    );
    await expectTokens(
      '9 h/v/vcpu0 ioctl KVM_SET_TSC_STATE flags=KVM_TSC_STATE_TIMESTAMP_VALID|KVM_TSC_STATE_TSC_ADJUST_VALID nsec=1 tsc=2',
      [
        ...prefix('9', 'h/v/vcpu0', 'ioctl'),
        ['KVM_SET_TSC_STATE', [IOCTL]],
        ws(),
        ...kv('flags', ['KVM_TSC_STATE_TIMESTAMP_VALID', [FLAG]]),
        ['|', [BITOR]],
        ['KVM_TSC_STATE_TSC_ADJUST_VALID', [FLAG]],
        ws(),
        ...kv('nsec', ['1', [DEC]]),
        ws(),
        ...kv('tsc', ['2', [DEC]]),
      ],
    );
  });
});

describe('guest', () => {
  test('guest read REG = VALUE', async () => {
    await expectTokens('12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975', [
      ...prefix('12.000000000', 'src/vm1/vcpu0', 'guest'),
      ['read', [OP]],
      ws(),
      ['CNTVCT_EL0', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['49999975', [DEC]],
    ]);
  });

  test('guest read of TSC, kvmclock, stolen_time and steal', async () => {
    for (const reg of ['TSC', 'kvmclock', 'stolen_time', 'CNTPCTSS_EL0', 'MSR_KVM_STEAL_TIME']) {
      await expectTokens(`1 h/v/vcpu0 guest read ${reg} = 0x10`, [
        ...prefix('1', 'h/v/vcpu0', 'guest'),
        ['read', [OP]],
        ws(),
        [reg, [REG]],
        ws(),
        ['=', [ASSIGN]],
        ws(),
        ['0x10', [HEX]],
      ]);
    }
    await expectTokens('1 h/v/vcpu0 guest read steal = 100 version=2', [
      ...prefix('1', 'h/v/vcpu0', 'guest'),
      ['read', [OP]],
      ws(),
      ['steal', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['100', [DEC]],
      ws(),
      ...kv('version', ['2', [DEC]]),
    ]);
  });

  test('guest write REG = VALUE', async () => {
    await expectTokens('1 h/v/vcpu0 guest write IA32_TSC = 0', [
      ...prefix('1', 'h/v/vcpu0', 'guest'),
      ['write', [OP]],
      ws(),
      ['IA32_TSC', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['0', [DEC]],
    ]);
  });

  test('guest hvc FUNCTION ARG -> return code', async () => {
    await expectTokens('2 src/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS', [
      ...prefix('2', 'src/vm1/vcpu0', 'guest'),
      ['hvc', [OP]],
      ws(),
      ['SMCCC_ARCH_FEATURES', [SMCCC]],
      ws(),
      ['PV_TIME_FEATURES', [SMCCC]],
      ws(),
      ['->', [ARROW]],
      ws(),
      ['SUCCESS', [RETCODE]],
    ]);
    for (const rc of ['NOT_SUPPORTED', 'INVALID_PARAMETER']) {
      await expectTokens(`2 src/vm1/vcpu0 guest hvc PV_TIME_ST -> ${rc}`, [
        ...prefix('2', 'src/vm1/vcpu0', 'guest'),
        ['hvc', [OP]],
        ws(),
        ['PV_TIME_ST', [SMCCC]],
        ws(),
        ['->', [ARROW]],
        ws(),
        [rc, [RETCODE]],
      ]);
    }
  });

  test('guest hvc with hex function id and a value result', async () => {
    await expectTokens('2 src/vm1/vcpu0 guest hvc 0xC5000021 -> 0x80000000', [
      ...prefix('2', 'src/vm1/vcpu0', 'guest'),
      ['hvc', [OP]],
      ws(),
      ['0xC5000021', [HEX]],
      ws(),
      ['->', [ARROW]],
      ws(),
      ['0x80000000', [HEX]],
    ]);
  });
});

describe('kvm', () => {
  test('kvm write REG = VALUE', async () => {
    await expectTokens('1 src/vm1/vcpu0 kvm write CNTVOFF_EL2 = 0xFFFFFFFFFFFFFFF0', [
      ...prefix('1', 'src/vm1/vcpu0', 'kvm'),
      ['write', [OP]],
      ws(),
      ['CNTVOFF_EL2', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['0xFFFFFFFFFFFFFFF0', [HEX]],
    ]);
  });

  test('kvm traps cntpct=on|off and kvm trap REG = VALUE', async () => {
    for (const v of ['on', 'off']) {
      await expectTokens(`1 src/vm1/vcpu0 kvm traps cntpct=${v}`, [
        ...prefix('1', 'src/vm1/vcpu0', 'kvm'),
        ['traps', [OP]],
        ws(),
        ...kv('cntpct', [v, [ENUM]]),
      ]);
    }
    await expectTokens('1 src/vm1/vcpu0 kvm trap CNTPCT_EL0 = 42', [
      ...prefix('1', 'src/vm1/vcpu0', 'kvm'),
      ['trap', [OP]],
      ws(),
      ['CNTPCT_EL0', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['42', [DEC]],
    ]);
  });

  test('kvm stolen_update and write_tsc_offset', async () => {
    await expectTokens('1 src/vm1/vcpu0 kvm stolen_update stolen_time=154233', [
      ...prefix('1', 'src/vm1/vcpu0', 'kvm'),
      ['stolen_update', [OP]],
      ws(),
      ...kv('stolen_time', ['154233', [DEC]], REG),
    ]);
    await expectTokens('1 h/v/vcpu0 kvm write_tsc_offset prev=0 next=-856010509473', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['write_tsc_offset', [OP]],
      ws(),
      ...kv('prev', ['0', [DEC]]),
      ws(),
      ...kv('next', ['-856010509473', [DEC]]),
    ]);
  });

  test('kvm track_tsc, update_master_clock and pvclock_update (capture statements)', async () => {
    await expectTokens('1 h/v/vcpu0 kvm track_tsc masterclock=0 offsetmatched=0 nr_online=1 hostclock=tsc', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['track_tsc', [OP]],
      ws(),
      ...kv('masterclock', ['0', [DEC]]),
      ws(),
      ...kv('offsetmatched', ['0', [DEC]]),
      ws(),
      ...kv('nr_online', ['1', [DEC]]),
      ws(),
      ...kv('hostclock', ['tsc', []]),
    ]);
    await expectTokens('1 h/v kvm update_master_clock masterclock=1 hostclock=tsc offsetmatched=1', [
      ...prefix('1', 'h/v', 'kvm'),
      ['update_master_clock', [OP]],
      ws(),
      ...kv('masterclock', ['1', [DEC]]),
      ws(),
      ...kv('hostclock', ['tsc ', []]),
      ...kv('offsetmatched', ['1', [DEC]]),
    ]);
    await expectTokens('1 h/v/vcpu0 kvm pvclock_update tsc_timestamp=0x1a2b system_time=0x3b9aca00 tsc_shift=-1', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['pvclock_update', [OP]],
      ws(),
      ...kv('tsc_timestamp', ['0x1a2b', [HEX]]),
      ws(),
      ...kv('system_time', ['0x3b9aca00', [HEX]]),
      ws(),
      ...kv('tsc_shift', ['-1', [DEC]]),
    ]);
  });
});

describe('timers (timers.md T1)', () => {
  test('guest write of CNTV_TVAL_EL0 and the LAPIC timer registers (xAPIC and x2APIC names)', async () => {
    await expectTokens('1 h/v/vcpu0 guest write CNTV_TVAL_EL0 = -25', [
      ...prefix('1', 'h/v/vcpu0', 'guest'),
      ['write', [OP]],
      ws(),
      ['CNTV_TVAL_EL0', [REG]],
      ws(),
      ['=', [ASSIGN]],
      ws(),
      ['-25', [DEC]],
    ]);
    for (const reg of ['APIC_LVTT', 'APIC_TMICT', 'APIC_TDCR', 'IA32_X2APIC_LVT_TIMER']) {
      await expectTokens(`1 h/v/vcpu0 guest write ${reg} = 0x400ec`, [
        ...prefix('1', 'h/v/vcpu0', 'guest'),
        ['write', [OP]],
        ws(),
        [reg, [REG]],
        ws(),
        ['=', [ASSIGN]],
        ws(),
        ['0x400ec', [HEX]],
      ]);
    }
  });

  test('ioctl KVM_SET_LAPIC lvtt= tmict= tmcct= tdcr= and KVM_GET_LAPIC -> ...', async () => {
    await expectTokens('1 h/v/vcpu0 ioctl KVM_SET_LAPIC lvtt=0x400ec tdcr=0xb', [
      ...prefix('1', 'h/v/vcpu0', 'ioctl'),
      ['KVM_SET_LAPIC', [IOCTL]],
      ws(),
      ...kv('lvtt', ['0x400ec', [HEX]]),
      ws(),
      ...kv('tdcr', ['0xb', [HEX]]),
    ]);
    const line = '1 h/v/vcpu0 ioctl KVM_GET_LAPIC -> tmict=1000';
    const toks = await tokenizeWithMeta(line);
    assert.deepEqual(
      toks.map(([t]) => t),
      ['1', ' ', 'h', '/', 'v', '/', 'vcpu0', ' ', 'ioctl', ' ', 'KVM_GET_LAPIC', ' ', '->', ' ', 'tmict', '=', '1000'],
    );
    assert.ok(toks.find(([t]) => t === '1000')![1].includes('meta.result.hvtrace'));
  });

  test('kvm timer_state TIMER ctl= cval=', async () => {
    await expectTokens('1 h/v/vcpu0 kvm timer_state vtimer ctl=0x5 cval=7500000000', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['timer_state', [OP]],
      ws(),
      ['vtimer', [TIMER]],
      ws(),
      ...kv('ctl', ['0x5', [HEX]]),
      ws(),
      ...kv('cval', ['7500000000', [DEC]]),
    ]);
  });

  test('kvm timer_irq TIMER level=0|1 and kvm timer_expire TIMER, for every timer', async () => {
    for (const t of ['vtimer', 'ptimer', 'hvtimer', 'hptimer', 'lapic']) {
      await expectTokens(`1 h/v/vcpu0 kvm timer_irq ${t} level=1`, [
        ...prefix('1', 'h/v/vcpu0', 'kvm'),
        ['timer_irq', [OP]],
        ws(),
        [t, [TIMER]],
        ws(),
        ...kv('level', ['1', [DEC]]),
      ]);
      await expectTokens(`1 h/v/vcpu0 kvm timer_expire ${t}`, [
        ...prefix('1', 'h/v/vcpu0', 'kvm'),
        ['timer_expire', [OP]],
        ws(),
        [t, [TIMER]],
      ]);
    }
    // an unknown timer name stays unscoped
    await expectTokens('1 h/v/vcpu0 kvm timer_expire etimer', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['timer_expire', [OP]],
      [' etimer', []],
    ]);
  });

  test('kvm wait_lapic_expire delta=N (signed) and kvm hv_timer in_use=0|1', async () => {
    await expectTokens('1 h/v/vcpu0 kvm wait_lapic_expire delta=-4000', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['wait_lapic_expire', [OP]],
      ws(),
      ...kv('delta', ['-4000', [DEC]]),
    ]);
    await expectTokens('1 h/v/vcpu0 kvm hv_timer in_use=1', [
      ...prefix('1', 'h/v/vcpu0', 'kvm'),
      ['hv_timer', [OP]],
      ws(),
      ...kv('in_use', ['1', [DEC]]),
    ]);
  });

  test('kvm entry and kvm exit REASON', async () => {
    await expectTokens('1 h/v/vcpu0 kvm entry', [...prefix('1', 'h/v/vcpu0', 'kvm'), ['entry', [OP]]]);
    for (const reason of ['IRQ', 'WFx', 'HLT', 'PREEMPTION_TIMER']) {
      await expectTokens(`1 h/v/vcpu0 kvm exit ${reason}  # why`, [
        ...prefix('1', 'h/v/vcpu0', 'kvm'),
        ['exit', [OP]],
        ws(),
        [reason, [EXIT]],
        ws('  '),
        ...comment(' why'),
      ]);
    }
  });

  test('@tolerance with timer tolerances and timer_storm', async () => {
    await expectTokens('@tolerance 100us timer_late=1ms timer_storm=4', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['tolerance', [DIRECTIVE]],
      ws(),
      ['100', [DURATION]],
      ['us', [DURATION, UNIT]],
      ws(),
      ...kv('timer_late', ['1', [DURATION]]).slice(0, 2),
      ['1', [DURATION]],
      ['ms', [DURATION, UNIT]],
      ws(),
      ...kv('timer_storm', ['4', [DEC]]),
    ]);
  });
});

describe('sched and vmm', () => {
  test('sched wait DURATION', async () => {
    await expectTokens('30 src/vm1/vcpu0 sched wait 154233ns', [
      ...prefix('30', 'src/vm1/vcpu0', 'sched'),
      ['wait', [OP]],
      ws(),
      ['154233', [DURATION]],
      ['ns', [DURATION, UNIT]],
    ]);
    await expectTokens('30 src/vm1/vcpu0 sched wait 1.5ms', [
      ...prefix('30', 'src/vm1/vcpu0', 'sched'),
      ['wait', [OP]],
      ws(),
      ['1.5', [DURATION]],
      ['ms', [DURATION, UNIT]],
    ]);
  });

  test('vmm migrate to=HOST', async () => {
    await expectTokens('20.000020000 src/vm1 vmm migrate to=dst', [
      ...prefix('20.000020000', 'src/vm1', 'vmm'),
      ['migrate', [OP]],
      ws(),
      ...kv('to', ['dst', [HOST]]),
    ]);
  });

  test('vmm pause, resume, snapshot, restore', async () => {
    for (const op of ['pause', 'resume', 'snapshot', 'restore']) {
      await expectTokens(`1 src/vm1 vmm ${op}`, [...prefix('1', 'src/vm1', 'vmm'), [op, [OP]]]);
    }
  });

  test('vmm note TEXT with a trailing comment', async () => {
    await expectTokens('21 dst/vm1 vmm note guest resumed on dst -> ok = 5 # HVT010 expected', [
      ...prefix('21', 'dst/vm1', 'vmm'),
      ['note', [OP]],
      ws(),
      ['guest resumed on dst -> ok = 5', [NOTE]],
      ws(),
      ...comment(' HVT010 expected'),
    ]);
  });

  test('vmm note: # inside the text ends the note; trailing blanks are not part of it', async () => {
    await expectTokens('21 dst/vm1 vmm note bug#42', [
      ...prefix('21', 'dst/vm1', 'vmm'),
      ['note', [OP]],
      ws(),
      ['bug', [NOTE]],
      ...comment('42'),
    ]);
    await expectTokens('21 dst/vm1 vmm note \tspaced out\t ', [
      ...prefix('21', 'dst/vm1', 'vmm'),
      ['note', [OP]],
      ws(' \t'),
      ['spaced out', [NOTE]],
      ws('\t '),
    ]);
    await expectTokens('21 dst/vm1 vmm note', [...prefix('21', 'dst/vm1', 'vmm').slice(0, -1), ws(), ['note', [OP]]]);
  });
});

describe('values and line ends', () => {
  test('numbers glued to letters are not numbers; names are not split', async () => {
    await expectTokens('1 h/v/vcpu0 vmm sample a=12abc b=0x1G c=CNTVCT_EL0x', [
      ...prefix('1', 'h/v/vcpu0', 'vmm'),
      ['sample', [OP]],
      ws(),
      ...kv('a', ['12abc ', []]),
      ...kv('b', ['0x1G ', []]),
      ...kv('c', ['CNTVCT_EL0x', []]),
    ]);
  });

  test('a CRLF line: the \\r is left unscoped and does not join a token', async () => {
    await expectTokens('1.0 src/vm1/vcpu0 ioctl KVM_RUN\r', [
      ...prefix('1.0', 'src/vm1/vcpu0', 'ioctl'),
      ['KVM_RUN', [IOCTL]],
      ws('\r'),
    ]);
    await expectTokens('@vm vm1 vcpus=2\r', [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['vm', [DIRECTIVE]],
      ws(),
      ['vm1', [VM_DECL]],
      ws(),
      ...kv('vcpus', ['2', [DEC]]),
      ws('\r'),
    ]);
    await expectTokens('2 src/vm1 vmm note done\r', [
      ...prefix('2', 'src/vm1', 'vmm'),
      ['note', [OP]],
      ws(),
      ['done', [NOTE]],
      ws('\r'),
    ]);
    await expectTokens('# c\r', [...comment(' c'), ws('\r')]);
    await expectTokens('3 src/vm1 ioctl KVM_GET_TSC_KHZ -> 5\r', [
      ...prefix('3', 'src/vm1', 'ioctl'),
      ['KVM_GET_TSC_KHZ', [IOCTL]],
      ws(),
      ['->', [ARROW]],
      ws(),
      ['5', [DEC]],
      ws('\r'),
    ]);
  });

  test('a byte-order mark before the first directive', async () => {
    await expectTokens('\uFEFF@hvtrace 1', [
      ['\uFEFF', []],
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['hvtrace', [DIRECTIVE]],
      ws(),
      ['1', [DEC]],
    ]);
  });

  test('blank and whitespace-only lines have no scopes', async () => {
    assert.deepEqual(await tokenize(''), []);
    await expectTokens(' \t', [ws(' \t')]);
  });
});

describe('the section 7 example', () => {
  const example = [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE].join('\n');

  test('directive lines start with the directive keyword, statement lines with the time', async () => {
    const lines = await tokenizeLines(example);
    const src = example.split('\n');
    assert.equal(lines.length, 16);
    for (const [i, tokens] of lines.entries()) {
      const text = src[i]!;
      if (text === '') assert.deepEqual(tokens, []);
      else if (text.startsWith('@'))
        assert.deepEqual(
          tokens.slice(0, 2).map(([, s]) => s),
          [[DIRECTIVE, DIRECTIVE_PUNCT], [DIRECTIVE]],
          text,
        );
      else {
        assert.deepEqual(tokens[0], [text.split(' ')[0], [TIME]], text);
        assert.equal(tokens[2]![1][0], HOST, text);
        // the actor is scoped, and so is the operation after it
        const actorToken = tokens.find(([, s]) => s[0]?.startsWith('keyword.other.actor.'));
        assert.ok(actorToken, `actor scoped in ${text}`);
        const after = tokens[tokens.indexOf(actorToken) + 2]!;
        assert.ok(after[1][0] === IOCTL || after[1][0] === OP, `operation scoped in ${text}`);
      }
    }
  });

  test('exact tokens of the example lines that matter', async () => {
    const lines = await tokenizeLines(example);
    assert.deepEqual(lines[2], [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['host', [DIRECTIVE]],
      ws(),
      ['dst', [HOST_DECL]],
      ws(),
      ...kv('arch', ['arm64', [ENUM]]),
      ws(),
      ...kv('freq', ['25', [FREQ]]),
      ['MHz', [FREQ, UNIT]],
      ws(),
      ...kv('ecv', ['0', [DEC]]),
      ws(),
      ...kv('vhe', ['1', [DEC]]),
      ws(),
      ...kv('counter', ['5000000000', [DEC]]),
      ['@', [AT]],
      ['0.0', [TIME]],
    ]);
    assert.deepEqual(lines[3], [
      ['@', [DIRECTIVE, DIRECTIVE_PUNCT]],
      ['vm', [DIRECTIVE]],
      ws(),
      ['vm1', [VM_DECL]],
      ws(),
      ...kv('vcpus', ['2', [DEC]]),
      ws(),
      ...kv('policy', ['advance', [ENUM]]),
    ]);
    assert.deepEqual(lines[10], [
      ...prefix('20.000010000', 'src/vm1/vcpu0', 'ioctl'),
      ['KVM_GET_ONE_REG', [IOCTL]],
      ws(),
      ...kv('id', ['KVM_REG_ARM_TIMER_CNT', [REG]]),
      ws(),
      ['->', [ARROW]],
      ws(),
      ['250000225', [DEC]],
    ]);
    assert.deepEqual(lines[15], [
      ...prefix('20.600100000', 'dst/vm1/vcpu0', 'ioctl'),
      ['KVM_RUN', [IOCTL]],
      ws('     '),
      ...comment(' HVT010: guest lags the reference clock by 0.6 s'),
    ]);
  });
});

describe('grammar file', () => {
  type Rule = Record<string, unknown>;
  const grammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as Rule & { repository: Record<string, Rule> };

  function* walk(node: unknown): Generator<Rule> {
    if (Array.isArray(node)) for (const n of node) yield* walk(n);
    else if (node && typeof node === 'object') {
      yield node as Rule;
      for (const v of Object.values(node)) yield* walk(v);
    }
  }

  test('is the source.hvtrace grammar contributed by package.json', () => {
    assert.equal(grammar.scopeName, 'source.hvtrace');
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[] };
    };
    assert.deepEqual(
      manifest.contributes.grammars.filter((g) => g.language === 'hvtrace'),
      [{ language: 'hvtrace', scopeName: 'source.hvtrace', path: './syntaxes/hvtrace.tmLanguage.json' }],
    );
  });

  test('every scope name ends with .hvtrace', () => {
    const names: string[] = [];
    for (const rule of walk(grammar)) {
      for (const k of ['name', 'contentName'] as const) {
        if (typeof rule[k] === 'string' && rule !== grammar) names.push(...(rule[k] as string).split(/\s+/));
      }
    }
    assert.ok(names.length > 40, `found ${names.length} scope names`);
    assert.deepEqual(
      names.filter((n) => !n.endsWith('.hvtrace')),
      [],
    );
  });

  test('every include resolves and every repository rule is used', () => {
    const includes = new Set<string>();
    for (const rule of walk(grammar)) if (typeof rule.include === 'string') includes.add(rule.include);
    const defined = Object.keys(grammar.repository).map((k) => `#${k}`);
    assert.deepEqual(
      [...includes].filter((i) => !defined.includes(i)),
      [],
    );
    assert.deepEqual(
      defined.filter((d) => !includes.has(d)),
      [],
    );
  });
});
