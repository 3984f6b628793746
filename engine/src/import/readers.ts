// Line readers for the text layouts of docs/reference/real-captures.md#2-line-formats-of-the-tools-that-print-these-events and Appendix A: tracefs `trace` /
// `trace_pipe` (4/5/7-char latency flags or none, 5- and 7-wide pids, optional `(tgid)`),
// `trace-cmd report` (≤3.2 without flags, ≥3.3 with them, `-t` ns stamps, `-R` raw fields,
// `--ts-diff`, the multi-file `name: ` prefix, counter clocks' integer stamps) and `perf script`.
// The layout is detected per file; each line is read with that layout first, then the others.
import type { LineRecord, Stamp, TraceEvent } from './event';

export type Layout = 'tracefs' | 'trace-cmd' | 'perf-script';

/**
 * tracefs / trace-cmd: `[file: ]comm-pid [(tgid)] [cpu] [flags] ts: [(+diff)] event: body`. The comm
 * is greedy so the last `-digits` before the `[cpu]` is the pid (comms may end in `-digits`).
 * Flags: 4–7 latency characters (kernel `trace_print_lat_fmt`), or trace-cmd `-R`'s hex.
 */
const FTRACE =
  /^\s*(?:(\S+\.dat|\S+):\s+(?=\S.*-\d+\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[\d+\]))?(.+)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(?:[.a-zA-Z0-9]{4,7}|-?0x[0-9a-fA-F]+)\s+)?(\d+(?:\.\d+)?):\s+(?:\(\+\d+\)\s*)?([A-Za-z_][\w]*|0x[0-9a-fA-F]+):(?:\s+(.*))?$/;

/**
 * perf script (default tracepoint fields comm,tid,cpu,time,event,trace; `-F +pid` prints
 * `pid/tid`; guest samples may start with `VM:` / `VCPU:`): `comm tid [cpu] ts: sys:event: body`.
 */
const PERF =
  /^\s*(?:VM:\s*\d+\s+)?(?:VCPU:\s*\d+\s+)?(.+?)\s+(\d+)(?:\/(\d+))?\s+\[(\d+)\]\s+(\d+\.\d+):\s+([A-Za-z_]\w*):([A-Za-z_]\w*):(?:\s+(.*))?$/;

/** Header and comment lines of the tools (tracefs, trace-cmd report, perf script). */
const HEADER = /^\s*(?:#|(?:\S+:\s+)?cpus=\d+\s*$|version = \d+\s*$|CPU \d+ is empty\s*$|CPU\s*\d+ is empty)/;

const LOST = /^\s*(?:\S+:\s+)?CPU:\s*(\d+)\s+\[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED|EVENTS DROPPED)\]\s*$/;

/** libtraceevent's kvm plugin on arm64 prints its failure before the normal output (docs/reference/real-captures.md#22-trace-cmd-report-trace-cmd-v34-tracecmdtrace-readc-formatting-by-libtraceevent). */
const PLUGIN_ERROR = /^(?:<CANT FIND FIELD [^>]*>|CAN'T FIND FIELD "[^"]*")+/;

function stamp(text: string): Stamp {
  const dot = text.indexOf('.');
  if (dot < 0) return { kind: 'counter', value: BigInt(text) };
  const frac = text
    .slice(dot + 1)
    .slice(0, 9)
    .padEnd(9, '0');
  return { kind: 'ns', ns: BigInt(text.slice(0, dot)) * 1_000_000_000n + BigInt(frac) };
}

const cleanBody = (body: string | undefined): string => (body ?? '').replace(PLUGIN_ERROR, '').trimEnd();

function readFtrace(text: string, file: number, line: number): TraceEvent | undefined {
  const m = FTRACE.exec(text);
  if (!m) return undefined;
  return {
    file,
    line,
    endLine: line,
    source: m[1],
    comm: m[2].trim(),
    pid: Number(m[3]),
    cpu: Number(m[4]),
    stamp: stamp(m[5]),
    name: m[6],
    body: cleanBody(m[7]),
  };
}

function readPerf(text: string, file: number, line: number): TraceEvent | undefined {
  const m = PERF.exec(text);
  if (!m) return undefined;
  return {
    file,
    line,
    endLine: line,
    comm: m[1].trim(),
    pid: Number(m[3] ?? m[2]),
    cpu: Number(m[4]),
    stamp: stamp(m[5]),
    name: m[7],
    body: cleanBody(m[8]),
  };
}

const READERS: Record<Layout, typeof readFtrace> = {
  tracefs: readFtrace,
  'trace-cmd': readFtrace,
  'perf-script': readPerf,
};

/** One line with the file's layout first, then the others. */
export function readLine(text: string, layout: Layout, file: number, line: number): LineRecord {
  if (text.trim() === '') return { kind: 'blank' };
  const lost = LOST.exec(text);
  if (lost)
    return { kind: 'lost', cpu: Number(lost[1]), count: (lost[2] ?? lost[3]) ? BigInt(lost[2] ?? lost[3]) : undefined };
  if (HEADER.test(text)) return { kind: 'header' };
  const first = READERS[layout](text, file, line);
  if (first) return { kind: 'event', event: first };
  const other = layout === 'perf-script' ? readFtrace(text, file, line) : readPerf(text, file, line);
  return other ? { kind: 'event', event: other } : { kind: 'unreadable' };
}

/**
 * The layout of a file from its first lines: perf script if its event lines are perf's;
 * trace-cmd if it has trace-cmd's header (`cpus=`, `version =`) or pads event names to column
 * 20 the way `print_event_name` does; else tracefs.
 */
export function detectLayout(lines: readonly string[]): Layout {
  let perf = 0,
    ftrace = 0,
    padded = 0;
  let traceCmdHeader = false,
    tracefsHeader = false;
  for (const text of lines.slice(0, 400)) {
    if (/^\s*(?:\S+:\s+)?cpus=\d+\s*$|^version = \d+/.test(text)) traceCmdHeader = true;
    if (/^# tracer:/.test(text)) tracefsHeader = true;
    if (FTRACE.test(text)) {
      ftrace++;
      // print_event_name pads `name:` to 20 columns; the kernel prints one space.
      if (/\d: [A-Za-z_]\w{0,17}: {2,}\S/.test(text)) padded++;
    } else if (PERF.test(text)) perf++;
  }
  if (perf > ftrace) return 'perf-script';
  if (tracefsHeader) return 'tracefs';
  if (traceCmdHeader || (ftrace > 0 && padded * 2 >= ftrace)) return 'trace-cmd';
  return 'tracefs';
}
