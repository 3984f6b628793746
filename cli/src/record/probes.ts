// The uprobe events `hvtimer record` defines on the VMM's ioctl, one pair per KVM ioctl that
// carries a time value: `hvt_<IOCTL>` at the function's entry (fd, request and the argument
// struct as the VMM passed it) and `hvt_<IOCTL>_ret` at the return site (see syscallSite.ts: the
// raw result and, for KVM_GET_*, the struct the kernel filled). Every KVM ioctl not listed is
// recorded by the catch-all pair `hvt_ioctl`/`hvt_ioctl_ret` (fd, request, result). All events of
// one request sit on the same address; each event's filter selects its request (`req == …`),
// and the instance's set_event_pid selects the VMM's threads. docs/recording.md lists the fields.
//
// Struct layouts (include/uapi/linux/kvm.h, arch/x86/include/uapi/asm/kvm.h; identical on arm64):
//   kvm_one_reg { u64 id; u64 addr; }                kvm_device_attr { u32 flags; u32 group; u64 attr; u64 addr; }
//   kvm_msrs { u32 nmsrs; u32 pad; kvm_msr_entry { u32 index; u32 reserved; u64 data; } entries[]; }
//   kvm_clock_data { u64 clock; u32 flags; u32 pad0; u64 realtime; u64 host_tsc; u32 pad[4]; }
//   kvm_cpuid2 { u32 nent; u32 padding; kvm_cpuid_entry2 { u32 function, index, flags, eax, ebx, ecx, edx, padding[3]; } entries[]; }
//   kvm_arm_counter_offset { u64 counter_offset; u64 reserved; }
//   kvm_tsc_state { u32 flags; u64 nsec; u64 tsc; u64 tsc_adjust; }   (proposed, seed 003)
import { ARCHES, type RecordArch } from './arch';

/** A fetch-arg with `A` standing for the ioctl's argument register. */
export interface ProbeField {
  name: string;
  fetch: string;
}

export interface IoctlProbe {
  ioctl: string;
  req: bigint;
  /** Only on this architecture (absent: both). */
  arch?: RecordArch;
  entry: ProbeField[];
  ret: ProbeField[];
}

/** MSR entries fetched from a KVM_SET_MSRS/KVM_GET_MSRS struct: uprobes arrays hold at most 64
 * elements (kernel/trace/trace_probe.h MAX_ARRAY_LEN), two u64 words per entry. */
export const MSR_ENTRIES = 32;
/** CPUID entries searched for leaf 7 subleaf 0 (QEMU puts it near the 10th). */
export const CPUID_ENTRIES = 32;

const f = (name: string, fetch: string): ProbeField => ({ name, fetch });
const cpuidFields = (): ProbeField[] => {
  const out = [f('nent', '+0(A):u32')];
  for (let k = 0; k < CPUID_ENTRIES; k++) {
    // function | index << 32 as one word, then ebx (CPUID.7.0:EBX bit 1 is TSC_ADJUST).
    out.push(f(`leaf${k}`, `+${8 + 40 * k}(A):x64`), f(`ebx${k}`, `+${8 + 40 * k + 16}(A):x32`));
  }
  return out;
};
const clockFields = (): ProbeField[] => [
  f('clock', '+0(A):u64'),
  f('flags', '+8(A):x32'),
  f('realtime', '+16(A):u64'),
  f('host_tsc', '+24(A):u64'),
];
const tscStateFields = (): ProbeField[] => [
  f('flags', '+0(A):x32'),
  f('nsec', '+8(A):u64'),
  f('tsc', '+16(A):u64'),
  f('tsc_adjust', '+24(A):u64'),
];
const msrFields = (): ProbeField[] => [f('nmsrs', '+0(A):u32'), f('msrs', `+8(A):x64[${2 * MSR_ENTRIES}]`)];

export const IOCTL_PROBES: readonly IoctlProbe[] = [
  { ioctl: 'KVM_CREATE_VM', req: 0xae01n, entry: [f('type', 'A:u64')], ret: [] },
  { ioctl: 'KVM_CREATE_VCPU', req: 0xae41n, entry: [f('id', 'A:u64')], ret: [] },
  { ioctl: 'KVM_RUN', req: 0xae80n, entry: [], ret: [] },
  { ioctl: 'KVM_SET_ONE_REG', req: 0x4010aeacn, entry: [f('id', '+0(A):x64'), f('value', '+0(+8(A)):x64')], ret: [] },
  {
    ioctl: 'KVM_GET_ONE_REG',
    req: 0x4010aeabn,
    entry: [f('id', '+0(A):x64')],
    ret: [f('id', '+0(A):x64'), f('value', '+0(+8(A)):x64')],
  },
  {
    ioctl: 'KVM_ARM_SET_COUNTER_OFFSET',
    req: 0x4010aeb5n,
    arch: 'arm64',
    entry: [f('counter_offset', '+0(A):x64'), f('reserved', '+8(A):x64')],
    ret: [],
  },
  {
    ioctl: 'KVM_SET_DEVICE_ATTR',
    req: 0x4018aee1n,
    entry: [f('flags', '+0(A):x32'), f('group', '+4(A):u32'), f('attr', '+8(A):u64'), f('value', '+0(+16(A)):x64')],
    ret: [],
  },
  {
    ioctl: 'KVM_GET_DEVICE_ATTR',
    req: 0x4018aee2n,
    entry: [f('group', '+4(A):u32'), f('attr', '+8(A):u64')],
    ret: [f('group', '+4(A):u32'), f('attr', '+8(A):u64'), f('value', '+0(+16(A)):x64')],
  },
  { ioctl: 'KVM_HAS_DEVICE_ATTR', req: 0x4018aee3n, entry: [f('group', '+4(A):u32'), f('attr', '+8(A):u64')], ret: [] },
  { ioctl: 'KVM_SET_CLOCK', req: 0x4030ae7bn, arch: 'x86_64', entry: clockFields(), ret: [] },
  { ioctl: 'KVM_GET_CLOCK', req: 0x8030ae7cn, arch: 'x86_64', entry: [], ret: clockFields() },
  { ioctl: 'KVM_KVMCLOCK_CTRL', req: 0xaeadn, arch: 'x86_64', entry: [], ret: [] },
  { ioctl: 'KVM_SET_TSC_KHZ', req: 0xaea2n, arch: 'x86_64', entry: [f('khz', 'A:u64')], ret: [] },
  { ioctl: 'KVM_GET_TSC_KHZ', req: 0xaea3n, arch: 'x86_64', entry: [], ret: [] },
  { ioctl: 'KVM_SET_MSRS', req: 0x4008ae89n, arch: 'x86_64', entry: msrFields(), ret: [] },
  { ioctl: 'KVM_GET_MSRS', req: 0xc008ae88n, arch: 'x86_64', entry: [f('nmsrs', '+0(A):u32')], ret: msrFields() },
  { ioctl: 'KVM_SET_CPUID2', req: 0x4008ae90n, arch: 'x86_64', entry: cpuidFields(), ret: [] },
  // Proposed, never merged (docs/format.md#41-ioctl--vmm-to-kvm): their numbers now belong to the Xen attrs with
  // a different size, so the full request code still identifies them.
  { ioctl: 'KVM_SET_TSC_STATE', req: 0x4020aec8n, arch: 'x86_64', entry: tscStateFields(), ret: [] },
  { ioctl: 'KVM_GET_TSC_STATE', req: 0x8020aec9n, arch: 'x86_64', entry: [], ret: tscStateFields() },
];

/** Event names in the capture. */
export const entryEvent = (ioctl: string): string => `hvt_${ioctl}`;
export const returnEvent = (ioctl: string): string => `hvt_${ioctl}_ret`;
export const CATCH_ALL = 'ioctl';
export const KVMIO = 0xaen;

export const probesFor = (arch: RecordArch): IoctlProbe[] =>
  IOCTL_PROBES.filter((p) => p.arch === undefined || p.arch === arch);

export interface ProbeSite {
  /** The path uprobe_events resolves (the VMM's libc, or the VMM itself for static builds). */
  path: string;
  /** File offset of `ioctl`. */
  entryOffset: bigint;
  /** File offset of the instruction after the system call; absent: use a uretprobe. */
  returnOffset?: bigint;
}

export interface ProbeDefinition {
  /** `GROUP/EVENT`. */
  event: string;
  /** The line written to uprobe_events. */
  line: string;
  /** The filter written to the instance's events/GROUP/EVENT/filter ('' for none). */
  filter: string;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const fields = (arch: RecordArch, list: ProbeField[]): string =>
  list.map((x) => ` ${x.name}=${x.fetch.replace(/\bA\b/g, ARCHES[arch].arg)}`).join('');

/** Every uprobe_events line for one recording: per-ioctl pairs plus the catch-all. With no return
 * site, one uretprobe `hvt_ioctl_ret` (result only, libc's -1 on error) replaces the `_ret` events. */
export function probeDefinitions(arch: RecordArch, group: string, site: ProbeSite): ProbeDefinition[] {
  const a = ARCHES[arch];
  const at = (off: bigint): string => `${site.path}:${hex(off)}`;
  const head = ` fd=${a.fd}:s32 req=${a.req}:x32`;
  const retHead = `${a.fdAtReturn ? ` fd=${a.fd}:s32` : ''} req=${a.req}:x32 ret=${a.ret}:s64`;
  const out: ProbeDefinition[] = [];
  const probes = probesFor(arch);
  for (const p of probes) {
    out.push({
      event: `${group}/${entryEvent(p.ioctl)}`,
      line: `p:${group}/${entryEvent(p.ioctl)} ${at(site.entryOffset)}${head}${fields(arch, p.entry)}`,
      filter: `req == ${hex(p.req)}`,
    });
    if (site.returnOffset !== undefined) {
      out.push({
        event: `${group}/${returnEvent(p.ioctl)}`,
        line: `p:${group}/${returnEvent(p.ioctl)} ${at(site.returnOffset)}${retHead}${fields(arch, p.ret)}`,
        filter: `req == ${hex(p.req)}`,
      });
    }
  }
  // The catch-all: any other KVM ioctl (_IOC_TYPE == KVMIO, bits 8..15 of the request).
  const others = `kvmio == ${hex(KVMIO)}${probes.map((p) => ` && req != ${hex(p.req)}`).join('')}`;
  const kvmio = ` kvmio=${a.req}:b8@8/32`;
  out.push({
    event: `${group}/${entryEvent(CATCH_ALL)}`,
    line: `p:${group}/${entryEvent(CATCH_ALL)} ${at(site.entryOffset)}${head}${kvmio}`,
    filter: others,
  });
  if (site.returnOffset !== undefined) {
    out.push({
      event: `${group}/${returnEvent(CATCH_ALL)}`,
      line: `p:${group}/${returnEvent(CATCH_ALL)} ${at(site.returnOffset)}${retHead}${kvmio}`,
      filter: others,
    });
  } else {
    out.push({
      event: `${group}/${returnEvent(CATCH_ALL)}`,
      line: `r:${group}/${returnEvent(CATCH_ALL)} ${at(site.entryOffset)} ret=$retval:s64`,
      filter: '',
    });
  }
  return out;
}
