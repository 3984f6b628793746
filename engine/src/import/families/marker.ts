// trace_marker lines (tracefs `tracing_mark_write: TEXT`, trace-cmd `print: tracing_mark_write:
// TEXT`): the way a VMM, a capture script or a person brings what only they know into a kernel
// capture, on the trace's own clock (docs/capturing.md):
// * `hvtrace: STATEMENT` — a .hvtrace statement without its TIME (the marker's stamp is its time;
//   the host of its WHERE is replaced by the capture's host); `hvtrace: @DIRECTIVE …` too;
//   `hvtrace: # TEXT` is copied into the generated header as a comment;
// * `hvtrace-capture clock=NAME` — which trace clock the capture used (merging captures);
// * `hvtimer-sample cnt=C` — the host counter read at the marker's time → `vmm sample counter=C`
//   (and the counter reference of the `@host` line); `hvtimer-sample tid=T schedstat=A B C` — a
//   vCPU thread's run_delay (B): its growth between samples is a `sched wait` when the capture
//   has no scheduler events;
// * `hvtrace-anchor…` — `hvtimer record`'s host TSC anchors on a non-TSC trace clock (the @host's counter=);
// * QEMU's ftrace trace backend (`vm_state_notify running 0|1 …`) → `vmm pause` / `vmm resume`.
// Any other marker is kept as a note.
import type { TraceEvent } from '../event';
import { decU64, anyU64 } from '../values';
import { vcpusLeftGuest } from './exits';
import type { EventMapper, MapContext, MapOutcome } from './types';

/** The text a marker event carries, or undefined when the event is not a marker. */
export function markerText(ev: TraceEvent): string | undefined {
  if (ev.name === 'tracing_mark_write') return ev.body.trim();
  if (ev.name === 'print')
    return ev.body.replace(/^(?:tracing_mark_write|0x[0-9a-fA-F]+|[0-9a-fA-F]{8,16}):\s?/, '').trim();
  return undefined;
}

export type Marker =
  | { kind: 'statement'; text: string }
  | { kind: 'directive'; keyword: string; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'capture'; fields: Map<string, string> }
  | { kind: 'sample'; counter: bigint }
  | { kind: 'schedstat'; tid: number; runDelay: bigint }
  | { kind: 'anchor'; seq: number; end: boolean }
  | { kind: 'anchorTsc'; seq: number; tsc: bigint }
  | { kind: 'vm_state'; running: boolean }
  | { kind: 'other' };

const TIME = /^[0-9]+(?:\.[0-9]{1,9})?$/;

export function parseMarker(text: string): Marker {
  let m = /^hvtrace:\s*(.*)$/.exec(text);
  if (m) {
    const t = m[1].trim();
    if (t === '' || t.startsWith('#')) return { kind: 'comment', text: t.replace(/^#\s*/, '') };
    if (t.startsWith('@')) return { kind: 'directive', keyword: t.split(/\s+/)[0], text: t };
    const words = t.split(/\s+/);
    // A statement written with its own TIME: the trace's stamp replaces it.
    const body = TIME.test(words[0]) && words.length > 2 ? words.slice(1).join(' ') : t;
    return { kind: 'statement', text: body };
  }
  m = /^hvtrace-capture\s+(.*)$/.exec(text);
  if (m)
    return {
      kind: 'capture',
      fields: new Map(
        m[1]
          .split(/\s+/)
          .filter((w) => w.includes('='))
          .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
      ),
    };
  m = /^hvtimer-sample\b.*\bcnt=(\S+)/.exec(text);
  if (m) {
    const c = anyU64(m[1]);
    if (c !== undefined) return { kind: 'sample', counter: c };
  }
  // `/proc/PID/task/TID/schedstat` is "%llu %llu %lu": sum_exec_runtime, run_delay, pcount.
  m = /^hvtimer-sample\b.*\btid=(\d+) schedstat=(\d+) (\d+) (\d+)/.exec(text);
  if (m) return { kind: 'schedstat', tid: Number(m[1]), runDelay: BigInt(m[3]) };
  // `hvtimer record` on a clock that is not the TSC (tai, mono): the host TSC was `tsc` at a time
  // between the stamps of `hvtrace-anchor seq=N` and `hvtrace-anchor-end seq=N` (docs/recording.md).
  m = /^hvtrace-anchor(-end)? seq=(\d+)$/.exec(text);
  if (m) return { kind: 'anchor', seq: Number(m[2]), end: m[1] !== undefined };
  m = /^hvtrace-anchor-tsc seq=(\d+) tsc=(\d+)$/.exec(text);
  if (m) return { kind: 'anchorTsc', seq: Number(m[1]), tsc: BigInt(m[2]) };
  m = /^vm_state_notify running (\d+)\b/.exec(text);
  if (m) return { kind: 'vm_state', running: decU64(m[1]) !== 0n };
  return { kind: 'other' };
}

/** A marker statement's WHERE with its host replaced by the capture's host. */
export function onHost(statement: string, host: string): string {
  const sp = statement.search(/\s/);
  const where = sp < 0 ? statement : statement.slice(0, sp);
  const rest = sp < 0 ? '' : statement.slice(sp);
  const slash = where.indexOf('/');
  return `${slash < 0 ? host : host + where.slice(slash)}${rest}`;
}

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  const text = markerText(ev);
  if (text === undefined) return 'note';
  const m = parseMarker(text);
  switch (m.kind) {
    case 'statement':
      ctx.emitStatement(ev, onHost(m.text, ctx.host));
      if (/^\S+ vmm (?:pause|restore|migrate|snapshot)\b/.test(m.text)) vcpusLeftGuest(ctx);
      return 'used';
    case 'directive':
      // `@host` and `@hvtrace` are folded into the generated header before conversion.
      if (m.keyword !== '@host' && m.keyword !== '@hvtrace') ctx.directive(ev, m.text);
      return 'used';
    case 'comment':
      // How the capture was made (the recorder's clock, frequency source, KVM vendor module): kept in the header.
      if (m.text !== '') ctx.directive(ev, `# ${m.text}`);
      return 'used';
    case 'capture':
    case 'anchor':
    case 'anchorTsc':
      return 'used';
    case 'sample':
      ctx.emit(ev, 'host', `vmm sample counter=${m.counter}`);
      return 'used';
    case 'schedstat': {
      // run_delay samples of a vCPU thread: their growth is its run-queue wait, unless the
      // scheduler events already give the waits (then these would count them twice).
      const vcpu = ctx.vcpuOfThread(m.tid);
      if (vcpu === undefined) return 'note';
      if (ctx.has('sched_stat_wait') || ctx.has('sched_switch')) return 'ignored';
      const last = ctx.state('schedstat', () => new Map<number, bigint>());
      const before = last.get(m.tid);
      last.set(m.tid, m.runDelay);
      if (before !== undefined && m.runDelay > before) ctx.emit(ev, { vcpu }, `sched wait ${m.runDelay - before}ns`);
      return 'used';
    }
    case 'vm_state': {
      const s = ctx.state('qemu-run-state', () => ({ paused: false }));
      if (!m.running) {
        s.paused = true;
        ctx.emit(ev, 'vm', 'vmm pause');
        vcpusLeftGuest(ctx);
        return 'used';
      }
      if (!s.paused) return 'ignored'; // the VM's first start is not a resume
      s.paused = false;
      ctx.emit(ev, 'vm', 'vmm resume');
      return 'used';
    }
    case 'other':
      return 'note';
  }
}

export const markerMapper: EventMapper = {
  family: 'trace_marker',
  events: ['tracing_mark_write', 'print'],
  decodes: () => true,
  map,
};
