// How the timer model rides along the counter replay (step.ts): before a statement the watched
// deadlines are brought up to its time; while the counter model replays it, the events it emits
// (vCPU creation, resume points, stops, entries, MSR writes in their KVM_SET_MSRS order) drive the
// timers; after it, offset changes move arm64 deadlines and timer statements take effect.
import type { Body, Statement } from '../../syntax/ast';
import type { ReplayEvent } from '../events';
import type { HostState, InstanceState, ModelState, Ref, VcpuState } from '../state';
import { instanceKey, type StepContext } from '../context';
import { signedDiff } from '../../values/u64';
import { ticksIn } from '../../values/units';
import {
  LAPIC_REGISTERS,
  TIMER_REGISTERS,
  isNvTimer,
  lvttMode,
  type LapicRegister,
  type TimerName,
} from '../../uapi/timers';
import type { MsrRole } from '../../uapi/msrs';
import { guestTimerWrite, setArm64Timer, timerStateRecord } from './arm64';
import { timeReached, timeReachedOnLine } from './deadline';
import { kvmEntry, kvmExit, schedWait, timerExpire, timerIrq, waitLapicExpire } from './delivery';
import { getLapic, setLapic, writeLapicRegister, writeTscDeadline } from './lapic';
import {
  armable,
  compareValue,
  enterGuest,
  isByTime,
  offsetSignature,
  rebaseArm64,
  sameOffsets,
  stopVcpus,
  vcpuTimers,
  watchDeadlines,
  type OffsetKey,
  type TimerCtx,
} from './model';
import { vcpuKey, type TimerState, type VcpuTimers } from './state';

const X2APIC: Partial<Record<MsrRole, LapicRegister>> = {
  x2apic_lvtt: 'lvtt',
  x2apic_tmict: 'tmict',
  x2apic_tdcr: 'tdcr',
};

interface Where {
  host: HostState;
  inst: InstanceState;
}

function locate(state: ModelState, stmt: Statement): Where | undefined {
  const host = state.hosts.get(stmt.where.host.value);
  const vm = stmt.where.vm?.value;
  if (!host || vm === undefined) return undefined;
  const inst = state.instances.get(instanceKey(host.name, vm));
  return inst ? { host, inst } : undefined;
}

function timerCtx(state: ModelState, step: StepContext, inst: InstanceState, v: VcpuState): TimerCtx {
  return {
    step,
    inst,
    v,
    vt: vcpuTimers(state.timers, inst, v, step.host.arch),
    model: state.timers,
    t: step.t,
    ref: step.ref,
  };
}

/** The statement kinds the timer model acts on after the counter model (MSRs come as events). */
const TIMER_BODIES = new Set<Body['type']>([
  'guest_write',
  'set_one_reg',
  'set_lapic',
  'get_lapic',
  'timer_state',
  'timer_irq',
  'timer_expire',
  'wait_lapic_expire',
  'hv_timer',
  'kvm_entry',
  'kvm_exit',
  'sched_wait',
]);

const isTimerStatement = (b: Body): boolean =>
  TIMER_BODIES.has(b.type) &&
  (b.type !== 'guest_write' ||
    (typeof b.reg.value === 'string' &&
      (TIMER_REGISTERS[b.reg.value] !== undefined || LAPIC_REGISTERS[b.reg.value] !== undefined))) &&
  (b.type !== 'set_one_reg' || ('known' in b.reg.value && /_(ctl|cval)$/.test(b.reg.value.known.role)));

function hasDeadline(vt: VcpuTimers): boolean {
  for (const name in vt.timers) if (vt.timers[name as TimerName]?.deadline !== undefined) return true;
  return false;
}

const NO_SIGNATURES: Map<number, OffsetKey> = new Map();

/** The offsets of every vCPU of the instance that has a timer with a deadline, before a statement. */
function signatures(state: ModelState, where: Where | undefined): Map<number, OffsetKey> {
  const out = new Map<number, OffsetKey>();
  if (!where || state.timers.vcpus.size === 0) return out;
  for (const v of where.inst.vcpus.values()) {
    const vt = state.timers.vcpus.get(vcpuKey(where.inst.key, v.id));
    if (vt && hasDeadline(vt)) out.set(v.id, offsetSignature(v, where.host.arch));
  }
  return out;
}

/**
 * Replays one statement with the timer model around it. `replay` is the counter model's replay of
 * the statement; it receives an emit that also lets the timers see the counter events.
 */
export function withTimers(
  state: ModelState,
  line: number,
  stmt: Statement,
  emit: (e: ReplayEvent) => void,
  replay: (emit: (e: ReplayEvent) => void, onContext: (ctx: StepContext) => void) => void,
): void {
  const ref: Ref = { line, span: stmt.span };
  watchDeadlines(state, stmt.time.value, ref, emit);
  const sigs = state.timers.vcpus.size === 0 ? NO_SIGNATURES : signatures(state, locate(state, stmt));
  let step: StepContext | undefined;
  const observe = (e: ReplayEvent): void => {
    emit(e);
    if (step) counterEvent(state, step, e);
  };
  replay(observe, (ctx) => {
    step = ctx;
  });
  if (!step) return;
  // Run-queue waits matter only to a vCPU whose timers the model already watches.
  const timerBody = isTimerStatement(stmt.body) && (stmt.body.type !== 'sched_wait' || state.timers.vcpus.size > 0);
  if (sigs.size === 0 && !timerBody) return;
  const where = locate(state, stmt);
  if (!where) return;
  offsetsMoved(state, step, where, sigs);
  if (!timerBody) return;
  const vcpu = stmt.where.vcpu?.value;
  const v = vcpu === undefined ? undefined : where.inst.vcpus.get(vcpu);
  if (!v || step.failed) return;
  if (stmt.body.type === 'sched_wait' && !state.timers.vcpus.has(vcpuKey(where.inst.key, v.id))) return;
  timerStatement(timerCtx(state, step, where.inst, v), stmt.body);
}

// ---- counter events ----------------------------------------------------------------------------

function counterEvent(state: ModelState, step: StepContext, e: ReplayEvent): void {
  switch (e.kind) {
    case 'vcpuCreated':
      // A created vCPU starts from the reset state (docs/timers.md#t2-model).
      state.timers.vcpus.delete(vcpuKey(e.inst, e.vcpu));
      return;
    case 'stop':
      return stopVcpus(state.timers, e.inst);
    // A vCPU whose timers the model has not seen yet has nothing to resume or enter with.
    case 'resumePoint':
      return state.timers.vcpus.has(vcpuKey(e.inst, e.vcpu)) ? resumeShift(state, step, e) : undefined;
    case 'run': {
      const inst = state.instances.get(e.inst);
      const v = inst?.vcpus.get(e.vcpu);
      if (inst && v && state.timers.vcpus.has(vcpuKey(e.inst, e.vcpu))) enterGuest(timerCtx(state, step, inst, v));
      return;
    }
    case 'msrWrite': {
      // In the order KVM_SET_MSRS applies them, before a later IA32_TSC of the same statement.
      const inst = state.instances.get(e.inst);
      const v = inst?.vcpus.get(e.vcpu);
      if (!inst || !v || step.host.arch !== 'x86_64') return;
      const tc = timerCtx(state, step, inst, v);
      if (e.msr === 'tsc_deadline') return writeTscDeadline(tc, e.value, e.host);
      const reg = e.msr === 'unknown' ? undefined : X2APIC[e.msr];
      if (reg) writeLapicRegister(tc, reg, e.value);
      return;
    }
    default:
      return;
  }
}

// ---- statements of the timer model ---------------------------------------------------------------

function timerStatement(tc: TimerCtx, b: Body): void {
  const arm = tc.step.host.arch === 'arm64';
  switch (b.type) {
    case 'guest_write': {
      const reg = b.reg.value;
      if (typeof reg !== 'string') return; // MSRs arrive as msrWrite events
      const timerReg = TIMER_REGISTERS[reg];
      if (timerReg && arm) return guestTimerWrite(tc, timerReg.timer, timerReg.field, b.value.value);
      const lapicReg = LAPIC_REGISTERS[reg];
      if (lapicReg && !arm) writeLapicRegister(tc, lapicReg, b.value.value);
      return;
    }
    case 'set_one_reg': {
      if (!arm || !('known' in b.reg.value)) return;
      const role = b.reg.value.known.role;
      if (role === 'vtimer_ctl') return setArm64Timer(tc, 'vtimer', { ctl: b.value.value });
      if (role === 'vtimer_cval') return setArm64Timer(tc, 'vtimer', { cval: b.value.value });
      if (role === 'ptimer_ctl') return setArm64Timer(tc, 'ptimer', { ctl: b.value.value });
      if (role === 'ptimer_cval') return setArm64Timer(tc, 'ptimer', { cval: b.value.value });
      return;
    }
    case 'set_lapic':
      return arm ? undefined : setLapic(tc, b);
    case 'get_lapic':
      return arm ? undefined : getLapic(tc, b);
    case 'timer_state':
      return arm
        ? timerStateRecord(tc, b.timer.value, b.ctl.value, b.cval.value)
        : wrongArch(tc, b.timer.value, b.timer.span);
    case 'timer_irq':
      return archOk(tc, b.timer.value, b.timer.span) ? timerIrq(tc, b.timer.value, b.level.value) : undefined;
    case 'timer_expire':
      return archOk(tc, b.timer.value, b.timer.span) ? timerExpire(tc, b.timer.value) : undefined;
    case 'wait_lapic_expire':
      return arm ? wrongArch(tc, 'lapic', b.delta.span) : waitLapicExpire(tc, b.delta.value);
    case 'hv_timer':
      tc.vt.hvTimer = b.inUse.value;
      return;
    case 'kvm_entry':
      return kvmEntry(tc);
    case 'kvm_exit':
      return kvmExit(tc, b.reason.value);
    case 'sched_wait':
      return schedWait(tc, b.duration.value);
    default:
      return;
  }
}

function archOk(tc: TimerCtx, timer: TimerState['name'], span: Ref['span']): boolean {
  if ((timer === 'lapic') === (tc.step.host.arch === 'x86_64')) return true;
  wrongArch(tc, timer, span);
  return false;
}

function wrongArch(tc: TimerCtx, timer: string, span: Ref['span']): void {
  tc.step.emit({
    kind: 'problem',
    code: 'HVT091',
    severity: 'warning',
    span,
    message: `timer \`${timer}\` does not exist on ${tc.step.host.arch} host ${tc.step.host.name}; the statement has no effect on the model`,
  });
}

// ---- HVT044: deadlines moved by an offset ----------------------------------------------------------

const magnitudeTicks = (ns: bigint, hz: bigint): bigint => (ns < 0n ? -ticksIn(-ns, hz) : ticksIn(ns, hz));
const atLeast = (x: bigint, t: bigint): bigint => (x > t ? x : t);

/** The timers HVT044 judges: EL1 virtual / physical and the LAPIC TSC deadline (not NV, not one-shot / periodic). */
const judged = (ts: TimerState): boolean =>
  !isNvTimer(ts.name) && !isByTime(ts) && armable(ts) && ts.deadline !== undefined;

/**
 * After a statement that changed a vCPU's offsets: arm64 deadlines follow the counter (recomputed,
 * KVM compares CVAL with the live counter); x86 deadlines stay where they were converted to host
 * time. While the instance runs, a move by more than the tolerance is reported here (HVT044).
 */
function offsetsMoved(state: ModelState, step: StepContext, where: Where, sigs: Map<number, OffsetKey>): void {
  for (const [id, sig] of sigs) {
    const v = where.inst.vcpus.get(id);
    if (!v || sameOffsets(sig, offsetSignature(v, where.host.arch))) continue;
    const tc = timerCtx(state, step, where.inst, v);
    for (const ts of Object.values(tc.vt.timers)) {
      if (ts.deadline === undefined) continue;
      const wasJudged = judged(ts);
      let fireAt: bigint;
      let expectedAt: bigint;
      if (ts.name === 'lapic') {
        if (!wasJudged || lvttMode(ts.ctl!) !== 'tscdeadline') continue;
        fireAt = atLeast(ts.deadline, tc.t);
        const reachedAt = timeReached(where.host, v, 'lapic', ts.cmp!, tc.t);
        if (reachedAt === undefined) continue; // the guest TSC no longer advances: nothing to compare
        expectedAt = reachedAt;
      } else {
        const moved = rebaseArm64(tc, ts);
        if (!moved) continue;
        fireAt = atLeast(moved.after, tc.t);
        expectedAt = atLeast(moved.before, tc.t);
      }
      if (!where.inst.running || !wasJudged) continue;
      reportShift(state, tc, ts, 'offset-change', fireAt, expectedAt, undefined, step.ref, ts.name === 'lapic');
    }
  }
}

/**
 * At a resume point (docs/timers.md#t3-diagnostics HVT044): where each armed timer fires now, against where it would
 * fire if the guest counter were on the VM's policy line (the `expected` of the resume point).
 */
function resumeShift(state: ModelState, step: StepContext, e: Extract<ReplayEvent, { kind: 'resumePoint' }>): void {
  const inst = state.instances.get(e.inst);
  const v = inst?.vcpus.get(e.vcpu);
  if (!inst || !v) return;
  const tc = timerCtx(state, step, inst, v);
  for (const ts of Object.values(tc.vt.timers)) {
    if (!judged(ts) || (ts.name !== 'vtimer' && ts.name !== 'lapic')) continue;
    const cmp = compareValue(ts)!;
    const fireAt = atLeast(ts.deadline!, tc.t);
    const expectedAt = timeReachedOnLine(e.expected, e.rateAfter, cmp, tc.t);
    // While neither fires at once, the shift is exactly the guest counter's distance from its line.
    const exact =
      ts.name === 'vtimer' && fireAt > tc.t && expectedAt > tc.t ? signedDiff(e.expected, e.gAfter) : undefined;
    const armedBeforeOffset = ts.name === 'lapic' && !sameOffsets(ts.armedOffset, offsetSignature(v, 'x86_64'));
    const cause = armedBeforeOffset ? ts.armedAt : ts.name === 'lapic' ? v.tscOffsetBy : v.voffsetBy;
    reportShift(state, tc, ts, 'resume', fireAt, expectedAt, exact, cause, armedBeforeOffset);
  }
}

function reportShift(
  state: ModelState,
  tc: TimerCtx,
  ts: TimerState,
  reason: 'resume' | 'offset-change',
  fireAt: bigint,
  expectedAt: bigint,
  exactTicks: bigint | undefined,
  cause: Ref | undefined,
  armedBeforeOffset: boolean,
): void {
  const shiftNs = fireAt - expectedAt;
  if ((shiftNs < 0n ? -shiftNs : shiftNs) <= state.tolerance) return;
  const hz =
    tc.step.host.arch === 'arm64'
      ? tc.step.host.freq
      : tc.v.scaled && tc.v.virtualKhz
        ? tc.v.virtualKhz * 1000n
        : tc.step.host.freq;
  tc.step.emit({
    kind: 'timerShift',
    inst: tc.inst.key,
    vcpu: tc.v.id,
    timer: ts.name,
    reason,
    shiftNs,
    shiftTicks: exactTicks ?? magnitudeTicks(shiftNs, hz),
    hz,
    fireAt,
    expectedAt,
    cmp: compareValue(ts)!,
    armedAt: ts.armedAt,
    cause,
    armedBeforeOffset,
  });
}
