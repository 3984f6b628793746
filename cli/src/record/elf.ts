// A small ELF64 reader for `hvtimer record`: finds a function symbol (`ioctl`) in .dynsym or
// .symtab (GNU versioned names such as `ioctl@@GLIBC_2.2.5`), turns its virtual address into the
// file offset that uprobe_events wants (through the PT_LOAD program headers), and lists
// DT_NEEDED / DT_RPATH / DT_RUNPATH and PT_INTERP. No binutils: the layouts are the System V gABI
// and the GNU symbol-versioning extension (elf(5), include/uapi/linux/elf.h).
import { CliError } from '../errors';

/** A file that is not an ELF64 little-endian object, or is truncated. */
export class ElfError extends CliError {}

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERSYM = 0x6fffffff;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const SHN_UNDEF = 0;
const VERSYM_HIDDEN = 0x8000;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
}
export interface SectionHeader {
  name: string;
  type: number;
  offset: bigint;
  size: bigint;
  link: number;
  entsize: bigint;
  addr: bigint;
}

export interface ElfSymbol {
  /** The name without a version. */
  name: string;
  /** `GLIBC_2.2.5` for `ioctl@@GLIBC_2.2.5`, when the object has version definitions. */
  version?: string;
  /** True for the default version (`@@`), false for a hidden one (`@`). */
  defaultVersion: boolean;
  value: bigint;
  size: bigint;
  type: number;
  table: '.dynsym' | '.symtab';
}

export interface ElfFile {
  machine: number;
  /** ET_EXEC 2, ET_DYN 3. */
  type: number;
  programHeaders: ProgramHeader[];
  sections: SectionHeader[];
  interp?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  data: Buffer;
}

function need(data: Buffer, end: bigint | number, what: string): void {
  if (BigInt(end) > BigInt(data.length))
    throw new ElfError(`truncated ELF: ${what} ends at ${end}, the file has ${data.length} bytes`);
}

const cstr = (data: Buffer, at: number): string => {
  const end = data.indexOf(0, at);
  return data.toString('latin1', at, end < 0 ? data.length : end);
};

export function parseElf(data: Buffer): ElfFile {
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file');
  if (data[4] !== 2) throw new ElfError('not a 64-bit ELF file');
  if (data[5] !== 1) throw new ElfError('not a little-endian ELF file');
  const type = data.readUInt16LE(16);
  const machine = data.readUInt16LE(18);
  const phoff = data.readBigUInt64LE(32);
  const shoff = data.readBigUInt64LE(40);
  const phentsize = data.readUInt16LE(54);
  const phnum = data.readUInt16LE(56);
  const shentsize = data.readUInt16LE(58);
  const shnum = data.readUInt16LE(60);
  const shstrndx = data.readUInt16LE(62);

  const programHeaders: ProgramHeader[] = [];
  need(data, phoff + BigInt(phentsize * phnum), 'program headers');
  for (let i = 0; i < phnum; i++) {
    const at = Number(phoff) + i * phentsize;
    programHeaders.push({
      type: data.readUInt32LE(at),
      flags: data.readUInt32LE(at + 4),
      offset: data.readBigUInt64LE(at + 8),
      vaddr: data.readBigUInt64LE(at + 16),
      filesz: data.readBigUInt64LE(at + 32),
      memsz: data.readBigUInt64LE(at + 40),
    });
  }

  const sections: SectionHeader[] = [];
  if (shoff !== 0n && shnum > 0) {
    need(data, shoff + BigInt(shentsize * shnum), 'section headers');
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const at = Number(shoff) + i * shentsize;
      raw.push({
        nameOff: data.readUInt32LE(at),
        type: data.readUInt32LE(at + 4),
        addr: data.readBigUInt64LE(at + 16),
        offset: data.readBigUInt64LE(at + 24),
        size: data.readBigUInt64LE(at + 32),
        link: data.readUInt32LE(at + 40),
        entsize: data.readBigUInt64LE(at + 56),
      });
    }
    const strtab = raw[shstrndx];
    for (const s of raw) {
      const name =
        strtab && strtab.offset + BigInt(s.nameOff) < BigInt(data.length)
          ? cstr(data, Number(strtab.offset) + s.nameOff)
          : '';
      sections.push({
        name,
        type: s.type,
        offset: s.offset,
        size: s.size,
        link: s.link,
        entsize: s.entsize,
        addr: s.addr,
      });
    }
  }

  const elf: ElfFile = { machine, type, programHeaders, sections, needed: [], rpath: [], runpath: [], data };
  const interp = programHeaders.find((p) => p.type === PT_INTERP);
  if (interp) {
    need(data, interp.offset + interp.filesz, 'PT_INTERP');
    elf.interp = cstr(data, Number(interp.offset));
  }
  readDynamic(elf);
  return elf;
}

/** The file offset of a virtual address, through the PT_LOAD segment that maps it. */
export function fileOffsetOf(elf: ElfFile, vaddr: bigint): bigint {
  for (const p of elf.programHeaders) {
    if (p.type === PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.filesz) return vaddr - p.vaddr + p.offset;
  }
  throw new ElfError(`address 0x${vaddr.toString(16)} is in no PT_LOAD segment`);
}

function readDynamic(elf: ElfFile): void {
  const dyn = elf.programHeaders.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return;
  need(elf.data, dyn.offset + dyn.filesz, 'PT_DYNAMIC');
  const entries: [bigint, bigint][] = [];
  for (let at = Number(dyn.offset); at + 16 <= Number(dyn.offset + dyn.filesz); at += 16) {
    const tag = elf.data.readBigInt64LE(at);
    if (tag === DT_NULL) break;
    entries.push([BigInt.asUintN(64, tag), elf.data.readBigUInt64LE(at + 8)]);
  }
  const strtabVaddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
  if (strtabVaddr === undefined) return;
  const strtab = Number(fileOffsetOf(elf, strtabVaddr));
  for (const [tag, val] of entries) {
    const s = (): string => cstr(elf.data, strtab + Number(val));
    if (tag === DT_NEEDED) elf.needed.push(s());
    else if (tag === DT_RPATH) elf.rpath.push(...s().split(':').filter(Boolean));
    else if (tag === DT_RUNPATH) elf.runpath.push(...s().split(':').filter(Boolean));
  }
}

/** Version names by version index, from SHT_GNU_VERDEF (struct Elf64_Verdef / Elf64_Verdaux). */
function versionNames(elf: ElfFile, verdef: SectionHeader): Map<number, string> {
  const names = new Map<number, string>();
  const strtab = elf.sections[verdef.link];
  let at = Number(verdef.offset);
  for (let guard = 0; guard < 4096 && strtab; guard++) {
    need(elf.data, at + 20, 'version definitions');
    const ndx = elf.data.readUInt16LE(at + 4);
    const cnt = elf.data.readUInt16LE(at + 6);
    const aux = elf.data.readUInt32LE(at + 12);
    const next = elf.data.readUInt32LE(at + 16);
    if (cnt > 0) names.set(ndx, cstr(elf.data, Number(strtab.offset) + elf.data.readUInt32LE(at + aux)));
    if (next === 0) break;
    at += next;
  }
  return names;
}

/** Every defined function symbol named `name` (version suffixes stripped), .dynsym first. */
export function findFunction(elf: ElfFile, name: string): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  const versym = elf.sections.find((s) => s.type === SHT_GNU_VERSYM);
  const verdef = elf.sections.find((s) => s.type === SHT_GNU_VERDEF);
  const versions = verdef ? versionNames(elf, verdef) : new Map<number, string>();
  for (const kind of [SHT_DYNSYM, SHT_SYMTAB]) {
    const table = elf.sections.find((s) => s.type === kind);
    if (!table || table.entsize === 0n) continue;
    const strtab = elf.sections[table.link];
    if (!strtab) continue;
    need(elf.data, table.offset + table.size, `${table.name} entries`);
    const count = Number(table.size / table.entsize);
    for (let i = 0; i < count; i++) {
      const at = Number(table.offset) + i * Number(table.entsize);
      const nameOff = elf.data.readUInt32LE(at);
      const info = elf.data[at + 4];
      const shndx = elf.data.readUInt16LE(at + 6);
      const symType = info & 0xf;
      if (shndx === SHN_UNDEF || (symType !== STT_FUNC && symType !== STT_GNU_IFUNC)) continue;
      const full = cstr(elf.data, Number(strtab.offset) + nameOff);
      // Static archives spell the version in the name (`ioctl@@GLIBC_2.2.5`).
      const at2 = full.indexOf('@');
      const bare = at2 < 0 ? full : full.slice(0, at2);
      if (bare !== name) continue;
      const sym: ElfSymbol = {
        name: bare,
        defaultVersion: at2 < 0 || full.startsWith('@@', at2),
        value: elf.data.readBigUInt64LE(at + 8),
        size: elf.data.readBigUInt64LE(at + 16),
        type: symType,
        table: kind === SHT_DYNSYM ? '.dynsym' : '.symtab',
      };
      if (at2 >= 0) sym.version = full.slice(at2).replace(/^@+/, '');
      if (kind === SHT_DYNSYM && versym) {
        const v = elf.data.readUInt16LE(Number(versym.offset) + 2 * i);
        const vname = versions.get(v & ~VERSYM_HIDDEN);
        if (vname) sym.version = vname;
        sym.defaultVersion = (v & VERSYM_HIDDEN) === 0;
      }
      out.push(sym);
    }
  }
  return out;
}

/** The symbol a dynamic linker binds `name` to in this object: the default version first. */
export function pickFunction(elf: ElfFile, name: string): ElfSymbol | undefined {
  const all = findFunction(elf, name);
  return all.find((s) => s.defaultVersion && s.table === '.dynsym') ?? all.find((s) => s.defaultVersion) ?? all[0];
}

/** The bytes of a function, read through its file offset. */
export function functionBytes(elf: ElfFile, sym: ElfSymbol): Buffer {
  const off = fileOffsetOf(elf, sym.value);
  const size = sym.size > 0n ? sym.size : 256n; // assembler stubs may have no size: scan a bounded window
  const end = off + size > BigInt(elf.data.length) ? BigInt(elf.data.length) : off + size;
  return elf.data.subarray(Number(off), Number(end));
}
