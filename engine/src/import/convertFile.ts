// Converts one capture file: read its lines with the file's layout, rejoin wrapped lines, read the
// markers that describe the capture (clock, @host, counter samples), learn which thread runs which
// vCPU, then hand each event to its family's mapping module. Pure: text in, statements out.
import type { LineRecord, SourceRef, Stamp, TraceEvent } from './event';
import { decodesCompletely, finishMappers, mapperFor } from './families/registry';
import type { At, MapContext, MapOutcome } from './families/types';
import { markerMapper, markerText, parseMarker } from './families/marker';
import { namesIn } from './families/scheduler';
import { decodePvclock, decodeWriteTscOffset, pvclockFrequency } from './families/x86Clock';
import { u64 } from '../values/u64';
import { uprobeIsRun } from './families/uprobes';
import { ThreadIdentity } from './identity';
import { notATraceMessage } from './notATrace';
import { detectLayout, readLine, type Layout } from './readers';
import { isName, parseCounter, parseFrequency, parseTime } from '../values/parse';

export type LineStatus = 'used' | 'note' | 'ignored' | 'header' | 'blank' | 'unreadable' | 'lost' | 'continuation';

/** One generated statement: `WHERE ACTOR OPERATION …` at a time, from a capture line. */
export interface GeneratedItem {
  time: bigint;
  text: string;
  kind: 'statement' | 'note';
  src: SourceRef;
}

export type FreqSource = 'marker' | 'option' | 'pvclock' | 'assumed';

export interface HostHeader {
  name: string;
  arch: 'x86_64' | 'arm64';
  freq: bigint;
  freqFrom: FreqSource;
  /** The host counter at a time on the reference clock (counter-clock stamps, a sample marker, or the @host marker). */
  counter?: { value: bigint; time: bigint; from: 'stamps' | 'sample' | 'marker' | 'anchor' | 'creation' };
  /** Other `key=value` of the capture's @host marker (ecv, vhe, tsc_scaling, kernel). */
  extra: string[];
  /** The @host marker line, if the capture had one. */
  src?: SourceRef;
}

export interface FileConversion {
  index: number;
  name: string;
  layout: Layout;
  /** The trace clock the capture says it used (`hvtrace-capture clock=`), and how its stamps print. */
  clock?: string;
  stamps: 'ns' | 'counter';
  host: HostHeader;
  vm: string;
  directives: { text: string; src: SourceRef }[];
  items: GeneratedItem[];
  status: LineStatus[];
  events: number;
  /** Absolute counter values (timer deadlines, CVALs) appear, so an unknown counter reference matters. */
  usesCounterValues: boolean;
}

export interface FileInput {
  index: number;
  name: string;
  text: string;
  /** `--host NAME=FILE`: wins over the name of the capture's `hvtrace: @host NAME …` marker, which wins over `defaultHost`. */
  host?: string;
  defaultHost: string;
  freq?: bigint;
  vm: string;
}

const ARM64_EVENTS =
  /^(?:kvm_timer_|kvm_get_timer_map|kvm_wfx_arm64|kvm_hvc_arm64|kvm_sys_access|vgic_|trap_reg|kvm_handle_sys_reg)/;
const DEFAULT_FREQ = { x86_64: 1_000_000_000n, arm64: 25_000_000n } as const;
/** Trace clocks whose value is not a time (trace_clock_counter, jiffies). */
const NOT_TIME_CLOCKS = new Set(['counter', 'uptime']);

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

/** Rejoins a wrapped event line: the continuation is read as part of the body when that makes it decode. */
function rejoin(lines: string[], records: LineRecord[], status: LineStatus[]): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.kind !== 'event' || decodesCompletely(r.event)) continue;
    let body = r.event.body;
    for (let j = i + 1; j < records.length && j <= i + 3 && records[j].kind === 'unreadable'; j++) {
      const next = lines[j].trim();
      // A terminal wraps at its width (nothing lost); a mail client at a space (the space is lost).
      const candidates = [body + next, `${body} ${next}`];
      const joined = candidates.find((b) => decodesCompletely(r.event, b));
      body = candidates[1];
      if (joined === undefined) continue;
      r.event.body = joined;
      r.event.endLine = j;
      for (let k = i + 1; k <= j; k++) {
        records[k] = { kind: 'header' };
        status[k] = 'continuation';
      }
      break;
    }
  }
}

interface Prescan {
  clock?: string;
  hostName?: string;
  hostArgs: Map<string, string>;
  hostSrc?: SourceRef;
  sample?: { counter: bigint; event: TraceEvent };
  vmNames: Set<string>;
  reportsRuns: boolean;
  /** The KVM vendor module `hvtimer record` found (its `hvtrace: # … KVM vendor module NAME` marker). */
  vendor?: string;
  /** The trace clock `hvtimer record` says it used (its `# hvtimer record: trace clock X;` marker). */
  recorderClock?: string;
  /** `hvtimer record`'s anchors by seq: the stamps around the host TSC read, and the TSC. */
  anchors: Map<number, { start?: TraceEvent; end?: TraceEvent; tsc?: bigint }>;
}

function prescan(events: TraceEvent[], file: number): Prescan {
  const p: Prescan = { hostArgs: new Map(), vmNames: new Set(), reportsRuns: false, anchors: new Map() };
  for (const ev of events) {
    if (uprobeIsRun(ev)) p.reportsRuns = true;
    const text = markerText(ev);
    if (text === undefined) continue;
    const m = parseMarker(text);
    if (m.kind === 'capture') p.clock ??= m.fields.get('clock');
    else if (m.kind === 'comment') {
      // `hvtimer record`'s own account of the capture (recordings made before it wrote hvtrace-capture).
      p.vendor ??= /\bKVM vendor module (\w+)/.exec(m.text)?.[1];
      if (m.text.startsWith('hvtimer record: ')) p.recorderClock ??= /\btrace clock ([\w-]+);/.exec(m.text)?.[1];
    } else if (m.kind === 'anchor' || m.kind === 'anchorTsc') {
      const a = p.anchors.get(m.seq) ?? {};
      if (m.kind === 'anchorTsc') a.tsc = m.tsc;
      else if (m.end) a.end ??= ev;
      else a.start ??= ev;
      p.anchors.set(m.seq, a);
    } else if (m.kind === 'sample') p.sample ??= { counter: m.counter, event: ev };
    else if (m.kind === 'directive' && m.keyword === '@host') {
      p.hostSrc ??= { file, line: ev.line };
      const name = m.text.split(/\s+/)[1];
      if (name && isName(name) && !name.includes('=')) p.hostName ??= name;
      for (const w of m.text.split(/\s+/).slice(2))
        if (w.includes('=') && !p.hostArgs.has(w.slice(0, w.indexOf('='))))
          p.hostArgs.set(w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1));
    } else if (m.kind === 'statement') {
      const where = m.text.split(/\s+/)[0].split('/');
      if (where[1]) p.vmNames.add(where[1]);
      if (/\bioctl\s+(?:KVM_RUN|0xAE80)\b/i.test(m.text)) p.reportsRuns = true;
    }
  }
  p.clock ??= p.recorderClock;
  return p;
}

/** The tightest of the recorder's anchors: the TSC at the middle of its two stamps. */
function anchorOf(p: Prescan, timeOf: (ev: TraceEvent) => bigint): { value: bigint; time: bigint } | undefined {
  let best: { value: bigint; time: bigint; width: bigint } | undefined;
  for (const a of p.anchors.values()) {
    if (!a.start || !a.end || a.tsc === undefined) continue;
    const s = timeOf(a.start),
      e = timeOf(a.end);
    if (e < s || (best && e - s >= best.width)) continue;
    best = { value: a.tsc, time: (s + e) / 2n, width: e - s };
  }
  return best && { value: best.value, time: best.time };
}

function archOf(events: TraceEvent[], p: Prescan): 'x86_64' | 'arm64' {
  const marker = p.hostArgs.get('arch');
  if (marker === 'arm64' || marker === 'x86_64') return marker;
  return events.some(
    (e) =>
      ARM64_EVENTS.test(e.name) ||
      (e.name === 'kvm_entry' && /^PC: /.test(e.body)) ||
      (e.name === 'kvm_exit' && /_EC: /.test(e.body)),
  )
    ? 'arm64'
    : 'x86_64';
}

function frequency(
  events: TraceEvent[],
  p: Prescan,
  arch: 'x86_64' | 'arm64',
  option: bigint | undefined,
): { freq: bigint; from: FreqSource } {
  const marker = p.hostArgs.get('freq');
  const parsed = marker === undefined ? undefined : parseFrequency(marker);
  if (parsed?.ok) return { freq: parsed.value, from: 'marker' };
  if (option !== undefined) return { freq: option, from: 'option' };
  if (arch === 'x86_64') {
    for (const ev of events) {
      if (ev.name !== 'kvm_pvclock_update') continue;
      const d = decodePvclock(ev.body);
      const hz = d && pvclockFrequency(d);
      if (hz) return { freq: hz, from: 'pvclock' };
    }
  }
  return { freq: DEFAULT_FREQ[arch], from: 'assumed' };
}

// eslint-disable-next-line no-control-regex -- control characters in a note would corrupt the output
const CONTROL = /[\u0000-\u001f\u007f]/g;
const noteText = (ev: TraceEvent): string =>
  `${ev.name}: ${ev.body}`.replace(/#/g, '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

export function convertFile(input: FileInput): FileConversion | { error: string } {
  const lines = splitLines(input.text);
  const layout = detectLayout(lines);
  const status: LineStatus[] = new Array(lines.length).fill('unreadable');
  const records = lines.map((text, i) => readLine(text, layout, input.index, i));
  records.forEach((r, i) => {
    status[i] =
      r.kind === 'event'
        ? 'ignored'
        : r.kind === 'header'
          ? 'header'
          : r.kind === 'blank'
            ? 'blank'
            : r.kind === 'lost'
              ? 'lost'
              : 'unreadable';
  });
  rejoin(lines, records, status);
  const events = records.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
  if (events.length === 0) return { error: notATraceMessage(input.name, input.text) };

  // trace-cmd report of several .dat files prefixes each line with its file: the first is the host's.
  const hostSource = events[0].source;
  const isHostEvent = (ev: TraceEvent): boolean => ev.source === hostSource;
  const p = prescan(events, input.index);
  if (p.clock !== undefined && NOT_TIME_CLOCKS.has(p.clock)) {
    return {
      error: `${input.name} was recorded with the \`${p.clock}\` trace clock, which counts events (or jiffies), not time: record with mono, tai or x86-tsc (docs/capturing.md)`,
    };
  }
  const hostName = input.host ?? p.hostName ?? input.defaultHost;
  const arch = archOf(events, p);
  const { freq, from } = frequency(events, p, arch, input.freq);
  const counterStamps =
    events.filter((e) => e.stamp.kind === 'counter').length * 2 > events.length &&
    !(p.clock !== undefined && p.clock !== 'x86-tsc');
  const stamps = counterStamps ? 'counter' : 'ns';
  // With counter stamps (x86-tsc) the stamp is the host counter: time = stamp / freq.
  const timeOfStamp = (s: Stamp): bigint =>
    s.kind === 'ns' ? s.ns : counterStamps ? (s.value * 1_000_000_000n) / freq : s.value;
  const timeOf = (ev: TraceEvent): bigint => timeOfStamp(ev.stamp);

  const host: HostHeader = {
    name: hostName,
    arch,
    freq,
    freqFrom: from,
    src: p.hostSrc,
    extra: [...p.hostArgs]
      .filter(([k]) => k !== 'arch' && k !== 'freq' && k !== 'counter' && k !== 'assumed')
      .map(([k, v]) => `${k}=${v}`),
  };
  // PVM runs guests on the host's TSC and cannot scale it (KVM_CAP_TSC_CONTROL 0): a recording made
  // before the recorder wrote `tsc_scaling=` in its @host marker says so through its vendor module.
  if (arch === 'x86_64' && !p.hostArgs.has('tsc_scaling') && p.vendor === 'kvm_pvm') host.extra.push('tsc_scaling=0');
  const first = events.find((e) => e.stamp.kind === 'counter');
  if (counterStamps && first && first.stamp.kind === 'counter')
    host.counter = { value: first.stamp.value, time: timeOf(first), from: 'stamps' };
  else if (p.sample) host.counter = { value: p.sample.counter, time: timeOf(p.sample.event), from: 'sample' };
  else if (anchorOf(p, timeOf)) host.counter = { ...anchorOf(p, timeOf)!, from: 'anchor' };
  else if (p.hostArgs.has('counter')) {
    const [v, t] = p.hostArgs.get('counter')!.split('@');
    const value = parseCounter(v ?? ''),
      time = parseTime(t ?? '');
    if (value.ok && time.ok) host.counter = { value: value.value, time: time.value, from: 'marker' };
  }
  if (!host.counter && arch === 'x86_64') {
    // KVM_CREATE_VCPU writes a guest TSC of 0: the first vCPU's offset is 0 - host TSC (docs/format.md#62-x86-tsc item 1),
    // the first kvm_write_tsc_offset with prev=0. Later vCPUs match it, so only the first counts.
    const creation = events.find((e) => e.name === 'kvm_write_tsc_offset' && decodeWriteTscOffset(e.body)?.prev === 0n);
    const d = creation && decodeWriteTscOffset(creation.body);
    if (creation && d) host.counter = { value: u64(-d.next), time: timeOf(creation), from: 'creation' };
  }
  const vm = p.vmNames.size === 1 ? [...p.vmNames][0] : input.vm;

  const identity = new ThreadIdentity();
  const named = new Set<number>();
  for (const ev of events) {
    if (!isHostEvent(ev)) continue;
    if (ev.comm !== '<...>') identity.name(ev.pid, ev.comm);
    for (const n of namesIn(ev)) identity.name(n.pid, n.comm);
    const mapper = mapperFor(ev);
    const own = mapper?.threadVcpu?.(ev);
    if (own !== undefined) identity.learn(ev.pid, own);
    const n = mapper?.namedVcpu?.(ev);
    if (n !== undefined) named.add(n);
    if (ev.name === 'kvm_entry' || ev.name === 'kvm_exit') identity.guestThread(ev.pid);
  }
  identity.vcpusNamed(named);

  const names = new Set(events.map((e) => e.name));
  // Each item remembers the capture line it was placed at (`placed`): emitStatementAt inserts a
  // statement before what a given event and the later ones produced.
  const items: (GeneratedItem & { placed: number })[] = [];
  const directives: FileConversion['directives'] = [];
  const state = new Map<string, unknown>();
  const threadVm = new Map<number, string>();
  // The vCPU a thread runs now, as a VMM's own records say (its KVM_RUN): wins over `identity`,
  // which takes a thread's first evidence for all time (a VMM may run several vCPUs on one thread).
  const threadVcpu = new Map<number, number>();
  const byThread = new Map<number, TraceEvent[]>();
  for (const ev of events) {
    let list = byThread.get(ev.pid);
    if (!list) byThread.set(ev.pid, (list = []));
    list.push(ev);
  }
  /** The index of `ev` in its thread's events (by line: events are in line order). */
  const indexInThread = (ev: TraceEvent): { list: TraceEvent[]; i: number } => {
    const list = byThread.get(ev.pid) ?? [];
    let lo = 0,
      hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].line < ev.line) lo = mid + 1;
      else hi = mid;
    }
    return { list, i: lo };
  };
  const vmOf = (pid: number): string => threadVm.get(pid) ?? vm;
  const whereOf = (at: At, pid: number): string =>
    at === 'host' ? hostName : at === 'vm' ? `${hostName}/${vmOf(pid)}` : `${hostName}/${vmOf(pid)}/vcpu${at.vcpu}`;
  const kindOf = (text: string): GeneratedItem['kind'] => (/^\S+ vmm note\b/.test(text) ? 'note' : 'statement');
  const push = (ev: TraceEvent, text: string): void => {
    items.push({
      time: timeOf(ev),
      text,
      kind: kindOf(text),
      src: { file: input.index, line: ev.line },
      placed: ev.line,
    });
  };
  const ctx: MapContext = {
    arch,
    host: hostName,
    vm,
    vmmReportsRuns: p.reportsRuns,
    hostCounterKnown: host.counter !== undefined,
    threadVcpu: (ev) => threadVcpu.get(ev.pid) ?? identity.vcpuOf(ev.pid),
    vcpuOfThread: (pid) => threadVcpu.get(pid) ?? identity.vcpuOf(pid),
    emit: (ev, at, text) => push(ev, `${whereOf(at, ev.pid)} ${text}`),
    where: (ev, at) => whereOf(at, ev.pid),
    emitStatement: (ev, text) => push(ev, text),
    emitStatementAt: (anchor, text, src = anchor) => {
      // Before the items placed at the anchor's line or later, after earlier insertions at it.
      const placed = anchor.line - 0.5;
      let k = items.length;
      while (k > 0 && items[k - 1].placed > placed) k--;
      items.splice(k, 0, {
        time: timeOf(anchor),
        text,
        kind: kindOf(text),
        src: { file: input.index, line: src.line },
        placed,
      });
    },
    setThreadVm: (pid, name) => {
      threadVm.set(pid, name);
    },
    setThreadVcpu: (pid, vcpu) => {
      threadVcpu.set(pid, vcpu);
    },
    threadEventsBetween: (from, to) => {
      const { list, i } = indexInThread(from);
      const out: TraceEvent[] = [];
      for (let k = i + 1; k < list.length && list[k].line < to.line; k++) out.push(list[k]);
      return out;
    },
    previousThreadEvent: (ev) => {
      const { list, i } = indexInThread(ev);
      return i > 0 ? list[i - 1] : undefined;
    },
    timeOfCounter: (value) => {
      if (counterStamps) return timeOfStamp({ kind: 'counter', value });
      const c = host.counter;
      return c === undefined ? undefined : c.time + ((value - c.value) * 1_000_000_000n) / freq;
    },
    directive: (ev, text) => directives.push({ text, src: { file: input.index, line: ev.line } }),
    state: <T>(key: string, init: () => T): T => {
      if (!state.has(key)) state.set(key, init());
      return state.get(key) as T;
    },
    timeOf,
    has: (name) => names.has(name),
  };

  let lastEvent: TraceEvent | undefined;
  records.forEach((r, i) => {
    if (r.kind === 'lost') {
      const at = lastEvent ?? events.find((e) => e.line > i);
      if (at)
        items.push({
          time: timeOf(at),
          text: `${hostName}/${vm} vmm note ring buffer of CPU ${r.cpu} lost ${r.count ?? 'some'} events here: events are missing`,
          kind: 'note',
          src: { file: input.index, line: i },
          placed: i,
        });
      return;
    }
    if (r.kind !== 'event') return;
    const ev = r.event;
    lastEvent = ev;
    const mapper = isHostEvent(ev) ? mapperFor(ev) : markerText(ev) !== undefined ? markerMapper : undefined;
    let outcome: MapOutcome = mapper
      ? mapper.map(ev, ctx)
      : isHostEvent(ev) && /^kvm/.test(ev.name)
        ? 'note'
        : 'ignored';
    if (outcome === 'note') {
      push(ev, `${hostName}/${vm} vmm note ${noteText(ev)}`);
      outcome = 'note';
    }
    status[i] = outcome;
  });
  finishMappers(ctx);

  const usesCounterValues = items.some((it) =>
    / (?:kvm timer_state|guest write (?:IA32_TSC_DEADLINE|IA32_TSC|CNT[PV]_CVAL_EL0)|kvm wait_lapic_expire)\b/.test(
      it.text,
    ),
  );
  return {
    index: input.index,
    name: input.name,
    layout,
    clock: p.clock,
    stamps,
    host,
    vm,
    directives,
    items: items.map(({ placed: _placed, ...it }) => it),
    status,
    events: events.length,
    usesCounterValues,
  };
}
