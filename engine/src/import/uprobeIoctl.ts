// Decodes the uprobe events `hvtimer record` writes (cli/src/record/probes.ts, docs/recording.md)
// into KVM ioctl calls, and pairs each call's entry event with its return event. Pure: no I/O.
//
// Input: one event's name and the text after `NAME: ` of a tracefs line, e.g.
//   name `hvt_KVM_SET_MSRS`, body `(0x7f21cd563d30) fd=5 req=0x4008ae89 nmsrs=1 msrs={0x10,0x1cbe991a14,…}`
//   name `hvt_KVM_GET_CLOCK_ret`, body `(0x7f…d6b) fd=4 req=0x8030ae7c ret=0 clock=5002321705 flags=0xe realtime=… host_tsc=…`
//   name `hvt_ioctl_ret`, body `(0x55… <- 0x7f…d30) ret=4`   (a uretprobe: libc's result, errno lost)
//
// Output of decodeUprobeIoctl (undefined for events that are not ours):
//   { kind: 'entry' | 'return', ioctl: 'KVM_SET_MSRS', req: 0x4008ae89n, fd?: 5,
//     args: [['IA32_TSC', '123456789012']],        // .hvtrace argument order; a pair ['X', ''] is a bare token (KVM_GET_MSRS X)
//     ret?: 1n,                                     // return events: the raw result (-22n is -EINVAL)
//     libcResult?: true,                            // the result came from a uretprobe (-1 on any error)
//     outputs?: [['clock', '5002321705'], …],       // what a KVM_GET_* filled in, as `-> key=value` outputs
//     value?: '2100000',                            // a single `-> VALUE` result (KVM_GET_ONE_REG, KVM_GET_DEVICE_ATTR)
//     truncated?: true }                            // more MSRs than the probe fetches
// Counter-like values are decimal strings (u64), register ids, attribute groups, MSRs and flags
// are uapi names where the engine's tables know them (engine/src/uapi), else hex.
//
// UprobeIoctlMatcher pairs them per thread (a thread is inside at most one ioctl) and tracks
// which fds are VMs and vCPUs, producing IoctlCall:
//   { ioctl, req, fd, vcpu?: 0, vmFd?: 4, vcpuFd?: 5, args, result?: { value?, errno?, outputs? },
//     entryStamp?, returnStamp? }
// `vcpu`/`vmFd` say which vCPU (by id) or VM the fd belongs to, when its KVM_CREATE_* is in the
// capture; `vcpuFd` is the fd a KVM_CREATE_VCPU returned; `result` is absent on plain success.
import { attrByNum, attrGroupByNum, type Arch } from '../uapi/deviceAttrs';
import { ERRNOS } from '../uapi/errno';
import { CLOCK_FLAGS, TSC_STATE_FLAGS } from '../uapi/flags';
import { ioctlByCode } from '../uapi/ioctls';
import { msrByIndex } from '../uapi/msrs';
import { registerById } from '../uapi/registers';

export type Pair = [string, string];

export interface UprobeIoctlEvent {
  kind: 'entry' | 'return';
  ioctl: string;
  req?: bigint;
  fd?: number;
  args: Pair[];
  ret?: bigint;
  libcResult?: boolean;
  outputs?: Pair[];
  value?: string;
  truncated?: boolean;
}

export interface IoctlResult {
  value?: string;
  errno?: string;
  outputs?: Pair[];
}

export interface IoctlCall {
  ioctl: string;
  req?: bigint;
  fd?: number;
  vcpu?: number;
  vmFd?: number;
  vcpuFd?: number;
  args: Pair[];
  result?: IoctlResult;
  truncated?: boolean;
  entryStamp?: string;
  returnStamp?: string;
}

/** x86_64 ioctls that do not touch guest time and are not in engine/src/uapi/ioctls.ts, named so a
 * capture reads well (full request codes from <linux/kvm.h>; the sizes are x86's). */
const OTHER_X86_IOCTLS: ReadonlyMap<bigint, string> = new Map([
  [0xc004ae02n, 'KVM_GET_MSR_INDEX_LIST'],
  [0xc008ae05n, 'KVM_GET_SUPPORTED_CPUID'],
  [0xc008ae09n, 'KVM_GET_EMULATED_CPUID'],
  [0xae47n, 'KVM_SET_TSS_ADDR'],
  [0x4008ae48n, 'KVM_SET_IDENTITY_MAP_ADDR'],
  [0xae60n, 'KVM_CREATE_IRQCHIP'],
  [0x4008ae61n, 'KVM_IRQ_LINE'],
  [0xc008ae67n, 'KVM_IRQ_LINE_STATUS'],
  [0x4008ae6an, 'KVM_SET_GSI_ROUTING'],
  [0x4020ae76n, 'KVM_IRQFD'],
  [0x4040ae77n, 'KVM_CREATE_PIT2'],
  [0x4040ae79n, 'KVM_IOEVENTFD'],
  [0x8138ae83n, 'KVM_GET_SREGS'],
  [0x4138ae84n, 'KVM_SET_SREGS'],
  [0x81a0ae8cn, 'KVM_GET_FPU'],
  [0x41a0ae8dn, 'KVM_SET_FPU'],
  [0x8400ae8en, 'KVM_GET_LAPIC'],
  [0x4400ae8fn, 'KVM_SET_LAPIC'],
  [0xc008ae91n, 'KVM_GET_CPUID2'],
  [0x8004ae98n, 'KVM_GET_MP_STATE'],
  [0x4004ae99n, 'KVM_SET_MP_STATE'],
  [0x8040ae9fn, 'KVM_GET_VCPU_EVENTS'],
  [0x4040aea0n, 'KVM_SET_VCPU_EVENTS'],
  [0x4068aea3n, 'KVM_ENABLE_CAP'],
  [0x9000aea4n, 'KVM_GET_XSAVE'],
  [0x5000aea5n, 'KVM_SET_XSAVE'],
  [0x8188aea6n, 'KVM_GET_XCRS'],
  [0x4188aea7n, 'KVM_SET_XCRS'],
  [0xc00caee0n, 'KVM_CREATE_DEVICE'],
]);

const EVENT = /^hvt_(KVM_[A-Z0-9_]+|ioctl)(_ret)?$/;
const FIELD = /(\w+)=(\{[^}]*\}|\S+)/g;

const num = (s: string): bigint | undefined =>
  /^-?(0x[0-9a-fA-F]+|\d+)$/.test(s) ? (s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s)) : undefined;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const hex = (v: bigint): string => `0x${u64(v).toString(16).toUpperCase()}`;
const errnoName = (n: bigint): string => Object.entries(ERRNOS).find(([, v]) => BigInt(v) === n)?.[0] ?? `E${n}`;

function flagNames(v: bigint, table: Readonly<Record<string, bigint>>): string {
  if (v === 0n) return '0';
  const names: string[] = [];
  let rest = v;
  for (const [name, bit] of Object.entries(table))
    if ((v & bit) === bit) {
      names.push(name);
      rest &= ~bit;
    }
  if (rest) names.push(hex(rest));
  return names.join('|');
}

const msrName = (index: bigint): string => msrByIndex(index)?.name ?? hex(index);
const regName = (id: bigint): string => registerById(id)?.name ?? hex(id);
/** KVM_REG_SIZE (bits 52..55 of a ONE_REG id): the value's width in bytes is 1 << size. */
const regValue = (id: bigint, v: bigint): bigint => {
  const bytes = 1n << ((id >> 52n) & 0xfn);
  return bytes >= 8n ? u64(v) : v & ((1n << (8n * bytes)) - 1n);
};

interface Fields {
  get(k: string): string | undefined;
  num(k: string): bigint | undefined;
  array(k: string): bigint[];
}

function parseFields(body: string): { fields: Fields; uretprobe: boolean } | undefined {
  const head = /^\s*\((0x[0-9a-fA-F]+)(?: <- (0x[0-9a-fA-F]+))?\)/.exec(body);
  if (!head) return undefined;
  const map = new Map<string, string>();
  for (const m of body.slice(head[0].length).matchAll(FIELD)) map.set(m[1], m[2]);
  return {
    uretprobe: head[2] !== undefined,
    fields: {
      get: (k) => map.get(k),
      num: (k) => {
        const s = map.get(k);
        return s === undefined ? undefined : num(s);
      },
      array: (k) =>
        (map.get(k) ?? '')
          .replace(/[{}]/g, '')
          .split(',')
          .map((x) => num(x.trim()))
          .filter((x): x is bigint => x !== undefined),
    },
  };
}

function attrPairs(arch: Arch, f: Fields): Pair[] {
  const g = f.num('group');
  const a = f.num('attr');
  if (g === undefined || a === undefined) return [];
  const group = attrGroupByNum(arch, g);
  const attr = group ? attrByNum(group.role, a) : undefined;
  return [
    ['group', group?.name ?? String(g)],
    ['attr', attr?.name ?? String(a)],
  ];
}

/** An attribute's value: u64 for the TSC offset and PV time IPA, `int` for timer IRQ numbers. */
function attrValue(arch: Arch, f: Fields): string | undefined {
  const v = f.num('value');
  if (v === undefined) return undefined;
  const group = attrGroupByNum(arch, f.num('group') ?? -1n);
  return String(group?.role === 'timer' ? v & 0xffffffffn : u64(v));
}

/** MSR index/value pairs from the `msrs` array (entry words: index | reserved << 32, data). */
function msrPairs(f: Fields, count: bigint | undefined, withValues: boolean): { pairs: Pair[]; truncated: boolean } {
  const words = f.array('msrs');
  const n = Number(count ?? 0n);
  const pairs: Pair[] = [];
  for (let i = 0; i < n && 2 * i + 1 < words.length; i++)
    pairs.push([msrName(words[2 * i] & 0xffffffffn), withValues ? String(u64(words[2 * i + 1])) : '']);
  return { pairs, truncated: pairs.length < n };
}

function clockPairs(f: Fields, withHostTsc: boolean): Pair[] {
  const flags = f.num('flags') ?? 0n;
  const out: Pair[] = [
    ['clock', String(u64(f.num('clock') ?? 0n))],
    ['flags', flagNames(flags, CLOCK_FLAGS)],
  ];
  if (flags & CLOCK_FLAGS.KVM_CLOCK_REALTIME) out.push(['realtime', String(f.num('realtime') ?? 0n)]);
  if (withHostTsc && flags & CLOCK_FLAGS.KVM_CLOCK_HOST_TSC) out.push(['host_tsc', String(f.num('host_tsc') ?? 0n)]);
  return out;
}

function tscStatePairs(f: Fields): Pair[] {
  const flags = f.num('flags') ?? 0n;
  const out: Pair[] = [['flags', flagNames(flags, TSC_STATE_FLAGS)]];
  if (flags & TSC_STATE_FLAGS.KVM_TSC_STATE_TIMESTAMP_VALID) out.push(['nsec', String(f.num('nsec') ?? 0n)]);
  out.push(['tsc', String(u64(f.num('tsc') ?? 0n))]);
  if (flags & TSC_STATE_FLAGS.KVM_TSC_STATE_TSC_ADJUST_VALID)
    out.push(['tsc_adjust', String(u64(f.num('tsc_adjust') ?? 0n))]);
  return out;
}

/** CPUID.(EAX=7,ECX=0):EBX bit 1 (TSC_ADJUST) from the `leafK`/`ebxK` fields, if leaf 7.0 was fetched. */
function cpuidPairs(f: Fields): Pair[] {
  const nent = f.num('nent') ?? 0n;
  const out: Pair[] = [];
  for (let k = 0; k < Number(nent); k++) {
    const leaf = f.num(`leaf${k}`);
    if (leaf === undefined) break;
    if ((leaf & 0xffffffffn) === 7n && leaf >> 32n === 0n) {
      out.push(['tsc_adjust', String(((f.num(`ebx${k}`) ?? 0n) >> 1n) & 1n)]);
      break;
    }
  }
  out.push(['nent', String(nent)]);
  return out;
}

/** Decodes one of `hvtimer record`'s uprobe events; undefined for any other event. */
export function decodeUprobeIoctl(name: string, body: string, arch: Arch = 'x86_64'): UprobeIoctlEvent | undefined {
  const ev = EVENT.exec(name);
  const parsed = parseFields(body);
  if (!ev || !parsed) return undefined;
  const { fields: f, uretprobe } = parsed;
  const req = f.num('req');
  const reqU = req === undefined ? undefined : BigInt.asUintN(32, req);
  const known = reqU === undefined ? undefined : ioctlByCode(reqU);
  const other = reqU !== undefined && arch === 'x86_64' ? OTHER_X86_IOCTLS.get(reqU) : undefined;
  const ioctl = ev[1] !== 'ioctl' ? ev[1] : (known?.name ?? other ?? (reqU === undefined ? 'ioctl' : hex(reqU)));
  const out: UprobeIoctlEvent = { kind: ev[2] ? 'return' : 'entry', ioctl, args: [] };
  if (reqU !== undefined) out.req = reqU;
  const fd = f.num('fd');
  if (fd !== undefined) out.fd = Number(fd);
  if (out.kind === 'return') {
    out.ret = f.num('ret');
    if (uretprobe) out.libcResult = true;
  }
  const entry = out.kind === 'entry';
  switch (ioctl) {
    case 'KVM_CREATE_VCPU':
      if (entry) out.args = [['id', String(f.num('id') ?? 0n)]];
      break;
    case 'KVM_SET_ONE_REG': {
      const id = f.num('id') ?? 0n;
      if (entry)
        out.args = [
          ['id', regName(u64(id))],
          ['value', String(regValue(u64(id), f.num('value') ?? 0n))],
        ];
      break;
    }
    case 'KVM_GET_ONE_REG': {
      const id = u64(f.num('id') ?? 0n);
      out.args = [['id', regName(id)]];
      if (!entry && (out.ret ?? 0n) >= 0n) out.value = String(regValue(id, f.num('value') ?? 0n));
      break;
    }
    case 'KVM_ARM_SET_COUNTER_OFFSET': {
      if (!entry) break;
      out.args = [['counter_offset', String(u64(f.num('counter_offset') ?? 0n))]];
      const reserved = u64(f.num('reserved') ?? 0n);
      if (reserved) out.args.push(['reserved', String(reserved)]);
      break;
    }
    case 'KVM_SET_DEVICE_ATTR': {
      if (!entry) break;
      out.args = attrPairs(arch, f);
      const v = attrValue(arch, f);
      if (v !== undefined) out.args.push(['value', v]);
      break;
    }
    case 'KVM_GET_DEVICE_ATTR':
    case 'KVM_HAS_DEVICE_ATTR':
      out.args = attrPairs(arch, f);
      if (!entry && ioctl === 'KVM_GET_DEVICE_ATTR' && (out.ret ?? 0n) >= 0n) out.value = attrValue(arch, f);
      break;
    case 'KVM_SET_CLOCK':
      if (entry) out.args = clockPairs(f, false);
      break;
    case 'KVM_GET_CLOCK':
      if (!entry && (out.ret ?? 0n) >= 0n) out.outputs = clockPairs(f, true);
      break;
    case 'KVM_SET_TSC_KHZ':
      if (entry) out.args = [['value', String(u64(f.num('khz') ?? 0n))]];
      break;
    case 'KVM_SET_MSRS': {
      if (!entry) break;
      const { pairs, truncated } = msrPairs(f, f.num('nmsrs'), true);
      out.args = pairs;
      if (truncated) out.truncated = true;
      break;
    }
    case 'KVM_GET_MSRS': {
      if (entry) break;
      const { pairs, truncated } = msrPairs(f, f.num('nmsrs'), true);
      out.args = pairs.map(([k]) => [k, '']);
      // KVM_GET_MSRS returns how many entries it read; only those hold values.
      const read = out.ret !== undefined && out.ret >= 0n && !out.libcResult ? Number(out.ret) : pairs.length;
      out.outputs = pairs.slice(0, read);
      if (truncated) out.truncated = true;
      break;
    }
    case 'KVM_SET_CPUID2':
      if (entry) out.args = cpuidPairs(f);
      break;
    case 'KVM_SET_TSC_STATE':
      if (entry) out.args = tscStatePairs(f);
      break;
    case 'KVM_GET_TSC_STATE':
      if (!entry && (out.ret ?? 0n) >= 0n) out.outputs = tscStatePairs(f);
      break;
    default:
      break;
  }
  return out;
}

/** Ioctls whose non-negative return value is the result itself (`-> VALUE`). */
const VALUE_RESULT = new Set([
  'KVM_CREATE_VM',
  'KVM_CREATE_VCPU',
  'KVM_GET_TSC_KHZ',
  'KVM_SET_MSRS',
  'KVM_GET_MSRS',
  'KVM_CHECK_EXTENSION',
  'KVM_GET_API_VERSION',
  'KVM_GET_VCPU_MMAP_SIZE',
]);

function resultOf(ioctl: string, ret: UprobeIoctlEvent): IoctlResult | undefined {
  const r = ret.ret;
  if (r === undefined) return undefined;
  if (r < 0n) return { errno: ret.libcResult ? 'unknown' : errnoName(-r) };
  const res: IoctlResult = {};
  if (ret.outputs) res.outputs = ret.outputs;
  if (ret.value !== undefined) res.value = ret.value;
  else if (VALUE_RESULT.has(ioctl) || ioctl.startsWith('0x')) res.value = String(r);
  return res.outputs || res.value !== undefined ? res : undefined;
}

/** Pairs entry and return events per thread and names the fds; push events in trace order. */
export class UprobeIoctlMatcher {
  private readonly pending = new Map<number, { ev: UprobeIoctlEvent; stamp: string }>();
  private readonly vcpuOfFd = new Map<number, { vcpu: number; vmFd?: number }>();
  private readonly vmFds = new Set<number>();

  constructor(private readonly arch: Arch = 'x86_64') {}

  /** One tracefs line's thread id, stamp, event name and body; returns the calls it completes. */
  push(tid: number, stamp: string, name: string, body: string): IoctlCall[] {
    const ev = decodeUprobeIoctl(name, body, this.arch);
    if (!ev) return [];
    const done: IoctlCall[] = [];
    const open = this.pending.get(tid);
    if (ev.kind === 'entry') {
      if (open) done.push(this.finish(open.ev, open.stamp, undefined, undefined)); // its return was lost
      this.pending.set(tid, { ev, stamp });
      return done;
    }
    // A uretprobe carries no request: it belongs to whatever this thread entered.
    if (open && (ev.req === undefined || ev.req === open.ev.req)) {
      this.pending.delete(tid);
      done.push(this.finish(open.ev, open.stamp, ev, stamp));
    } else if (ev.req !== undefined) {
      // Entered before the recording started (e.g. a KVM_RUN in progress under -p).
      done.push(this.finish(undefined, undefined, ev, stamp));
    }
    return done;
  }

  /** Calls still waiting for their return (the capture ended inside them). */
  flush(): IoctlCall[] {
    const out = [...this.pending.values()].map((p) => this.finish(p.ev, p.stamp, undefined, undefined));
    this.pending.clear();
    return out;
  }

  private finish(
    entry: UprobeIoctlEvent | undefined,
    entryStamp: string | undefined,
    ret: UprobeIoctlEvent | undefined,
    returnStamp: string | undefined,
  ): IoctlCall {
    const base = entry ?? ret!;
    const call: IoctlCall = { ioctl: base.ioctl, args: entry && entry.args.length ? entry.args : (ret?.args ?? []) };
    if (base.req !== undefined) call.req = base.req;
    const fd = entry?.fd ?? ret?.fd;
    if (fd !== undefined) {
      call.fd = fd;
      const v = this.vcpuOfFd.get(fd);
      if (v) {
        call.vcpu = v.vcpu;
        if (v.vmFd !== undefined) call.vmFd = v.vmFd;
      } else if (this.vmFds.has(fd)) call.vmFd = fd;
    }
    if (entry?.truncated || ret?.truncated) call.truncated = true;
    if (entryStamp !== undefined) call.entryStamp = entryStamp;
    if (returnStamp !== undefined) call.returnStamp = returnStamp;
    const result = ret ? resultOf(call.ioctl, ret) : undefined;
    if (result) call.result = result;
    const newFd = ret?.ret !== undefined && ret.ret >= 0n ? Number(ret.ret) : undefined;
    if (newFd !== undefined && call.ioctl === 'KVM_CREATE_VM') {
      this.vmFds.add(newFd);
      this.vcpuOfFd.delete(newFd);
    }
    if (newFd !== undefined && call.ioctl === 'KVM_CREATE_VCPU') {
      const id = Number(call.args.find(([k]) => k === 'id')?.[1] ?? -1);
      const slot: { vcpu: number; vmFd?: number } = { vcpu: id };
      if (fd !== undefined) slot.vmFd = fd;
      this.vcpuOfFd.set(newFd, slot);
      this.vmFds.delete(newFd);
      call.vcpuFd = newFd;
    }
    return call;
  }
}
