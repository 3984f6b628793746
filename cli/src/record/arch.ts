// The two architectures `hvtimer record` knows: the uprobe register names of their calling
// conventions (Documentation/trace/uprobetracer.rst: `%REG`), ELF machine numbers and trace clocks.
import { EM_AARCH64, EM_X86_64 } from './elf';

export type RecordArch = 'x86_64' | 'arm64';

export interface ArchInfo {
  /** ioctl(fd, request, arg): the first three argument registers. */
  fd: string;
  req: string;
  arg: string;
  /** The system call's result register, read at the return site. */
  ret: string;
  /** Whether the fd register survives the system call (x86 %di does; arm64 x0 holds the result). */
  fdAtReturn: boolean;
  elfMachine: number;
  /** The trace clock whose stamps are the host counter, if tracefs has one (docs/reference/real-captures.md#21-tracefs-trace--trace_pipe-kernel-kerneltracetrace_outputc-tracec). */
  counterClock?: string;
  /** The clock used when there is no counter clock. */
  fallbackClock: string;
}

export const ARCHES: Record<RecordArch, ArchInfo> = {
  x86_64: {
    fd: '%di',
    req: '%si',
    arg: '%dx',
    ret: '%ax',
    fdAtReturn: true,
    elfMachine: EM_X86_64,
    counterClock: 'x86-tsc',
    fallbackClock: 'mono',
  },
  // arm64 has no counter trace clock: `counter` is a global event sequence number
  // (kernel/trace/trace_clock.c trace_clock_counter), not CNTPCT; record on `mono`.
  arm64: {
    fd: '%x0',
    req: '%x1',
    arg: '%x2',
    ret: '%x0',
    fdAtReturn: false,
    elfMachine: EM_AARCH64,
    fallbackClock: 'mono',
  },
};

/** The architecture this process runs on, or undefined for the others. */
export function hostArch(): RecordArch | undefined {
  if (process.arch === 'x64') return 'x86_64';
  if (process.arch === 'arm64') return 'arm64';
  return undefined;
}
