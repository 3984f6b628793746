// The first line of a statement's hover: what the statement did, with the one number that matters
// (the offset it set, the counter the guest resumes at and how far off the policy's line, the timer
// it armed and when it fires, the value read against the model's). Read off the replay's events for
// the line and the state before and after it.
import type { ReplayEvent } from '../replay/events';
import type { ModelState, VcpuState } from '../replay/state';
import type { Statement } from '../syntax/ast';
import { guestCounter, guestFreq, hostCounter } from '../replay/clock';
import {
  counterTime,
  formatDuration,
  formatTime,
  guestSeconds,
  lineNo,
  signedDuration,
  signedTicks,
  ticksWord,
} from '../values/format';
import { nsOfTicks } from '../values/units';
import { signedDiff } from '../values/u64';
import { instanceKey } from '../../../protocol/instanceKey';
import { discontinuityOf } from './discontinuity';
import { firesText, timerFacts, timerOfStatement } from './timerHover';
import { timersOf } from '../replay/timers/query';

/** A u64 offset as a person reads it: the signed value when it is negative, with the u64 beside it. */
export const signedOffset = (v: bigint): string => (v >= 1n << 63n ? `${v - (1n << 64n)} (u64 ${v})` : `${v}`);

const counterName = (arch: string): string => (arch === 'arm64' ? 'CNTVCT' : 'TSC');

export interface SummaryInput {
  line: number;
  stmt: Statement;
  before: ModelState;
  after: ModelState;
  events: readonly ReplayEvent[];
}

/** One line, in markdown: `**vcpu0** · sets the virtual offset to … → guest CNTVCT …`. */
export function summaryLine(s: SummaryInput): string {
  const { stmt, after, events } = s;
  const host = after.hosts.get(stmt.where.host.value);
  if (!host) return `host \`${stmt.where.host.value}\` is not declared, so this statement is not replayed`;
  const vm = stmt.where.vm?.value;
  const vcpu = stmt.where.vcpu?.value;
  const key = vm !== undefined ? instanceKey(host.name, vm) : undefined;
  const inst = key ? after.instances.get(key) : undefined;
  const name = counterName(host.arch);
  const counterOf = (v: VcpuState): string => {
    const c = guestCounter(host, v, after.time);
    return `${name} ${c} (${guestSeconds(c, guestFreq(host, v))})`;
  };

  const resume = events.find((e) => e.kind === 'resumePoint');
  if (resume?.kind === 'resumePoint') {
    const d = discontinuityOf(resume, after);
    return `**resume point** of vcpu${d.vcpu}: the guest resumes at ${d.counterName} ${d.gAfter}, ${d.withinTolerance ? 'on' : `${signedTicks(d.deviation)} ${ticksWord(d.deviation)} (${signedDuration(d.deviationNs)}) off`} the line policy ${d.policy} expects (${d.expected})`;
  }
  const stop = events.find((e) => e.kind === 'stop');
  if (stop?.kind === 'stop') {
    const ids = [...stop.record.counters.keys()].sort((a, b) => a - b);
    const values = [...new Set(ids.map((id) => stop.record.counters.get(id)!))];
    const g =
      values.length === 1
        ? `${name} ${values[0]}`
        : ids.map((id) => `vcpu${id} ${name} ${stop.record.counters.get(id)!}`).join(', ');
    return `**the guest stops** (${stop.record.kind}): it is saved at ${g} (G_before of the next resume point)`;
  }
  const v = inst && vcpu !== undefined ? inst.vcpus.get(vcpu) : undefined;
  if (v && offsetChanged(s, host.arch)) {
    return host.arch === 'arm64'
      ? `**sets the virtual offset** of vcpu${vcpu} to ${signedOffset(v.voffset)}: guest ${counterOf(v)}`
      : `**sets the TSC offset** of vcpu${vcpu} to ${signedOffset(v.tscOffset)}: guest ${counterOf(v)}`;
  }
  const timer = timerOfStatement(stmt);
  if (timer && vcpu !== undefined) {
    const f = timerFacts(after, stmt, timer);
    const armed = events.some((e) => e.kind === 'timerArmed' && e.timer === timer);
    const delivered = events.find((e) => e.kind === 'timerDelivery' && e.timer === timer);
    if (f && delivered?.kind === 'timerDelivery') {
      const late = delivered.late;
      const how = delivered.early?.exceeds
        ? `${formatDuration(delivered.early.ns)} early`
        : late?.exceeds
          ? `${formatDuration(late.ns)} late`
          : late && late.ns > 0n
            ? `on time (${formatDuration(late.ns)} after its deadline)`
            : 'on time';
      return `**delivers** the ${timerWord(timer)} of vcpu${vcpu}: ${how}`;
    }
    const wasArmable = timersOf(s.before, key!, vcpu).find((t) => t.timer === timer)?.armable ?? false;
    if (f)
      return `**${timerVerb(stmt, armed, wasArmable && !f.view.armable)}** the ${timerWord(timer)} of vcpu${vcpu}: ${firesText(f)}`;
  }
  const write = events.find((e) => e.kind === 'counterWrite');
  if (write?.kind === 'counterWrite' && write.ignored) {
    return `**ignored by KVM**: KVM_ARM_SET_COUNTER_OFFSET${write.ignoredBecause ? ` on line ${lineNo(write.ignoredBecause.line)}` : ''} was used on this instance, so the ${write.counter} offset stays ${signedOffset(write.previousOffset)}`;
  }
  const stolen = events.find((e) => e.kind === 'stolenObserved');
  if (stolen?.kind === 'stolenObserved')
    return `**${stolen.source === 'guest' ? 'the guest reads' : 'KVM updates'}** vcpu${stolen.vcpu}'s stolen time: ${stolen.value} ns (${formatDuration(stolen.value)})`;
  const observation = events.find((e) => e.kind === 'observation');
  if (observation?.kind === 'observation') {
    const diff = signedDiff(observation.observed, observation.predicted);
    const agree =
      diff === 0n
        ? 'as the model predicts'
        : `the model predicts ${observation.predicted} (${signedTicks(diff)}${observation.hz ? `, ${signedDuration(nsOfTicks(diff, observation.hz))}` : ''})`;
    return `**${observation.source === 'guest' ? 'the guest reads' : 'reads'}** ${observation.quantity} = ${observation.observed}: ${agree}`;
  }
  if (inst && vcpu !== undefined) {
    const was = s.before.instances.get(key!)?.vcpus.get(vcpu);
    if (v) {
      if (!was) return `**creates vcpu${vcpu}**: guest ${counterOf(v)}`;
      if (stmt.body.type === 'run') return `**vcpu${vcpu} runs** at guest ${counterOf(v)}`;
      return `vcpu${vcpu} at guest ${counterOf(v)} · t = ${formatTime(after.time)} s`;
    }
  }
  if (inst) {
    const created = stmt.body.type === 'create_vcpu' ? inst.vcpus.get(stmt.body.id.value) : undefined;
    if (created)
      return `**creates vcpu${created.id}** of ${inst.vm} on ${inst.host}: ${host.arch === 'arm64' ? `virtual offset ${signedOffset(created.voffset)}` : `TSC offset ${signedOffset(created.tscOffset)}`}, guest ${counterOf(created)}`;
    if (stmt.body.type === 'set_counter_offset') {
      const first = [...inst.vcpus.values()].sort((a, b) => a.id - b.id)[0];
      return `**sets the VM's counter offset** to ${signedOffset(inst.voffset)} (virtual and physical)${first ? `: guest ${counterOf(first)}` : ''}`;
    }
    return `${inst.vm} on ${inst.host}: ${inst.running ? 'running' : 'not running'}, ${inst.vcpus.size} vCPU${inst.vcpus.size === 1 ? '' : 's'} · t = ${formatTime(after.time)} s`;
  }
  const c = hostCounter(host, after.time);
  return `host ${host.name} at t = ${formatTime(after.time)} s: counter ${c} (${counterTime(c, host.freq)})`;
}

/** What a timer statement does to the timer, in one word. */
function timerVerb(stmt: Statement, armed: boolean, disarmed: boolean): string {
  switch (stmt.body.type) {
    case 'get_one_reg':
    case 'get_lapic':
    case 'guest_read':
      return 'reads';
    case 'timer_state':
      return 'KVM saves or loads';
    case 'timer_irq':
      return stmt.body.level.value ? 'raises the line of' : 'lowers the line of';
    case 'timer_expire':
      return "KVM's software timer expires for";
    case 'set_one_reg':
    case 'set_lapic':
    case 'set_msrs':
      return armed ? 'restores and arms' : 'restores';
    default:
      return armed ? 'arms' : disarmed ? 'disarms' : 'programs';
  }
}

/** The statement changed its vCPU's offset (arm64 virtual offset, x86 TSC offset). */
export function offsetChanged(s: SummaryInput, arch: string): boolean {
  const { stmt } = s;
  const vm = stmt.where.vm?.value;
  const vcpu = stmt.where.vcpu?.value;
  if (vm === undefined || vcpu === undefined) return false;
  const key = instanceKey(stmt.where.host.value, vm);
  const was = s.before.instances.get(key)?.vcpus.get(vcpu);
  const now = s.after.instances.get(key)?.vcpus.get(vcpu);
  if (!was || !now) return false;
  return arch === 'arm64' ? was.voffset !== now.voffset : was.tscOffset !== now.tscOffset;
}

const timerWord = (t: string): string =>
  (
    ({
      vtimer: 'virtual timer',
      ptimer: 'physical timer',
      hvtimer: 'EL2 virtual timer',
      hptimer: 'EL2 physical timer',
      lapic: 'LAPIC timer',
    }) as Record<string, string>
  )[t] ?? t;
