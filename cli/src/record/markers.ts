// The lines `hvtimer record` writes into its capture through trace_marker. A marker whose text
// starts with `hvtrace: ` carries one .hvtrace line (a directive or a `#` comment) for the
// importer to copy; the `hvtrace-sample` markers are calibration.ts's.
import { existsSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { RecordArch } from './arch';

/** The KVM vendor module loaded here (kvm_intel, kvm_amd, kvm_pvm, or none). PVM matters: it
 * zeroes the hardware TSC offset, so guest-visible TSC values are not what KVM computed. */
export function kvmVendor(): string {
  for (const m of ['kvm_intel', 'kvm_amd', 'kvm_pvm']) if (existsSync(`/sys/module/${m}`)) return m;
  return existsSync('/sys/module/kvm') ? 'unknown' : 'none';
}

/** A name the format accepts (letters, digits, `_`, `-`, `.`). */
export const hostName = (raw = hostname()): string => raw.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z]/, 'h$&') || 'host';

/** `hvtrace: @host NAME arch=… freq=HZ kernel=M.m`, freq omitted when unknown. */
export function hostDirective(arch: RecordArch, hz: bigint | undefined, name = hostName(), kernel = release()): string {
  const km = /^(\d+)\.(\d+)/.exec(kernel);
  return `hvtrace: @host ${name} arch=${arch}${hz !== undefined ? ` freq=${hz}` : ''}${km ? ` kernel=${km[1]}.${km[2]}` : ''}`;
}

export interface RecordingFacts {
  clock: string;
  freqSource: string;
  vendor: string;
  ioctl: string;
  returnSite: string;
  target: string;
}

/** `#` lines describing how the capture was made. */
export function factMarkers(f: RecordingFacts): string[] {
  return [
    `hvtrace: # hvtimer record: trace clock ${f.clock}; host counter frequency from ${f.freqSource}; KVM vendor module ${f.vendor}`,
    `hvtrace: # probes on ${f.ioctl}; ${f.returnSite}; target ${f.target}`,
  ];
}
