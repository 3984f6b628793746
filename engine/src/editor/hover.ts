// Hover content (markdown) for a position of a trace. On a statement: one line saying what it did
// with the number that matters (hoverSummary.ts), then a table — the timer it programs
// (timerHover.ts, docs/timers.md#t4-editor-and-timeline) or the model state after it for its host/VM/vCPU — then, on a
// restore, the idempotent-offset formula worked out with this trace's numbers. On a number its
// conversions, on a register id or ioctl code its decoded name, on a code in a suppression comment
// its explanation. A diagnostic on the line is not repeated: the editor shows it above the hover.
import type { Analysis } from '../analysis';
import type { ReplayEvent } from '../replay/events';
import {
  guestCntpct,
  guestCntvct,
  guestFreq,
  guestRate,
  guestTsc,
  hasCntpoff,
  hostCounter,
  kvmclockAt,
  physicalOffsetApplied,
} from '../replay/clock';
import type { HostState, InstanceState, ModelState, VcpuState } from '../replay/state';
import { ruleByCode } from '../rules/registry';
import type { DirectiveLine, Span, Statement } from '../syntax/ast';
import { ioctlByCode, ioctlByName } from '../uapi/ioctls';
import { parseInteger } from '../values/parse';
import { u64 } from '../values/u64';
import { locate, type Target } from './locate';
import {
  counterTime,
  formatDuration,
  formatFrequency,
  formatTime,
  hex,
  lineNo,
  mdEscape,
  offsetTime,
  ticksWord,
} from '../values/format';
import { nsOfTicks } from '../values/units';
import { driftOf, idempotentRestore, type IdempotentRestore } from '../replay/restore';
import { stolenConfigured } from '../replay/stolen';
import { instanceKey } from '../../../protocol/instanceKey';
import { offsetChanged, signedOffset, summaryLine } from './hoverSummary';
import { firesText, timerFacts, timerOfStatement, timerSection, timerTitle } from './timerHover';

export interface HoverOptions {
  /** Link target of a code's documentation page. */
  docsHref?: (code: string) => string | undefined;
  /** Link target of a page of the docs, e.g. the format section `docs/format.md#64-resume-points-and-the-guest-time-line`; no links without it. */
  docsLink?: (docPath: string) => string | undefined;
}

/** ` · [text](target)` for a docs page, or nothing when links are not wanted. */
const linkTo = (options: HoverOptions, text: string, docPath: string): string => {
  const href = options.docsLink?.(docPath);
  return href ? ` · [${text}](${href})` : '';
};

export interface HoverResult {
  markdown: string;
  /** The hovered token, or the statement. */
  span: Span;
}

export function hoverAt(
  analysis: Analysis,
  line: number,
  character: number,
  options: HoverOptions = {},
): HoverResult | undefined {
  if (line < 0 || line >= analysis.doc.lineCount) return undefined;
  const loc = locate(analysis.doc, line, character);
  const sections: string[] = [];
  const t = loc.target;
  let span: Span | undefined = t?.span;
  if (t?.kind === 'code') {
    sections.push(explain(t.code, options));
  } else if (loc.stmt) {
    const stmt = loc.stmt;
    const tokenOnly = t && t.kind !== 'vm' && t.kind !== 'vcpu' && t.kind !== 'ioctl';
    if (t) {
      const s = tokenSection(analysis, line, stmt.where.host.value, t);
      if (s) sections.push(s);
    }
    // Past the statement (in its comment) there is nothing to show but diagnostics.
    if (!tokenOnly && character < stmt.span.end) {
      span = t?.kind === 'ioctl' ? t.span : stmt.span;
      sections.push(...statementSections(analysis, line, stmt, options));
    }
  } else if (loc.directive) {
    if (t?.kind === 'number') {
      const host = loc.directive.directive.type === 'host' ? loc.directive.directive.name.value : undefined;
      sections.push(numberSection(analysis, line, host, t));
    } else {
      span = loc.directive.span;
      sections.push(directiveSection(analysis, line, loc.directive));
    }
  }
  if (sections.length === 0) return undefined;
  return { markdown: sections.join('\n\n---\n\n'), span: span ?? { start: 0, end: analysis.doc.text(line).length } };
}

/** A code in a suppression comment: its name, default severity, summary and page. */
function explain(code: string, options: HoverOptions): string {
  const rule = ruleByCode(code);
  const href = options.docsHref?.(code);
  const title = rule ? `**${code} ${rule.meta.name}**` : `**${code}**`;
  const sev = rule?.meta.defaultSeverity;
  const summary = rule ? ` — ${rule.meta.summary}` : ' — not a known hvtimer code';
  return `${title}${sev ? ` (${sev})` : ''}${summary}${href ? `\n\n[Documentation for ${code}](${href})` : ''}`;
}

// ---- tokens -----------------------------------------------------------------------------------

function tokenSection(analysis: Analysis, line: number, hostName: string, t: Target): string | undefined {
  switch (t.kind) {
    case 'host':
      return hostSection(analysis.stateAfter(line), t.name, line);
    case 'ioctl':
      return ioctlSection(t.text);
    case 'register': {
      const r = t.tok.value;
      if ('known' in r) {
        const info = r.known;
        const swap =
          info.role === 'vtimer_cnt' || info.role === 'vtimer_cval'
            ? "\n\n⚠ **CNT/CVAL id swap**: `0x603000000013DF1A` is the virtual **counter** (`KVM_REG_ARM_TIMER_CNT`) and `0x603000000013DF02` the virtual **CVAL** (`KVM_REG_ARM_TIMER_CVAL`): the uapi names carry each other's architectural encodings. Decode by the uapi table, never from the encoding."
            : '';
        return `**${info.name}** = \`${hex(info.id)}\`${info.proposed ? ' (proposed, never merged upstream)' : ''}\n\n${info.note}${swap}`;
      }
      return typeof r.unknown === 'bigint'
        ? `\`${hex(r.unknown)}\`: not a register hvtimer knows (the timer registers are 0x603000000013DFxx)`
        : `\`${mdEscape(r.unknown)}\`: not a register hvtimer knows`;
    }
    case 'msr': {
      const m = t.tok.value;
      return 'known' in m
        ? `**${m.known.name}** = MSR \`${hex(m.known.index)}\``
        : `MSR \`${typeof m.unknown === 'bigint' ? hex(m.unknown) : mdEscape(m.unknown)}\`: not an MSR hvtimer models`;
    }
    case 'attrGroup': {
      const g = t.tok.value;
      return 'known' in g
        ? `**${g.known.name}**: attribute group ${g.known.num} (${g.known.arch})`
        : 'num' in g
          ? `attribute group ${g.num}, decoded with the host's architecture`
          : `\`${mdEscape(g.unknown)}\`: unknown attribute group`;
    }
    case 'attr': {
      const a = t.tok.value;
      return 'known' in a
        ? `**${a.known.name}**: attribute ${a.known.num}${a.known.proposed ? ' (proposed, never merged upstream)' : ''}`
        : 'num' in a
          ? `attribute ${a.num}, decoded with its group`
          : `\`${mdEscape(a.unknown)}\`: unknown attribute`;
    }
    case 'smccc': {
      const f = t.tok.value;
      return 'known' in f
        ? `**${f.known.name}** = SMCCC function \`${hex(f.known.id)}\``
        : 'id' in f
          ? `SMCCC function \`${hex(f.id)}\``
          : `\`${mdEscape(f.unknown)}\`: unknown SMCCC function`;
    }
    case 'number':
      return numberSection(analysis, line, hostName, t);
    default:
      return undefined;
  }
}

function ioctlSection(text: string): string {
  const n = parseInteger(text);
  const info = ioctlByName(text) ?? (n.ok ? ioctlByCode(u64(n.value)) : undefined);
  if (!info)
    return `\`${mdEscape(text)}\`: an ioctl hvtimer does not know (HVT091); accepted without effect on the model`;
  const code = info.code !== undefined ? `\`${hex(info.code)}\`` : 'no request code (never merged)';
  const head = text === info.name ? `**${info.name}** = ${code}` : `\`${text}\` is **${info.name}**`;
  return `${head} — ${info.note}${info.proposed ? ' (proposed API, not upstream KVM)' : ''}`;
}

function numberSection(
  analysis: Analysis,
  line: number,
  hostName: string | undefined,
  t: Extract<Target, { kind: 'number' }>,
): string {
  const v = t.value;
  const lines = [`\`${mdEscape(t.text)}\``, '', `- decimal: \`${v}\``, `- hex: \`${hex(v)}\``];
  if (t.unit === 'ticks' || t.unit === 'address' || t.unit === 'flags') {
    if (v >= 1n << 63n) lines.push(`- signed: \`${v - (1n << 64n)}\``);
  }
  if (t.unit === 'ticks') {
    const host = hostName ? analysis.stateAfter(line).hosts.get(hostName) : undefined;
    if (host) {
      const signed = v >= 1n << 63n;
      lines.push(
        `- time at ${formatFrequency(host.freq)} (host ${host.name}): \`${signed ? offsetTime(v, host.freq) : counterTime(v, host.freq)}\``,
      );
    }
  } else if (t.unit === 'ns') {
    lines.push(`- time: \`${formatTime(v)} s\` (${formatDuration(v)})`);
  } else if (t.unit === 'khz') {
    lines.push(`- frequency: ${formatFrequency(v * 1000n)}`);
  } else if (t.unit === 'hz') {
    lines.push(`- frequency: ${formatFrequency(v)}`);
  }
  return lines.join('\n');
}

function hostSection(state: ModelState, name: string, line: number): string {
  const h = state.hosts.get(name);
  if (!h)
    return `host \`${mdEscape(name)}\` is not declared before line ${lineNo(line)} (HVT091): add \`@host ${mdEscape(name)} arch=... freq=...\``;
  return `${hostSummary(h)}\n\ncounter at ${formatTime(state.time)} s: \`${hostCounter(h, state.time)}\` (\`${hex(hostCounter(h, state.time))}\`)`;
}

function hostSummary(h: HostState): string {
  const parts = [`**host ${h.name}** · ${h.arch} · ${formatFrequency(h.freq)}`];
  if (h.arch === 'arm64') {
    parts.push(
      `FEAT_ECV ${h.ecv}, VHE ${h.vhe ? 'on' : 'off'}: ${hasCntpoff(h) ? 'CNTPOFF offsets the physical counter in hardware' : 'no CNTPOFF, a non-zero physical offset needs trapped CNTPCT reads'}`,
    );
  } else {
    parts.push(`TSC scaling ${h.tscScaling ? 'available' : 'not available'}`);
  }
  parts.push(`kernel ${h.kernel ? `${h.kernel.major}.${h.kernel.minor}` : 'newest'}`);
  parts.push(`declared on line ${lineNo(h.declared.line)}`);
  return parts.join(' · ');
}

function directiveSection(analysis: Analysis, line: number, d: DirectiveLine): string {
  const dir = d.directive;
  const state = analysis.stateAfter(line);
  switch (dir.type) {
    case 'hvtrace':
      return `**.hvtrace format version ${dir.version.value}**`;
    case 'host': {
      const h = state.hosts.get(dir.name.value);
      return h && h.declared.line === line
        ? `${hostSummary(h)}\n\ncounter \`${h.counterValue}\` at ${formatTime(h.counterTime)} s`
        : `host \`${mdEscape(dir.name.value)}\` is declared twice`;
    }
    case 'vm': {
      const g = state.guests.get(dir.name.value);
      if (!g) return `**VM ${mdEscape(dir.name.value)}**`;
      return `**VM ${g.name}** · policy ${g.policy} (${g.policy === 'advance' ? 'the guest counter keeps pace with the reference clock while stopped' : 'the guest counter does not advance while stopped'}) · ${g.vcpuCount ?? '?'} vCPUs · PV time ${g.pvtime ? 'on' : 'off'}`;
    }
    case 'tolerance':
      return dir.duration
        ? `**tolerance** ${formatDuration(dir.duration.value)}${state.tolerance !== dir.duration.value ? ` (overridden by the settings: ${formatDuration(state.tolerance)})` : ''}`
        : '**timer tolerances** ([docs/timers.md](docs/timers.md#t2-model))';
  }
}

// ---- statements -------------------------------------------------------------------------------

const TABLE_HEAD = '| | decimal | hex | time |\n|:--|--:|--:|--:|';
const row = (label: string, value: bigint, time: string): string => `| ${label} | ${value} | ${hex(value)} | ${time} |`;
/** An offset: its signed reading first when it is a negative offset, with the u64 beside it. */
const offsetRow = (label: string, value: bigint, time: string): string =>
  `| ${label} | ${signedOffset(value)} | ${hex(value)} | ${time} |`;
const nsRow = (label: string, ns: bigint): string => row(label, ns, `${formatTime(ns)} s`);

function whereText(stmt: Statement): string {
  const w = stmt.where;
  return `${w.host.value}${w.vm ? `/${w.vm.value}` : ''}${w.vcpu ? `/vcpu${w.vcpu.value}` : ''}`;
}

/** The state before and after a line and the events it produced, from one replay of the range. */
function replayLine(
  analysis: Analysis,
  line: number,
): { before: ModelState; after: ModelState; events: ReplayEvent[] } {
  let before: ModelState | undefined;
  let after: ModelState | undefined;
  let events: ReplayEvent[] = [];
  analysis.replayRange(line - 1, line, (l, state, ev) => {
    if (l === line) {
      after = structuredClone(state);
      events = ev;
    } else before = structuredClone(state);
  });
  return { before: before ?? analysis.stateAfter(line - 1), after: after ?? analysis.stateAfter(line), events };
}

function statementSections(analysis: Analysis, line: number, stmt: Statement, options: HoverOptions): string[] {
  const { before, after, events } = replayLine(analysis, line);
  const host = after.hosts.get(stmt.where.host.value);
  if (!host)
    return [
      `**${whereText(stmt)}**: host \`${stmt.where.host.value}\` is not declared, so this statement is not replayed`,
    ];
  const input = { line, stmt, before, after, events };
  const summary = summaryLine(input);
  const timer = timerOfStatement(stmt);
  const facts = timer ? timerFacts(after, stmt, timer) : undefined;
  const spec = linkTo(options, 'the timer model (timers.md T2)', 'docs/timers.md#t2-model').replace(/^ · /, '\n\n');
  // A statement that moved the vCPU's offset (a TSC restore that also writes the deadline) shows the
  // counters, with the timer in one line; any other timer statement shows the timer.
  const body =
    facts && !offsetChanged(input, host.arch)
      ? `${timerSection(facts)}${spec}`
      : `${stateTable(after, host, stmt, line)}${facts ? `\n\n${timerTitle(facts.timer)}: ${firesText(facts)}${spec}` : ''}`;
  const sections = [`${summary}\n\n${body}`];
  const restore = restoreSection(before, after, stmt, options);
  if (restore) sections.push(restore);
  return sections;
}

/** The model state after the line for the statement's vCPU (or every vCPU of its VM), with notes. */
function stateTable(after: ModelState, host: HostState, stmt: Statement, line: number): string {
  const t = after.time;
  const rows = [
    row(
      `${host.arch === 'arm64' ? 'host counter' : 'host TSC'} (${host.name})`,
      hostCounter(host, t),
      counterTime(hostCounter(host, t), host.freq),
    ),
  ];
  const notes: string[] = [`**${whereText(stmt)}** after line ${lineNo(line)} · t = ${formatTime(t)} s`];
  const vm = stmt.where.vm?.value;
  const inst = vm !== undefined ? after.instances.get(instanceKey(host.name, vm)) : undefined;
  const vcpuId = stmt.where.vcpu?.value;
  if (inst && vcpuId !== undefined) {
    const v = inst.vcpus.get(vcpuId);
    if (v) vcpuRows(after, host, inst, v, '', rows, notes);
  } else if (inst) {
    notes.push(inst.running ? 'running' : 'not running');
    for (const v of [...inst.vcpus.values()].sort((a, b) => a.id - b.id))
      vcpuRows(after, host, inst, v, `vcpu${v.id} `, rows, notes, true);
    if (inst.counterOffsetUsed && inst.counterOffsetBy)
      notes.push(`KVM_ARM_SET_COUNTER_OFFSET used on line ${lineNo(inst.counterOffsetBy.line)}`);
  }
  if (inst && host.arch === 'x86_64' && inst.kvmclockKnown) {
    rows.push(nsRow('kvmclock (ns)', kvmclockAt(inst, t)));
    if (inst.clockSetBy) notes.push(`kvmclock set on line ${lineNo(inst.clockSetBy.line)}`);
  }
  notes.push(`times at ${formatFrequency(host.freq)} (${host.name})`);
  return `${TABLE_HEAD}\n${rows.join('\n')}\n\n${dedupe(notes).join(' · ')}`;
}

const dedupe = (xs: string[]): string[] => [...new Set(xs)];

function vcpuRows(
  state: ModelState,
  host: HostState,
  inst: InstanceState,
  v: VcpuState,
  prefix: string,
  rows: string[],
  notes: string[],
  brief = false,
): void {
  const t = state.time;
  const f = host.freq;
  const who = prefix ? `vcpu${v.id} ` : '';
  if (host.arch === 'arm64') {
    rows.push(offsetRow(`${prefix}virtual offset`, v.voffset, offsetTime(v.voffset, f)));
    // The physical counter only where it differs from the host's (a non-zero physical offset).
    if (v.poffset !== 0n) rows.push(offsetRow(`${prefix}physical offset`, v.poffset, offsetTime(v.poffset, f)));
    const cntvct = guestCntvct(host, v, t);
    rows.push(row(`${prefix}guest CNTVCT`, cntvct, counterTime(cntvct, f)));
    if (!brief) {
      notes.push(v.running ? 'running' : 'not running');
      if (v.poffset !== 0n) {
        const cntpct = guestCntpct(host, v, t);
        rows.push(
          row(
            `guest CNTPCT${physicalOffsetApplied(host, v) ? '' : ' (raw host counter)'}`,
            cntpct,
            counterTime(cntpct, f),
          ),
        );
        notes.push(`CNTPCT trap: ${v.trap}${v.trapBy ? ` (line ${lineNo(v.trapBy.line)})` : ''}`);
      } else {
        notes.push('physical offset 0');
      }
    }
    if (v.voffsetBy) notes.push(`${who}virtual offset set on line ${lineNo(v.voffsetBy.line)}`);
    if (v.poffsetBy && v.poffset !== 0n) notes.push(`${who}physical offset set on line ${lineNo(v.poffsetBy.line)}`);
  } else {
    const gf = guestFreq(host, v);
    const tsc = guestTsc(host, v, t);
    rows.push(offsetRow(`${prefix}TSC offset`, v.tscOffset, offsetTime(v.tscOffset, gf)));
    rows.push(row(`${prefix}guest TSC`, tsc, counterTime(tsc, gf)));
    if (!brief) {
      if (v.tscAdjust !== 0n) rows.push(offsetRow('TSC_ADJUST', v.tscAdjust, offsetTime(v.tscAdjust, gf)));
      notes.push(v.running ? 'running' : 'not running');
      if (v.kvmclockCtrl) notes.push('KVM_KVMCLOCK_CTRL done');
    }
    if (v.virtualKhz !== undefined)
      notes.push(
        `${who}guest TSC at ${formatFrequency(gf)}${guestRate(host, v) === gf ? ' (scaled)' : ` (runs at the host's ${formatFrequency(guestRate(host, v))})`}`,
      );
    if (v.tscOffsetBy) notes.push(`${who}TSC offset set on line ${lineNo(v.tscOffsetBy.line)}`);
  }
  if (stolenConfigured(v)) {
    const stolen = state.guests.get(inst.vm)?.vcpus.get(v.id)?.stolen ?? 0n;
    rows.push(nsRow(`${prefix}stolen time (ns)`, stolen));
    const by = v.pvAddressBy ?? v.stealMsrBy;
    if (by) notes.push(`${who}stolen-time structure set on line ${lineNo(by.line)}`);
  }
}

// ---- restores ---------------------------------------------------------------------------------

/** Which vCPU a statement restores the counter of, and how (by value or by offset), if it does. */
function restoreKind(
  stmt: Statement,
  state: ModelState,
): { vcpus: number[]; kind: 'cnt' | 'counter_offset' | 'tsc' | 'tsc_offset' } | undefined {
  const b = stmt.body;
  const vcpu = stmt.where.vcpu?.value;
  if (stmt.result?.kind === 'errno') return undefined;
  if (
    b.type === 'set_one_reg' &&
    vcpu !== undefined &&
    'known' in b.reg.value &&
    b.reg.value.known.role === 'vtimer_cnt'
  )
    return { vcpus: [vcpu], kind: 'cnt' };
  if (b.type === 'set_counter_offset') {
    const stop = state.guests.get(stmt.where.vm!.value)?.stop;
    const ids = stop ? [...stop.counters.keys()].filter((id) => !stop.resumed.has(id)).sort((a, c) => a - c) : [];
    return ids.length ? { vcpus: ids.slice(0, 1), kind: 'counter_offset' } : undefined;
  }
  if (
    b.type === 'set_msrs' &&
    vcpu !== undefined &&
    b.writes.some((w) => 'known' in w.msr.value && w.msr.value.known.role === 'tsc')
  )
    return { vcpus: [vcpu], kind: 'tsc' };
  if (
    b.type === 'device_attr' &&
    b.verb === 'set' &&
    vcpu !== undefined &&
    'known' in b.attr.value &&
    b.attr.value.known.role === 'tsc_offset'
  )
    return { vcpus: [vcpu], kind: 'tsc_offset' };
  return undefined;
}

function restoreSection(
  before: ModelState,
  after: ModelState,
  stmt: Statement,
  options: HoverOptions,
): string | undefined {
  const kind = restoreKind(stmt, before);
  if (!kind) return undefined;
  const r = idempotentRestore(before, stmt, kind.vcpus[0]);
  if (!r) return undefined;
  const inst = after.instances.get(instanceKey(r.dstHost, r.vm));
  const v = inst?.vcpus.get(r.vcpu);
  if (!v) return undefined;
  const actual = r.arch === 'arm64' ? v.voffset : v.tscOffset;
  return `${formulaMarkdown(r, stmt, kind.kind, actual)}${linkTo(options, 'format §6.4 resume points', 'docs/format.md#64-resume-points-and-the-guest-time-line')}`;
}

/** The worked formula and the drift of what the trace did, as markdown. */
export function formulaMarkdown(
  r: IdempotentRestore,
  stmt: Statement,
  kind: 'cnt' | 'counter_offset' | 'tsc' | 'tsc_offset',
  actual: bigint,
): string {
  const F = formatFrequency(r.freq);
  const dt = `(${formatTime(r.t1)} - ${formatTime(r.t0)}) s × ${F}`;
  const head = `**Idempotent restore** of vcpu${r.vcpu} of ${r.vm} (the guest stopped on line ${lineNo(r.stop.at.line)}: ${r.stop.kind} on ${r.srcHost} at ${formatTime(r.t0)} s; policy ${r.policy})`;
  let formula: string;
  let how: string;
  if (r.arch === 'arm64') {
    const c0c1 = r.c0 - r.c1;
    formula =
      r.policy === 'advance'
        ? [
            'Off1 = Off0 - (T1 - T0) × F - (C0 - C1)',
            `     = ${r.off0} - ${dt} - (${r.c0} - ${r.c1})`,
            `     = ${r.off0} - ${r.elapsed} - (${c0c1})`,
            `     = ${r.ideal}`,
          ].join('\n')
        : [
            'Off1 = Off0 - (C0 - C1)            (policy freeze: no (T1 - T0) × F term)',
            `     = ${r.off0} - (${r.c0} - ${r.c1})`,
            `     = ${r.off0} - (${c0c1})`,
            `     = ${r.ideal}`,
          ].join('\n');
    formula += `\n\nOff0 = offset at the stop, C0 = ${r.srcHost} counter at T0, C1 = ${r.dstHost} counter at T1, F = ${F}`;
    how = r.counterOffsetAvailable
      ? `Restore it with \`KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}\` on ${r.dstHost}/${r.vm}.`
      : `KVM_ARM_SET_COUNTER_OFFSET needs Linux 6.4+ on ${r.dstHost}; a TIMER_CNT write of \`${r.expected}\` at T1 gives the same offset.`;
  } else {
    formula = [
      r.policy === 'advance'
        ? 'offset = G0 + (T1 - T0) × F - scale(C1)'
        : 'offset = G0 - scale(C1)            (policy freeze: no (T1 - T0) × F term)',
      r.policy === 'advance' ? `       = ${r.g0} + ${dt} - ${r.scaledC1}` : `       = ${r.g0} - ${r.scaledC1}`,
      ...(r.policy === 'advance' ? [`       = ${r.g0} + ${r.elapsed} - ${r.scaledC1}`] : []),
      `       = ${r.ideal}`,
    ].join('\n');
    formula += `\n\nG0 = guest TSC at the stop, C1 = ${r.dstHost} TSC at T1, F = ${F}`;
    how = `Restore it with \`KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${r.ideal}\` on vcpu${r.vcpu}.`;
  }
  if (r.ideal >= 1n << 63n)
    formula = formula.replace(
      new RegExp(`= ${r.ideal}$`, 'm'),
      `= ${r.ideal} (${r.ideal - (1n << 64n)} as a signed offset)`,
    );
  const drift = driftOf(r, actual);
  const did = describeActual(stmt, kind, r, actual);
  const verdict =
    drift === 0n
      ? 'which keeps the guest exactly on its time line'
      : `which leaves the guest ${drift < 0n ? -drift : drift} ${ticksWord(drift)} (${formatDuration(nsOfTicks(drift < 0n ? -drift : drift, r.freq))} at ${F}) ${drift < 0n ? 'behind' : 'ahead of'} its time line`;
  return `${head}\n\n\`\`\`text\n${formula}\n\`\`\`\n\nThis trace: ${did}, ${verdict}. ${drift === 0n ? '' : how}`.trimEnd();
}

function describeActual(
  stmt: Statement,
  kind: 'cnt' | 'counter_offset' | 'tsc' | 'tsc_offset',
  r: IdempotentRestore,
  actual: bigint,
): string {
  const b = stmt.body;
  switch (kind) {
    case 'cnt': {
      const value = b.type === 'set_one_reg' ? b.value.value : 0n;
      return `\`KVM_SET_ONE_REG TIMER_CNT value=${value}\` sets the offset to C1 - value = ${r.c1} - ${value} = ${actual}`;
    }
    case 'counter_offset':
      return `\`KVM_ARM_SET_COUNTER_OFFSET counter_offset=${actual}\``;
    case 'tsc': {
      const w =
        b.type === 'set_msrs'
          ? b.writes.find((x) => 'known' in x.msr.value && x.msr.value.known.role === 'tsc')
          : undefined;
      return `\`IA32_TSC=${w?.value.value ?? '?'}\` gives TSC offset ${actual}`;
    }
    case 'tsc_offset':
      return `\`KVM_VCPU_TSC_OFFSET value=${actual}\``;
  }
}
