// Shared wording for the timer rules (HVT040–HVT045): timer names, amounts in ticks and time, and
// the mechanical fix that moves an IA32_TSC_DEADLINE write to a later line.
import type { LineNode } from '../syntax/ast';
import { printWhere } from '../syntax/print';
import { formatDuration, formatTime } from '../values/format';
import { ticksIn } from '../values/units';
import { lvttMode, type TimerName } from '../uapi/timers';
import { ticks } from './describe';
import type { EventOf } from '../replay/events';
import type { Fix, RuleContext } from './rule';

const NAMES: Record<TimerName, string> = {
  vtimer: 'virtual timer (CNTV)',
  ptimer: 'physical timer (CNTP)',
  hvtimer: 'EL2 virtual timer (CNTHV)',
  hptimer: 'EL2 physical timer (CNTHP)',
  lapic: 'LAPIC timer',
};

/** `the virtual timer (CNTV) of vcpu0 of vm1 on dst` */
export const timerOf = (timer: TimerName, vcpu: string): string => `the ${NAMES[timer]} of ${vcpu}`;

/** The compare value a timer fires at, named as the guest programs it. */
export function compareName(timer: TimerName, byTime: boolean): string {
  if (timer === 'lapic') return byTime ? 'expiry' : 'TSC deadline';
  return 'CVAL';
}

/** A reference-time amount in ticks of the timer's counter and in time: `112500 ticks (4.5 ms at 25 MHz)`. */
export function amount(ns: bigint, hz: bigint, byTime: boolean): string {
  return byTime ? formatDuration(ns) : ticks(ticksIn(ns, hz), hz);
}

/** A count of counter ticks (or ns for a reference-time timer) with its time. */
export const tickAmount = (n: bigint, hz: bigint, byTime: boolean): string =>
  byTime ? formatDuration(n) : ticks(n, hz);

export const at = (ns: bigint): string => `${formatTime(ns)} s`;

export const lvttModeName = (lvtt: bigint): string =>
  ({ oneshot: 'one-shot', periodic: 'periodic', tscdeadline: 'TSC-deadline' })[lvttMode(lvtt)];

export const hex32 = (x: bigint): string => `0x${x.toString(16)}`;

/**
 * The edit that takes an `IA32_TSC_DEADLINE=V` write out of its KVM_SET_MSRS line: the whole line
 * when it is the only write, else the statement with its other arguments as written (and its comment).
 */
export function deadlineRemoval(node: LineNode, line: number, msrStart: number): Fix['edits'][number] | undefined {
  if (node.kind !== 'statement' || node.statement.body.type !== 'set_msrs') return undefined;
  const s = node.statement;
  const rest = s.args.filter((a) => a.span.start !== msrStart);
  if (rest.length === s.args.length) return undefined;
  if (rest.length === 0) return { line, newText: '', delete: true };
  const result = s.result?.kind === 'value' ? ` -> ${s.result.value.value}` : '';
  const text = `${formatTime(s.time.value)} ${printWhere(s.where)} ioctl KVM_SET_MSRS ${rest.map((a) => (a.key ? `${a.key.value}=${a.value.value}` : a.value.value)).join(' ')}${result}`;
  return { line, newText: node.comment ? `${text}   #${node.comment.text}` : text };
}

/** `TIME WHERE ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=V`, for inserting after a line. */
export function deadlineLine(node: LineNode, value: bigint): string | undefined {
  if (node.kind !== 'statement') return undefined;
  return `${formatTime(node.statement.time.value)} ${printWhere(node.statement.where)} ioctl KVM_SET_MSRS IA32_TSC_DEADLINE=${value}`;
}

/** Per vCPU: how to take the last IA32_TSC_DEADLINE write out of its KVM_SET_MSRS (a rule's own store). */
type DeadlineRemovals = Map<string, { line: number; edit: Fix['edits'][number] }>;
const removals = (ctx: RuleContext): DeadlineRemovals => ctx.store<DeadlineRemovals>(() => new Map());

/** An `msrWrite` handler for the rules whose fix moves a deadline write (HVT042, HVT045). */
export function rememberDeadlineWrite(e: EventOf<'msrWrite'>, ctx: RuleContext): void {
  if (!e.host || e.msr !== 'tsc_deadline') return;
  const edit = deadlineRemoval(ctx.node, ctx.line, e.span.start);
  if (edit) removals(ctx).set(`${e.inst}|${e.vcpu}`, { line: ctx.line, edit });
}

/**
 * The quick fix "Write IA32_TSC_DEADLINE after KVM_SET_LAPIC" (the current statement), when the
 * deadline written on `writtenOn` is the one remembered for the vCPU; none otherwise.
 */
export function deadlineAfterLapicFix(
  ctx: RuleContext,
  inst: string,
  vcpu: number,
  writtenOn: number,
  value: bigint,
): Fix[] {
  const removal = removals(ctx).get(`${inst}|${vcpu}`);
  const inserted = deadlineLine(ctx.node, value);
  return removal && removal.line === writtenOn && inserted
    ? [
        {
          title: 'Write IA32_TSC_DEADLINE after KVM_SET_LAPIC',
          edits: [removal.edit, { line: ctx.line + 1, newText: inserted, insertBefore: true }],
        },
      ]
    : [];
}
