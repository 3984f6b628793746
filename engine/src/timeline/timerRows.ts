// The timer tracks and guest-mode intervals of the timeline (timers.md T4), kept by the timeline
// index in the same single pass as its rows: per vCPU row and guest timer, each arming as an
// interval (armed → fired / disarmed / re-armed), the deadline t_d of each arming and where an arm64
// offset change moved it (with HVT044's judgement), each delivery with its verdict and signed
// lateness (the run-queue part apart), each loss; per vCPU row the guest entries and exits
// (`kvm entry` / `kvm exit REASON`) as in-guest / out-of-guest intervals. Everything a closed item
// needs is appended once to per-track lists; what is still open is small and copied at checkpoints,
// so a builder resumes from a checkpoint exactly as the rest of the index does.
import type { ReplayEvent } from '../replay/events';
import type { ModelState } from '../replay/state';
import type { Statement } from '../syntax/ast';
import { TIMER_NAMES, type TimerName } from '../uapi/timers';
import { armable, compareValue } from '../replay/timers/model';
import { vcpuKey as modelVcpuKey } from '../replay/timers/state';
import { ceilNsOfTicks } from '../replay/timers/deadline';
import type { DeliveryVerdict, TimerArmedSpan, TimerDeadlineMark, TimerLossMark } from '../../../protocol/views';
import { guestTimerKey, parseInstanceKey, timerTrackKey, vcpuKey } from '../../../protocol/instanceKey';

export interface TimerTrackInfo {
  id: string;
  vcpuRow: string;
  instance: string;
  vcpu: number;
  vm: string;
  timer: TimerName;
  series: string;
}

export interface ArmedEntry {
  from: bigint;
  to: bigint;
  line: number;
  endLine: number | null;
  end: TimerArmedSpan['end'];
  cmp: bigint;
  cmpIsTime: boolean;
  deadline: bigint;
}

export interface DeadlineEntry {
  kind: TimerDeadlineMark['kind'];
  /** t_d (reference ns). */
  t: bigint;
  line: number;
  cmp: bigint;
  cmpIsTime: boolean;
  armedLine: number;
  armedAt: bigint;
  previous?: bigint;
  shift?: {
    expected: bigint;
    shift: bigint;
    causeLine: number | null;
    reportedLine: number;
    reason: 'resume' | 'offset-change';
  };
}

export interface DeliveryEntry {
  track: string;
  series: string;
  line: number;
  t: bigint;
  verdict: DeliveryVerdict;
  /** Signed (early negative), run-queue wait included; undefined when unjudged. */
  lateness?: bigint;
  wait: bigint;
  tolerance?: bigint;
  deadline?: bigint;
  armedLine?: number;
  judgedLine: number;
  cmp?: bigint;
  counter?: bigint;
  /** HVT044 found the deadline it answers shifted: the delivery minus where the VM's policy says it should fire. */
  policyLateness?: bigint;
}

export interface LossEntry {
  kind: TimerLossMark['kind'];
  t: bigint;
  line: number;
  deadline?: bigint;
  tolerance?: bigint;
  cmp?: bigint;
  relatedLine?: number;
}

export interface RunEntry {
  inGuest: boolean;
  from: bigint;
  to: bigint;
  fromLine: number;
  toLine: number | null;
  reason: string | null;
}

/** An arming not ended yet: its interval, and the deadlines it made (the arming's, then each move). */
interface OpenArming {
  from: bigint;
  line: number;
  cmp: bigint;
  cmpIsTime: boolean;
  deadline: bigint;
  current: bigint;
  deadlines: DeadlineEntry[];
}

interface TrackState {
  info: TimerTrackInfo;
  armed: ArmedEntry[];
  deadlines: DeadlineEntry[];
  deliveries: DeliveryEntry[];
  losses: LossEntry[];
  open: OpenArming | null;
}

interface RunState {
  runs: RunEntry[];
  /** The current interval, once the row has an entry or exit record. */
  current: { inGuest: boolean; since: bigint; line: number; reason: string | null } | null;
  /** A KVM_RUN before any record: the vCPU went into the guest there if the next record is an exit. */
  candidate: { t: bigint; line: number } | null;
}

/** What a copy of a builder needs to go on from a checkpoint: list lengths and copies of the open items. */
export interface TimerRowsMark {
  tracks: {
    id: string;
    armed: number;
    deadlines: number;
    deliveries: number;
    losses: number;
    open: OpenArming | null;
  }[];
  runs: { row: string; runs: number; current: RunState['current']; candidate: RunState['candidate'] }[];
  pending: [string, DeliveryEntry][];
  inOrder: boolean;
}

/** The timer data of a finished index, every list sorted by time (per track / row). */
export interface TimerTrackData {
  info: TimerTrackInfo;
  /** Non-overlapping, by start (so by end too). */
  armed: ArmedEntry[];
  /** By t_d. */
  deadlines: DeadlineEntry[];
  deliveries: DeliveryEntry[];
  losses: LossEntry[];
}

export interface TimerRowsIndex {
  tracks: TimerTrackData[];
  /** Per vCPU row with entry / exit records: its intervals, non-overlapping, by start. */
  runs: Map<string, RunEntry[]>;
  /** Per lateness series (`vm/vcpuN/TIMER`): the judged deliveries, by time. */
  lateness: Map<string, DeliveryEntry[]>;
}

export const TIMER_LABELS: Record<TimerName, string> = {
  vtimer: 'vtimer (CNTV)',
  ptimer: 'ptimer (CNTP)',
  hvtimer: 'hvtimer (CNTHV)',
  hptimer: 'hptimer (CNTHP)',
  lapic: 'lapic timer',
};

const sortedCopy = <E>(list: E[], key: (e: E) => bigint): E[] => {
  for (let i = 1; i < list.length; i++) {
    if (key(list[i]) < key(list[i - 1]))
      return [...list].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
  }
  return list;
};

/** The timer events of one statement, deliveries first: a periodic LAPIC timer re-arms in the statement that delivers. */
const ORDER: Partial<Record<ReplayEvent['kind'], number>> = { vcpuCreated: 0, timerDelivery: 1, lapicExpireWait: 2 };

export class TimerRowsBuilder {
  private readonly tracks = new Map<string, TrackState>();
  private readonly runStates = new Map<string, RunState>();
  /** LAPIC deliveries waiting for the `kvm wait_lapic_expire` that measures their error, per vCPU row. */
  private readonly pending = new Map<string, DeliveryEntry>();
  /** Tracks with an open arming, per vCPU row. */
  private readonly openByRow = new Map<string, Set<TrackState>>();
  private inOrder = true;
  private lastT: bigint | null = null;
  private timeOf: (line: number) => bigint | undefined = () => undefined;

  mark(): TimerRowsMark {
    return {
      tracks: [...this.tracks.values()].map((s) => ({
        id: s.info.id,
        armed: s.armed.length,
        deadlines: s.deadlines.length,
        deliveries: s.deliveries.length,
        losses: s.losses.length,
        open: s.open && structuredClone(s.open),
      })),
      runs: [...this.runStates].map(([row, s]) => ({
        row,
        runs: s.runs.length,
        current: s.current && { ...s.current },
        candidate: s.candidate && { ...s.candidate },
      })),
      pending: [...this.pending].map(([k, d]) => [k, { ...d }]),
      inOrder: this.inOrder,
    };
  }

  /** A builder that goes on from `mark` of this one (the closed items are immutable, so the prefixes are shared element-wise). */
  copyAt(mark: TimerRowsMark): TimerRowsBuilder {
    const b = new TimerRowsBuilder();
    for (const m of mark.tracks) {
      const from = this.tracks.get(m.id)!;
      const s: TrackState = {
        info: from.info,
        armed: from.armed.slice(0, m.armed),
        deadlines: from.deadlines.slice(0, m.deadlines),
        deliveries: from.deliveries.slice(0, m.deliveries),
        losses: from.losses.slice(0, m.losses),
        open: m.open && structuredClone(m.open),
      };
      b.tracks.set(m.id, s);
      if (s.open) b.openSet(s.info.vcpuRow).add(s);
    }
    for (const r of mark.runs) {
      b.runStates.set(r.row, {
        runs: this.runStates.get(r.row)!.runs.slice(0, r.runs),
        current: r.current && { ...r.current },
        candidate: r.candidate && { ...r.candidate },
      });
    }
    for (const [k, d] of mark.pending) b.pending.set(k, { ...d });
    b.inOrder = mark.inOrder;
    return b;
  }

  private openSet(row: string): Set<TrackState> {
    let s = this.openByRow.get(row);
    if (!s) {
      s = new Set();
      this.openByRow.set(row, s);
    }
    return s;
  }

  private track(inst: string, vcpu: number, timer: TimerName): TrackState {
    const vcpuRow = vcpuKey(inst, vcpu);
    const id = timerTrackKey(vcpuRow, timer);
    let s = this.tracks.get(id);
    if (!s) {
      const { vm } = parseInstanceKey(inst);
      s = {
        info: { id, vcpuRow, instance: inst, vcpu, vm, timer, series: guestTimerKey(vm, vcpu, timer) },
        armed: [],
        deadlines: [],
        deliveries: [],
        losses: [],
        open: null,
      };
      this.tracks.set(id, s);
    }
    return s;
  }

  /**
   * Takes one statement (`t` its reference time) with the events of its replay and the state after
   * it; `timeOf` gives the time of an earlier statement's line (a dropped deadline is placed at its write).
   */
  visit(
    line: number,
    stmt: Statement,
    state: ModelState,
    events: readonly ReplayEvent[],
    t: bigint,
    timeOf: (line: number) => bigint | undefined = () => undefined,
  ): void {
    this.timeOf = timeOf;
    if (this.lastT !== null && t < this.lastT) this.inOrder = false;
    this.lastT = t;
    const relevant = events.filter(
      (e) => e.kind in ORDER || e.kind.startsWith('timer') || e.kind === 'stop' || e.kind === 'run',
    );
    if (relevant.length > 1) relevant.sort((a, b) => (ORDER[a.kind] ?? 3) - (ORDER[b.kind] ?? 3));
    const shifts: Extract<ReplayEvent, { kind: 'timerShift' }>[] = [];
    for (const e of relevant) this.event(line, e, t, shifts);
    this.runRecord(line, stmt, t);
    this.checkOpen(line, stmt, state, t, shifts);
  }

  private event(line: number, e: ReplayEvent, t: bigint, shifts: Extract<ReplayEvent, { kind: 'timerShift' }>[]): void {
    switch (e.kind) {
      case 'vcpuCreated': {
        // A created vCPU starts from the reset state (timers.md T2): what was armed on it is gone.
        const row = vcpuKey(e.inst, e.vcpu);
        this.flushPending(row);
        for (const s of [...(this.openByRow.get(row) ?? [])]) this.close(s, t, line, 'reset');
        this.endRun(row, t, line);
        return;
      }
      case 'stop':
        // The instance stopped (pause, migration, snapshot): its vCPUs left the guest.
        for (const [row, rs] of this.runStates)
          if (rs.current || rs.candidate) {
            if (row.startsWith(`${e.inst}/vcpu`)) this.endRun(row, t, line);
          }
        return;
      case 'run': {
        const rs = this.runStates.get(vcpuKey(e.inst, e.vcpu));
        if (rs) {
          if (!rs.current) rs.candidate = { t, line };
        } else this.runStates.set(vcpuKey(e.inst, e.vcpu), { runs: [], current: null, candidate: { t, line } });
        return;
      }
      case 'timerArmed': {
        const s = this.track(e.inst, e.vcpu, e.timer);
        if (s.open) this.close(s, t, line, 'rearmed');
        const armed: DeadlineEntry = {
          kind: 'armed',
          t: e.deadline,
          line: e.at.line,
          cmp: e.cmp,
          cmpIsTime: e.byTime,
          armedLine: e.at.line,
          armedAt: t,
        };
        s.open = {
          from: t,
          line: e.at.line,
          cmp: e.cmp,
          cmpIsTime: e.byTime,
          deadline: e.deadline,
          current: e.deadline,
          deadlines: [armed],
        };
        this.openSet(s.info.vcpuRow).add(s);
        return;
      }
      case 'timerDelivery':
        return this.delivery(line, e, t);
      case 'lapicExpireWait':
        return this.lapicWait(line, e, t);
      case 'timerLost': {
        // Placed where it counts as lost: t_d (or the resume after it) plus the lost tolerance.
        this.track(e.inst, e.vcpu, e.timer).losses.push({
          kind: 'lost',
          t: e.from + e.tolNs,
          line: e.armedAt.line,
          deadline: e.deadline,
          tolerance: e.tolNs,
          cmp: e.cmp,
          relatedLine: e.evidenceAt?.line,
        });
        return;
      }
      case 'timerDeadlineDropped':
        // At the write KVM dropped (a KVM_SET_LAPIC may show only later that LVTT was not in TSC-deadline mode then).
        this.track(e.inst, e.vcpu, 'lapic').losses.push({
          kind: 'dropped',
          t: this.timeOf(e.at.line) ?? t,
          line: e.at.line,
          cmp: e.value,
          relatedLine: e.lapicAt?.line,
        });
        return;
      case 'timerDeadlineCleared':
        this.track(e.inst, e.vcpu, 'lapic').losses.push({
          kind: 'cleared',
          t,
          line,
          cmp: e.value,
          relatedLine: e.deadlineAt.line,
        });
        return;
      case 'timerShift': {
        shifts.push(e);
        const s = this.tracks.get(timerTrackKey(vcpuKey(e.inst, e.vcpu), e.timer));
        // At a resume point the deadline did not move now: the arming (or the last move) was already wrong.
        if (e.reason === 'resume' && s?.open) s.open.deadlines.at(-1)!.shift = shiftOf(e, line);
        return;
      }
      default:
        return;
    }
  }

  private delivery(line: number, e: Extract<ReplayEvent, { kind: 'timerDelivery' }>, t: bigint): void {
    const s = this.track(e.inst, e.vcpu, e.timer);
    const open = s.open;
    let verdict: DeliveryVerdict = 'unjudged';
    let lateness: bigint | undefined;
    let wait = 0n;
    let tolerance: bigint | undefined;
    let deadline: bigint | undefined;
    if (e.early) {
      lateness = -e.early.ns;
      tolerance = e.early.tolNs;
      verdict = e.early.exceeds ? 'early' : 'on-time';
      deadline = open?.current;
    } else if (e.late) {
      lateness = e.late.ns;
      wait = e.late.waitNs;
      tolerance = e.late.tolNs;
      deadline = e.late.deadline;
      // Late beyond the tolerance once the run-queue wait is taken off (timers.md T2), even when HVT042 already called it lost.
      verdict = e.late.ns - e.late.waitNs > e.late.tolNs ? 'late' : 'on-time';
    }
    const shift = e.first ? open?.deadlines.at(-1)?.shift : undefined;
    const d: DeliveryEntry = {
      track: s.info.id,
      series: s.info.series,
      line,
      t,
      verdict,
      lateness,
      wait,
      tolerance,
      deadline,
      armedLine: e.armedAt?.line,
      judgedLine: line,
      cmp: e.cmp,
      counter: e.counter,
      policyLateness: shift && t - shift.expected,
    };
    if (e.timer === 'lapic') {
      this.flushPending(s.info.vcpuRow);
      this.pending.set(s.info.vcpuRow, d);
    } else s.deliveries.push(d);
    if (e.first && open) this.close(s, t, line, 'fired');
  }

  /** `kvm wait_lapic_expire delta=N`: the exact error of the LAPIC delivery it follows, or the delivery itself (kvm-timers.md §2.5). */
  private lapicWait(line: number, e: Extract<ReplayEvent, { kind: 'lapicExpireWait' }>, t: bigint): void {
    const s = this.track(e.inst, e.vcpu, 'lapic');
    const ns = e.delta < 0n ? -ceilNsOfTicks(-e.delta, e.hz) : ceilNsOfTicks(e.delta, e.hz);
    const measured = {
      verdict: (e.early ? 'early' : e.late ? 'late' : 'on-time') as DeliveryVerdict,
      lateness: ns,
      wait: e.waitNs,
      judgedLine: line,
      tolerance: e.delta < 0n ? ceilNsOfTicks(e.earlyTolCycles, e.hz) : e.lateTolNs,
    };
    const pending = this.pending.get(s.info.vcpuRow);
    if (e.judgedByDelivery && pending) {
      this.pending.delete(s.info.vcpuRow);
      s.deliveries.push({ ...pending, ...measured });
      return;
    }
    if (e.judgedByDelivery) return; // its delivery was recorded already
    const open = s.open;
    const shift = open?.deadlines.at(-1)?.shift;
    s.deliveries.push({
      track: s.info.id,
      series: s.info.series,
      line,
      t,
      ...measured,
      deadline: open?.current,
      armedLine: e.armedAt?.line,
      policyLateness: shift && t - shift.expected,
    });
    if (open) this.close(s, t, line, 'fired');
  }

  private flushPending(row: string): void {
    const d = this.pending.get(row);
    if (!d) return;
    this.pending.delete(row);
    this.tracks.get(d.track)!.deliveries.push(d);
  }

  /** Ends an arming: its interval, and the deadlines it reached (or that HVT044 judged, or of a timer that fired or is still armed). */
  private close(s: TrackState, t: bigint, line: number, end: ArmedEntry['end']): void {
    const o = s.open!;
    s.open = null;
    this.openByRow.get(s.info.vcpuRow)?.delete(s);
    // A restore writes CTL and CVAL at one instant: the first write's arming never existed for the guest.
    if (end === 'rearmed' && t === o.from) return;
    s.armed.push({
      from: o.from,
      to: t,
      line: o.line,
      endLine: line,
      end,
      cmp: o.cmp,
      cmpIsTime: o.cmpIsTime,
      deadline: o.deadline,
    });
    for (const d of o.deadlines) if (end === 'fired' || d.t <= t || d.shift) s.deadlines.push(d);
  }

  // ---- guest mode ------------------------------------------------------------------------------

  private runRecord(line: number, stmt: Statement, t: bigint): void {
    const b = stmt.body;
    if ((b.type !== 'kvm_entry' && b.type !== 'kvm_exit') || !stmt.where.vm || !stmt.where.vcpu) return;
    const row = vcpuKey(`${stmt.where.host.value}/${stmt.where.vm.value}`, stmt.where.vcpu.value);
    let rs = this.runStates.get(row);
    if (!rs) {
      rs = { runs: [], current: null, candidate: null };
      this.runStates.set(row, rs);
    }
    const cur = rs.current;
    if (b.type === 'kvm_entry') {
      // The LAPIC delivery before this entry got its wait_lapic_expire, or will not.
      this.flushPending(row);
      if (cur?.inGuest) return;
      if (cur)
        rs.runs.push({ inGuest: false, from: cur.since, to: t, fromLine: cur.line, toLine: line, reason: cur.reason });
      rs.current = { inGuest: true, since: t, line, reason: null };
      rs.candidate = null;
      return;
    }
    const reason = b.reason.value;
    if (cur)
      rs.runs.push({
        inGuest: cur.inGuest,
        from: cur.since,
        to: t,
        fromLine: cur.line,
        toLine: line,
        reason: cur.inGuest ? reason : cur.reason,
      });
    else if (rs.candidate)
      rs.runs.push({ inGuest: true, from: rs.candidate.t, to: t, fromLine: rs.candidate.line, toLine: line, reason });
    rs.current = { inGuest: false, since: t, line, reason };
    rs.candidate = null;
  }

  private endRun(row: string, t: bigint, line: number): void {
    const rs = this.runStates.get(row);
    if (!rs) return;
    const cur = rs.current;
    if (cur)
      rs.runs.push({
        inGuest: cur.inGuest,
        from: cur.since,
        to: t,
        fromLine: cur.line,
        toLine: line,
        reason: cur.reason,
      });
    rs.current = null;
    rs.candidate = null;
  }

  // ---- what the state says after the statement ----------------------------------------------------

  /**
   * After each statement, the open armings it may concern (its vCPU's; every one for a VM-wide
   * statement): one no longer armable was disarmed (masked, disabled, cleared, consumed); one whose
   * t_d changed with the same compare value was moved by an offset change (arm64: KVM compares CVAL
   * with the live counter, timers.md T2), which is shown with the statement that moved it.
   */
  private checkOpen(
    line: number,
    stmt: Statement,
    state: ModelState,
    t: bigint,
    shifts: Extract<ReplayEvent, { kind: 'timerShift' }>[],
  ): void {
    if (this.openByRow.size === 0) return;
    const vm = stmt.where.vm?.value;
    const vcpu = stmt.where.vcpu?.value;
    const candidates: TrackState[] = [];
    if (vm !== undefined && vcpu !== undefined)
      candidates.push(...(this.openByRow.get(vcpuKey(`${stmt.where.host.value}/${vm}`, vcpu)) ?? []));
    else for (const set of this.openByRow.values()) candidates.push(...set);
    for (const s of candidates) {
      const o = s.open!;
      const ts = state.timers.vcpus.get(modelVcpuKey(s.info.instance, s.info.vcpu))?.timers[s.info.timer];
      if (!ts || !armable(ts)) {
        this.close(s, t, line, 'disarmed');
        continue;
      }
      if (ts.deadline === undefined || ts.deadline === o.current || compareValue(ts) !== o.cmp) continue;
      const shift = shifts.find(
        (e) => e.reason === 'offset-change' && e.timer === s.info.timer && vcpuKey(e.inst, e.vcpu) === s.info.vcpuRow,
      );
      o.deadlines.push({
        kind: 'moved',
        t: ts.deadline,
        line,
        cmp: o.cmp,
        cmpIsTime: o.cmpIsTime,
        armedLine: o.line,
        armedAt: o.from,
        previous: o.current,
        shift: shift && shiftOf(shift, line),
      });
      o.current = ts.deadline;
    }
  }

  /** The finished data: open items end where their row ends (`rowEnd`), lists sorted by time. */
  finish(rowEnd: (vcpuRow: string) => bigint): TimerRowsIndex {
    const order = (a: TrackState, b: TrackState): number =>
      a.info.vcpuRow === b.info.vcpuRow ? TIMER_NAMES.indexOf(a.info.timer) - TIMER_NAMES.indexOf(b.info.timer) : 0;
    const tracks: TimerTrackData[] = [];
    const pendingOf = new Map<string, DeliveryEntry[]>();
    for (const d of this.pending.values()) pendingOf.set(d.track, [...(pendingOf.get(d.track) ?? []), d]);
    for (const s of [...this.tracks.values()].sort(order)) {
      let armed = s.armed;
      let deadlines = s.deadlines;
      if (s.open) {
        const o = s.open;
        const end = rowEnd(s.info.vcpuRow);
        armed = [
          ...armed,
          {
            from: o.from,
            to: end > o.from ? end : o.from,
            line: o.line,
            endLine: null,
            end: 'open',
            cmp: o.cmp,
            cmpIsTime: o.cmpIsTime,
            deadline: o.deadline,
          },
        ];
        deadlines = [...deadlines, ...o.deadlines];
      }
      const pending = pendingOf.get(s.info.id);
      const deliveries = pending ? [...s.deliveries, ...pending] : s.deliveries;
      tracks.push({
        info: s.info,
        armed: this.inOrder ? armed : sortedCopy(armed, (a) => a.from),
        deadlines: sortedCopy(deadlines, (d) => d.t),
        deliveries: this.inOrder ? deliveries : sortedCopy(deliveries, (d) => d.t),
        losses: sortedCopy(s.losses, (l) => l.t),
      });
    }
    const runs = new Map<string, RunEntry[]>();
    for (const [row, rs] of this.runStates) {
      let list = rs.runs;
      const cur = rs.current;
      if (cur) {
        const end = rowEnd(row);
        list = [
          ...list,
          {
            inGuest: cur.inGuest,
            from: cur.since,
            to: end > cur.since ? end : cur.since,
            fromLine: cur.line,
            toLine: null,
            reason: cur.reason,
          },
        ];
      }
      if (list.length) runs.set(row, this.inOrder ? list : sortedCopy(list, (r) => r.from));
    }
    const lateness = new Map<string, DeliveryEntry[]>();
    for (const tr of tracks) {
      const judged = tr.deliveries.filter((d) => d.lateness !== undefined);
      if (judged.length) lateness.set(tr.info.series, [...(lateness.get(tr.info.series) ?? []), ...judged]);
    }
    for (const [k, list] of lateness)
      lateness.set(
        k,
        sortedCopy(list, (d) => d.t),
      );
    return { tracks, runs, lateness };
  }
}

function shiftOf(e: Extract<ReplayEvent, { kind: 'timerShift' }>, line: number): DeadlineEntry['shift'] {
  return {
    expected: e.expectedAt,
    shift: e.shiftNs,
    causeLine: e.cause?.line ?? null,
    reportedLine: line,
    reason: e.reason,
  };
}
