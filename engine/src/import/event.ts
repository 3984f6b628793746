// The common shape of one trace event, whatever tool printed it (tracefs, trace-cmd report, perf
// script), and of the other lines a capture holds. Everything downstream (markers, identity, the
// mapping families) works on these, never on the raw text layout.

/** A timestamp as printed: seconds with 6 or 9 fractional digits (ns clocks), or an integer (counter clocks). */
export type Stamp = { kind: 'ns'; ns: bigint } | { kind: 'counter'; value: bigint };

export interface TraceEvent {
  /** Index of the input file. */
  file: number;
  /** 0-based line in that file (the first line of a rejoined wrapped line). */
  line: number;
  /** 0-based last line (after rejoining a wrapped line). */
  endLine: number;
  /** Thread name as printed: may hold spaces and `/`, be truncated to 15 chars, or be `<...>`. */
  comm: string;
  /** The thread id (tracefs/trace-cmd `-PID`, perf `TID`). */
  pid: number;
  cpu: number;
  stamp: Stamp;
  /** The event name without its system (`kvm_exit`, `sched_switch`, `tracing_mark_write`). */
  name: string;
  /** The text after `name:`, right-trimmed, with libtraceevent's plugin error prefixes removed. */
  body: string;
  /** trace-cmd multi-file prefix (`trace.dat`, `trace-guest.dat`), if any. */
  source?: string;
}

export type LineRecord =
  | { kind: 'event'; event: TraceEvent }
  /** Header and comment lines of the tools (`# tracer: nop`, `cpus=4`, `version = 6`, `CPU 3 is empty`). */
  | { kind: 'header' }
  | { kind: 'blank' }
  /** `CPU:%d [LOST %lu EVENTS]` (tracefs) / `CPU:%d [%lld EVENTS DROPPED]` (trace-cmd). */
  | { kind: 'lost'; cpu: number; count?: bigint }
  | { kind: 'unreadable' };

/** Where a generated line came from: a line of an input file (0-based). */
export interface SourceRef {
  file: number;
  line: number;
}
