// The ELF reader on a hand-assembled aarch64 shared object (this machine is x86_64: the arm64
// path is tested with bytes) and the return-site scanner on real glibc bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EM_AARCH64, fileOffsetOf, findFunction, functionBytes, parseElf, pickFunction, ElfError } from './elf';
import { findSyscallSite } from './syscallSite';

/** Writes little-endian fields into a zeroed buffer. */
class Bytes {
  readonly b = Buffer.alloc(0x1400);
  u8(at: number, v: number): void {
    this.b.writeUInt8(v, at);
  }
  u16(at: number, v: number): void {
    this.b.writeUInt16LE(v, at);
  }
  u32(at: number, v: number): void {
    this.b.writeUInt32LE(v, at);
  }
  u64(at: number, v: bigint | number): void {
    this.b.writeBigUInt64LE(BigInt(v), at);
  }
  str(at: number, s: string): void {
    this.b.write(`${s}\0`, at, 'latin1');
  }
}

/**
 * Layout (offsets chosen by hand):
 *   0x000 ELF header; 0x040 four program headers: PT_LOAD [0, 0x1000) at vaddr 0x400000,
 *         PT_LOAD [0x1000, 0x1100) at vaddr 0x411000 (text), PT_INTERP at 0x180, PT_DYNAMIC at 0x300
 *   0x180 interpreter; 0x200 .dynstr; 0x300 .dynamic; 0x400 .dynsym (4 symbols); 0x480 .gnu.version
 *   0x500 .gnu.version_d (3 definitions); 0x600 .symtab; 0x680 .strtab; 0x700 .shstrtab
 *   0x1010 ioctl@@GLIBC_2.17: mov x8, #29; svc #0; cmn x0, #4095; ret   0x1050 ioctl@GLIBC_OLD
 *   0x1100 section headers (11 × 64 bytes)
 */
function aarch64Library(): Buffer {
  const e = new Bytes();
  e.b.write('\x7fELF', 0, 'latin1');
  e.u8(4, 2);
  e.u8(5, 1);
  e.u8(6, 1);
  e.u16(16, 3);
  e.u16(18, EM_AARCH64);
  e.u32(20, 1);
  e.u64(32, 0x40);
  e.u64(40, 0x1100);
  e.u16(52, 64);
  e.u16(54, 56);
  e.u16(56, 4);
  e.u16(58, 64);
  e.u16(60, 11);
  e.u16(62, 10);
  const ph = (i: number, type: number, off: number, vaddr: number, size: number): void => {
    const at = 0x40 + i * 56;
    e.u32(at, type);
    e.u32(at + 4, 5);
    e.u64(at + 8, off);
    e.u64(at + 16, vaddr);
    e.u64(at + 24, vaddr);
    e.u64(at + 32, size);
    e.u64(at + 40, size);
  };
  ph(0, 1, 0, 0x400000, 0x1000);
  ph(1, 1, 0x1000, 0x411000, 0x100);
  ph(2, 3, 0x180, 0x400180, 27);
  ph(3, 2, 0x300, 0x400300, 0x50);
  e.str(0x180, '/lib/ld-linux-aarch64.so.1');
  // .dynstr: 1 libc.so.6, 11 ioctl, 17 GLIBC_2.17, 28 GLIBC_OLD, 38 /opt/lib:$ORIGIN/lib, 59 libfoo.so, 69 open
  const dynstr = ['', 'libc.so.6', 'ioctl', 'GLIBC_2.17', 'GLIBC_OLD', '/opt/lib:$ORIGIN/lib', 'libfoo.so', 'open'];
  let at = 0x200;
  const off: Record<string, number> = {};
  for (const s of dynstr) {
    off[s] = at - 0x200;
    e.str(at, s);
    at += s.length + 1;
  }
  const dyn = [
    [1, off['libc.so.6']],
    [5, 0x400200],
    [29, off['/opt/lib:$ORIGIN/lib']],
    [0, 0],
  ];
  dyn.forEach(([tag, val], i) => {
    e.u64(0x300 + 16 * i, tag);
    e.u64(0x308 + 16 * i, val);
  });
  // .dynsym: null, ioctl (default version 2), ioctl (hidden version 3), open (undefined).
  const sym = (
    base: number,
    i: number,
    name: number,
    info: number,
    shndx: number,
    value: number,
    size: number,
  ): void => {
    const s = base + 24 * i;
    e.u32(s, name);
    e.u8(s + 4, info);
    e.u16(s + 6, shndx);
    e.u64(s + 8, value);
    e.u64(s + 16, size);
  };
  sym(0x400, 1, off.ioctl, 0x12, 1, 0x411010, 0x10);
  sym(0x400, 2, off.ioctl, 0x12, 1, 0x411050, 0x10);
  sym(0x400, 3, off.open, 0x12, 0, 0, 0);
  [0, 2, 0x8003, 0].forEach((v, i) => e.u16(0x480 + 2 * i, v));
  // .gnu.version_d: Elf64_Verdef (20 bytes) + one Elf64_Verdaux (8 bytes) each, chained by vd_next.
  [
    [1, 1, off['libfoo.so']],
    [0, 2, off['GLIBC_2.17']],
    [0, 3, off.GLIBC_OLD],
  ].forEach(([flags, ndx, name], i) => {
    const d = 0x500 + 28 * i;
    e.u16(d, 1);
    e.u16(d + 2, flags);
    e.u16(d + 4, ndx);
    e.u16(d + 6, 1);
    e.u32(d + 12, 20);
    e.u32(d + 16, i < 2 ? 28 : 0);
    e.u32(d + 20, name);
  });
  // .symtab/.strtab: a local helper and the plain `ioctl` a static link would have.
  e.str(0x680, '');
  e.str(0x681, '__ioctl_time64');
  e.str(0x690, 'ioctl');
  sym(0x600, 1, 1, 0x02, 1, 0x411030, 0x8);
  sym(0x600, 2, 0x10, 0x12, 1, 0x411010, 0x10);
  [0xd28003a8, 0xd4000001, 0xb13ffc1f, 0xd65f03c0].forEach((w, i) => e.u32(0x1010 + 4 * i, w));
  [0xd28003a8, 0xd4000001, 0xd65f03c0].forEach((w, i) => e.u32(0x1050 + 4 * i, w));
  // Section headers: name offsets into .shstrtab.
  const names = [
    '',
    '.text',
    '.dynstr',
    '.dynamic',
    '.dynsym',
    '.gnu.version',
    '.gnu.version_d',
    '.symtab',
    '.strtab',
    '.interp',
    '.shstrtab',
  ];
  at = 0x700;
  const nameOff: number[] = [];
  for (const n of names) {
    nameOff.push(at - 0x700);
    e.str(at, n);
    at += n.length + 1;
  }
  const sh = (i: number, type: number, offset: number, size: number, link: number, entsize: number, addr = 0): void => {
    const s = 0x1100 + 64 * i;
    e.u32(s, nameOff[i]);
    e.u32(s + 4, type);
    e.u64(s + 16, addr);
    e.u64(s + 24, offset);
    e.u64(s + 32, size);
    e.u32(s + 40, link);
    e.u64(s + 56, entsize);
  };
  sh(1, 1, 0x1010, 0x60, 0, 0, 0x411010);
  sh(2, 3, 0x200, 0x50, 0, 0);
  sh(3, 6, 0x300, 0x40, 2, 16);
  sh(4, 11, 0x400, 96, 2, 24);
  sh(5, 0x6fffffff, 0x480, 8, 4, 2);
  sh(6, 0x6ffffffd, 0x500, 84, 2, 0);
  sh(7, 2, 0x600, 72, 8, 24);
  sh(8, 3, 0x680, 0x20, 0, 0);
  sh(9, 1, 0x180, 27, 0, 0);
  sh(10, 3, 0x700, at - 0x700, 0, 0);
  return e.b;
}

test('an aarch64 library: DT_NEEDED, DT_RUNPATH, PT_INTERP and the versioned ioctl symbols', () => {
  const elf = parseElf(aarch64Library());
  assert.equal(elf.machine, 183);
  assert.equal(elf.interp, '/lib/ld-linux-aarch64.so.1');
  assert.deepEqual(elf.needed, ['libc.so.6']);
  assert.deepEqual(elf.runpath, ['/opt/lib', '$ORIGIN/lib']);
  assert.deepEqual(
    findFunction(elf, 'ioctl').map((s) => [s.table, s.version, s.defaultVersion, s.value]),
    [
      ['.dynsym', 'GLIBC_2.17', true, 0x411010n],
      ['.dynsym', 'GLIBC_OLD', false, 0x411050n],
      ['.symtab', undefined, true, 0x411010n],
    ],
  );
});

test("the dynamic linker's choice is the default version; its file offset comes from the text PT_LOAD", () => {
  const elf = parseElf(aarch64Library());
  const sym = pickFunction(elf, 'ioctl')!;
  assert.equal(sym.version, 'GLIBC_2.17');
  // vaddr 0x411010 in the PT_LOAD mapping file 0x1000 at 0x411000: 0x411010 − 0x411000 + 0x1000 = 0x1010.
  assert.equal(fileOffsetOf(elf, sym.value), 0x1010n);
  // mov x8, #29; svc #0 at +0 and +4: the return site is the instruction after svc, +8.
  assert.deepEqual(findSyscallSite('arm64', functionBytes(elf, sym)), { offset: 8, how: 'mov x8, #29; svc #0' });
  assert.throws(() => fileOffsetOf(elf, 0x500000n), /no PT_LOAD segment/);
});

test('non-ELF, 32-bit and truncated inputs are one clear error', () => {
  assert.throws(
    () => parseElf(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80))),
    (e: unknown) => e instanceof ElfError && /not an ELF file/.test((e as Error).message),
  );
  const elf32 = aarch64Library();
  elf32[4] = 1;
  assert.throws(() => parseElf(elf32), /not a 64-bit ELF file/);
  assert.throws(() => parseElf(aarch64Library().subarray(0, 0x1000)), /truncated ELF: section headers/);
});

test('x86_64 glibc 2.36 ioctl: the return site is the instruction after `mov $16,%eax; syscall`', () => {
  // objdump -d of Debian 12's libc.so.6, ioctl@@GLIBC_2.2.5 at 0xfdd30 (first 0x3f bytes):
  //   fdd30: 48 83 ec 58  sub $0x58,%rsp        …  fdd64: b8 10 00 00 00  mov $0x10,%eax
  //   fdd69: 0f 05        syscall                   fdd6b: 89 c2           mov %eax,%edx
  const code = Buffer.from(
    '4883ec58488954243064488b042528000000488944241831c0488d442460c70424100000004889442408488d4424204889442410b8100000000f0589c23d00f0ffff',
    'hex',
  );
  assert.deepEqual(findSyscallSite('x86_64', code), { offset: 0x3b, how: 'mov $16,%eax; syscall' });
});

test('x86_64 variants: a lone syscall after a non-adjacent mov is accepted; none, or an ambiguous pair, is not', () => {
  // mov $16,%eax; mov %r8,%r10; syscall; ret — a musl-like register shuffle between the two.
  assert.deepEqual(findSyscallSite('x86_64', Buffer.from('b8100000004d89c20f05c3', 'hex')), {
    offset: 10,
    how: 'the only syscall after mov $16,%eax',
  });
  assert.equal(findSyscallSite('x86_64', Buffer.from('4883ec58c3', 'hex')), undefined);
  assert.equal(findSyscallSite('x86_64', Buffer.from('b8100000004d89c20f05b8480000000f05c3', 'hex')), undefined);
});
