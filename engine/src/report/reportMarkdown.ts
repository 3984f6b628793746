// The report as Markdown ("Export report"): a summary line, the findings with their lines and times,
// and a section per VM with its instances and the clock error and stolen time of each vCPU.
import type { Report } from '../../../protocol/views';
import { formatDuration, formatTime, lineNo, mdEscape, signedDuration } from '../values/format';

const ns = (s: string | null): string => (s === null ? '—' : formatDuration(BigInt(s)));
const signedNs = (s: string | null): string => (s === null ? '—' : signedDuration(BigInt(s)));
const time = (s: string | null): string => (s === null ? '—' : `${formatTime(BigInt(s))} s`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function reportMarkdown(r: Report): string {
  const f = r.findingsBySeverity;
  const out = [
    `# hvtimer report: ${mdEscape(r.name)}`,
    '',
    `${plural(r.lineCount, 'line')}, ${r.extent ? `${time(r.extent.startNs)} to ${time(r.extent.endNs)}` : 'no statements'} · ` +
      `${plural(r.vms.length, 'VM')}, ${plural(r.vcpuCount, 'vCPU')}, ${plural(r.migrationCount, 'migration')} · ` +
      `findings: ${f.error} error, ${f.warning} warning, ${f.info} info, ${f.hint} hint`,
    '',
    '## Findings',
    '',
  ];
  if (r.findings.length === 0) out.push('None.', '');
  else {
    out.push('| line | time | code | severity | message |', '|---:|---:|---|---|---|');
    for (const x of r.findings)
      out.push(
        `| ${lineNo(x.line)} | ${time(x.timeNs)} | ${x.code} | ${x.severity} | ${mdEscape(x.message.replace(/\n/g, ' '))} |`,
      );
    out.push('');
  }
  for (const vm of r.vms) {
    out.push(
      `## VM ${mdEscape(vm.name)}`,
      '',
      `policy ${vm.policy} · ${plural(vm.migrations, 'migration')} · ${plural(vm.restores, 'restore')}`,
      '',
    );
    out.push('| instance | origin | from | to | running | paused | vCPUs |', '|---|---|---:|---:|---:|---:|---|');
    for (const i of vm.instances) {
      out.push(
        `| ${mdEscape(i.key)} | ${i.origin} | ${time(i.firstNs)} | ${time(i.lastNs)} | ${ns(i.runningNs)} | ${ns(i.pausedNs)} | ${i.vcpus.join(', ')} |`,
      );
    }
    out.push(
      '',
      '| vCPU | final clock error | worst clock error | at line | stolen time | scheduler waits |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const v of vm.vcpus) {
      out.push(
        `| vcpu${v.vcpu} (${v.counterName}) | ${signedNs(v.finalErrorNs)} | ${signedNs(v.worstErrorNs)} | ${v.worstErrorLine === null ? '—' : lineNo(v.worstErrorLine)} | ${ns(v.stolenNs)} | ${ns(v.waitedNs)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
