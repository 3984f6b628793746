// Reading what the kvm layer produced: a capture written by `hvtimer record` (tracefs text, the
// line layout of docs/reference/real-captures.md#21-tracefs-trace--trace_pipe-kernel-kerneltracetrace_outputc-tracec with the record-tgid column) and the test VMM's own
// output (test/kvm/vmm.c: `SEQ IOCTL [where] [args] -> RESULT [outputs] [host_tsc=A..B]`).
import { UprobeIoctlMatcher, type IoctlCall } from '../../engine/src/import/uprobeIoctl';

export interface TraceLine {
  comm: string;
  tid: number;
  tgid?: number;
  cpu: number;
  stamp: bigint;
  name: string;
  body: string;
}

const LINE = /^\s*(.+)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:\S{4,7}\s+)?(\d+): (\w+): ?(.*)$/;

/** The events of a capture on a counter clock (integer stamps). */
export function traceLines(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const l of text.split('\n')) {
    const m = LINE.exec(l);
    if (!m) continue;
    const t: TraceLine = {
      comm: m[1].trim(),
      tid: Number(m[2]),
      cpu: Number(m[4]),
      stamp: BigInt(m[5]),
      name: m[6],
      body: m[7],
    };
    if (m[3] && /^\d+$/.test(m[3])) t.tgid = Number(m[3]);
    out.push(t);
  }
  return out;
}

export interface Call extends IoctlCall {
  tid: number;
  entry?: bigint;
  ret?: bigint;
}

/** The ioctl calls of a capture, entry and return paired, in the order they returned. */
export function ioctlCalls(lines: TraceLine[]): Call[] {
  const m = new UprobeIoctlMatcher('x86_64');
  const out: Call[] = [];
  const add = (tid: number, c: IoctlCall): void => {
    const call: Call = { ...c, tid };
    if (c.entryStamp) call.entry = BigInt(c.entryStamp);
    if (c.returnStamp) call.ret = BigInt(c.returnStamp);
    out.push(call);
  };
  for (const l of lines)
    if (l.name.startsWith('hvt_')) for (const c of m.push(l.tid, String(l.stamp), l.name, l.body)) add(l.tid, c);
  for (const c of m.flush()) add(-1, c);
  return out;
}

export interface TscWrite {
  stamp: bigint;
  vcpu: number;
  prev: bigint;
  next: bigint;
}
export interface TrackTsc {
  stamp: bigint;
  vcpu: number;
  masterclock: number;
  matched: number;
  online: number;
}

export function tscWrites(lines: TraceLine[]): TscWrite[] {
  return lines
    .filter((l) => l.name === 'kvm_write_tsc_offset')
    .map((l) => {
      const m = /vcpu=(\d+) prev=(\d+) next=(\d+)/.exec(l.body)!;
      return { stamp: l.stamp, vcpu: Number(m[1]), prev: BigInt(m[2]), next: BigInt(m[3]) };
    });
}

export function trackTsc(lines: TraceLine[]): TrackTsc[] {
  return lines
    .filter((l) => l.name === 'kvm_track_tsc')
    .map((l) => {
      const m = /vcpu_id (\d+) masterclock (\d+) offsetmatched (\d+) nr_online (\d+)/.exec(l.body)!;
      return {
        stamp: l.stamp,
        vcpu: Number(m[1]),
        masterclock: Number(m[2]),
        matched: Number(m[3]),
        online: Number(m[4]),
      };
    });
}

export interface VmmStep {
  seq: number;
  ioctl: string;
  where?: string;
  args: [string, string][];
  result?: string;
  outputs: [string, string][];
  hostTsc?: [bigint, bigint];
  raw: string;
}

/** The ioctl steps the VMM printed (sleep, guest and comment lines are left out). */
export function vmmSteps(text: string): VmmStep[] {
  const out: VmmStep[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(\d+) (KVM_\w+)(.*?)(?: -> (\S+)(.*))?$/.exec(raw);
    if (!m) continue;
    const step: VmmStep = { seq: Number(m[1]), ioctl: m[2], args: [], outputs: [], raw };
    for (const tok of m[3].trim().split(/\s+/).filter(Boolean)) {
      if (/^(vm|vcpu\d+)$/.test(tok)) step.where = tok;
      else {
        const eq = tok.indexOf('=');
        step.args.push(eq < 0 ? [tok, ''] : [tok.slice(0, eq), tok.slice(eq + 1)]);
      }
    }
    if (m[4] !== undefined) step.result = m[4];
    for (const tok of (m[5] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const t = /^host_tsc=(\d+)\.\.(\d+)$/.exec(tok);
      if (t) {
        step.hostTsc = [BigInt(t[1]), BigInt(t[2])];
        continue;
      }
      const eq = tok.indexOf('=');
      if (eq > 0) step.outputs.push([tok.slice(0, eq), tok.slice(eq + 1)]);
    }
    out.push(step);
  }
  return out;
}

/** The guest TSC values the real-mode guest reported. */
export function guestReads(text: string): { vcpu: number; tsc: bigint }[] {
  return [...text.matchAll(/^\d+ guest vcpu(\d+) rdtsc=(\d+)$/gm)].map((m) => ({
    vcpu: Number(m[1]),
    tsc: BigInt(m[2]),
  }));
}

/** Signed distance a − b of two u64 values (mod 2^64), as KVM's offsets are two's complement. */
export const u64diff = (a: bigint, b: bigint): bigint => BigInt.asIntN(64, a - b);
