// Uprobe events (the recorder's probes on the VMM's `ioctl`, uprobe-recording.md): the extension
// point for "uprobe events". A uprobe event is recognised by its body — `(0xADDR) field=value …`
// at entry, `(0xRET <- 0xADDR) ret=…` at return — whatever name its definition gave it
// (`p:rec/ioctl …` prints as `ioctl:`). Decoders that turn them into statements register here; a
// pure decoder for the KVM ioctls (engine/src/import/uprobeIoctl.ts) is written with the recorder
// and registers with `registerUprobeDecoder`. Without a decoder that claims it, an event is a note.
import type { TraceEvent } from '../event';
import { rawFields } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

export interface UprobeEvent {
  /** The event as read (its name, pid, time, line). */
  event: TraceEvent;
  /** The probed address (`(0x7fd0d951bd30)`), and for a return probe the return address. */
  probe: string;
  returnTo?: string;
  /** The fetch-args as printed: `fd=3 req=0xae01 a0=0x0 arr={0x1,0x10,…}`. */
  fields: ReadonlyMap<string, string>;
}

export interface UprobeDecoder {
  readonly name: string;
  /**
   * Emits the statements an event stands for (through `ctx`: `emit` at a vCPU or the VM,
   * `state` for the fd→vCPU map and entry/return pairing) and says what became of it; undefined
   * when the event is not one this decoder reads (the next decoder is asked).
   */
  decode(u: UprobeEvent, ctx: MapContext): MapOutcome | undefined;
  /** Whether the event is the VMM's KVM_RUN (then kvm_entry does not stand in for it). */
  isRun?(u: UprobeEvent): boolean;
  /** After the file's last event: what is still open (calls the capture ended inside). */
  finish?(ctx: MapContext): void;
}

const decoders: UprobeDecoder[] = [];

/** Registers a decoder (the recorder's KVM ioctl decoder does, once, when imported). */
export function registerUprobeDecoder(d: UprobeDecoder): void {
  if (!decoders.some((x) => x.name === d.name)) decoders.push(d);
}

const SHAPE = /^\((0x[0-9a-fA-F]+)(?: <- (0x[0-9a-fA-F]+))?\)\s*(.*)$/;

/** The uprobe reading of an event, if its body has a uprobe's shape. */
export function asUprobe(ev: TraceEvent): UprobeEvent | undefined {
  const m = SHAPE.exec(ev.body);
  if (!m) return undefined;
  const fields = m[3] ? rawFields(m[3]) : new Map<string, string>();
  if (!fields) return undefined;
  return m[2] ? { event: ev, probe: m[2], returnTo: m[1], fields } : { event: ev, probe: m[1], fields };
}

/** Whether a registered decoder says this event is the VMM's KVM_RUN. */
export function uprobeIsRun(ev: TraceEvent): boolean {
  const u = asUprobe(ev);
  return u !== undefined && decoders.some((d) => d.isRun?.(u) === true);
}

export const uprobeMapper: EventMapper = {
  family: 'uprobe events',
  events: [],
  handles: (ev) => SHAPE.test(ev.body),
  decodes: (_name, body) => SHAPE.test(body),
  map(ev, ctx): MapOutcome {
    const u = asUprobe(ev);
    if (!u) return 'note';
    for (const d of decoders) {
      const r = d.decode(u, ctx);
      if (r !== undefined) return r;
    }
    return 'note';
  },
  finish(ctx): void {
    for (const d of decoders) d.finish?.(ctx);
  },
};
