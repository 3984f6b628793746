// Turns `hvtimer record`'s uprobe events (the VMM's KVM ioctls with their values, decoded and paired
// by ./uprobeIoctl.ts) into `ioctl` statements, registered with the importer through
// registerUprobeDecoder (docs/recording.md "What the import makes of a recording").
//
// * Entry and return are paired per thread; the statement carries the arguments from the entry and
//   the result from the return event (`-> VALUE`, `-> -EINVAL`, `-> clock=… flags=…`).
// * WHERE: the fd is resolved to its VM and vCPU from the KVM_CREATE_VM / KVM_CREATE_VCPU results in
//   the capture. Each KVM_CREATE_VM is a VM of its own (the capture's VM name, then NAME2, NAME3…);
//   the kernel events a thread fires while it works on a VM are written for that VM.
// * TIME (docs/format.md#62-x86-tsc item 6): when KVM acted. Where the kernel traced the effect inside the call —
//   the kvm_write_tsc_offset of a TSC write (KVM_CREATE_VCPU, KVM_SET_MSRS, KVM_SET_DEVICE_ATTR,
//   KVM_SET_TSC_STATE: kvm_synchronize_tsc / kvm_vcpu_write_tsc_offset read the TSC just before), the
//   kvm_update_master_clock of KVM_CREATE_VM / KVM_SET_CLOCK (pvclock_update_vm_gtod_copy runs just
//   before kvm_arch_init_vm / kvm_vm_ioctl_set_clock read the clock), the first kvm_entry of KVM_RUN —
//   the statement takes that event's time and goes before it. Otherwise it is stamped at the entry
//   with `took=` (entry → return), so that HVT093 allows for the call's latency.
// * KVM_CLOCK_REALTIME values are CLOCK_REALTIME ns; statements want the reference clock (docs/format.md#4-statements). A
//   KVM_GET_CLOCK that returned both realtime and host_tsc pairs the two clocks (get_kvmclock reads
//   them together); realtime values are moved onto the reference clock with that pair. A KVM_SET_CLOCK
//   before the first pair waits for it (its statement is placed where it happened all the same).
// * Ioctls the engine does not model (memory slots, registers, capability probes) become notes.
import type { TraceEvent } from './event';
import { registerUprobeDecoder, type UprobeDecoder } from './families/uprobes';
import type { MapContext, MapOutcome } from './families/types';
import { UprobeIoctlMatcher, decodeUprobeIoctl, type IoctlCall, type Pair } from './uprobeIoctl';
import { IOCTL_OPS } from '../syntax/statementParsers';
import { CLOCK_FLAGS } from '../uapi/flags';

/** The kernel event inside a call that shows when KVM acted, by ioctl. */
const EFFECT: Readonly<Record<string, string>> = {
  KVM_CREATE_VCPU: 'kvm_write_tsc_offset',
  KVM_SET_MSRS: 'kvm_write_tsc_offset',
  KVM_SET_DEVICE_ATTR: 'kvm_write_tsc_offset',
  KVM_SET_TSC_STATE: 'kvm_write_tsc_offset',
  KVM_CREATE_VM: 'kvm_update_master_clock',
  KVM_SET_CLOCK: 'kvm_update_master_clock',
  KVM_RUN: 'kvm_entry',
};

/** Statements on the VM (the others are on a vCPU; KVM_SET/GET_TSC_KHZ on either, by fd). */
const VM_LEVEL = new Set([
  'KVM_CREATE_VM',
  'KVM_CREATE_VCPU',
  'KVM_GET_CLOCK',
  'KVM_SET_CLOCK',
  'KVM_ARM_SET_COUNTER_OFFSET',
]);

interface Pending {
  anchor: TraceEvent;
  src: TraceEvent;
  build: (realtimeOffset: bigint | undefined) => string;
}

class FileState {
  readonly matcher: UprobeIoctlMatcher;
  /** The entry event of the call each thread is inside. */
  readonly open = new Map<number, TraceEvent>();
  /** The VM each VM or vCPU fd belongs to, and the vCPU of each vCPU fd. */
  readonly vmOfFd = new Map<number, string>();
  readonly vcpuOfFd = new Map<number, number>();
  /** The VM a thread's KVM_CREATE_VM in progress will be. */
  readonly creating = new Map<number, string>();
  vms = 0;
  /** CLOCK_REALTIME minus the reference clock (ns), from a KVM_GET_CLOCK's realtime/host_tsc pair. */
  realtimeOffset?: bigint;
  readonly waiting: Pending[] = [];
  constructor(arch: 'x86_64' | 'arm64') {
    this.matcher = new UprobeIoctlMatcher(arch);
  }
}

const stateOf = (ctx: MapContext): FileState => ctx.state('uprobe-kvm-ioctls', () => new FileState(ctx.arch));

const isOurs = (name: string): boolean => /^hvt_(?:KVM_[A-Z0-9_]+|ioctl)(?:_ret)?$/.test(name);

const pairText = ([k, v]: Pair): string => (v === '' ? k : `${k}=${v}`);

/** Moves a CLOCK_REALTIME value in a pair list onto the reference clock. */
function onReference(pairs: Pair[], offset: bigint | undefined): Pair[] {
  return pairs.flatMap(([k, v]): Pair[] => {
    if (k !== 'realtime') return [[k, v]];
    return offset === undefined ? [] : [[k, String(BigInt(v) - offset)]];
  });
}

const hasFlag = (pairs: Pair[], flag: bigint): boolean => {
  const f = pairs.find(([k]) => k === 'flags')?.[1] ?? '0';
  return f.split('|').some((n) => CLOCK_FLAGS[n] === flag);
};

/** The statement's result text from the call's result (undefined: plain success). */
function resultText(call: IoctlCall, offset: bigint | undefined): string | undefined {
  const r = call.result;
  if (!r) return undefined;
  if (r.errno) return `-${r.errno}`;
  if (r.outputs) return onReference(r.outputs, offset).map(pairText).join(' ');
  // KVM_CREATE_VCPU's fd is not part of its statement (docs/format.md#41-ioctl--vmm-to-kvm).
  if (call.ioctl === 'KVM_CREATE_VCPU') return undefined;
  return r.value;
}

function where(
  ctx: MapContext,
  s: FileState,
  call: IoctlCall,
  tid: number,
  entry: TraceEvent | undefined,
): string | undefined {
  const known =
    call.ioctl === 'KVM_CREATE_VM' ? s.creating.get(tid) : call.fd !== undefined ? s.vmOfFd.get(call.fd) : undefined;
  // Attached with -p to a VMM whose VM was created before the recording: the capture's one VM.
  const vm = known ?? (s.vms === 0 ? ctx.vm : undefined);
  if (vm === undefined) return undefined;
  const onVmFd = call.vcpu === undefined && call.vmFd !== undefined;
  if (VM_LEVEL.has(call.ioctl) || onVmFd) return `${ctx.host}/${vm}`;
  // A vCPU fd created before the recording: the vCPU its thread runs, if the capture says.
  const vcpu = call.vcpu ?? (entry ? ctx.threadVcpu(entry) : undefined);
  return vcpu === undefined ? undefined : `${ctx.host}/${vm}/vcpu${vcpu}`;
}

/** Writes one completed call. */
function write(
  ctx: MapContext,
  s: FileState,
  call: IoctlCall,
  tid: number,
  entry: TraceEvent | undefined,
  ret: TraceEvent | undefined,
): void {
  const first = entry ?? ret!;
  const inside = entry && ret ? ctx.threadEventsBetween(entry, ret) : [];
  const effect = EFFECT[call.ioctl] === undefined ? undefined : inside.find((e) => e.name === EFFECT[call.ioctl]);
  const anchor = effect ?? first;
  // The capture line the statement stands for: the return for what a call read, else the entry.
  const src = ret && (call.result?.outputs || call.ioctl.startsWith('KVM_GET_')) ? ret : first;
  const took = !effect && entry && ret ? ctx.timeOf(ret) - ctx.timeOf(entry) : undefined;
  const loc = where(ctx, s, call, tid, entry);
  const modelled =
    IOCTL_OPS[call.ioctl] !== undefined && loc !== undefined && !call.truncated && call.result?.errno !== 'unknown';
  if (!modelled) {
    const why = call.truncated
      ? ' (more MSRs than the probe fetched: not replayed)'
      : call.result?.errno === 'unknown'
        ? ' (failed; the errno was not recorded)'
        : loc === undefined && IOCTL_OPS[call.ioctl]
          ? ` (fd ${call.fd ?? '?'} was opened before the recording)`
          : '';
    const res = call.result?.errno
      ? ` -> -${call.result.errno}`
      : call.result?.value !== undefined
        ? ` -> ${call.result.value}`
        : '';
    const on = call.vcpu !== undefined ? ` on vcpu${call.vcpu}` : '';
    const noteAt = loc === undefined ? `${ctx.host}/${ctx.vm}` : loc.split('/').slice(0, 2).join('/');
    ctx.emitStatementAt(
      anchor,
      `${noteAt} vmm note ioctl ${call.ioctl}${on}${call.args.length ? ` ${call.args.map(pairText).join(' ')}` : ''}${res}${why}`,
      src,
    );
    return;
  }
  // KVM_RUN: the exit it returned with (kvm_userspace_exit "reason KVM_EXIT_IO (2)").
  if (call.ioctl === 'KVM_RUN' && !call.result?.errno) {
    const exit = [...inside].reverse().find((e) => e.name === 'kvm_userspace_exit');
    const reason = exit && /^reason (\w+)/.exec(exit.body)?.[1];
    call.result = reason ? { value: `exit=${reason}` } : undefined;
  }
  const build = (offset: bigint | undefined): string => {
    const args = call.ioctl === 'KVM_SET_CLOCK' ? onReference(call.args, offset) : call.args;
    const res = resultText(call, offset);
    return [
      `${loc} ioctl ${call.ioctl}`,
      ...args.map(pairText),
      took !== undefined ? `took=${took}ns` : '',
      res !== undefined ? `-> ${res}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  };
  if (call.ioctl === 'KVM_GET_CLOCK' && call.result?.outputs) learnRealtime(ctx, s, call.result.outputs);
  const realtimeIn = call.ioctl === 'KVM_SET_CLOCK' && hasFlag(call.args, CLOCK_FLAGS.KVM_CLOCK_REALTIME);
  if (realtimeIn && s.realtimeOffset === undefined) {
    s.waiting.push({ anchor, src, build });
    return;
  }
  ctx.emitStatementAt(anchor, build(s.realtimeOffset), src);
}

/** A KVM_GET_CLOCK with KVM_CLOCK_REALTIME and KVM_CLOCK_HOST_TSC: realtime was read with host_tsc. */
function learnRealtime(ctx: MapContext, s: FileState, outputs: Pair[]): void {
  if (
    s.realtimeOffset !== undefined ||
    !hasFlag(outputs, CLOCK_FLAGS.KVM_CLOCK_REALTIME) ||
    !hasFlag(outputs, CLOCK_FLAGS.KVM_CLOCK_HOST_TSC)
  )
    return;
  const get = (k: string): bigint | undefined => {
    const v = outputs.find(([n]) => n === k)?.[1];
    return v === undefined ? undefined : BigInt(v);
  };
  const realtime = get('realtime'),
    hostTsc = get('host_tsc');
  const at = hostTsc === undefined ? undefined : ctx.timeOfCounter(hostTsc);
  if (realtime === undefined || at === undefined) return;
  s.realtimeOffset = realtime - at;
  for (const p of s.waiting.splice(0)) ctx.emitStatementAt(p.anchor, p.build(s.realtimeOffset), p.src);
}

function decode(ev: TraceEvent, ctx: MapContext): MapOutcome | undefined {
  if (!isOurs(ev.name)) return undefined;
  const s = stateOf(ctx);
  const d = decodeUprobeIoctl(ev.name, ev.body, ctx.arch);
  if (!d) return undefined;
  if (d.kind === 'entry') {
    // The thread now works on this fd's VM: the kernel events it fires belong there.
    let vm = d.fd !== undefined ? s.vmOfFd.get(d.fd) : undefined;
    if (d.ioctl === 'KVM_CREATE_VM') {
      s.vms++;
      vm = s.vms === 1 ? ctx.vm : `${ctx.vm}${s.vms}`;
      s.creating.set(ev.pid, vm);
      if (s.vms > 1) ctx.directive(ev, `@vm ${vm}`);
    }
    if (vm !== undefined) ctx.setThreadVm(ev.pid, vm);
    // A thread that runs a vCPU: the guest's MSR accesses and exits it traces are that vCPU's.
    const vcpu = d.ioctl === 'KVM_RUN' && d.fd !== undefined ? s.vcpuOfFd.get(d.fd) : undefined;
    if (vcpu !== undefined) ctx.setThreadVcpu(ev.pid, vcpu);
  }
  const before = s.open.get(ev.pid);
  const calls = s.matcher.push(ev.pid, String(ev.line), ev.name, ev.body);
  for (const call of calls) {
    const entry = call.entryStamp !== undefined ? before : undefined;
    const ret = call.returnStamp !== undefined ? ev : undefined;
    if (call.ioctl === 'KVM_CREATE_VM' && call.result?.value !== undefined) {
      const vm = s.creating.get(ev.pid);
      if (vm !== undefined) s.vmOfFd.set(Number(call.result.value), vm);
    }
    if (call.vcpuFd !== undefined) {
      const vm = call.fd === undefined ? undefined : s.vmOfFd.get(call.fd);
      if (vm !== undefined) s.vmOfFd.set(call.vcpuFd, vm);
      else s.vmOfFd.delete(call.vcpuFd);
      const id = call.args.find(([k]) => k === 'id')?.[1];
      if (id !== undefined) s.vcpuOfFd.set(call.vcpuFd, Number(id));
    }
    if (call.ioctl === 'KVM_CREATE_VM' && call.result?.value !== undefined)
      s.vcpuOfFd.delete(Number(call.result.value));
    write(ctx, s, call, ev.pid, entry, ret);
    if (call.ioctl === 'KVM_CREATE_VM') s.creating.delete(ev.pid);
    if (entry) s.open.delete(ev.pid);
  }
  if (d.kind === 'entry') s.open.set(ev.pid, ev);
  return 'used';
}

function finish(ctx: MapContext): void {
  const s = stateOf(ctx);
  for (const call of s.matcher.flush()) {
    // The capture ended inside these calls: stamped at their entry, with no result.
    const entry = [...s.open.values()].find((e) => String(e.line) === call.entryStamp);
    if (entry) write(ctx, s, call, entry.pid, entry, undefined);
  }
  s.open.clear();
  // KVM_SET_CLOCK with a realtime no pair could move onto the reference clock: without it.
  for (const p of s.waiting.splice(0)) ctx.emitStatementAt(p.anchor, p.build(undefined), p.src);
}

export const kvmIoctlDecoder: UprobeDecoder = {
  name: 'hvtimer record KVM ioctls',
  decode: (u, ctx) => decode(u.event, ctx),
  isRun: (u) =>
    /^hvt_KVM_RUN(?:_ret)?$/.test(u.event.name) ||
    (/^hvt_ioctl/.test(u.event.name) && /\breq=0xae80\b/i.test(u.event.body)),
  finish,
};

registerUprobeDecoder(kvmIoctlDecoder);
