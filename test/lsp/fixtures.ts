// Traces for the protocol tests. The expected numbers in the tests are worked out by hand from the
// spec's formulas (docs/format.md#3-directives-lines-starting-with-, docs/format.md#5-model-state,
// docs/format.md#6-replay-rules), never by asking the engine.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../../engine/src/rules/fixtures';

/** docs/format.md#7-example: a by-value restore after a migration; the guest lags by 0.6 s (HVT010). */
export const S7_LINES = [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE];
export const S7 = `${S7_LINES.join('\n')}\n`;

/**
 * x86: a migration whose restore writes IA32_TSC_DEADLINE before IA32_TSC in one KVM_SET_MSRS
 * (HVT020) and runs without KVM_KVMCLOCK_CTRL after 300 ms stopped (HVT022).
 */
export const X86_SAME_LINES = [
  '@hvtrace 1',
  '@host a arch=x86_64 freq=2GHz',
  '@host b arch=x86_64 freq=2GHz',
  '@vm vm1 vcpus=1',
  '',
  '1.000000000 a/vm1 ioctl KVM_CREATE_VCPU id=0',
  '1.000100000 a/vm1/vcpu0 ioctl KVM_RUN',
  '5.000000000 a/vm1 vmm pause',
  '5.000010000 a/vm1/vcpu0 ioctl KVM_GET_MSRS IA32_TSC IA32_TSC_DEADLINE -> IA32_TSC=7999980000 IA32_TSC_DEADLINE=8000100000',
  '5.000020000 a/vm1 vmm migrate to=b',
  '5.100000000 b/vm1 ioctl KVM_CREATE_VCPU id=0',
  '5.200000000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=8000100000 IA32_TSC=8400000000',
  '5.300000000 b/vm1/vcpu0 ioctl KVM_RUN',
];
export const X86_SAME = `${X86_SAME_LINES.join('\n')}\n`;

/** The same, with the deadline and the TSC written by two statements. */
export const X86_SPLIT_LINES = [
  '@hvtrace 1',
  '@host a arch=x86_64 freq=2GHz',
  '@host b arch=x86_64 freq=2GHz',
  '@vm vm1 vcpus=1',
  '',
  '1.000000000 a/vm1 ioctl KVM_CREATE_VCPU id=0',
  '1.000100000 a/vm1/vcpu0 ioctl KVM_RUN',
  '5.000000000 a/vm1 vmm pause',
  '5.000020000 a/vm1 vmm migrate to=b',
  '5.100000000 b/vm1 ioctl KVM_CREATE_VCPU id=0',
  '5.200000000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=8000100000',
  '5.200010000 b/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=8400000000',
  '5.300000000 b/vm1/vcpu0 ioctl KVM_RUN',
];
export const X86_SPLIT = `${X86_SPLIT_LINES.join('\n')}\n`;

/**
 * A long, clean arm64 trace: one VM with two running vCPUs whose guest reads CNTVCT every
 * microsecond; 7 header lines, then `reads` reads. The offset is C(1 s) = 25000000 ticks, so a read
 * at t ns sees floor(t / 40) - 25000000.
 */
export function bigTrace(reads: number): string {
  const lines = [
    '@hvtrace 1',
    '@host src arch=arm64 freq=25MHz',
    '@vm vm1 vcpus=2',
    '1.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0',
    '1.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=1',
    '1.500000000 src/vm1/vcpu0 ioctl KVM_RUN',
    '1.500000000 src/vm1/vcpu1 ioctl KVM_RUN',
  ];
  for (let i = 0; i < reads; i++) {
    const ns = 2_000_000_000 + i * 1000;
    lines.push(
      `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')} src/vm1/vcpu${i % 2} guest read CNTVCT_EL0 = ${Math.floor(ns / 40) - 25_000_000}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A distinct document URI per test. */
export const uriFor = (name: string): string => `file:///tmp/hvtimer-lsp/${name}.hvtrace`;

/** The documentation page a code links to: docs/diagnostics/CODE.md of the extension (repository root). */
export const docsUri = (code: string): string =>
  pathToFileURL(path.resolve(__dirname, '../../docs/diagnostics', `${code}.md`)).href;

/** Range of a whole line of the fixture. */
export const lineRange = (lines: readonly string[], line: number, start = 0, end = lines[line].length) => ({
  start: { line, character: start },
  end: { line, character: end },
});

/** arm64 PV time: the address set on line 3, discovery, PV_TIME_ST, 2 ms of run delay, a read. */
export const PV_LINES = [
  '@host h arch=arm64 freq=25MHz',
  '@vm vm1',
  '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0',
  '1.000000001 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA value=0x40000000',
  '1.100000000 h/vm1/vcpu0 ioctl KVM_RUN',
  '1.200000000 h/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS',
  '1.300000000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS',
  '1.400000000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000',
  '1.500000000 h/vm1/vcpu0 sched wait 2ms',
  '1.600000000 h/vm1/vcpu0 ioctl KVM_RUN',
  '2.000000000 h/vm1/vcpu0 guest read stolen_time = 2000000',
];
export const PV = `${PV_LINES.join('\n')}\n`;
