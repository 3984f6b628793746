// TextMate grammar for the statements §6.2 added: `ioctl KVM_SET_CPUID2 [tsc_adjust=0|1]
// [KEY=VALUE...]`, `ioctl KVM_CREATE_VM [-> FD]`, and `took=DURATION` on any ioctl
// (docs/format-extensions.md). The generic ioctl, key=value and duration rules cover them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, type Token } from './tokenize';

const TIME = 'constant.numeric.time.hvtrace';
const HOST = 'entity.name.namespace.host.hvtrace';
const VM = 'entity.name.type.vm.hvtrace';
const VCPU = 'variable.other.vcpu.hvtrace';
const SLASH = 'punctuation.separator.location.hvtrace';
const IOCTL_ACTOR = 'keyword.other.actor.ioctl.hvtrace';
const IOCTL = 'support.function.ioctl.hvtrace';
const KEY = 'variable.parameter.key.hvtrace';
const ASSIGN = 'keyword.operator.assignment.hvtrace';
const DEC = 'constant.numeric.integer.decimal.hvtrace';
const HEX = 'constant.numeric.integer.hexadecimal.hvtrace';
const DURATION = 'constant.numeric.duration.hvtrace';
const UNIT = 'keyword.other.unit.hvtrace';
const ARROW = 'keyword.operator.arrow.hvtrace';
const REG = 'variable.language.register.hvtrace';

const ws: Token = [' ', []];
const kv = (key: string, value: Token[], keyScope = KEY): Token[] => [[key, [keyScope]], ['=', [ASSIGN]], ...value];
const prefix = (time: string, host: string, vm: string, vcpu?: string): Token[] => [
  [time, [TIME]],
  ws,
  [host, [HOST]],
  ['/', [SLASH]],
  [vm, [VM]],
  ...(vcpu
    ? ([
        ['/', [SLASH]],
        [vcpu, [VCPU]],
      ] as Token[])
    : []),
  ws,
  ['ioctl', [IOCTL_ACTOR]],
  ws,
];

test('KVM_SET_CPUID2 tsc_adjust=0|1 with other CPUID keys', async () => {
  assert.deepEqual(await tokenize('1.0 h/vm1/vcpu0 ioctl KVM_SET_CPUID2 tsc_adjust=1 leaf_7_ebx=0x2'), [
    ...prefix('1.0', 'h', 'vm1', 'vcpu0'),
    ['KVM_SET_CPUID2', [IOCTL]],
    ws,
    ...kv('tsc_adjust', [['1', [DEC]]]),
    ws,
    ...kv('leaf_7_ebx', [['0x2', [HEX]]]),
  ]);
  assert.deepEqual(await tokenize('1.0 h/vm1/vcpu0 ioctl 0x4008AE90 tsc_adjust=0'), [
    ...prefix('1.0', 'h', 'vm1', 'vcpu0'),
    ['0x4008AE90', [IOCTL]],
    ws,
    ...kv('tsc_adjust', [['0', [DEC]]]),
  ]);
});

test('KVM_CREATE_VM on a VM, with its fd as the result', async () => {
  assert.deepEqual(await tokenize('1.0 h/vm1 ioctl KVM_CREATE_VM -> 12'), [
    ...prefix('1.0', 'h', 'vm1'),
    ['KVM_CREATE_VM', [IOCTL]],
    ws,
    ['->', [ARROW]],
    ws,
    ['12', [DEC]],
  ]);
});

test('took=DURATION on an ioctl, among MSR writes', async () => {
  assert.deepEqual(await tokenize('2.0 h/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0 took=62.5us'), [
    ...prefix('2.0', 'h', 'vm1', 'vcpu0'),
    ['KVM_SET_MSRS', [IOCTL]],
    ws,
    ...kv('IA32_TSC', [['0', [DEC]]], REG),
    ws,
    ...kv('took', [
      ['62.5', [DURATION]],
      ['us', [DURATION, UNIT]],
    ]),
  ]);
});
