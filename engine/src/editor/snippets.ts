// Snippets for the restore sequences people write most, offered at the start of a line (LSP snippet
// syntax: `${1:default}` tab stops, `$1` mirrors). Each follows a sample trace that replays clean:
//   arm64 idempotent migration restore — sample-traces/arm64-migration-idempotent.hvtrace;
//   x86 documented migration algorithm — Documentation/virt/kvm/devices/vcpu.rst "KVM_VCPU_TSC_CTRL",
//     sample-traces/x86-migration-documented-algorithm.hvtrace;
//   x86 Firecracker-safe deadline order — LAPIC first, the TSC, then IA32_TSC_DEADLINE (firecracker
//     PR #4666, Kata #13798): sample-traces/x86-firecracker-deadline-before-tsc.hvtrace put right.
// The default values are those samples' numbers; the hover on each line works out the right ones.
import { formatTime } from '../values/format';

export interface Snippet {
  label: string;
  detail: string;
  documentation: string;
  /** The snippet text; `time` is the previous statement's time (the default of the first tab stop). */
  body(time: bigint | undefined): string;
}

const t0 = (time: bigint | undefined, fallback: string): string => (time === undefined ? fallback : formatTime(time));

export const SNIPPETS: readonly Snippet[] = [
  {
    label: 'restore arm64 (idempotent, KVM_ARM_SET_COUNTER_OFFSET)',
    detail: 'arm64 migration restore: vCPUs, one VM-wide counter offset, run',
    documentation:
      "Create the vCPUs, then set the VM-wide counter offset once with KVM_ARM_SET_COUNTER_OFFSET (Linux 6.4+): Off1 = Off0 - (T1 - T0) × F - (C0 - C1). vCPUs created afterwards keep it; TIMER_CNT writes are ignored. The hover on the offset line works the formula out with this trace's numbers.",
    body: (time) =>
      [
        `\${1:${t0(time, '20.300000000')}} \${2:dst}/\${3:vm1} ioctl KVM_CREATE_VCPU id=0`,
        '$1 $2/$3 ioctl KVM_CREATE_VCPU id=1',
        '$1 $2/$3 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${4:5250000075}',
        '${5:20.350100000} $2/$3/vcpu0 ioctl KVM_RUN',
        '$5 $2/$3/vcpu1 ioctl KVM_RUN',
        '$0',
      ].join('\n'),
  },
  {
    label: 'restore x86 (documented migration algorithm, KVM_VCPU_TSC_OFFSET)',
    detail:
      'x86 migration restore: KVM_SET_CLOCK with KVM_CLOCK_REALTIME, one TSC offset on every vCPU, KVM_KVMCLOCK_CTRL',
    documentation:
      "The algorithm of Documentation/virt/kvm/devices/vcpu.rst (Linux 5.16+): KVM_SET_CLOCK with the source's clock and realtime (KVM adds the transfer time), KVM_GET_CLOCK for guest_dest and tsc_dest, then ofs_dst = ofs_src + (guest_dest - guest_src) × freq + (tsc_src - tsc_dest) on every vCPU, KVM_KVMCLOCK_CTRL, and only then KVM_RUN.",
    body: (time) =>
      [
        `\${1:${t0(time, '20.400000000')}} \${2:d}/\${3:vm1} ioctl KVM_SET_CLOCK clock=\${4:9999900000} flags=KVM_CLOCK_REALTIME realtime=\${5:20000000000}`,
        '$1 $2/$3 ioctl KVM_GET_CLOCK -> clock=${6:10399900000} flags=0xE',
        '$1 $2/$3/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${7:18446739852709551616}',
        '$1 $2/$3/vcpu1 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=$7',
        '$1 $2/$3/vcpu0 ioctl KVM_KVMCLOCK_CTRL',
        '$1 $2/$3/vcpu1 ioctl KVM_KVMCLOCK_CTRL',
        '${8:20.400100000} $2/$3/vcpu0 ioctl KVM_RUN',
        '$8 $2/$3/vcpu1 ioctl KVM_RUN',
        '$0',
      ].join('\n'),
  },
  {
    label: 'restore x86 timer (Firecracker-safe: LAPIC, TSC offset, then IA32_TSC_DEADLINE)',
    detail: 'x86 vCPU restore: KVM_SET_LAPIC in TSC-deadline mode, the TSC offset, then IA32_TSC_DEADLINE',
    documentation:
      'KVM_SET_LAPIC first: entering TSC-deadline mode clears the deadline (apic_update_lvtt; Kata #13798, HVT045). Then the TSC — here idempotently, with KVM_VCPU_TSC_OFFSET — and only then IA32_TSC_DEADLINE: KVM compares the deadline with the TSC as it is when the deadline is written (Firecracker PR #4666, HVT020). KVM_KVMCLOCK_CTRL before the first KVM_RUN.',
    body: (time) =>
      [
        `\${1:${t0(time, '90.000100000')}} \${2:h}/\${3:fc}/\${4:vcpu0} ioctl KVM_SET_LAPIC lvtt=0x400ec`,
        '$1 $2/$3/$4 ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${5:18446743926709341616}',
        '$1 $2/$3/$4 ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=${6:42002100000}',
        '$1 $2/$3/$4 ioctl KVM_KVMCLOCK_CTRL',
        '${7:90.000120000} $2/$3/$4 ioctl KVM_RUN',
        '$0',
      ].join('\n'),
  },
  {
    label: 'new trace header (@hvtrace, @host, @vm)',
    detail: '@hvtrace 1, a host and a VM',
    documentation:
      'The directives a trace starts with: the format version, each host (architecture, counter frequency, ECV/VHE on arm64) and each VM (vCPUs, the policy its time follows while stopped).',
    body: () =>
      [
        '@hvtrace 1',
        '@host ${1:src} arch=${2|arm64,x86_64|} freq=${3:25MHz}',
        '@vm ${4:vm1} vcpus=${5:2} policy=${6|advance,freeze|}',
        '$0',
      ].join('\n'),
  },
];

/** The snippet with every tab stop at its default (what a user who only presses Tab gets). */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  const once = body
    .replace(/\$\{(\d+):([^}]*)\}/g, (_, n: string, v: string) => {
      defaults.set(n, v);
      return v;
    })
    .replace(/\$\{(\d+)\|([^,|]*)[^}]*\|\}/g, (_, n: string, v: string) => {
      defaults.set(n, v);
      return v;
    });
  return once.replace(/\$(\d+)/g, (_, n: string) => defaults.get(n) ?? '');
}
