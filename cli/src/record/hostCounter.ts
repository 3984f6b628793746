// The host counter's frequency for the capture's `@host` line, and where it came from.
// x86_64, in order of trust:
//   1. /sys/devices/system/cpu/cpu0/tsc_freq_khz (exported by some kernels: the kernel's tsc_khz);
//   2. CPUID leaf 0x15 (crystal Hz × EBX/EAX; Intel SDM "Time-Stamp Counter and Nominal Core
//      Crystal Clock Information Leaf"), read through /dev/cpu/0/cpuid (the cpuid driver);
//   3. CPUID leaf 0x40000010 EAX, the TSC kHz a hypervisor reports (the VMware/KVM timing leaf);
//   4. the kernel log: `tsc: Refined TSC clocksource calibration: X MHz`, else `tsc: Detected X MHz
//      TSC`, else `tsc: Detected X MHz processor` (arch/x86/kernel/tsc.c prints tsc_khz with three
//      decimals of MHz, i.e. exactly in kHz; the `processor` line is cpu_khz, equal to tsc_khz
//      when no separate `TSC` line is printed);
//   5. otherwise a calibration against CLOCK_MONOTONIC with trace_marker stamps (calibration.ts),
//      its error stated in ppm.
// arm64: CNTFRQ_EL0 cannot be read from here; the kernel log's `arch_timer: cp15 timer(s) running
// at 25.00MHz` (two decimals) or the device tree's timer `clock-frequency`.
import { closeSync, constants, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { RecordArch } from './arch';

export interface CounterFrequency {
  hz: bigint;
  source: string;
}

const mhzToHz = (int: string, frac: string): bigint =>
  BigInt(int) * 1_000_000n + BigInt(frac.padEnd(6, '0').slice(0, 6));

/** Frequency lines of the kernel log, newest last, as the kernel printed them. */
export function frequencyFromKernelLog(log: string, arch: RecordArch): CounterFrequency | undefined {
  const lines = log.split('\n');
  const last = (re: RegExp): RegExpExecArray | undefined => {
    let found: RegExpExecArray | undefined;
    for (const l of lines) {
      const m = re.exec(l);
      if (m) found = m;
    }
    return found;
  };
  if (arch === 'arm64') {
    const m = last(/arch_timer: .*running at (\d+)\.(\d+)MHz/);
    return m ? { hz: mhzToHz(m[1], m[2]), source: `kernel log "${m[0].trim()}" (10 kHz resolution)` } : undefined;
  }
  for (const re of [
    /tsc: Refined TSC clocksource calibration: (\d+)\.(\d{3}) MHz/,
    /tsc: Detected (\d+)\.(\d{3}) MHz TSC/,
    /tsc: Detected (\d+)\.(\d{3}) MHz processor/,
  ]) {
    const m = last(re);
    if (m) return { hz: mhzToHz(m[1], m[2]), source: `kernel log "${m[0].trim()}"` };
  }
  return undefined;
}

/** The kernel log through /dev/kmsg (records `PRI,SEQ,TIME,FLAGS;TEXT`), read without blocking. */
function kernelLog(): string {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  const out: string[] = [];
  const buf = Buffer.alloc(8192);
  try {
    for (let i = 0; i < 100_000; i++) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') continue; // overwritten record: skip it
        break; // EAGAIN: the end
      }
      if (n <= 0) break;
      const rec = buf.toString('utf8', 0, n);
      out.push(rec.slice(rec.indexOf(';') + 1).split('\n')[0]);
    }
  } finally {
    closeSync(fd);
  }
  return out.join('\n');
}

function cpuid(leaf: number): [number, number, number, number] | undefined {
  const dev = '/dev/cpu/0/cpuid';
  if (!existsSync(dev)) return undefined;
  try {
    const fd = openSync(dev, 'r');
    try {
      const b = Buffer.alloc(16);
      if (readSync(fd, b, 0, 16, BigInt(leaf)) !== 16) return undefined;
      return [b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8), b.readUInt32LE(12)];
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function counterFrequency(arch: RecordArch): CounterFrequency | undefined {
  if (arch === 'x86_64') {
    try {
      const khz = readFileSync('/sys/devices/system/cpu/cpu0/tsc_freq_khz', 'utf8').trim();
      if (/^\d+$/.test(khz) && khz !== '0')
        return { hz: BigInt(khz) * 1000n, source: '/sys/devices/system/cpu/cpu0/tsc_freq_khz' };
    } catch {
      /* not exported by this kernel */
    }
    const max = cpuid(0);
    if (max && max[0] >= 0x15) {
      const [den, num, crystal] = cpuid(0x15) ?? [0, 0, 0];
      if (den && num && crystal)
        return { hz: (BigInt(crystal) * BigInt(num)) / BigInt(den), source: 'CPUID leaf 0x15' };
    }
    const hv = cpuid(0x40000000);
    if (hv && hv[0] >= 0x40000010) {
      const khz = cpuid(0x40000010)?.[0];
      if (khz) return { hz: BigInt(khz) * 1000n, source: 'CPUID leaf 0x40000010 (hypervisor timing leaf)' };
    }
    return frequencyFromKernelLog(kernelLog(), arch);
  }
  try {
    const b = readFileSync('/proc/device-tree/timer/clock-frequency');
    if (b.length === 4) return { hz: BigInt(b.readUInt32BE(0)), source: '/proc/device-tree/timer/clock-frequency' };
  } catch {
    /* ACPI systems have none */
  }
  return frequencyFromKernelLog(kernelLog(), arch);
}
