// The replay state after a line as markdown (the "Replay to here" view): hosts, guests and every
// instance with its vCPUs, values in decimal, hex and as time.
import { formatFrequency, formatTime, lineNo } from '../values/format';
import type { StateView, ValueView, VcpuView } from './stateView';

const cell = (v: ValueView | null): string => (v ? `${v.decimal} | ${v.hex} | ${v.time}` : '— | — | —');
const at = (line: number | null): string => (line === null ? '' : ` (line ${lineNo(line)})`);

function vcpuRows(v: VcpuView): string[] {
  const rows = [`| guest ${v.counterName} | ${cell(v.guestCounter)} |`];
  if (v.virtualOffset) rows.push(`| virtual offset${at(v.setBy.virtualOffset)} | ${cell(v.virtualOffset)} |`);
  if (v.physicalOffset) rows.push(`| physical offset${at(v.setBy.physicalOffset)} | ${cell(v.physicalOffset)} |`);
  if (v.cntpct) rows.push(`| guest CNTPCT | ${cell(v.cntpct)} |`);
  if (v.tscOffset) rows.push(`| TSC offset${at(v.setBy.tscOffset)} | ${cell(v.tscOffset)} |`);
  if (v.stolenNs !== null) rows.push(`| stolen time (ns)${at(v.setBy.pvAddress)} | ${v.stolenNs} | — | — |`);
  // Timers with a compare value (docs/timers.md#t4-editor-and-timeline): armable or not, and the deadline in reference time.
  for (const [name, t] of Object.entries(v.timers)) {
    if (t.cmp === null) continue;
    const state = `${t.armable ? 'armed' : 'not armed'}${t.deadline_ns !== null ? `, deadline ${formatTime(BigInt(t.deadline_ns))} s` : ''}`;
    rows.push(
      `| ${name} ${t.cmp_is_time ? 'expiry (ns)' : name === 'lapic' ? 'TSC deadline' : 'CVAL'}${t.armed_at_line !== null ? ` (line ${t.armed_at_line})` : ''} | ${t.cmp} | — | ${state} |`,
    );
  }
  return rows;
}

export function stateMarkdown(view: StateView, line: number, title: string): string {
  const out = [
    `# ${title}`,
    '',
    `State after line ${lineNo(line)} · t = ${view.time} s · tolerance ${view.tolerance} ns`,
    '',
  ];
  if (view.hosts.length) {
    out.push('## Hosts', '', '| host | arch | frequency | counter | hex | time |', '|:--|:--|--:|--:|--:|--:|');
    for (const h of view.hosts)
      out.push(
        `| ${h.name} | ${h.arch}${h.arch === 'arm64' ? (h.cntpoff ? ', CNTPOFF' : ', no CNTPOFF') : ''} | ${formatFrequency(BigInt(h.freq))} | ${cell(h.counter)} |`,
      );
    out.push('');
  }
  for (const g of view.guests) {
    out.push(
      `## VM ${g.name}`,
      '',
      `policy ${g.policy} · ${g.currentInstance ? `on ${g.currentInstance}` : 'no instance yet'}${g.stop ? ` · stopped (${g.stop.kind}, line ${lineNo(g.stop.line)})` : ''}`,
      '',
    );
    for (const inst of view.instances.filter((i) => i.vm === g.name)) {
      out.push(
        `### ${inst.key}${inst.current ? ' (current)' : ''} · ${inst.running ? 'running' : 'not running'} · ${inst.origin}${at(inst.originLine)}`,
        '',
      );
      if (inst.kvmclock) out.push(`kvmclock ${inst.kvmclock.decimal} ns${at(inst.kvmclockSetLine)}`, '');
      for (const v of inst.vcpus) {
        out.push(
          `**vcpu${v.id}** · ${v.running ? 'running' : 'not running'}${v.physicalTrap ? ` · CNTPCT trap ${v.physicalTrap}` : ''}${v.tscKhz ? ` · TSC ${v.tscKhz} kHz` : ''}`,
          '',
        );
        out.push('| | decimal | hex | time |', '|:--|--:|--:|--:|', ...vcpuRows(v), '');
      }
    }
  }
  return out.join('\n').trimEnd() + '\n';
}
