// Scheduler events of vCPU threads (include/trace/events/sched.h; docs/reference/real-captures.md#14-scheduler-includetraceeventsschedh) → `sched
// wait DURATION`, the run-queue wait that stolen time accounts (run_delay), stamped when the wait
// ended. With schedstats (sched_stat_wait present in the capture) the kernel's own delays are
// used. On a default kernel the waits are derived: a vCPU thread becomes runnable at its
// sched_wakeup / sched_wakeup_new (sched_waking when the capture has no sched_wakeup), or when it
// is switched out still runnable (prev_state R or R+, a preemption); the wait ends when it is
// switched in. Other threads' events are read only for their names (ThreadIdentity).
import type { TraceEvent } from '../event';
import { anyU64, decU64, rawFields } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

export interface Switch {
  prevComm: string;
  prevPid: number;
  prevRunnable: boolean;
  nextComm: string;
  nextPid: number;
}

/**
 * Kernel "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d
 * next_prio=%d"; plugin "%s:%d [%d] %s ==> %s:%d [%d]" (+ trace-cmd -w " Latency: …"); raw with a
 * numeric prev_state (0, or only the preemption bit: runnable). Comms may hold spaces.
 */
export function decodeSwitch(body: string): Switch | undefined {
  let m =
    /^prev_comm=(.*) prev_pid=(\d+) prev_prio=-?\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+) next_prio=-?\d+$/.exec(
      body,
    );
  if (m)
    return {
      prevComm: m[1],
      prevPid: Number(m[2]),
      prevRunnable: /^R\+?$/.test(m[3]),
      nextComm: m[4],
      nextPid: Number(m[5]),
    };
  m = /^(.*):(\d+) \[-?\d+\] (\S+) ==> (.*):(\d+) \[-?\d+\](?: Latency: .*)?$/.exec(body);
  if (m)
    return {
      prevComm: m[1],
      prevPid: Number(m[2]),
      prevRunnable: /^R\+?$/.test(m[3]),
      nextComm: m[4],
      nextPid: Number(m[5]),
    };
  const f = rawFields(body);
  const state = anyU64(f?.get('prev_state') ?? '');
  if (!f || state === undefined || !f.has('prev_pid') || !f.has('next_pid')) return undefined;
  // TASK_REPORT states are the low bits; TASK_REPORT_MAX (the preemption mark) is above them.
  return {
    prevComm: f.get('prev_comm') ?? '',
    prevPid: Number(f.get('prev_pid')),
    prevRunnable: (state & 0x7fn) === 0n,
    nextComm: f.get('next_comm') ?? '',
    nextPid: Number(f.get('next_pid')),
  };
}

/** sched_wakeup/_new/sched_waking: "comm=%s pid=%d prio=%d[ success=%d] target_cpu=%03d"; plugin "%s:%d [%d][ success=%d] CPU:%03d". */
export function decodeWakeup(body: string): { comm: string; pid: number } | undefined {
  let m = /^comm=(.*) pid=(\d+) prio=-?\d+(?: success=\d+)? target_cpu=\d+$/.exec(body);
  if (m) return { comm: m[1], pid: Number(m[2]) };
  m = /^(.*):(\d+) \[-?\d+\](?: success=\d+)? CPU:\d+$/.exec(body);
  if (m) return { comm: m[1], pid: Number(m[2]) };
  const f = rawFields(body);
  return f?.has('pid') && /^\d+$/.test(f.get('pid')!)
    ? { comm: f.get('comm') ?? '', pid: Number(f.get('pid')) }
    : undefined;
}

/** sched_stat_wait (and the other sched_stat_*): "comm=%s pid=%d delay=%Lu [ns]". */
export function decodeStatWait(body: string): { comm: string; pid: number; delay: bigint } | undefined {
  const m = /^comm=(.*) pid=(\d+) delay=(\d+) \[ns\]$/.exec(body);
  if (m) {
    const d = decU64(m[3]);
    return d === undefined ? undefined : { comm: m[1], pid: Number(m[2]), delay: d };
  }
  const f = rawFields(body);
  const delay = anyU64(f?.get('delay') ?? '');
  return f?.has('pid') && delay !== undefined
    ? { comm: f.get('comm') ?? '', pid: Number(f.get('pid')), delay }
    : undefined;
}

/** Thread names these events print for other threads. */
export function namesIn(ev: TraceEvent): { pid: number; comm: string }[] {
  if (ev.name === 'sched_switch') {
    const d = decodeSwitch(ev.body);
    return d
      ? [
          { pid: d.prevPid, comm: d.prevComm },
          { pid: d.nextPid, comm: d.nextComm },
        ]
      : [];
  }
  if (ev.name.startsWith('sched_wak')) {
    const d = decodeWakeup(ev.body);
    return d ? [d] : [];
  }
  if (ev.name.startsWith('sched_stat_')) {
    const d = decodeStatWait(ev.body);
    return d ? [d] : [];
  }
  return [];
}

interface WaitState {
  runnableSince: Map<number, bigint>;
}

function waitEnded(ev: TraceEvent, ctx: MapContext, pid: number, vcpu: number): void {
  const s = ctx.state<WaitState>('sched', () => ({ runnableSince: new Map() }));
  const since = s.runnableSince.get(pid);
  s.runnableSince.delete(pid);
  const wait = since === undefined ? 0n : ctx.timeOf(ev) - since;
  if (wait > 0n) ctx.emit(ev, { vcpu }, `sched wait ${wait}ns`);
}

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  const schedstats = ctx.has('sched_stat_wait');
  const vcpuOfPid = (pid: number): number | undefined => ctx.vcpuOfThread(pid);
  const s = ctx.state<WaitState>('sched', () => ({ runnableSince: new Map() }));
  switch (ev.name) {
    case 'sched_stat_wait': {
      const d = decodeStatWait(ev.body);
      const vcpu = d && vcpuOfPid(d.pid);
      if (!d || vcpu === undefined) return d ? 'ignored' : 'note';
      if (d.delay > 0n) ctx.emit(ev, { vcpu }, `sched wait ${d.delay}ns`);
      return 'used';
    }
    case 'sched_wakeup':
    case 'sched_wakeup_new':
    case 'sched_waking': {
      const d = decodeWakeup(ev.body);
      if (!d) return 'note';
      const wakeupEvent = ev.name === 'sched_waking' ? !ctx.has('sched_wakeup') : true;
      if (schedstats || !wakeupEvent || vcpuOfPid(d.pid) === undefined) return 'ignored';
      if (!s.runnableSince.has(d.pid)) s.runnableSince.set(d.pid, ctx.timeOf(ev));
      return 'used';
    }
    case 'sched_switch': {
      const d = decodeSwitch(ev.body);
      if (!d) return 'note';
      const prev = vcpuOfPid(d.prevPid),
        next = vcpuOfPid(d.nextPid);
      if (schedstats || (prev === undefined && next === undefined)) return 'ignored';
      if (prev !== undefined) {
        if (d.prevRunnable) s.runnableSince.set(d.prevPid, ctx.timeOf(ev));
        else s.runnableSince.delete(d.prevPid);
      }
      if (next !== undefined) waitEnded(ev, ctx, d.nextPid, next);
      return 'used';
    }
    default:
      return 'ignored';
  }
}

export const schedulerMapper: EventMapper = {
  family: 'scheduler',
  events: [
    'sched_switch',
    'sched_wakeup',
    'sched_wakeup_new',
    'sched_waking',
    'sched_stat_wait',
    'sched_stat_runtime',
    'sched_stat_sleep',
    'sched_stat_iowait',
    'sched_stat_blocked',
    'sched_migrate_task',
    'sched_process_exec',
    'sched_process_exit',
    'sched_process_fork',
  ],
  decodes: (name, body) =>
    name === 'sched_switch'
      ? decodeSwitch(body) !== undefined
      : name.startsWith('sched_wak')
        ? decodeWakeup(body) !== undefined
        : name === 'sched_stat_wait'
          ? decodeStatWait(body) !== undefined
          : true,
  map,
};
