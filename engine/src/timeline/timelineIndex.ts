// One pass over a document that keeps, compactly, what the timeline webview draws: each statement's
// time, row and actor; each row's phases (setup, running, paused, gone); the handoffs between
// instances; per guest vCPU the clock error and the stolen time where they change; scheduler waits;
// the lines that change the model state. The overview and the visible-range reads (overview.ts,
// window.ts) read it without replaying, so a visible-range request costs a binary search
// and a bounded walk, however long the trace.
import type { Analysis } from '../analysis';
import { guestCounter } from '../replay/clock';
import type { ReplayEvent } from '../replay/events';
import type { GuestState, InstanceState, ModelState } from '../replay/state';
import type { LineNode, Statement } from '../syntax/ast';
import { signedDiff } from '../values/u64';
import { expectedAt, GuestTimeLines } from './guestTimeLine';
import { nsOfTicks } from '../values/units';
import { stolenConfigured } from '../replay/stolen';
import { ACTORS, type Handoff, type Phase, type PhaseInterval, type TimelineRow } from '../../../protocol/views';
import { guestVcpuKey, instanceKey, vcpuKey } from '../../../protocol/instanceKey';
import { TimerRowsBuilder, type TimerRowsIndex, type TimerRowsMark } from './timerRows';

/** A row id: the instance key, or `host/vm/vcpuN` for one of its vCPUs. */
const rowId = (instance: string, vcpu: number | null): string => (vcpu === null ? instance : vcpuKey(instance, vcpu));

export interface ClockErrorEntry {
  line: number;
  t: bigint;
  instance: string;
  guest: bigint;
  expected: bigint;
  error: bigint;
  errorNs: bigint;
  freq: bigint;
}
export interface StolenEntry {
  line: number;
  t: bigint;
  instance: string;
  stolen: bigint;
  waited: bigint;
}
export interface WaitEntry {
  line: number;
  row: string;
  series: string;
  t: bigint;
  duration: bigint;
}
export interface StateChangeEntry {
  line: number;
  what: string;
}
export interface SeriesEntry {
  id: string;
  vm: string;
  vcpu: number;
  counterName: 'CNTVCT' | 'TSC';
  clockError: ClockErrorEntry[];
  stolen: StolenEntry[];
}

/**
 * Keeps the first and the last point of each run of equal points: a step chart drawn from them is
 * the same as from every point, and a trace whose clock error never changes costs two points.
 */
class ChangePoints<P> {
  constructor(
    private readonly same: (a: P, b: P) => boolean,
    readonly points: P[] = [],
    private pending: P | undefined = undefined,
  ) {}

  /** What a copy needs to go on from here: the points so far (only ever appended to) and the pending one. */
  mark(): { length: number; pending: P | undefined } {
    return { length: this.points.length, pending: this.pending };
  }

  /** A copy that goes on from `mark` (points are immutable, so the prefix is shared element-wise). */
  copyAt(mark: { length: number; pending: P | undefined }): ChangePoints<P> {
    return new ChangePoints(this.same, this.points.slice(0, mark.length), mark.pending);
  }

  add(p: P): void {
    const last = this.points.at(-1);
    if (last !== undefined && this.same(last, p)) {
      this.pending = p;
      return;
    }
    this.flush();
    this.points.push(p);
  }

  flush(): void {
    if (this.pending !== undefined) this.points.push(this.pending);
    this.pending = undefined;
  }
}

interface RowState {
  row: TimelineRow;
  phase: Phase | null;
  since: { line: number; t: bigint };
  lastLine: number;
  lastT: bigint;
  /** The guest has been on this instance (so leaving it makes it `gone`, not `setup`). */
  wasCurrent: boolean;
}

interface SeriesState {
  entry: SeriesEntry;
  clock: ChangePoints<ClockErrorEntry>;
  stolen: ChangePoints<StolenEntry>;
  waited: bigint;
  lastStolen: bigint | undefined;
}

const LIFECYCLE = new Set(['pause', 'resume', 'migrate', 'snapshot', 'restore', 'create_vcpu']);
/** Statements that set something in the model whatever events they produce. */
const WRITES: Record<string, string> = {
  set_counter_offset: 'counter offset',
  set_clock: 'kvmclock set',
  kvmclock_ctrl: 'KVM_KVMCLOCK_CTRL',
  set_tsc_khz: 'TSC frequency',
  set_system_counter_state: 'counter offset',
  set_tsc_state: 'TSC state',
  kvm_write: 'hypervisor register',
  write_tsc_offset: 'TSC offset',
  kvm_traps: 'trap state',
  pause: 'pause',
  resume: 'resume',
  migrate: 'migrate',
  snapshot: 'snapshot',
  restore: 'restore',
};

/** What a replay event changed, for "Step to next state change" (undefined: nothing the state shows). */
function changeOf(e: ReplayEvent): string | undefined {
  switch (e.kind) {
    case 'vcpuCreated':
      return 'vCPU created';
    case 'counterWrite':
      return e.ignored ? undefined : 'counter write';
    case 'tscWrite':
      return 'TSC write';
    case 'guestStep':
      return 'guest counter stepped';
    case 'resumePoint':
      return 'resume point';
    case 'trapChange':
      return 'trap state';
    case 'pvAddress':
      return e.accepted ? 'stolen-time address' : undefined;
    case 'clockSet':
      return 'kvmclock set';
    case 'run':
      return e.firstOnInstance ? 'first KVM_RUN' : undefined;
    case 'msrWrite':
      return 'MSR write';
    default:
      return undefined;
  }
}

const phaseOfInstance = (inst: InstanceState, g: GuestState | undefined, wasCurrent: boolean): Phase => {
  if (inst.running) return 'running';
  const ran = [...inst.vcpus.values()].some((v) => v.everRan);
  if (g?.current === inst.key) return ran ? 'paused' : 'setup';
  return ran || wasCurrent ? 'gone' : 'setup';
};

export class TimelineIndex {
  constructor(
    /** Statement lines in file order, with their times, rows (`-1`: none) and actors (index into ACTORS). */
    readonly lines: readonly number[],
    readonly times: readonly bigint[],
    readonly rowOf: readonly number[],
    readonly actorOf: readonly number[],
    /** Statement indices sorted by time (file order when the trace is in order). */
    readonly byTime: Int32Array,
    readonly rowIds: readonly string[],
    readonly rows: readonly TimelineRow[],
    readonly handoffs: readonly Handoff[],
    readonly series: readonly SeriesEntry[],
    readonly waits: readonly WaitEntry[],
    readonly stateChanges: readonly StateChangeEntry[],
    readonly hosts: readonly { name: string; arch: 'arm64' | 'x86_64'; freq: string }[],
    readonly lineCount: number,
    /** Timer tracks and guest-mode intervals (timerRows.ts). */
    readonly timers: TimerRowsIndex,
  ) {}

  get statementCount(): number {
    return this.lines.length;
  }

  /** Index of the statement at `line`, or of the last statement before it (-1: none). */
  statementAtOrBefore(line: number): number {
    let lo = 0;
    let hi = this.lines.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid] <= line) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Reference time of a line: its statement's, else the previous statement's (null before any). */
  timeOfLine(line: number): bigint | null {
    const i = this.statementAtOrBefore(line);
    return i < 0 ? null : this.times[i];
  }

  /** First position in `byTime` whose time is >= t. */
  lowerBound(t: bigint): number {
    let lo = 0;
    let hi = this.byTime.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[this.byTime[mid]] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position in `byTime` whose time is > t. */
  upperBound(t: bigint): number {
    let lo = 0;
    let hi = this.byTime.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[this.byTime[mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get startNs(): bigint | null {
    return this.byTime.length ? this.times[this.byTime[0]] : null;
  }
  get endNs(): bigint | null {
    return this.byTime.length ? this.times[this.byTime[this.byTime.length - 1]] : null;
  }
}

/**
 * What a builder had before feeding `line`: the lengths of what it only appends to, and copies of
 * what it changes in place. Lines before `line` replay the same after any edit from `line` on, so a
 * builder for the edited document can start here instead of at line 0.
 */
interface Checkpoint {
  line: number;
  statements: number;
  rowIds: number;
  rows: { id: string; state: Omit<RowState, 'row'>; intervals: number }[];
  /** Handoffs get their resume point later, so they are copied whole. */
  handoffs: Handoff[];
  series: {
    id: string;
    counterName: SeriesEntry['counterName'];
    clock: ReturnType<ChangePoints<ClockErrorEntry>['mark']>;
    stolen: ReturnType<ChangePoints<StolenEntry>['mark']>;
    waited: bigint;
    lastStolen: bigint | undefined;
  }[];
  waits: number;
  stateChanges: number;
  timeLines: GuestTimeLines;
  hosts: TimelineIndex['hosts'];
  inOrder: boolean;
  timers: TimerRowsMark;
}

/** Lines between two checkpoints of a builder. */
export const CHECKPOINT_LINES = 20_000;

export class TimelineIndexBuilder {
  private lines: number[] = [];
  private times: bigint[] = [];
  private rowOf: number[] = [];
  private actorOf: number[] = [];
  private readonly rowStates = new Map<string, RowState>();
  private readonly rowIndexes = new Map<string, number>();
  /** The instance rows of each VM (a lifecycle statement updates only its VM's rows). */
  private readonly vmInstances = new Map<string, string[]>();
  private rowIds: string[] = [];
  private handoffs: Handoff[] = [];
  private readonly series = new Map<string, SeriesState>();
  private waits: WaitEntry[] = [];
  private stateChanges: StateChangeEntry[] = [];
  private timeLines = new GuestTimeLines();
  private hosts: TimelineIndex['hosts'] = [];
  private inOrder = true;
  private timers = new TimerRowsBuilder();
  private readonly checkpoints: Checkpoint[] = [];
  /** The next line to feed. */
  private next = 0;

  constructor(
    private readonly analysis: Analysis,
    private readonly checkpointLines = CHECKPOINT_LINES,
  ) {}

  /** The first line this builder still needs (`feed` it from there to the end). */
  get nextLine(): number {
    return this.next;
  }

  /**
   * A builder for `analysis` that starts from `previous`'s last checkpoint at or before `firstChange`,
   * the first line whose replay may differ (Analysis.firstChangeSince). `previous` is left as it was.
   */
  static resume(analysis: Analysis, previous: TimelineIndexBuilder, firstChange: number): TimelineIndexBuilder {
    const b = new TimelineIndexBuilder(analysis, previous.checkpointLines);
    let start: Checkpoint | undefined;
    for (const s of previous.checkpoints) if (s.line <= Math.min(firstChange, previous.next)) start = s;
    if (!start) return b;
    b.next = start.line;
    b.lines = previous.lines.slice(0, start.statements);
    b.times = previous.times.slice(0, start.statements);
    b.rowOf = previous.rowOf.slice(0, start.statements);
    b.actorOf = previous.actorOf.slice(0, start.statements);
    b.rowIds = previous.rowIds.slice(0, start.rowIds);
    b.rowIds.forEach((id, i) => b.rowIndexes.set(id, i));
    for (const r of start.rows) {
      const row = previous.rowStates.get(r.id)!.row;
      b.rowStates.set(r.id, { ...r.state, row: { ...row, intervals: row.intervals.slice(0, r.intervals) } });
      if (row.kind === 'instance') b.noteInstanceRow(row.vm, r.id);
    }
    b.handoffs = start.handoffs.map((h) => ({ ...h }));
    for (const s of start.series) {
      const from = previous.series.get(s.id)!;
      b.series.set(s.id, {
        entry: { ...from.entry, counterName: s.counterName, clockError: [], stolen: [] },
        clock: from.clock.copyAt(s.clock),
        stolen: from.stolen.copyAt(s.stolen),
        waited: s.waited,
        lastStolen: s.lastStolen,
      });
    }
    b.waits = previous.waits.slice(0, start.waits);
    b.stateChanges = previous.stateChanges.slice(0, start.stateChanges);
    b.timeLines = start.timeLines.clone();
    b.hosts = start.hosts;
    b.inOrder = start.inOrder;
    b.timers = previous.timers.copyAt(start.timers);
    b.checkpoints.push(...previous.checkpoints.filter((s) => s.line <= start.line));
    return b;
  }

  /** Feeds lines `from`..`to`; call with consecutive ranges starting at `nextLine`. */
  feed(from: number, to: number): void {
    this.analysis.replayRange(from, to, (line, state, events, node) => {
      if (line === this.next) this.take(line, state, events, node);
    });
  }

  /**
   * Builds from the analysis's own replay (Analysis.observe) instead of replaying the trace again
   * (issue #17): each line the analysis replays next in order is taken, so the index is ready when
   * the diagnostics are. At the first line out of order (an edit, a replay that rejoined an earlier
   * one) it lets go, and `feed` does the rest. Returns the function that detaches it.
   */
  attach(): () => void {
    const detach = this.analysis.observe((line, state, events, node) => {
      if (line === this.next) this.take(line, state, events, node);
      else detach();
    });
    return detach;
  }

  private take(line: number, state: ModelState, events: ReplayEvent[], node: LineNode): void {
    if (
      line % this.checkpointLines === 0 &&
      line - (this.checkpoints.at(-1)?.line ?? -Infinity) >= this.checkpointCost()
    )
      this.checkpoint(line);
    this.visit(line, state, events, node);
    this.next = line + 1;
  }

  /**
   * About how many objects a checkpoint copies. A checkpoint is taken only after at least this many
   * lines since the previous one, so a trace with a new VM on every line (a row per line) does not
   * copy O(lines²) rows (issue #15).
   */
  private checkpointCost(): number {
    return this.rowStates.size + this.handoffs.length + 2 * this.series.size;
  }

  private checkpoint(line: number): void {
    if (this.checkpoints.at(-1)?.line === line) return;
    this.checkpoints.push({
      line,
      statements: this.lines.length,
      rowIds: this.rowIds.length,
      rows: [...this.rowStates].map(([id, { row, ...state }]) => ({ id, state, intervals: row.intervals.length })),
      handoffs: this.handoffs.map((h) => ({ ...h })),
      series: [...this.series].map(([id, s]) => ({
        id,
        counterName: s.entry.counterName,
        clock: s.clock.mark(),
        stolen: s.stolen.mark(),
        waited: s.waited,
        lastStolen: s.lastStolen,
      })),
      waits: this.waits.length,
      stateChanges: this.stateChanges.length,
      timeLines: this.timeLines.clone(),
      hosts: this.hosts,
      inOrder: this.inOrder,
      timers: this.timers.mark(),
    });
  }

  private visit(line: number, state: ModelState, events: ReplayEvent[], node: LineNode): void {
    if (node.kind === 'directive' && node.directive.type === 'host') {
      this.hosts = [...state.hosts.values()].map((h) => ({ name: h.name, arch: h.arch, freq: h.freq.toString() }));
    }
    if (node.kind !== 'statement') return;
    const stmt = node.statement;
    const t = state.time;
    for (const e of events) this.timeLines.track(e, state, t);
    if (this.times.length && t < this.times[this.times.length - 1]) this.inOrder = false;
    const row = this.noteRows(line, stmt, state, events, t);
    this.lines.push(line);
    this.times.push(t);
    this.rowOf.push(row);
    this.actorOf.push(ACTORS.indexOf(stmt.actor.value));
    this.timers.visit(line, stmt, state, events, t, (l) => this.timeOfFedLine(l));
    const vm = stmt.where.vm?.value;
    if (vm === undefined || !state.hosts.has(stmt.where.host.value)) return;
    const changes: string[] = [];
    let lifecycle = LIFECYCLE.has(stmt.body.type);
    for (const e of events) {
      const c = changeOf(e);
      if (c && !changes.includes(c)) changes.push(c);
      if (e.kind === 'run' || e.kind === 'stop' || e.kind === 'vcpuCreated') lifecycle = true;
    }
    const write = WRITES[stmt.body.type];
    if (write && stmt.result?.kind !== 'errno' && !changes.includes(write)) changes.push(write);
    if (lifecycle) this.updatePhases(state, vm, line, t);
    this.handoff(line, stmt, state, events, t);
    if (stmt.body.type === 'sched_wait' && stmt.where.vcpu) {
      const id = stmt.where.vcpu.value;
      const s = this.seriesState(state, vm, id);
      s.waited += stmt.body.duration.value;
      this.waits.push({
        line,
        row: rowId(instanceKey(stmt.where.host.value, vm), id),
        series: s.entry.id,
        t,
        duration: stmt.body.duration.value,
      });
    }
    if (this.sample(line, stmt, state, events, vm)) changes.push('stolen time');
    if (changes.length) this.stateChanges.push({ line, what: changes.join(', ') });
  }

  /** The time of the statement on `line` among those fed so far (undefined: no statement there). */
  private timeOfFedLine(line: number): bigint | undefined {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid] === line) return this.times[mid];
      if (this.lines[mid] < line) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Creates the rows a statement mentions; returns the statement's row index (-1: a host statement). */
  private noteRows(line: number, stmt: Statement, state: ModelState, events: ReplayEvent[], t: bigint): number {
    const vm = stmt.where.vm?.value;
    const host = stmt.where.host.value;
    if (vm === undefined || !state.hosts.has(host)) return -1;
    const key = instanceKey(host, vm);
    const inst = state.instances.get(key);
    if (!inst) return -1;
    this.ensureRow(key, null, inst, line, t);
    for (const e of events) if (e.kind === 'vcpuCreated' && e.inst === key) this.ensureRow(key, e.vcpu, inst, line, t);
    const vcpu = stmt.where.vcpu?.value ?? null;
    const rows = [this.rowStates.get(key)!];
    if (vcpu !== null) rows.push(this.ensureRow(key, vcpu, inst, line, t));
    for (const rs of rows) {
      rs.lastLine = line;
      rs.lastT = t;
    }
    return this.rowIndexes.get(rowId(key, vcpu)) ?? -1;
  }

  private ensureRow(instance: string, vcpu: number | null, inst: InstanceState, line: number, t: bigint): RowState {
    const id = rowId(instance, vcpu);
    const existing = this.rowStates.get(id);
    if (existing) return existing;
    const rs: RowState = {
      row: {
        id,
        kind: vcpu === null ? 'instance' : 'vcpu',
        label: vcpu === null ? `${inst.vm} on ${inst.host}` : `vcpu${vcpu}`,
        host: inst.host,
        vm: inst.vm,
        instance,
        vcpu,
        generation: inst.generation,
        origin: inst.origin,
        intervals: [],
      },
      phase: null,
      since: { line, t },
      lastLine: line,
      lastT: t,
      wasCurrent: false,
    };
    this.rowStates.set(id, rs);
    if (vcpu === null) this.noteInstanceRow(inst.vm, id);
    this.rowIndexes.set(id, this.rowIds.length);
    this.rowIds.push(id);
    return rs;
  }

  private noteInstanceRow(vm: string, id: string): void {
    const list = this.vmInstances.get(vm);
    if (list) list.push(id);
    else this.vmInstances.set(vm, [id]);
  }

  /** Recomputes the phase of every row of the VM's instances after a lifecycle statement. */
  private updatePhases(state: ModelState, vm: string, line: number, t: bigint): void {
    const g = state.guests.get(vm);
    for (const key of this.vmInstances.get(vm) ?? []) {
      const inst = state.instances.get(key);
      if (!inst) continue;
      const instRow = this.rowStates.get(inst.key);
      if (!instRow) continue;
      if (g?.current === inst.key) instRow.wasCurrent = true;
      const phase = phaseOfInstance(inst, g, instRow.wasCurrent);
      this.setPhase(instRow, phase, line, t);
      for (const v of inst.vcpus.values()) {
        const rs = this.rowStates.get(rowId(inst.key, v.id));
        if (!rs) continue;
        const vp: Phase = v.running ? 'running' : phase === 'gone' ? 'gone' : !v.everRan ? 'setup' : 'paused';
        this.setPhase(rs, vp, line, t);
      }
    }
  }

  private setPhase(rs: RowState, phase: Phase, line: number, t: bigint): void {
    if (rs.phase === phase) return;
    if (rs.phase !== null) rs.row.intervals.push(interval(rs.phase, rs.since, { line, t }));
    else if (rs.since.t < t) rs.row.intervals.push(interval('setup', rs.since, { line, t }));
    rs.phase = phase;
    rs.since = { line, t };
  }

  private handoff(line: number, stmt: Statement, state: ModelState, events: ReplayEvent[], t: bigint): void {
    const vm = stmt.where.vm!.value;
    const here = instanceKey(stmt.where.host.value, vm);
    const g = state.guests.get(vm);
    const b = stmt.body;
    if (b.type === 'migrate' && g?.current && g.current !== here && g.stop) {
      this.handoffs.push({
        kind: 'migrate',
        vm,
        from: here,
        to: g.current,
        stopLine: g.stop.at.line,
        stopNs: g.stop.time.toString(),
        line,
        timeNs: t.toString(),
        resumeLine: null,
        resumeNs: null,
      });
    } else if (b.type === 'restore' && g?.stop) {
      this.handoffs.push({
        kind: 'restore',
        vm,
        from: g.stop.instance,
        to: here,
        stopLine: g.stop.at.line,
        stopNs: g.stop.time.toString(),
        line,
        timeNs: t.toString(),
        resumeLine: null,
        resumeNs: null,
      });
    }
    for (const e of events) {
      if (e.kind !== 'resumePoint') continue;
      for (let i = this.handoffs.length - 1; i >= 0; i--) {
        const h = this.handoffs[i];
        if (h.to !== e.inst || h.stopLine !== e.stop.at.line) continue;
        if (h.resumeLine === null) {
          h.resumeLine = line;
          h.resumeNs = t.toString();
        }
        break;
      }
    }
  }

  private seriesState(state: ModelState, vm: string, vcpu: number): SeriesState {
    const id = guestVcpuKey(vm, vcpu);
    let s = this.series.get(id);
    if (!s) {
      const g = state.guests.get(vm);
      const host = g?.current ? state.hosts.get(state.instances.get(g.current)?.host ?? '') : undefined;
      s = {
        entry: { id, vm, vcpu, counterName: host?.arch === 'x86_64' ? 'TSC' : 'CNTVCT', clockError: [], stolen: [] },
        clock: new ChangePoints((a, b) => a.error === b.error && a.instance === b.instance && a.freq === b.freq),
        stolen: new ChangePoints((a, b) => a.stolen === b.stolen && a.waited === b.waited && a.instance === b.instance),
        waited: 0n,
        lastStolen: undefined,
      };
      this.series.set(id, s);
    }
    return s;
  }

  /** Clock error and stolen time of the vCPUs the statement concerns; true when stolen time changed. */
  private sample(line: number, stmt: Statement, state: ModelState, events: ReplayEvent[], vm: string): boolean {
    const g = state.guests.get(vm);
    const inst = g?.current ? state.instances.get(g.current) : undefined;
    const host = inst ? state.hosts.get(inst.host) : undefined;
    if (!g || !inst || !host) return false;
    const t = state.time;
    const stopped = events.find((e) => e.kind === 'stop');
    const ids = stmt.where.vcpu ? [stmt.where.vcpu.value] : [...inst.vcpus.keys()];
    let stolenChanged = false;
    for (const id of ids) {
      const v = inst.vcpus.get(id);
      if (!v) continue;
      const s = this.seriesState(state, vm, id);
      s.entry.counterName = host.arch === 'arm64' ? 'CNTVCT' : 'TSC';
      const a = this.timeLines.anchor(vm, id);
      let guest: bigint | undefined;
      if (v.running) guest = guestCounter(host, v, t);
      else if (stopped?.kind === 'stop' && stopped.record.counters.has(id)) guest = stopped.record.counters.get(id);
      if (a && guest !== undefined) {
        const expected = expectedAt(a, t);
        const error = signedDiff(guest, expected);
        s.clock.add({
          line,
          t,
          instance: inst.key,
          guest,
          expected,
          error,
          errorNs: nsOfTicks(error, a.freq),
          freq: a.freq,
        });
      }
      const gv = g.vcpus.get(id);
      const stolen = gv?.stolen ?? 0n;
      if (s.lastStolen !== undefined && s.lastStolen !== stolen) stolenChanged = true;
      s.lastStolen = stolen;
      if (gv?.enrolled || stolenConfigured(v) || s.waited > 0n)
        s.stolen.add({ line, t, instance: inst.key, stolen, waited: s.waited });
    }
    return stolenChanged;
  }

  finish(): TimelineIndex {
    const n = this.times.length;
    const byTime = Int32Array.from({ length: n }, (_, i) => i);
    if (!this.inOrder)
      byTime.sort((a, b) => (this.times[a] < this.times[b] ? -1 : this.times[a] > this.times[b] ? 1 : a - b));
    const endT = n ? this.times[byTime[n - 1]] : 0n;
    const endLine = n ? this.lines[n - 1] : 0;
    const rows: TimelineRow[] = [];
    const rowEnds = new Map<string, bigint>();
    for (const rs of this.rowStates.values()) {
      const row = { ...rs.row, intervals: [...rs.row.intervals] };
      const phase = rs.phase ?? 'setup';
      // A row the guest left ends at its last statement; the others run to the end of the trace.
      const end = phase === 'gone' ? { line: rs.lastLine, t: rs.lastT } : { line: endLine, t: endT };
      rowEnds.set(row.id, end.t);
      if (end.t > rs.since.t) row.intervals.push(interval(phase, rs.since, end));
      rows.push(row);
    }
    // Each instance row followed by its vCPU rows, instances in order of appearance.
    const vcpuRows = new Map<string, TimelineRow[]>();
    for (const v of rows)
      if (v.kind === 'vcpu') {
        const list = vcpuRows.get(v.instance);
        if (list) list.push(v);
        else vcpuRows.set(v.instance, [v]);
      }
    const ordered = rows
      .filter((r) => r.kind === 'instance')
      .flatMap((r) => [r, ...(vcpuRows.get(r.instance) ?? []).sort((a, b) => a.vcpu! - b.vcpu!)]);
    const series = [...this.series.values()]
      .map((s) => {
        s.clock.flush();
        s.stolen.flush();
        return { ...s.entry, clockError: s.clock.points, stolen: s.stolen.points };
      })
      .sort((a, b) => (a.vm === b.vm ? a.vcpu - b.vcpu : a.vm < b.vm ? -1 : 1));
    return new TimelineIndex(
      this.lines,
      this.times,
      this.rowOf,
      this.actorOf,
      byTime,
      this.rowIds,
      ordered,
      this.handoffs,
      series,
      this.waits,
      this.stateChanges,
      this.hosts,
      this.analysis.doc.lineCount,
      this.timers.finish((row) => rowEnds.get(row) ?? endT),
    );
  }
}

function interval(phase: Phase, from: { line: number; t: bigint }, to: { line: number; t: bigint }): PhaseInterval {
  return { phase, fromNs: from.t.toString(), toNs: to.t.toString(), fromLine: from.line, toLine: to.line };
}
