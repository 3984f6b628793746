// The data the engine's state views, timeline and report produce (engine/src/{state,timeline,report}),
// as plain JSON-ready types: one definition shared by the engine (which builds them), the CLI, the
// language server and the client (which show them).
// Every u64 and every time in nanoseconds is a decimal string: such values do not fit a JSON number.
// Lines are 0-based. Types and the list of actors only: nothing here imports the engine, vscode or
// the LSP libraries.

// ---- the replay state (docs/cli.md `hvtimer replay --format json`: this shape is a contract) ---------

export interface VcpuReplayJson {
  guest_counter: string;
  virtual_offset: string | null;
  physical_offset: string | null;
  physical_trap: 'unknown' | 'on' | 'off' | null;
  tsc_offset: string | null;
  stolen_ns: string | null;
  /** Guest timers by name (timers.md T4; docs/cli.md): u64 values and times as decimal strings. */
  timers: Record<string, TimerSnapshot>;
}

/** One guest timer in `replay --format json` (built by engine/src/replay/timers/query.ts). */
export interface TimerSnapshot {
  /** arm64 CTL without ISTATUS, x86 LVTT; null while unknown. */
  ctl: string | null;
  /** arm64 CVAL, x86 TSC deadline, or the reference-time expiry of a one-shot / periodic LAPIC timer (cmp_is_time). */
  cmp: string | null;
  cmp_is_time: boolean;
  armable: boolean;
  /** When the guest counter reaches cmp, in reference ns. */
  deadline_ns: string | null;
  /** 1-based line of the statement that armed it. */
  armed_at_line: number | null;
  last_delivery: { line: number; time_ns: string; lateness_ns: string | null; early_ns: string | null; verdict: string } | null;
  /** x86 LAPIC timer only. */
  mode?: 'oneshot' | 'periodic' | 'tscdeadline';
  tmict?: string;
  tdcr?: string;
}

export interface ReplayJson {
  time: string;
  hosts: Record<string, { counter: string; freq: string }>;
  vms: Record<string, { host: string | null; running: boolean; vcpus: Record<string, VcpuReplayJson> }>;
}

// ---- a richer view of the state (hover, "Replay to here", the replay-state tree) --------------

/** A u64 shown three ways. `time` is the value as time at the relevant frequency (`10.000109000 s`). */
export interface ValueView { decimal: string; hex: string; time: string }

export interface VcpuView {
  id: number;
  running: boolean;
  everRan: boolean;
  /** 0-based line of KVM_CREATE_VCPU, null when the trace never created it. */
  createdLine: number | null;
  /** `CNTVCT` on arm64, `TSC` on x86_64. */
  counterName: 'CNTVCT' | 'TSC';
  /**
   * The guest counter of docs/format.md#64-resume-points-and-the-guest-time-line, at the host's frequency
   * (x86: the guest TSC frequency).
   */
  guestCounter: ValueView;
  /** The guest counter's frequency as the guest knows it (Hz). */
  guestFreq: string;
  // arm64
  cntpct: ValueView | null;
  virtualOffset: ValueView | null;
  physicalOffset: ValueView | null;
  physicalTrap: 'unknown' | 'on' | 'off' | null;
  // x86_64
  tscOffset: ValueView | null;
  tscKhz: string | null;
  tscAdjust: string | null;
  kvmclockCtrl: boolean | null;
  /** Stolen time (ns) in the vCPU's PV structure while its address is set on this instance. */
  stolenNs: string | null;
  pvAddress: string | null;
  /** 0-based lines of the statements that set each value (null: never set in the trace). */
  setBy: { virtualOffset: number | null; physicalOffset: number | null; trap: number | null; tscOffset: number | null; pvAddress: number | null };
  /** The vCPU's guest timers as in `replay --format json` (timers.md T4): `vtimer`, `ptimer`, … or `lapic`. */
  timers: Record<string, TimerSnapshot>;
}

export interface InstanceView {
  key: string;
  host: string;
  vm: string;
  generation: number;
  origin: 'fresh' | 'migration' | 'restore';
  originLine: number | null;
  /** This is the guest's current instance. */
  current: boolean;
  running: boolean;
  counterOffsetUsed: boolean;
  /** kvmclock in ns (x86_64, once set or observed). */
  kvmclock: ValueView | null;
  kvmclockSetLine: number | null;
  vcpus: VcpuView[];
}

export interface HostView {
  name: string;
  arch: 'arm64' | 'x86_64';
  freq: string;
  counter: ValueView;
  /** The host can offset the physical counter in hardware (ecv=2 and vhe=1). */
  cntpoff: boolean;
  kernel: string | null;
  declaredLine: number;
}

export interface GuestView {
  name: string;
  policy: 'advance' | 'freeze';
  currentInstance: string | null;
  started: boolean;
  /**
   * The pending stop (G_before, t_pause of docs/format.md#64-resume-points-and-the-guest-time-line) while the
   * guest has not resumed on every vCPU.
   */
  stop: { kind: 'pause' | 'migrate' | 'snapshot'; line: number; timeNs: string; instance: string; counters: Record<string, string> } | null;
}

export interface StateView {
  /** 0-based line of the last replayed line (-1 before the first). */
  line: number;
  /** Reference time of the last statement, seconds (`20.600100000`) and ns (decimal string). */
  time: string;
  timeNs: string;
  tolerance: string;
  hosts: HostView[];
  guests: GuestView[];
  instances: InstanceView[];
}

// ---- the timeline webview: the whole document at a glance (hvtimer/timelineOverview) ----------

/** Who acts in a statement (docs/format.md#4-statements). */
export type Actor = 'ioctl' | 'guest' | 'kvm' | 'sched' | 'vmm';
/** Every actor, in the format's order (the parser's, the timeline index's and the legend's). */
export const ACTORS: readonly Actor[] = ['ioctl', 'guest', 'kvm', 'sched', 'vmm'];

export type FindingSeverity = 'error' | 'warning' | 'info' | 'hint';

/**
 * What an instance (or one of its vCPUs) is doing over an interval: `setup` (created, not run yet),
 * `running`, `paused` (stopped by a pause or snapshot, or not yet resumed), `gone` (the guest left it:
 * migrated away, or a restore replaced it — drawn only up to the instance's last statement).
 */
export type Phase = 'setup' | 'running' | 'paused' | 'gone';

export interface PhaseInterval {
  phase: Phase;
  /** Reference time (ns) and 0-based line where the phase starts and ends; the end is exclusive. */
  fromNs: string;
  toNs: string;
  fromLine: number;
  toLine: number;
}

/** One row of the timeline: a VM instance (`src/vm1`) or one of its vCPUs (`src/vm1/vcpu0`). */
export interface TimelineRow {
  /** `host/vm` or `host/vm/vcpuN`: the statement's WHERE column. */
  id: string;
  kind: 'instance' | 'vcpu';
  /** For people: `vm1 on src`, `vcpu0`. */
  label: string;
  host: string;
  vm: string;
  instance: string;
  vcpu: number | null;
  /** The instance's generation (a VM may come back to a host as a new KVM VM). */
  generation: number;
  origin: 'fresh' | 'migration' | 'restore';
  intervals: PhaseInterval[];
}

/** The guest moved from one instance to another: a migration or a restore from a snapshot. */
export interface Handoff {
  kind: 'migrate' | 'restore';
  vm: string;
  from: string;
  to: string;
  /** The stop that recorded G_before (the pause, else the migrate / snapshot statement). */
  stopLine: number;
  stopNs: string;
  /** The `vmm migrate` / `vmm restore` statement. */
  line: number;
  timeNs: string;
  /** The destination's first resume point for that stop, once it happened. */
  resumeLine: number | null;
  resumeNs: string | null;
}

/** A chart series of one guest vCPU (`vm1/vcpu0`): it follows the guest across instances. */
export interface SeriesInfo {
  /** `vm/vcpuN`. */
  id: string;
  vm: string;
  vcpu: number;
  counterName: 'CNTVCT' | 'TSC';
  /** Whether the trace gives this vCPU clock-error samples / stolen-time samples / scheduler waits. */
  clockError: boolean;
  stolen: boolean;
}

export interface TimelineOverview {
  name: string;
  lineCount: number;
  statementCount: number;
  /** First and last statement: reference time (ns) and line. Null without statements. */
  extent: { startNs: string; endNs: string; firstLine: number; lastLine: number } | null;
  hosts: { name: string; arch: 'arm64' | 'x86_64'; freq: string }[];
  rows: TimelineRow[];
  handoffs: Handoff[];
  series: SeriesInfo[];
  /**
   * Statement lines and their times, in file order: every statement for small traces, else an even
   * subset (at most `LINE_INDEX_LIMIT` entries), so a line maps to a time and back without a request.
   */
  lineIndex: { line: number; timeNs: string }[];
  /** Findings by severity (after settings and suppressions). */
  findings: Record<FindingSeverity, number>;
}

// ---- the timeline webview: a visible time range at bounded size (hvtimer/timelineWindow) -------

/** One statement drawn on its row. */
export interface TimelineMarker {
  line: number;
  timeNs: string;
  row: string;
  actor: Actor;
  /** The operation (`KVM_RUN`, `read`, `pause`, …). */
  op: string;
  /** The statement's source text (without its comment), shown as text, never as HTML. */
  text: string;
  /** The worst finding on this line, if any. */
  severity: FindingSeverity | null;
}

/** Several statements of one row in one time bucket, when there are too many to draw one by one. */
export interface MarkerCluster {
  row: string;
  fromNs: string;
  toNs: string;
  count: number;
  firstLine: number;
  lastLine: number;
  actors: Actor[];
  severity: FindingSeverity | null;
}

/** A finding placed in time on its statement's row (null row: a directive or host statement). */
export interface TimelineFinding {
  line: number;
  timeNs: string;
  row: string | null;
  code: string;
  severity: FindingSeverity;
  message: string;
}

export interface FindingCluster {
  row: string | null;
  fromNs: string;
  toNs: string;
  count: number;
  firstLine: number;
  severity: FindingSeverity;
  codes: string[];
}

/**
 * The guest clock error of one vCPU after a statement: its guest counter, the time line it should
 * follow (anchored at the vCPU's first run, advancing at the guest's frequency, through downtime too
 * under policy `advance`, not under `freeze`), their signed difference in ticks and as ns at `freq`.
 */
export interface ClockErrorPoint {
  line: number;
  timeNs: string;
  instance: string;
  guest: string;
  expected: string;
  errorTicks: string;
  errorNs: string;
  freq: string;
}

/** Stolen time of one guest vCPU after a statement, and the scheduler waits of its threads so far. */
export interface StolenPoint {
  line: number;
  timeNs: string;
  instance: string;
  /** Stolen time in the guest's structure (ns). */
  stolenNs: string;
  /** Sum of the `sched wait` durations of this guest vCPU's threads so far (ns). */
  waitedNs: string;
}

/** A `sched wait D` at time t: the vCPU thread was runnable but not running over [t, t + D). */
export interface SchedWait {
  line: number;
  row: string;
  series: string;
  fromNs: string;
  toNs: string;
  durationNs: string;
  /** More than one wait merged into this bar (level of detail). */
  count: number;
}

export interface TimelineWindow {
  /** The requested time range (ns), clamped to the trace. */
  fromNs: string;
  toNs: string;
  /** Either every statement in the range (`markers`) or, past the bound, per-row buckets (`clusters`). */
  markers: TimelineMarker[];
  clusters: MarkerCluster[];
  findings: TimelineFinding[];
  findingClusters: FindingCluster[];
  /** Per series id (`vm/vcpuN`): the samples in range plus the one just before and after it. */
  clockError: Record<string, ClockErrorPoint[]>;
  stolen: Record<string, StolenPoint[]>;
  waits: SchedWait[];
  /** Whether any part was reduced to stay within the bounds. */
  reduced: boolean;
}

// ---- the report (hvtimer/report: "Replay trace" and "Export report") --------------------------

export interface ReportFinding {
  code: string;
  severity: FindingSeverity;
  message: string;
  /** 0-based line (the Markdown shows it 1-based). */
  line: number;
  timeNs: string | null;
}

export interface ReportInstance {
  key: string;
  host: string;
  origin: 'fresh' | 'migration' | 'restore';
  firstNs: string;
  lastNs: string;
  /** Time spent in each phase on this instance (ns), up to its last statement. */
  runningNs: string;
  pausedNs: string;
  vcpus: number[];
}

export interface ReportVcpu {
  vcpu: number;
  counterName: 'CNTVCT' | 'TSC';
  /** The clock error at the last sample and the largest one in magnitude (ns, at the guest frequency). */
  finalErrorNs: string | null;
  worstErrorNs: string | null;
  worstErrorLine: number | null;
  stolenNs: string | null;
  waitedNs: string | null;
}

export interface ReportVm {
  name: string;
  policy: 'advance' | 'freeze';
  instances: ReportInstance[];
  migrations: number;
  restores: number;
  vcpus: ReportVcpu[];
}

export interface Report {
  name: string;
  lineCount: number;
  extent: TimelineOverview['extent'];
  vms: ReportVm[];
  /** Every VM's vCPUs (the guest's vCPUs, not per instance). */
  vcpuCount: number;
  migrationCount: number;
  findings: ReportFinding[];
  findingsBySeverity: Record<FindingSeverity, number>;
}
