// Where `hvtimer record` probes the VMM's ioctl: the function's entry (the arguments as the VMM
// passed them) and the instruction right after its system call (the "return site").
//
// Why a return site and not only a uretprobe: a uretprobe fires after the function returned,
// when the argument registers are gone, so it cannot dereference a KVM_GET_* argument; and libc's
// wrapper has already turned -errno into -1. Right after `syscall` (x86_64) or `svc #0` (arm64)
// the kernel has written only the result register: rax = result (x86 also clobbers rcx, r11;
// arch/x86/entry/entry_64.S), x0 = result (arm64; arch/arm64/kernel/entry.S restores x1..x30).
// So at that instruction %di/%si/%dx (x86) or %x1/%x2 (arm64) still hold fd/request/argument,
// the struct the kernel filled can be read through the argument, and the result is the raw
// -errno. A syscall restarted by a signal re-executes `syscall`, so the site fires once.
import type { RecordArch } from './arch';

export interface SyscallSite {
  /** Byte offset of the instruction after the system call, from the start of the function. */
  offset: number;
  /** How it was recognised, for the summary. */
  how: string;
}

const SYS_IOCTL_X86_64 = 16; // arch/x86/entry/syscalls/syscall_64.tbl
const SYS_IOCTL_ARM64 = 29; // include/uapi/asm-generic/unistd.h __NR_ioctl
const ARM64_SVC0 = 0xd4000001;
const ARM64_MOV_X8_IOCTL = (0xd2800008 | (SYS_IOCTL_ARM64 << 5)) >>> 0; // movz x8, #29 = 0xd28003a8

/** x86_64: a `syscall` (0f 05) preceded by `mov $16, %eax` (b8 10 00 00 00) — glibc's form — or,
 * failing that, the only `syscall` in a function that loads 16 into %eax somewhere before it. */
function x86Site(code: Buffer): SyscallSite | undefined {
  const movEax = Buffer.from([0xb8, SYS_IOCTL_X86_64, 0, 0, 0]);
  const sites: number[] = [];
  for (let i = code.indexOf(Buffer.from([0x0f, 0x05])); i >= 0; i = code.indexOf(Buffer.from([0x0f, 0x05]), i + 1))
    sites.push(i);
  const direct = sites.find((i) => i >= 5 && code.subarray(i - 5, i).equals(movEax));
  if (direct !== undefined) return { offset: direct + 2, how: 'mov $16,%eax; syscall' };
  if (sites.length === 1 && code.subarray(0, sites[0]).includes(movEax))
    return { offset: sites[0] + 2, how: 'the only syscall after mov $16,%eax' };
  return undefined;
}

/** arm64: an aligned `svc #0` with `mov x8, #29` among the eight instructions before it. */
function arm64Site(code: Buffer): SyscallSite | undefined {
  for (let i = 0; i + 4 <= code.length; i += 4) {
    if (code.readUInt32LE(i) !== ARM64_SVC0) continue;
    for (let j = i - 4; j >= 0 && j >= i - 32; j -= 4) {
      if (code.readUInt32LE(j) === ARM64_MOV_X8_IOCTL) return { offset: i + 4, how: 'mov x8, #29; svc #0' };
    }
  }
  return undefined;
}

/** The return site inside an `ioctl` function's bytes, or undefined (then a uretprobe is used). */
export function findSyscallSite(arch: RecordArch, code: Buffer): SyscallSite | undefined {
  return arch === 'x86_64' ? x86Site(code) : arm64Site(code);
}
