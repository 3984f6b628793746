// The timer part of a hover (timers.md T4): on a statement that programs, saves, restores or
// delivers a guest timer, the compare value, the guest counter now, the deadline in reference time
// and "fires in Δ" (or "already passed by Δ"); on arm64 also TVAL, which the guest would read now:
// (CVAL − counter)[31:0] sign-extended (kvm_arm_timer_read, `TIMER_REG_TVAL`).
import type { ModelState } from '../replay/state';
import type { Statement } from '../syntax/ast';
import { timerCounter, timerRate, ticksUntil } from '../replay/timers/deadline';
import { timersOf, type TimerView } from '../replay/timers/query';
import { LAPIC_REGISTERS, TIMER_REGISTERS, signExtend32, type TimerName } from '../uapi/timers';
import { counterTime, formatDuration, formatTime, hex, lineNo, ticksWord } from '../values/format';
import { nsOfTicks } from '../values/units';
import { sub64 } from '../values/u64';
import { instanceKey } from '../../../protocol/instanceKey';

const TIMER_TITLE: Record<TimerName, string> = {
  vtimer: 'virtual timer (CNTV)',
  ptimer: 'physical timer (CNTP)',
  hvtimer: 'EL2 virtual timer (CNTHV)',
  hptimer: 'EL2 physical timer (CNTHP)',
  lapic: 'LAPIC timer',
};

/** `**virtual timer (CNTV)**` */
export const timerTitle = (t: TimerName): string => `**${TIMER_TITLE[t]}**`;

const LAPIC_MSR_ROLES = new Set(['tsc_deadline', 'x2apic_lvtt', 'x2apic_tmict', 'x2apic_tmcct', 'x2apic_tdcr']);

/** The timer a statement programs, saves, restores or reports, if any. */
export function timerOfStatement(stmt: Statement): TimerName | undefined {
  const b = stmt.body;
  switch (b.type) {
    case 'guest_write':
    case 'guest_read': {
      const r = b.reg.value;
      if (typeof r === 'string') return TIMER_REGISTERS[r]?.timer ?? (LAPIC_REGISTERS[r] ? 'lapic' : undefined);
      return 'known' in r && LAPIC_MSR_ROLES.has(r.known.role) ? 'lapic' : undefined;
    }
    case 'set_one_reg':
    case 'get_one_reg': {
      const r = b.reg.value;
      if (!('known' in r)) return undefined;
      return r.known.role === 'vtimer_ctl' || r.known.role === 'vtimer_cval'
        ? 'vtimer'
        : r.known.role === 'ptimer_ctl' || r.known.role === 'ptimer_cval'
          ? 'ptimer'
          : undefined;
    }
    case 'set_msrs':
      return b.writes.some((w) => 'known' in w.msr.value && LAPIC_MSR_ROLES.has(w.msr.value.known.role))
        ? 'lapic'
        : undefined;
    case 'set_lapic':
    case 'get_lapic':
    case 'wait_lapic_expire':
    case 'hv_timer':
      return 'lapic';
    case 'timer_state':
    case 'timer_irq':
    case 'timer_expire':
      return b.timer.value;
    default:
      return undefined;
  }
}

export interface TimerFacts {
  timer: TimerName;
  view: TimerView;
  /** The counter the timer compares with, now, and its rate. */
  counter: bigint;
  hz: bigint;
  /** Reference ns until the deadline (≥ 0), or since the compare value passed (as ticks of the counter and ns). */
  firesInNs?: bigint;
  /** When it fires (or would, armed), in reference ns. */
  firesAtNs?: bigint;
  passedTicks?: bigint;
  passedNs?: bigint;
  /** x86: the guest TSC is already past the deadline value, though the deadline (in host time) is not. */
  counterPast?: boolean;
  /** arm64: what the guest reads from TVAL now, and whether CVAL − counter fits its 32 bits. */
  tval?: { value: bigint; fits: boolean };
}

/** The timer's state after the statement, with the numbers a person reads off it. */
export function timerFacts(state: ModelState, stmt: Statement, timer: TimerName): TimerFacts | undefined {
  const vm = stmt.where.vm?.value;
  const vcpu = stmt.where.vcpu?.value;
  if (vm === undefined || vcpu === undefined) return undefined;
  const key = instanceKey(stmt.where.host.value, vm);
  const h = state.hosts.get(stmt.where.host.value);
  const v = state.instances.get(key)?.vcpus.get(vcpu);
  const view = timersOf(state, key, vcpu).find((t) => t.timer === timer);
  if (!h || !v || !view) return undefined;
  const counter = timerCounter(h, v, timer, state.time);
  const hz = timerRate(h, v, timer);
  const out: TimerFacts = { timer, view, counter, hz };
  if (view.cmp === undefined) return out;
  if (view.cmpIsTime || timer === 'lapic') {
    // x86: KVM converts the deadline to host time when it is armed (start_sw_tscdeadline), so the
    // model's t_d says when it fires, even if the TSC was moved past the deadline value since.
    if (view.deadlineNs === undefined) return out;
    if (view.deadlineNs > state.time) {
      out.firesInNs = view.deadlineNs - state.time;
      out.firesAtNs = view.deadlineNs;
    } else out.passedNs = state.time - view.deadlineNs;
    if (!view.cmpIsTime && view.cmp !== 0n) out.counterPast = ticksUntil(view.cmp, counter) === undefined;
    return out;
  }
  const until = ticksUntil(view.cmp, counter);
  if (until !== undefined)
    out.firesInNs =
      view.deadlineNs !== undefined && view.deadlineNs >= state.time
        ? view.deadlineNs - state.time
        : nsOfTicks(until, hz);
  else {
    out.passedTicks = sub64(counter, view.cmp);
    out.passedNs = nsOfTicks(out.passedTicks, hz);
  }
  if (out.firesInNs !== undefined)
    out.firesAtNs =
      view.deadlineNs !== undefined && view.deadlineNs >= state.time ? view.deadlineNs : state.time + out.firesInNs;
  // arm64 only from here: TVAL as the guest would read it now.
  const diff = sub64(view.cmp, counter);
  const signed = diff >= 1n << 63n ? diff - (1n << 64n) : diff;
  out.tval = { value: signExtend32(diff), fits: signed >= -(1n << 31n) && signed < 1n << 31n };
  return out;
}

/** `fires in 900 ms, at 21.500000000 s` / `already passed by 20 ms` / `not armed` — the key words of the summary line. */
export function firesText(f: TimerFacts): string {
  if (f.view.cmp === undefined) return 'compare value unknown (the trace never set it)';
  if (f.view.delivered && f.passedNs !== undefined)
    return `delivered; its compare value passed ${formatDuration(f.passedNs)} ago`;
  const past =
    f.counterPast && f.firesInNs !== undefined
      ? ' (the guest TSC is already past the deadline value: KVM converted the deadline to host time when it was written)'
      : '';
  const when =
    f.firesInNs !== undefined
      ? `fires in ${formatDuration(f.firesInNs)}, at ${formatTime(f.firesAtNs ?? 0n)} s${past}`
      : `already passed by ${formatDuration(f.passedNs ?? 0n)}${f.passedTicks !== undefined ? ` (${f.passedTicks} ${ticksWord(f.passedTicks)})` : ''}: it fires at once`;
  return f.view.armable
    ? when
    : `not armed (${armWord(f)}); ${when.replace(/^fires/, 'would fire').replace(': it fires at once', '')}`;
}

function armWord(f: TimerFacts): string {
  if (f.timer === 'lapic')
    return f.view.lapic?.masked ? 'LVTT masked' : f.view.cmp === 0n ? 'no deadline' : 'LVTT not in this mode';
  const ctl = f.view.ctl ?? 0n;
  return (ctl & 1n) === 0n ? 'ENABLE clear' : 'IMASK set';
}

/** The timer table of the hover. */
export function timerSection(f: TimerFacts): string {
  const v = f.view;
  const title = `**${TIMER_TITLE[f.timer]}** · ${v.armable ? 'armed' : 'not armed'}${v.armedAtLine !== undefined ? ` (compare value set on line ${lineNo(v.armedAtLine)})` : ''}`;
  const rows: string[] = [];
  const cmpName = f.timer === 'lapic' ? (v.cmpIsTime ? 'expiry' : 'TSC deadline') : 'CVAL';
  if (v.ctl !== undefined) rows.push(`| ${f.timer === 'lapic' ? 'LVTT' : 'CTL'} | ${hex(v.ctl)} | ${ctlWords(f)} |`);
  if (v.cmp !== undefined)
    rows.push(
      v.cmpIsTime
        ? `| ${cmpName} | ${formatTime(v.cmp)} s | reference time |`
        : `| ${cmpName} | ${v.cmp} | ${counterTime(v.cmp, f.hz)} |`,
    );
  if (!v.cmpIsTime)
    rows.push(
      `| guest ${f.timer === 'lapic' ? 'TSC' : f.timer === 'vtimer' ? 'CNTVCT' : 'CNTPCT'} now | ${f.counter} | ${counterTime(f.counter, f.hz)} |`,
    );
  if (f.tval)
    rows.push(
      `| TVAL | ${f.tval.value} | ${f.tval.fits ? formatDuration(nsOfTicks(f.tval.value < 0n ? -f.tval.value : f.tval.value, f.hz)) + (f.tval.value < 0n ? ' ago' : ' ahead') : 'CVAL − counter does not fit 32 bits'} |`,
    );
  if (v.deadlineNs !== undefined) rows.push(`| deadline | ${formatTime(v.deadlineNs)} s | reference time |`);
  if (v.lapic?.periodNs !== undefined)
    rows.push(`| period | ${v.lapic.periodNs} ns | ${formatDuration(v.lapic.periodNs)} |`);
  const last = v.lastDelivery
    ? `last delivery on line ${lineNo(v.lastDelivery.at.line)} (${v.lastDelivery.verdict.replace(/-/g, ' ')})`
    : '';
  return [title, '', '| | value | |', '|:--|--:|:--|', ...rows, '', last].join('\n').trimEnd();
}

function ctlWords(f: TimerFacts): string {
  const ctl = f.view.ctl ?? 0n;
  if (f.timer === 'lapic') {
    const l = f.view.lapic;
    return l
      ? `${l.mode === 'tscdeadline' ? 'TSC-deadline' : l.mode === 'oneshot' ? 'one-shot' : 'periodic'}${l.masked ? ', masked' : ''}`
      : '';
  }
  return [
    (ctl & 1n) !== 0n ? 'ENABLE' : 'disabled',
    ...((ctl & 2n) !== 0n ? ['IMASK'] : []),
    ...((ctl & 4n) !== 0n ? ['ISTATUS'] : []),
  ].join(', ');
}
