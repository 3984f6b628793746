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
  /** Guest timers by name (docs/timers.md#t4-editor-and-timeline; docs/cli.md): u64 values and times as decimal strings. */
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
  last_delivery: {
    line: number;
    time_ns: string;
    lateness_ns: string | null;
    early_ns: string | null;
    verdict: string;
  } | null;
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
export interface ValueView {
  decimal: string;
  hex: string;
  time: string;
}

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
  setBy: {
    virtualOffset: number | null;
    physicalOffset: number | null;
    trap: number | null;
    tscOffset: number | null;
    pvAddress: number | null;
  };
  /** The vCPU's guest timers as in `replay --format json` (docs/timers.md#t4-editor-and-timeline): `vtimer`, `ptimer`, … or `lapic`. */
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
  stop: {
    kind: 'pause' | 'migrate' | 'snapshot';
    line: number;
    timeNs: string;
    instance: string;
    counters: Record<string, string>;
  } | null;
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
  /** Timer tracks, one per guest timer of each vCPU row that the trace arms or delivers (docs/timers.md#t4-editor-and-timeline). */
  timers: TimerTrack[];
  /** vCPU rows with guest entries / exits (`kvm entry`, `kvm exit`): their run intervals come in the window. */
  runRows: string[];
  /** Lateness series, one per guest timer with judged deliveries (`vm/vcpuN/TIMER`, across instances). */
  lateness: LatenessSeriesInfo[];
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
  /** The timer tracks' armed intervals, deadlines, deliveries and losses in the range (docs/timers.md#t4-editor-and-timeline). */
  timers: TimerWindow;
  /** Guest entries / exits of the vCPU rows: every interval in range, or past the bound, per-row buckets. */
  runs: RunInterval[];
  runClusters: RunCluster[];
  /** Per lateness series (`vm/vcpuN/TIMER`): the judged deliveries in range plus the one just before and after. */
  lateness: Record<string, LatenessPoint[]>;
  /** Whether any part was reduced to stay within the bounds. */
  reduced: boolean;
}

// ---- the timeline webview: guest timers and guest mode (docs/timers.md#t4-editor-and-timeline) --------------------------

export type TimerTrackName = 'vtimer' | 'ptimer' | 'hvtimer' | 'hptimer' | 'lapic';

/** A guest timer of one vCPU row, drawn as its own track under that row. */
export interface TimerTrack {
  /** `host/vm/vcpuN/TIMER`. */
  id: string;
  /** The vCPU row it belongs to (`host/vm/vcpuN`). */
  vcpuRow: string;
  timer: TimerTrackName;
  /** For people: `vtimer (CNTV)`, `lapic timer`. */
  label: string;
  /** Its lateness series: `vm/vcpuN/TIMER`. */
  series: string;
  /** Over the whole trace: armings, deliveries by verdict, losses (HVT042 and dropped / cleared deadlines). */
  counts: { armed: number; deliveries: number; early: number; late: number; lost: number };
}

export interface LatenessSeriesInfo {
  /** `vm/vcpuN/TIMER`. */
  id: string;
  vm: string;
  vcpu: number;
  timer: TimerTrackName;
}

/**
 * How a delivery compares with the deadline it answers (docs/timers.md#t2-model, T3): `early` and `late` beyond
 * the tolerances, `on-time` within them, `unjudged` when no watched deadline explains it (KVM
 * re-raised the line for a compare value that already passed and was not re-armed, as in a storm).
 */
export type DeliveryVerdict = 'early' | 'on-time' | 'late' | 'unjudged';

/** A timer armed: from the statement that armed it to the delivery, disarm or re-arm that ended it. */
export interface TimerArmedSpan {
  track: string;
  fromNs: string;
  toNs: string;
  /** The statement that armed it (set the compare value or made the timer armable). */
  line: number;
  /** The statement that ended it; null when it is still armed at the end of its row. */
  endLine: number | null;
  end: 'fired' | 'disarmed' | 'rearmed' | 'reset' | 'open';
  /** The compare value: a counter value, or a reference time (ns) for one-shot / periodic LAPIC timers (`cmpIsTime`). */
  cmp: string;
  cmpIsTime: boolean;
  /** t_d when armed (reference ns). */
  deadlineNs: string;
}

/**
 * A deadline t_d: where an arming makes the timer fire (`armed`), or where an offset change moved it
 * on arm64, where KVM compares the compare value with the live counter (`moved`, `line` = the
 * statement that moved it). `shift` is HVT044's judgement of it: where the VM's policy says it should fire.
 */
export interface TimerDeadlineMark {
  track: string;
  kind: 'armed' | 'moved';
  timeNs: string;
  line: number;
  cmp: string;
  cmpIsTime: boolean;
  /** The arming statement and when it armed. */
  armedLine: number;
  armedNs: string;
  /** `moved`: t_d before the move. */
  previousNs: string | null;
  shift: {
    expectedNs: string;
    shiftNs: string;
    causeLine: number | null;
    reportedLine: number;
    reason: 'resume' | 'offset-change';
  } | null;
}

export interface TimerDeliveryMark {
  track: string;
  /** Its lateness series (`vm/vcpuN/TIMER`). */
  series: string;
  /** The delivery statement (`kvm timer_irq`, or a `kvm wait_lapic_expire` that stands for it). */
  line: number;
  timeNs: string;
  verdict: DeliveryVerdict;
  /** Signed: the delivery minus the deadline it answers (early negative), run-queue wait included; null when unjudged. */
  latenessNs: string | null;
  /** The part of the lateness the vCPU thread spent waiting on the host run queue (`sched wait`), which is not the timer's fault. */
  waitNs: string;
  /** The tolerance it was judged against (early or late), ns. */
  toleranceNs: string | null;
  /** The deadline it answers (or, early, the deadline in force), and the statement that armed it. */
  deadlineNs: string | null;
  armedLine: number | null;
  /** The line whose numbers judged it: the `kvm wait_lapic_expire` that measured the error, else the delivery. */
  judgedLine: number;
  /** The compare value and the timer's counter at the delivery, when known. */
  cmp: string | null;
  counter: string | null;
  /**
   * When HVT044 found the deadline it answers shifted (a wrong offset moved it): the delivery minus
   * where the VM's policy says the timer should fire — how late (or early) it is for the guest's time line.
   */
  policyLatenessNs: string | null;
}

/**
 * A deadline that never came: `lost` (HVT042: t_d passed by the lost tolerance while the vCPU ran,
 * placed where it counts as lost, t_d + tolerance), `dropped` (an IA32_TSC_DEADLINE KVM dropped: LVTT
 * not in TSC-deadline mode), `cleared` (KVM_SET_LAPIC cleared a deadline written before it, HVT045).
 */
export interface TimerLossMark {
  track: string;
  kind: 'lost' | 'dropped' | 'cleared';
  timeNs: string;
  /** Where the finding is: the arming statement (lost), the dropped write, the clearing KVM_SET_LAPIC. */
  line: number;
  deadlineNs: string | null;
  toleranceNs: string | null;
  cmp: string | null;
  /** The other statement involved: the KVM_SET_LAPIC that showed the drop, the deadline write that was cleared. */
  relatedLine: number | null;
}

/** Several deliveries, deadlines or losses of one track in one time bucket (level of detail). */
export interface TimerMarkCluster {
  track: string;
  kind: 'delivery' | 'deadline' | 'loss';
  fromNs: string;
  toNs: string;
  count: number;
  firstLine: number;
  lastLine: number;
  /** Deliveries by verdict (zeros for deadlines and losses). */
  verdicts: Record<DeliveryVerdict, number>;
  /** The smallest and largest judged lateness among the deliveries (signed ns), null when none is judged. */
  minLatenessNs: string | null;
  maxLatenessNs: string | null;
}

/** Several armed intervals of one track in one time bucket: how long the timer was armed in it. */
export interface TimerSpanCluster {
  track: string;
  fromNs: string;
  toNs: string;
  count: number;
  armedNs: string;
  firstLine: number;
}

export interface TimerWindow {
  /** Either every item in range, or (past `maxMarkers`) per-track buckets in the clusters. */
  spans: TimerArmedSpan[];
  spanClusters: TimerSpanCluster[];
  deadlines: TimerDeadlineMark[];
  deliveries: TimerDeliveryMark[];
  losses: TimerLossMark[];
  clusters: TimerMarkCluster[];
}

/** The vCPU in guest mode (`kvm entry` to `kvm exit`) or out of it (`kvm exit REASON` to the next entry). */
export interface RunInterval {
  row: string;
  inGuest: boolean;
  fromNs: string;
  toNs: string;
  /** The entry (in guest) or exit (out of guest) that started it. */
  fromLine: number;
  /** The statement that ended it; null when it lasts to the end of its row. */
  toLine: number | null;
  /** Out of guest: the exit reason; in guest: the reason of the exit that ended it (null: none). */
  reason: string | null;
}

/** Guest mode of one row over a time bucket, when its intervals are too many to draw one by one. */
export interface RunCluster {
  row: string;
  fromNs: string;
  toNs: string;
  /** Exits in the bucket. */
  exits: number;
  /** Time in guest mode within [fromNs, toNs] (ns). */
  guestNs: string;
  /** The most frequent exit reasons, most frequent first (at most 3). */
  reasons: { reason: string; count: number }[];
  firstLine: number;
}

/** One judged delivery on the lateness chart. */
export interface LatenessPoint {
  line: number;
  timeNs: string;
  /** Signed ns (early negative), run-queue wait included. */
  latenessNs: string;
  waitNs: string;
  verdict: DeliveryVerdict;
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
