// `hvtimer import ftrace FILE [-o OUT]`: converts `trace-cmd report` (or tracefs `trace`) text of
// the KVM and scheduler tracepoints of docs/reference/kvm-time.md#5-tracepoint-formats into .hvtrace
// statements. Lines it cannot
// convert are kept as `vmm note` statements; it reports how many it converted and skipped.
import { writeFileSync } from 'node:fs';
import type { Args } from './args';
import { CliError } from './errors';
import { readTrace } from './io';
import { MSRS } from '../../engine/src/uapi/msrs';

/** `comm-pid [cpu] (flags) secs.frac: event: info` (trace-cmd ≤3.2 and ≥3.3, tracefs). */
const LINE = /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(?:[A-Za-z.0-9]{4,6}\s+)?(\d+)\.(\d{1,9}):\s+([A-Za-z0-9_]+):\s*(.*)$/;

interface Event { comm: string; time: string; name: string; info: string }

export interface Converted { text: string; converted: number; notes: number; skipped: number }

const msrName = (hex: string): string => MSRS.find((m) => m.index === BigInt(`0x${hex}`))?.name ?? `0x${hex}`;

/** vCPU index from the event or from QEMU's thread name `CPU 0/KVM`. */
function vcpuOf(e: Event): number | undefined {
  const m = /\bvcpu(?:_id)?[ =](\d+)/.exec(e.info) ?? /\bVCPU: (\d+)/.exec(e.info) ?? /^CPU (\d+)\/KVM/.exec(e.comm);
  return m ? Number(m[1]) : undefined;
}

/** One .hvtrace operation (actor + operation + arguments) for an event, or undefined to keep it as a note. */
function convert(e: Event, vcpu: number | undefined, lastWasRun: Map<number, boolean>): { op: string; vcpu?: number } | null | undefined {
  let m: RegExpExecArray | null;
  switch (e.name) {
    case 'kvm_entry':
      if (vcpu === undefined) return undefined;
      // Consecutive entries with nothing in between are one resumption of the vCPU.
      if (lastWasRun.get(vcpu)) return null;
      return { op: 'ioctl KVM_RUN', vcpu };
    case 'kvm_write_tsc_offset':
      if ((m = /prev=(\d+) next=(\d+)/.exec(e.info)) && vcpu !== undefined) return { op: `kvm write_tsc_offset prev=${m[1]} next=${m[2]}`, vcpu };
      return undefined;
    case 'kvm_msr':
      if ((m = /^msr_(read|write) ([0-9a-fA-F]+) = (0x[0-9a-fA-F]+)$/.exec(e.info)) && vcpu !== undefined) return { op: `guest ${m[1]} ${msrName(m[2])} = ${m[3]}`, vcpu };
      return undefined;
    case 'kvm_hvc_arm64':
      if ((m = /r0: (0x[0-9a-fA-F]+)/.exec(e.info)) && vcpu !== undefined) return { op: `guest hvc 0x${BigInt(m[1]).toString(16).toUpperCase()}`, vcpu };
      return undefined;
    case 'kvm_sys_access':
      if ((m = /\bCNTPCT(?:SS)?_EL0 \([\d,]+\) ([0-9a-fA-F]+) read/.exec(e.info)) && vcpu !== undefined) return { op: `kvm trap CNTPCT_EL0 = 0x${m[1]}`, vcpu };
      return undefined;
    case 'sched_stat_wait':
      if ((m = /delay=(\d+) \[ns\]/.exec(e.info)) && vcpu !== undefined) return { op: `sched wait ${m[1]}ns`, vcpu };
      return undefined;
    default:
      return undefined;
  }
}

/** Note text must not start a comment: `#` would end it. */
const noteText = (e: Event): string => `${e.name}: ${e.info}`.replaceAll('#', 'no.');

export function convertFtrace(text: string, host = 'host', vm = 'vm'): Converted {
  const events: Event[] = [];
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#') || /^(cpus=|CPU \d+ is empty|version = )/.test(raw.trim())) continue;
    const m = LINE.exec(raw);
    if (!m) { skipped++; continue; }
    events.push({ comm: m[1].trim(), time: `${m[4]}.${m[5].padEnd(9, '0')}`, name: m[6], info: m[7].trim() });
  }
  const arm = events.some((e) => /arm64|kvm_timer_|kvm_sys_access|kvm_get_timer_map/.test(e.name) || (e.name === 'kvm_entry' && e.info.startsWith('PC:')));
  const out = [
    '@hvtrace 1',
    `# Converted by \`hvtimer import ftrace\`: set freq= to the host's ${arm ? 'CNTFRQ_EL0' : 'TSC frequency'} (the trace does not record it).`,
    `@host ${host} arch=${arm ? 'arm64' : 'x86_64'} freq=${arm ? '25MHz' : '1GHz'}`,
    `@vm ${vm}`,
  ];
  const lastWasRun = new Map<number, boolean>();
  let converted = 0, notes = 0;
  for (const e of events) {
    const vcpu = vcpuOf(e);
    const r = convert(e, vcpu, lastWasRun);
    if (r === null) { converted++; continue; }
    if (r) {
      out.push(`${e.time} ${host}/${vm}/vcpu${r.vcpu} ${r.op}`);
      lastWasRun.set(r.vcpu!, r.op === 'ioctl KVM_RUN');
      converted++;
    } else {
      out.push(`${e.time} ${host}/${vm} vmm note ${noteText(e)}`);
      notes++;
    }
  }
  return { text: `${out.join('\n')}\n`, converted, notes, skipped };
}

export function runImport(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  const r = convertFtrace(readTrace(args.files[0]));
  if (args.output) {
    try { writeFileSync(args.output, r.text); } catch (e) { throw new CliError(`cannot write ${args.output}: ${(e as Error).message}`); }
  } else {
    out(r.text);
  }
  err(`hvtimer: converted ${r.converted} lines, kept ${r.notes} as vmm notes, skipped ${r.skipped} unreadable lines\n`);
  return 0;
}
