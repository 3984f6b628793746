// x86 TSC and kvmclock tracepoints (arch/x86/kvm/trace.h, docs/reference/real-captures.md#11-x86-archx86kvmtraceh-trace_system-kvm):
// kvm_write_tsc_offset → `kvm write_tsc_offset`, kvm_track_tsc → `kvm track_tsc`,
// kvm_update_master_clock → `kvm update_master_clock`, kvm_pvclock_update → `kvm pvclock_update`
// (docs/format-capture-statements.md). Offsets print with `%llu`, so negative offsets are huge
// numbers and are kept as the u64 they are.
import type { TraceEvent } from '../event';
import { decU64, hexU64, anyU64, rawFields, small } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

const hex = (x: bigint): string => `0x${x.toString(16)}`;

/** `host_clocks`: {VDSO_CLOCKMODE_NONE, "none"}, {VDSO_CLOCKMODE_TSC, "tsc"}; unknown values print in hex. */
function hostclock(text: string): string | undefined {
  if (/^[a-z]+$/.test(text)) return text;
  const n = anyU64(text);
  return n === undefined ? undefined : n === 0n ? 'none' : n === 1n ? 'tsc' : hex(n);
}

export interface WriteTscOffset {
  vcpu: number;
  prev: bigint;
  next: bigint;
}
export interface TrackTsc {
  vcpu: number;
  masterclock: number;
  offsetmatched: number;
  online: number;
  hostclock: string;
}
export interface MasterClock {
  masterclock: number;
  hostclock: string;
  offsetmatched: number;
}
export interface Pvclock {
  vcpu: number;
  version: bigint;
  tscTimestamp: bigint;
  systemTime: bigint;
  mul: bigint;
  shift: number;
  flags: bigint;
}

const all = <T extends object>(o: { [K in keyof T]: T[K] | undefined }): T | undefined =>
  Object.values(o).every((v) => v !== undefined) ? (o as T) : undefined;

/** "vcpu=%u prev=%llu next=%llu"; raw vcpu_id, previous_tsc_offset, next_tsc_offset. */
export function decodeWriteTscOffset(body: string): WriteTscOffset | undefined {
  const m = /^vcpu=(\d+) prev=(-?\d+) next=(-?\d+)$/.exec(body);
  if (m) return all<WriteTscOffset>({ vcpu: small(m[1]), prev: decU64(m[2]), next: decU64(m[3]) });
  const f = rawFields(body);
  return (
    f &&
    all<WriteTscOffset>({
      vcpu: small(f.get('vcpu_id') ?? ''),
      prev: anyU64(f.get('previous_tsc_offset') ?? ''),
      next: anyU64(f.get('next_tsc_offset') ?? ''),
    })
  );
}

/** "vcpu_id %u masterclock %u offsetmatched %u nr_online %u hostclock %s". */
export function decodeTrackTsc(body: string): TrackTsc | undefined {
  const m = /^vcpu_id (\d+) masterclock (\d+) offsetmatched (\d+) nr_online (\d+) hostclock (\S+)$/.exec(body);
  if (m)
    return all<TrackTsc>({
      vcpu: small(m[1]),
      masterclock: small(m[2]),
      offsetmatched: small(m[3]),
      online: small(m[4]),
      hostclock: hostclock(m[5]),
    });
  const f = rawFields(body);
  return (
    f &&
    all<TrackTsc>({
      vcpu: small(f.get('vcpu_id') ?? ''),
      masterclock: small(f.get('use_master_clock') ?? ''),
      offsetmatched: small(f.get('nr_vcpus_matched_tsc') ?? ''),
      online: small(f.get('online_vcpus') ?? ''),
      hostclock: hostclock(f.get('host_clock') ?? ''),
    })
  );
}

/** "masterclock %d hostclock %s offsetmatched %u". */
export function decodeMasterClock(body: string): MasterClock | undefined {
  const m = /^masterclock (\d+) hostclock (\S+) offsetmatched (\d+)$/.exec(body);
  if (m) return all<MasterClock>({ masterclock: small(m[1]), hostclock: hostclock(m[2]), offsetmatched: small(m[3]) });
  const f = rawFields(body);
  return (
    f &&
    all<MasterClock>({
      masterclock: small(f.get('use_master_clock') ?? ''),
      hostclock: hostclock(f.get('host_clock') ?? ''),
      offsetmatched: small(f.get('offset_matched') ?? ''),
    })
  );
}

/**
 * "vcpu_id %u, pvclock { version %u, tsc_timestamp 0x%llx, system_time 0x%llx,
 * tsc_to_system_mul 0x%x, tsc_shift %d, flags 0x%x }".
 */
export function decodePvclock(body: string): Pvclock | undefined {
  const m =
    /^vcpu_id (\d+), pvclock \{ version (\d+), tsc_timestamp (?:0x)?([0-9a-fA-F]+), system_time (?:0x)?([0-9a-fA-F]+), tsc_to_system_mul (?:0x)?([0-9a-fA-F]+), tsc_shift (-?\d+), flags (?:0x)?([0-9a-fA-F]+) \}$/.exec(
      body,
    );
  const shift = (t: string | undefined): number | undefined =>
    t !== undefined && /^-?\d{1,3}$/.test(t) ? Number(t) : undefined;
  if (m)
    return all<Pvclock>({
      vcpu: small(m[1]),
      version: decU64(m[2]),
      tscTimestamp: hexU64(m[3]),
      systemTime: hexU64(m[4]),
      mul: hexU64(m[5]),
      shift: shift(m[6]),
      flags: hexU64(m[7]),
    });
  const f = rawFields(body);
  return (
    f &&
    all<Pvclock>({
      vcpu: small(f.get('vcpu_id') ?? ''),
      version: anyU64(f.get('version') ?? ''),
      tscTimestamp: anyU64(f.get('tsc_timestamp') ?? ''),
      systemTime: anyU64(f.get('system_time') ?? ''),
      mul: anyU64(f.get('tsc_to_system_mul') ?? ''),
      shift: shift(f.get('tsc_shift')),
      flags: anyU64(f.get('flags') ?? ''),
    })
  );
}

/**
 * The guest TSC frequency (Hz, to the kHz) that kvm_get_time_scale encoded in a pvclock's
 * multiplier and shift: ns = ((ticks << shift) * mul) >> 32, so Hz = 2^32 · 10^9 / (mul · 2^shift).
 */
export function pvclockFrequency(p: Pick<Pvclock, 'mul' | 'shift'>): bigint | undefined {
  if (p.mul === 0n) return undefined;
  const num = (1n << 32n) * 1_000_000_000n * (p.shift < 0 ? 1n << BigInt(-p.shift) : 1n);
  const den = p.mul * (p.shift > 0 ? 1n << BigInt(p.shift) : 1n);
  return ((num + den * 500n) / (den * 1000n)) * 1000n;
}

const DECODERS: Record<string, (body: string) => unknown> = {
  kvm_write_tsc_offset: decodeWriteTscOffset,
  kvm_track_tsc: decodeTrackTsc,
  kvm_update_master_clock: decodeMasterClock,
  kvm_pvclock_update: decodePvclock,
};

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  switch (ev.name) {
    case 'kvm_write_tsc_offset': {
      const d = decodeWriteTscOffset(ev.body);
      if (!d) return 'note';
      ctx.emit(ev, { vcpu: d.vcpu }, `kvm write_tsc_offset prev=${d.prev} next=${d.next}`);
      return 'used';
    }
    case 'kvm_track_tsc': {
      const d = decodeTrackTsc(ev.body);
      if (!d) return 'note';
      ctx.emit(
        ev,
        { vcpu: d.vcpu },
        `kvm track_tsc masterclock=${d.masterclock} offsetmatched=${d.offsetmatched} nr_online=${d.online} hostclock=${d.hostclock}`,
      );
      return 'used';
    }
    case 'kvm_update_master_clock': {
      const d = decodeMasterClock(ev.body);
      if (!d || d.masterclock > 1 || d.offsetmatched > 1) return 'note';
      ctx.emit(
        ev,
        'vm',
        `kvm update_master_clock masterclock=${d.masterclock} hostclock=${d.hostclock} offsetmatched=${d.offsetmatched}`,
      );
      return 'used';
    }
    case 'kvm_pvclock_update': {
      const d = decodePvclock(ev.body);
      if (!d) return 'note';
      ctx.emit(
        ev,
        { vcpu: d.vcpu },
        `kvm pvclock_update version=${d.version} tsc_timestamp=${hex(d.tscTimestamp)} system_time=${hex(d.systemTime)} tsc_to_system_mul=${hex(d.mul)} tsc_shift=${d.shift} flags=${hex(d.flags)}`,
      );
      return 'used';
    }
    default:
      return 'note';
  }
}

export const x86ClockMapper: EventMapper = {
  family: 'x86 TSC and kvmclock',
  events: Object.keys(DECODERS),
  decodes: (name, body) => DECODERS[name]?.(body) !== undefined,
  namedVcpu: (ev) => (DECODERS[ev.name]?.(ev.body) as { vcpu?: number } | undefined)?.vcpu,
  map,
};
