// Timeline data for a range of lines: per instance and vCPU, what happened (the replay events, with
// every u64 as a decimal string) and samples of the guest clock error — the guest counter minus the
// time line it should follow: anchored at the vCPU's first run, advancing at the guest's frequency,
// through downtime too under policy `advance`, not under `freeze`.
import type { Analysis } from '../analysis';
import { guestCounter } from '../replay/clock';
import type { ReplayEvent } from '../replay/events';
import type { ModelState, StopRecord } from '../replay/state';
import type { Statement } from '../syntax/ast';
import { signedDiff } from '../values/u64';
import { expectedAt, GuestTimeLines } from './guestTimeLine';
import { nsOf } from './present';
import type { TimelineValue, TimelineEvent, ClockErrorSample, TimelineInstance, Timeline } from '../../../protocol/views';
export type { TimelineValue, TimelineEvent, ClockErrorSample, TimelineInstance, Timeline } from '../../../protocol/views';

const HIDDEN = new Set(['statement', 'guestStatement']);

function plain(value: unknown): TimelineValue | undefined {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value === null) return null;
  return undefined;
}

/** An event's fields as JSON-safe values (nested records flattened one level with a dot). */
function valuesOf(e: ReplayEvent): Record<string, TimelineValue> {
  const out: Record<string, TimelineValue> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'kind' || k === 'span' || v === undefined) continue;
    const p = plain(v);
    if (p !== undefined) { out[k] = p; continue; }
    if (typeof v !== 'object' || v === null) continue;
    if ('line' in v && 'span' in v) { out[`${k}Line`] = (v as { line: number }).line; continue; }
    if (k === 'stop' || k === 'record') {
      const s = v as StopRecord;
      out[`${k}.kind`] = s.kind;
      out[`${k}.line`] = s.at.line;
      out[`${k}.timeNs`] = s.time.toString();
      out[`${k}.instance`] = s.instance;
      for (const [id, c] of s.counters) out[`${k}.counter.${id}`] = c.toString();
      continue;
    }
    if ('at' in v && 'time' in v) {
      const o = v as { at: { line: number }; time: bigint; value?: bigint };
      out[`${k}.line`] = o.at.line;
      out[`${k}.timeNs`] = o.time.toString();
      if (o.value !== undefined) out[`${k}.value`] = o.value.toString();
    }
  }
  return out;
}

function labelOf(e: ReplayEvent): string {
  switch (e.kind) {
    case 'resumePoint': return `resume point: ${e.counterName} ${e.gAfter}, expected ${e.expected}`;
    case 'stop': return `${e.record.kind}: guest stopped`;
    case 'counterWrite': return `${e.counter} counter write ${e.value}${e.ignored ? ' (ignored)' : ''}: offset ${e.impliedOffset}`;
    case 'vcpuCreated': return `vcpu${e.vcpu} created${e.resetOffsets ? ', offsets reset' : ''}`;
    case 'guestStep': return `${e.counter} stepped ${e.before} → ${e.after}`;
    case 'tscWrite': return `TSC write ${e.value}${e.matched ? ' (matched)' : ''}: offset ${e.offset}`;
    case 'observation': return `${e.quantity} observed ${e.observed}, model ${e.predicted}`;
    case 'run': return e.firstOnInstance ? 'first KVM_RUN on this instance' : 'KVM_RUN';
    case 'stolenObserved': return `stolen time ${e.value} ns`;
    case 'clockSet': return 'kvmclock set';
    default: return e.kind;
  }
}

function eventWhere(e: ReplayEvent): { instance: string | null; vm: string | null; vcpu: number | null } {
  const inst = 'inst' in e && typeof e.inst === 'string' ? e.inst : null;
  const vcpu = 'vcpu' in e && typeof e.vcpu === 'number' ? e.vcpu : null;
  return { instance: inst, vm: inst ? inst.split('/')[1] : null, vcpu };
}

/**
 * Builds the timeline of lines `fromLine`..`toLine` while being fed every line from 0 (the clock
 * error's time line starts at each vCPU's first run, which may be earlier than `fromLine`).
 */
export class TimelineBuilder {
  private readonly timeLines = new GuestTimeLines();
  private readonly instances = new Map<string, TimelineInstance>();
  private readonly events: TimelineEvent[] = [];
  private readonly samples: ClockErrorSample[] = [];
  private hosts: Timeline['hosts'] = [];

  constructor(private readonly analysis: Analysis, readonly fromLine: number, readonly toLine: number) {}

  /** Feeds lines `from`..`to` (call with consecutive ranges starting at 0). */
  feed(from: number, to: number): void {
    this.analysis.replayRange(from, Math.min(to, this.toLine), (line, state, events) => this.visit(line, state, events));
  }

  private visit(line: number, state: ModelState, events: ReplayEvent[]): void {
    const node = this.analysis.doc.node(line);
    const stmt = node.kind === 'statement' ? node.statement : undefined;
    const inRange = line >= this.fromLine && line <= this.toLine;
    const t = state.time;
    for (const e of events) this.timeLines.track(e, state, t);
    if (!inRange) return;
    this.hosts = [...state.hosts.values()].map((h) => ({ name: h.name, arch: h.arch, freq: h.freq.toString() }));
    if (!stmt) return;
    for (const e of events) {
      if (HIDDEN.has(e.kind)) continue;
      const w = eventWhere(e);
      this.events.push({ line, timeNs: t.toString(), ...w, kind: e.kind, label: labelOf(e), values: valuesOf(e) });
    }
    this.lifecycle(line, stmt, t);
    this.noteInstance(line, stmt, state);
    this.sample(line, stmt, state, events);
  }

  private lifecycle(line: number, stmt: Statement, t: bigint): void {
    const b = stmt.body;
    const vm = stmt.where.vm?.value ?? null;
    const instance = vm ? `${stmt.where.host.value}/${vm}` : null;
    if (b.type === 'pause' || b.type === 'resume' || b.type === 'snapshot' || b.type === 'restore' || b.type === 'migrate') {
      const values: Record<string, TimelineValue> = { op: b.type };
      if (b.type === 'migrate') values.to = b.to.value;
      this.events.push({ line, timeNs: t.toString(), vm, instance, vcpu: null, kind: 'lifecycle', label: b.type === 'migrate' ? `migrate to ${b.to.value}` : b.type, values });
    } else if (b.type === 'note') {
      this.events.push({ line, timeNs: t.toString(), vm, instance, vcpu: stmt.where.vcpu?.value ?? null, kind: 'note', label: b.text.value, values: { text: b.text.value } });
    }
  }

  private noteInstance(line: number, stmt: Statement, state: ModelState): void {
    const vm = stmt.where.vm?.value;
    if (vm === undefined || !state.hosts.has(stmt.where.host.value)) return;
    const key = `${stmt.where.host.value}/${vm}`;
    const inst = state.instances.get(key);
    const entry = this.instances.get(key) ?? { key, host: stmt.where.host.value, vm, firstLine: line, lastLine: line, vcpus: [] };
    entry.lastLine = line;
    if (inst) entry.vcpus = [...new Set([...entry.vcpus, ...inst.vcpus.keys()])].sort((a, b) => a - b);
    this.instances.set(key, entry);
  }

  /** Samples the clock error of the running vCPUs of the statement's VM. */
  private sample(line: number, stmt: Statement, state: ModelState, events: ReplayEvent[]): void {
    const vm = stmt.where.vm?.value;
    if (vm === undefined) return;
    const g = state.guests.get(vm);
    const inst = g?.current ? state.instances.get(g.current) : undefined;
    const host = inst ? state.hosts.get(inst.host) : undefined;
    if (!inst || !host) return;
    const t = state.time;
    const stopped = events.find((e) => e.kind === 'stop');
    for (const v of [...inst.vcpus.values()].sort((a, b) => a.id - b.id)) {
      const a = this.timeLines.anchor(vm, v.id);
      if (!a) continue;
      let guest: bigint;
      if (v.running) guest = guestCounter(host, v, t);
      else if (stopped && stopped.kind === 'stop' && stopped.record.counters.has(v.id)) guest = stopped.record.counters.get(v.id)!;
      else continue;
      const expected = expectedAt(a, t);
      const err = signedDiff(guest, expected);
      this.samples.push({
        line, timeNs: t.toString(), vm, instance: inst.key, vcpu: v.id, counterName: host.arch === 'arm64' ? 'CNTVCT' : 'TSC',
        guest: guest.toString(), expected: expected.toString(), errorTicks: err.toString(), errorNs: nsOf(err, a.freq).toString(), freq: a.freq.toString(),
      });
    }
  }

  result(): Timeline {
    return {
      fromLine: this.fromLine, toLine: this.toLine, hosts: this.hosts,
      instances: [...this.instances.values()], events: this.events, samples: this.samples,
    };
  }
}

/** The whole timeline of lines `from`..`to`, synchronously. */
export function timeline(analysis: Analysis, from: number, to: number): Timeline {
  const b = new TimelineBuilder(analysis, Math.max(0, from), Math.min(to, analysis.doc.lineCount - 1));
  b.feed(0, b.toLine);
  return b.result();
}
