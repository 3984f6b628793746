// Replays one line of the trace against the model state, in file order (docs/format.md#6-replay-rules).
import type { Directive, DirectiveLine, LineNode, Statement } from '../syntax/ast';

import { attrByNum, attrGroupByNum, type AttrGroupRole, type AttrRole } from '../uapi/deviceAttrs';
import type { MsrRef, Body } from '../syntax/ast';
import type { MsrRole } from '../uapi/msrs';
import { cnthctlTrap, createVcpuArm64, setCounterOffset, setTrap, setVcpuOffset, writeCounter } from './arm64';
import { hostCounter } from './clock';
import { getGuest, getInstance, getVcpu, type StepContext } from './context';
import type { ReplayEvent } from './events';
import { migrate, pause, restore, run, snapshot } from './lifecycle';
import {
  observeCntfrq,
  observeCntvct,
  observeExact,
  observeGuestCntpct,
  observeKvmCntpct,
  observeKvmclock,
  observeTsc,
} from './observe';
import type { HostState, InstanceState, ModelState, VcpuState } from './state';
import { hvc, observeStolen, setPvAddress, writeStealMsr } from './stolen';
import {
  createVcpuX86,
  guestWriteTsc,
  setCpuid,
  setTscOffset,
  setTscState,
  synchronizeTsc,
  writeTscAdjust,
} from './x86';
import { setTscKhz } from './tscKhz';
import { createVm, getClock, kvmclockCtrl, setClock, writeSystemTime } from './kvmclock';
import { pvclockUpdate, trackTsc, updateMasterClock } from './captureClock';
import { withTimers } from './timers/hooks';
import { setTimerTolerances } from './timers/tolerance';

export interface StepOptions {
  /** A tolerance from settings or the command line; it overrides `@tolerance`. */
  toleranceOverride?: bigint;
}

export function stepLine(
  state: ModelState,
  line: number,
  node: LineNode,
  emit: (e: ReplayEvent) => void,
  options: StepOptions = {},
): void {
  if (node.kind === 'directive') directive(state, line, node, emit, options);
  else if (node.kind === 'statement') statement(state, line, node.statement, emit);
  if (node.kind !== 'empty') state.line = line;
}

function directive(
  state: ModelState,
  line: number,
  node: DirectiveLine,
  emit: (e: ReplayEvent) => void,
  options: StepOptions,
): void {
  const d: Directive = node.directive;
  const ref = { line, span: node.span };
  const problem = (message: string): void =>
    emit({ kind: 'problem', code: 'HVT090', span: node.keyword.span, message });
  switch (d.type) {
    case 'hvtrace':
      if (state.anyStatement || state.formatSeen)
        problem('`@hvtrace 1` must be the first directive or statement of the file');
      state.formatSeen = true;
      return;
    case 'host': {
      state.formatSeen = true;
      const existing = state.hosts.get(d.name.value);
      if (existing) {
        emit({
          kind: 'problem',
          code: 'HVT090',
          span: d.name.span,
          message: `host \`${d.name.value}\` is already declared on line ${existing.declared.line + 1}`,
        });
        return;
      }
      const host: HostState = {
        name: d.name.value,
        arch: d.arch.value,
        freq: d.freq.value,
        ecv: d.ecv?.value ?? 0,
        vhe: d.vhe?.value ?? true,
        tscScaling: d.tscScaling?.value ?? true,
        counterValue: d.counter?.value.value ?? 0n,
        counterTime: d.counter?.time.value ?? 0n,
        kernel: d.kernel?.value,
        declared: ref,
      };
      state.hosts.set(host.name, host);
      return;
    }
    case 'vm': {
      state.formatSeen = true;
      const existing = state.guests.get(d.name.value);
      if (existing) {
        emit({
          kind: 'problem',
          code: 'HVT090',
          span: d.name.span,
          message: existing.declared
            ? `VM \`${d.name.value}\` is already declared on line ${existing.declared.line + 1}`
            : `VM \`${d.name.value}\` was already used with the default settings; declare it before its first use`,
        });
        return;
      }
      const g = getGuest(state, d.name.value);
      g.declared = ref;
      g.policy = d.policy?.value ?? 'advance';
      g.pvtime = d.pvtime?.value ?? true;
      g.vcpuCount = d.vcpus?.value;
      return;
    }
    case 'tolerance':
      state.formatSeen = true;
      if (d.duration) {
        state.tolerance = options.toleranceOverride ?? d.duration.value;
        state.toleranceBy = ref;
      }
      setTimerTolerances(state, d, ref);
      return;
  }
}

/** A statement replayed with the timer model around it (replay/timers/hooks.ts). */
function statement(state: ModelState, line: number, stmt: Statement, emit: (e: ReplayEvent) => void): void {
  withTimers(state, line, stmt, emit, (observe, onContext) => counterStatement(state, line, stmt, observe, onContext));
}

/** The `statement` event carries nothing: one shared object (events are never changed). */
const STATEMENT: ReplayEvent = Object.freeze({ kind: 'statement' });

function counterStatement(
  state: ModelState,
  line: number,
  stmt: Statement,
  emit: (e: ReplayEvent) => void,
  onContext: (ctx: StepContext) => void,
): void {
  const ref = { line, span: stmt.span };
  const t = stmt.time.value;
  state.anyStatement = true;
  state.formatSeen = true;
  if (state.lastTime && t < state.lastTime.time) emit({ kind: 'outOfOrder', previous: state.lastTime });
  state.lastTime = { time: t, at: ref };
  state.time = t;
  const host = state.hosts.get(stmt.where.host.value);
  if (!host) {
    emit({ kind: 'unknownHost', name: stmt.where.host.value, span: stmt.where.host.span });
    return;
  }
  const ctx: StepContext = { state, stmt, line, ref, t, host, emit, failed: stmt.result?.kind === 'errno' };
  onContext(ctx);
  emit(STATEMENT);
  const vmName = stmt.where.vm?.value;
  if (vmName === undefined) return hostStatement(ctx);
  const inst = getInstance(state, host, vmName);
  const b = stmt.body;
  if (b.type === 'create_vcpu') {
    if (!ctx.failed && !inst.vcpus.get(b.id.value)?.created) {
      inst.vcpus.delete(b.id.value);
      if (host.arch === 'arm64') createVcpuArm64(ctx, inst, b.id.value);
      else createVcpuX86(ctx, inst, b.id.value);
    }
    return;
  }
  if (b.type === 'restore') return restore(ctx, vmName);
  if (b.type === 'migrate') {
    const dest = state.hosts.get(b.to.value);
    if (!dest) {
      emit({ kind: 'unknownHost', name: b.to.value, span: b.to.span });
      return;
    }
    return migrate(ctx, inst, dest);
  }
  const vcpuId = stmt.where.vcpu?.value;
  if (vcpuId === undefined) return vmStatement(ctx, inst, b);
  const v = getVcpu(inst, vcpuId);
  if (stmt.actor.value === 'guest') emit({ kind: 'guestStatement', inst: inst.key, vcpu: v.id });
  vcpuStatement(ctx, inst, v, b);
}

function hostStatement(ctx: StepContext): void {
  const b = ctx.stmt.body;
  if (b.type === 'sample' && b.counter) {
    observeExact(
      ctx,
      undefined,
      undefined,
      'host_counter',
      b.counter.value,
      hostCounter(ctx.host, b.realtime?.value ?? ctx.t),
      b.counter.span,
      'vmm',
      ctx.host.freq,
    );
  }
}

function vmStatement(ctx: StepContext, inst: InstanceState, b: Body): void {
  switch (b.type) {
    case 'set_counter_offset':
      return setCounterOffset(ctx, inst, b);
    case 'create_vm':
      return createVm(ctx, inst);
    case 'get_clock':
      return getClock(ctx, inst, b);
    case 'set_clock':
      return setClock(ctx, inst, b);
    case 'set_tsc_khz':
      return setTscKhz(ctx, inst, undefined, b.khz.value);
    case 'get_tsc_khz':
      if (b.khz)
        observeExact(
          ctx,
          inst,
          undefined,
          'TSC_KHZ',
          b.khz.value,
          inst.defaultTscKhz ?? ctx.host.freq / 1000n,
          b.khz.span,
          'ioctl',
        );
      return;
    case 'pause':
      return pause(ctx, inst);
    case 'snapshot':
      return snapshot(ctx, inst);
    case 'update_master_clock':
      return updateMasterClock(ctx, inst, b);
    case 'sample':
      if (b.counter)
        observeExact(
          ctx,
          inst,
          undefined,
          'host_counter',
          b.counter.value,
          hostCounter(ctx.host, b.realtime?.value ?? ctx.t),
          b.counter.span,
          'vmm',
          ctx.host.freq,
        );
      return;
    default:
      return;
  }
}

const msrRole = (m: MsrRef): MsrRole | 'unknown' => ('known' in m ? m.known.role : 'unknown');

function decodeAttr(
  ctx: StepContext,
  b: Extract<Body, { type: 'device_attr' }>,
): { group?: AttrGroupRole; attr?: AttrRole } {
  const g = b.group.value;
  const group = 'known' in g ? g.known.role : 'num' in g ? attrGroupByNum(ctx.host.arch, g.num)?.role : undefined;
  const a = b.attr.value;
  const attr = 'known' in a ? a.known.role : 'num' in a && group ? attrByNum(group, a.num)?.role : undefined;
  return { group, attr };
}

function vcpuStatement(ctx: StepContext, inst: InstanceState, v: VcpuState, b: Body): void {
  switch (b.type) {
    case 'run':
      if (!ctx.failed) run(ctx, inst, v);
      return;
    case 'set_one_reg': {
      if (ctx.failed || !('known' in b.reg.value)) return;
      const role = b.reg.value.known.role;
      if (role === 'vtimer_cnt') writeCounter(ctx, inst, v, 'virtual', b.value.value);
      else if (role === 'ptimer_cnt') writeCounter(ctx, inst, v, 'physical', b.value.value);
      else if (role === 'timer_offset') setVcpuOffset(ctx, inst, v, 'virtual', b.value.value);
      return;
    }
    case 'get_one_reg': {
      if (ctx.failed || !b.value || !('known' in b.reg.value)) return;
      const role = b.reg.value.known.role;
      if (role === 'vtimer_cnt') observeCntvct(ctx, inst, v, b.value.value, b.value.span, 'ioctl');
      else if (role === 'ptimer_cnt') observeKvmCntpct(ctx, inst, v, b.value.value, b.value.span, 'ioctl');
      else if (role === 'timer_offset')
        observeExact(ctx, inst, v, 'voffset', b.value.value, v.voffset, b.value.span, 'ioctl', ctx.host.freq);
      else if (role === 'cntfrq') observeCntfrq(ctx, inst, v, b.value.value, b.value.span, 'ioctl');
      return;
    }
    case 'device_attr': {
      const { attr } = decodeAttr(ctx, b);
      if (b.verb === 'set' && b.value) {
        if (attr === 'pvtime_ipa') return setPvAddress(ctx, inst, v, b.value.value);
        if (ctx.failed) return;
        if (attr === 'tsc_offset') return setTscOffset(ctx, inst, v, b.value.value);
        if (attr === 'timer_offset') return setVcpuOffset(ctx, inst, v, 'physical', b.value.value);
      } else if (b.verb === 'get' && b.value && !ctx.failed) {
        if (attr === 'tsc_offset')
          observeExact(ctx, inst, v, 'tsc_offset', b.value.value, v.tscOffset, b.value.span, 'ioctl', ctx.host.freq);
        if (attr === 'pvtime_ipa' && v.pvAddress !== undefined)
          observeExact(ctx, inst, v, 'pvtime_ipa', b.value.value, v.pvAddress, b.value.span, 'ioctl');
      }
      return;
    }
    case 'kvmclock_ctrl':
      return kvmclockCtrl(ctx, inst, v);
    case 'set_cpuid2':
      return setCpuid(ctx, inst, v, b);
    case 'set_tsc_khz':
      return setTscKhz(ctx, inst, v, b.khz.value);
    case 'get_tsc_khz':
      if (b.khz)
        observeExact(ctx, inst, v, 'TSC_KHZ', b.khz.value, v.virtualKhz ?? ctx.host.freq / 1000n, b.khz.span, 'ioctl');
      return;
    case 'set_msrs': {
      if (ctx.failed) return;
      // KVM_SET_MSRS returns how many MSRs it processed; the rest were not written.
      const processed =
        b.processed && b.processed.value < BigInt(b.writes.length) ? Number(b.processed.value) : b.writes.length;
      for (const w of b.writes.slice(0, processed)) {
        const role = msrRole(w.msr.value);
        ctx.emit({
          kind: 'msrWrite',
          inst: inst.key,
          vcpu: v.id,
          msr: role,
          value: w.value.value,
          host: true,
          span: w.msr.span,
        });
        if (role === 'tsc') synchronizeTsc(ctx, inst, v, w.value.value, 'set_msrs');
        else if (role === 'tsc_adjust') writeTscAdjust(inst, v, w.value.value, false);
        else if (role === 'kvm_system_time') writeSystemTime(inst, v, w.value.value);
        else if (role === 'kvm_steal_time') writeStealMsr(ctx, inst, v, w.value.value, false);
      }
      return;
    }
    case 'get_msrs':
      if (ctx.failed) return;
      for (const w of b.values) {
        const role = msrRole(w.msr.value);
        if (role === 'tsc') observeTsc(ctx, inst, v, w.value.value, w.value.span, 'ioctl');
        else if (role === 'tsc_adjust')
          observeExact(ctx, inst, v, 'TSC_ADJUST', w.value.value, v.tscAdjust, w.value.span, 'ioctl');
        else if (role === 'kvm_steal_time' && v.stealMsr !== undefined)
          observeExact(ctx, inst, v, 'steal_msr', w.value.value, v.stealMsr, w.value.span, 'ioctl');
      }
      return;
    case 'get_system_counter_state':
      if (b.cntvoff && !ctx.failed)
        observeExact(ctx, inst, v, 'voffset', b.cntvoff.value, v.voffset, b.cntvoff.span, 'ioctl', ctx.host.freq);
      return;
    case 'set_system_counter_state':
      if (!ctx.failed) setVcpuOffset(ctx, inst, v, 'virtual', b.cntvoff.value);
      return;
    case 'get_tsc_state':
      if (ctx.failed) return;
      if (b.tsc) observeTsc(ctx, inst, v, b.tsc.value, b.tsc.span, 'ioctl');
      return;
    case 'set_tsc_state':
      if (!ctx.failed) setTscState(ctx, inst, v, b);
      return;
    case 'guest_read':
      return guestRead(ctx, inst, v, b);
    case 'guest_write': {
      const reg = b.reg.value;
      // `write TSC` is the guest's WRMSR to IA32_TSC; other registers the guest names are not MSRs.
      if (typeof reg === 'string' && reg !== 'TSC') return;
      const role = typeof reg === 'string' ? 'tsc' : msrRole(reg);
      ctx.emit({
        kind: 'msrWrite',
        inst: inst.key,
        vcpu: v.id,
        msr: role,
        value: b.value.value,
        host: false,
        span: b.reg.span,
      });
      if (role === 'tsc') guestWriteTsc(ctx, v, b.value.value);
      else if (role === 'tsc_adjust') writeTscAdjust(inst, v, b.value.value, true);
      else if (role === 'kvm_system_time') writeSystemTime(inst, v, b.value.value);
      else if (role === 'kvm_steal_time') writeStealMsr(ctx, inst, v, b.value.value, true);
      return;
    }
    case 'hvc':
      return hvc(ctx, inst, v, b);
    case 'kvm_write':
      if (b.reg.value === 'CNTVOFF_EL2') {
        if (v.offsetKnown)
          observeExact(ctx, inst, v, 'voffset', b.value.value, v.voffset, b.value.span, 'kvm', ctx.host.freq);
        setVcpuOffset(ctx, inst, v, 'virtual', b.value.value);
      } else if (b.reg.value === 'CNTPOFF_EL2') {
        observeExact(ctx, inst, v, 'poffset', b.value.value, v.poffset, b.value.span, 'kvm', ctx.host.freq);
        setVcpuOffset(ctx, inst, v, 'physical', b.value.value);
      } else {
        setTrap(ctx, inst, v, cnthctlTrap(ctx.host.vhe, b.value.value));
      }
      return;
    case 'kvm_traps':
      return setTrap(ctx, inst, v, b.on.value ? 'on' : 'off');
    case 'kvm_trap_read':
      setTrap(ctx, inst, v, 'on');
      observeKvmCntpct(ctx, inst, v, b.value.value, b.value.span, 'kvm');
      return;
    case 'stolen_update':
      return observeStolen(ctx, inst, v, b.ns.value, 'kvm');
    case 'write_tsc_offset':
      // What KVM wrote is the truth; it calibrates a vCPU the trace never created. A write whose
      // cause the trace does not show (the model still has `prev`, as in a kernel-only capture) is
      // adopted; a model that has neither `prev` nor `next` disagrees with KVM.
      if (v.tscOffsetKnown && v.tscOffset !== b.prev.value)
        observeExact(ctx, inst, v, 'tsc_offset', b.next.value, v.tscOffset, b.next.span, 'kvm', ctx.host.freq);
      v.tscOffset = b.next.value;
      v.tscOffsetKnown = true;
      return;
    case 'sched_wait':
      v.runDelay += b.duration.value;
      return;
    case 'track_tsc':
      return trackTsc(ctx, inst, v, b);
    case 'pvclock_update':
      return pvclockUpdate(ctx, inst, v, b);
    case 'pause':
    case 'snapshot':
    case 'sample':
      return vmStatement(ctx, inst, b);
    default:
      return;
  }
}

function guestRead(
  ctx: StepContext,
  inst: InstanceState,
  v: VcpuState,
  b: Extract<Body, { type: 'guest_read' }>,
): void {
  const reg = b.reg.value;
  const value = b.value.value;
  const span = b.value.span;
  if (typeof reg !== 'string') {
    const role = msrRole(reg);
    if (role === 'tsc') observeTsc(ctx, inst, v, value, span, 'guest');
    else if (role === 'tsc_adjust') observeExact(ctx, inst, v, 'TSC_ADJUST', value, v.tscAdjust, span, 'guest');
    return;
  }
  switch (reg) {
    case 'CNTVCT_EL0':
    case 'CNTVCTSS_EL0':
      return observeCntvct(ctx, inst, v, value, span, 'guest');
    case 'CNTPCT_EL0':
    case 'CNTPCTSS_EL0':
      return observeGuestCntpct(ctx, inst, v, value, span);
    case 'CNTFRQ_EL0':
      return observeCntfrq(ctx, inst, v, value, span, 'guest');
    case 'TSC':
      return observeTsc(ctx, inst, v, value, span, 'guest');
    case 'kvmclock':
      return observeKvmclock(ctx, inst, v, value, span, 'guest');
    case 'stolen_time':
      return observeStolen(ctx, inst, v, value, 'guest');
    case 'steal':
      if (b.version) ctx.emit({ kind: 'stealRead', inst: inst.key, vcpu: v.id, version: b.version.value });
      return observeStolen(ctx, inst, v, value, 'guest');
    default:
      return;
  }
}
