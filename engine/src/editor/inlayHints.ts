// Inlay hints: after a statement that changed what a guest sees (an offset, a TSC write, a vCPU
// creation, kvmclock), the guest counter it leads to — `⟶ CNTVCT 250002725 (+10.000 s)` — at a
// resume point the guest-time discontinuity against the VM's policy, and after a statement that
// arms a guest timer when it fires — `fires at +3.200 ms` (docs/timers.md#t4-editor-and-timeline).
import type { Analysis } from '../analysis';
import { guestCounter, guestFreq, kvmclockAt } from '../replay/clock';
import type { EventOf, ReplayEvent } from '../replay/events';
import type { ModelState } from '../replay/state';
import type { LineNode, Statement } from '../syntax/ast';
import { signedDiff } from '../values/u64';
import { discontinuityOf, type Discontinuity } from './discontinuity';
import {
  fixedDuration,
  formatDuration,
  formatTime,
  guestSeconds,
  lineNo,
  signedDuration,
  signedTicks,
  ticksWord,
} from '../values/format';
import { nsOfTicks } from '../values/units';
import { instanceKey } from '../../../protocol/instanceKey';

export interface InlayHint {
  line: number;
  /** Column the hint is shown at (the end of the statement, before any comment). */
  character: number;
  label: string;
  tooltip: string;
  kind: 'state' | 'discontinuity' | 'stop' | 'timer';
}

/** What a vCPU looks like to its guest, per instance, to see which statements changed it. */
type Fingerprint = Map<string, string>;

/** Fingerprints of the instances `keys` (only those a hint compares: not every VM of the trace). */
function fingerprint(state: ModelState, keys: (string | undefined)[]): Fingerprint {
  const out: Fingerprint = new Map();
  for (const key of keys) {
    const inst = key === undefined ? undefined : state.instances.get(key);
    if (!inst) continue;
    const parts = [`${inst.generation}|${inst.kvmclockKnown}|${inst.kvmclockBase}|${inst.kvmclockAt}`];
    for (const v of [...inst.vcpus.values()].sort((a, b) => a.id - b.id)) {
      parts.push(`${v.id}:${v.voffset}:${v.poffset}:${v.trap}:${v.tscOffset}:${v.virtualKhz ?? ''}:${v.scaled}`);
    }
    out.set(inst.key, parts.join(';'));
  }
  return out;
}

/** Inlay hints for lines `from`..`to` (inclusive). */
export function inlayHints(analysis: Analysis, from: number, to: number): InlayHint[] {
  const out: InlayHint[] = [];
  let previous: Fingerprint = new Map();
  const start = Math.max(0, from);
  // A hint compares its statement's instance before and after the line: so each line fingerprints
  // its own instance and the next statement's.
  analysis.replayRange(start - 1, to, (line, state, events) => {
    const now = fingerprint(state, [instanceOf(analysis.doc.node(line)), instanceOf(analysis.doc.node(line + 1))]);
    const before = previous;
    previous = now;
    if (line < start) return;
    const node = analysis.doc.node(line);
    if (node.kind !== 'statement') return;
    out.push(...hintsFor(line, node.statement, state, events, before, now));
  });
  return out;
}

/** The `HOST/VM` instance key of a statement line. */
function instanceOf(node: LineNode): string | undefined {
  if (node.kind !== 'statement' || !node.statement.where.vm) return undefined;
  return `${node.statement.where.host.value}/${node.statement.where.vm.value}`;
}

function hintsFor(
  line: number,
  stmt: Statement,
  state: ModelState,
  events: ReplayEvent[],
  before: Fingerprint,
  now: Fingerprint,
): InlayHint[] {
  const character = stmt.span.end;
  const out: InlayHint[] = [];
  const vm = stmt.where.vm?.value;
  const host = state.hosts.get(stmt.where.host.value);
  if (vm === undefined || !host) return out;
  const key = instanceKey(host.name, vm);
  const inst = state.instances.get(key);
  const resume = events.filter((e): e is EventOf<'resumePoint'> => e.kind === 'resumePoint');
  const stops = events.filter((e): e is EventOf<'stop'> => e.kind === 'stop');
  const changed = before.get(key) !== now.get(key) && inst !== undefined;
  if (stops.length) {
    const rec = stops[0].record;
    const vcpu = stmt.where.vcpu?.value;
    const ids = [...rec.counters.keys()].filter((id) => vcpu === undefined || id === vcpu).sort((a, b) => a - b);
    const name = host.arch === 'arm64' ? 'CNTVCT' : 'TSC';
    const parts = uniform(
      ids.map((id) => ({
        id,
        text: `${name} ${rec.counters.get(id)!} (${guestSeconds(rec.counters.get(id)!, rec.freq.get(id)!)})`,
      })),
    );
    out.push({
      line,
      character,
      kind: 'stop',
      label: `⏸ ${parts}`,
      tooltip: `the guest stopped here (${rec.kind}): G_before for the next resume point`,
    });
  } else if (changed || resume.length) {
    const vcpu = stmt.where.vcpu?.value;
    const ids = [...inst!.vcpus.keys()].filter((id) => vcpu === undefined || id === vcpu).sort((a, b) => a - b);
    if (ids.length) {
      const name = host.arch === 'arm64' ? 'CNTVCT' : 'TSC';
      const parts = uniform(
        ids.map((id) => {
          const v = inst!.vcpus.get(id)!;
          const c = guestCounter(host, v, state.time);
          return { id, text: `${name} ${c} (${guestSeconds(c, guestFreq(host, v))})` };
        }),
      );
      out.push({
        line,
        character,
        kind: 'state',
        label: `⟶ ${parts}`,
        tooltip: `guest ${name} after line ${lineNo(line)}, as guest time at ${host.name}'s frequency`,
      });
    }
    if (host.arch === 'x86_64' && inst!.kvmclockKnown && events.some((e) => e.kind === 'clockSet')) {
      out.push({
        line,
        character,
        kind: 'state',
        label: `⟶ kvmclock ${kvmclockAt(inst!, state.time)} ns`,
        tooltip: 'kvmclock after this statement',
      });
    }
  }
  for (const e of resume) {
    const d = discontinuityOf(e, state);
    out.push({ line, character, kind: 'discontinuity', label: d.label, tooltip: discontinuityTooltip(d) });
  }
  for (const e of events) {
    if (e.kind !== 'timerArmed') continue;
    const inNs = e.deadline - state.time;
    const what =
      e.timer === 'lapic' ? (e.byTime ? `expiry ${formatTime(e.cmp)} s` : `TSC deadline ${e.cmp}`) : `CVAL ${e.cmp}`;
    out.push({
      line,
      character,
      kind: 'timer',
      label: inNs > 0n ? `fires at +${fixedDuration(inNs)}` : 'fires at once',
      tooltip: `the ${TIMER_WORDS[e.timer]} of vcpu${e.vcpu} (${what}) fires at ${formatTime(e.deadline)} s${inNs > 0n ? `, ${formatDuration(inNs)} after this statement` : ': its compare value has already passed'}`,
    });
  }
  return out;
}

const TIMER_WORDS: Record<string, string> = {
  vtimer: 'virtual timer',
  ptimer: 'physical timer',
  hvtimer: 'EL2 virtual timer',
  hptimer: 'EL2 physical timer',
  lapic: 'LAPIC timer',
};

/** `CNTVCT 0 (+0.000 s)` when every vCPU shows the same, else `vcpu0 CNTVCT … · vcpu1 CNTVCT …`. */
function uniform(parts: { id: number; text: string }[]): string {
  if (parts.length === 1 || parts.every((p) => p.text === parts[0].text)) return parts[0].text;
  return parts.map((p) => `vcpu${p.id} ${p.text}`).join(' · ');
}

export function discontinuityTooltip(d: Discontinuity): string {
  const step = signedDiff(d.gAfter, d.gBefore);
  return [
    `resume point of vcpu${d.vcpu} of ${d.vm} on ${d.host} (the guest stopped on line ${lineNo(d.stopLine)}, ${d.stopKind}, ${formatDuration(d.downtimeNs)} earlier)`,
    `G_before = ${d.gBefore}, G_after = ${d.gAfter} (step ${signedTicks(step)} ${ticksWord(step)}, ${signedDuration(nsOfTicks(step, d.freq))})`,
    `policy ${d.policy} expects ${d.expected}: deviation ${signedTicks(d.deviation)} ${ticksWord(d.deviation)} (${signedDuration(d.deviationNs)})${d.withinTolerance ? ', within tolerance' : ', beyond tolerance'}`,
  ].join('\n');
}
