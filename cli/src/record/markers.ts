// The lines `hvtimer record` writes into its capture through trace_marker. A marker whose text
// starts with `hvtrace: ` carries one .hvtrace line (a directive or a `#` comment) for the
// importer to copy; the `hvtrace-sample` markers are calibration.ts's.
import { existsSync, readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { RecordArch } from './arch';

/** The KVM vendor module loaded here (kvm_intel, kvm_amd, kvm_pvm, or none). PVM matters: it
 * zeroes the hardware TSC offset, so guest-visible TSC values are not what KVM computed. */
export function kvmVendor(): string {
  for (const m of ['kvm_intel', 'kvm_amd', 'kvm_pvm']) if (existsSync(`/sys/module/${m}`)) return m;
  return existsSync('/sys/module/kvm') ? 'unknown' : 'none';
}

/**
 * Whether KVM can scale the guest TSC here (KVM_CAP_TSC_CONTROL, `@host tsc_scaling=`), from what a
 * process without /dev/kvm can read: kvm_intel has it when the CPU's VMX secondary controls list
 * `tsc_scaling` (/proc/cpuinfo "vmx flags"); kvm_amd when the CPU has `tsc_scale` and the module's
 * `tsc_scaling` parameter is on (arch/x86/kvm/svm/svm.c); kvm_pvm never (it runs guests with the
 * host's TSC). Undefined when it cannot tell.
 */
export function tscScalingFrom(vendor: string, cpuinfo: string, amdParam?: string): boolean | undefined {
  if (vendor === 'kvm_pvm') return false;
  if (vendor === 'kvm_intel') {
    const vmx = /^vmx flags\s*:(.*)$/m.exec(cpuinfo);
    return vmx ? /\btsc_scaling\b/.test(vmx[1]) : undefined;
  }
  if (vendor === 'kvm_amd') {
    const flags = /^flags\s*:(.*)$/m.exec(cpuinfo);
    if (!flags) return undefined;
    return /\btsc_scale\b/.test(flags[1]) && !/^(?:N|0)$/.test((amdParam ?? 'Y').trim());
  }
  return undefined;
}

/** tscScalingFrom() for this machine. */
export function tscScaling(vendor = kvmVendor()): boolean | undefined {
  const read = (f: string): string | undefined => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  return tscScalingFrom(vendor, read('/proc/cpuinfo') ?? '', read('/sys/module/kvm_amd/parameters/tsc_scaling'));
}

/** A name the format accepts (letters, digits, `_`, `-`, `.`). */
export const hostName = (raw = hostname()): string =>
  raw.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z]/, 'h$&') || 'host';

/** `hvtrace: @host NAME arch=… freq=HZ [tsc_scaling=0|1] kernel=M.m`, freq and tsc_scaling omitted when unknown. */
export function hostDirective(
  arch: RecordArch,
  hz: bigint | undefined,
  name = hostName(),
  kernel = release(),
  scaling = arch === 'x86_64' ? tscScaling() : undefined,
): string {
  const km = /^(\d+)\.(\d+)/.exec(kernel);
  return `hvtrace: @host ${name} arch=${arch}${hz !== undefined ? ` freq=${hz}` : ''}${scaling !== undefined ? ` tsc_scaling=${scaling ? 1 : 0}` : ''}${km ? ` kernel=${km[1]}.${km[2]}` : ''}`;
}

export interface RecordingFacts {
  clock: string;
  freqSource: string;
  vendor: string;
  ioctl: string;
  returnSite: string;
  target: string;
}

/** Which trace clock the capture uses, in the importer's own marker (merging two hosts' captures needs `tai`). */
export const captureMarker = (clock: string): string => `hvtrace-capture clock=${clock}`;

/** `#` lines describing how the capture was made. */
export function factMarkers(f: RecordingFacts): string[] {
  return [
    `hvtrace: # hvtimer record: trace clock ${f.clock}; host counter frequency from ${f.freqSource}; KVM vendor module ${f.vendor}`,
    `hvtrace: # probes on ${f.ioctl}; ${f.returnSite}; target ${f.target}`,
  ];
}
