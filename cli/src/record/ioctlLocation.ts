// Which `ioctl` the VMM will call, as a file + offset that uprobe_events accepts. A static binary
// (no PT_INTERP) calls its own `ioctl` symbol; a dynamic one binds the first definition in load
// order: the executable itself if it exports one, then its DT_NEEDED libraries breadth-first,
// searched like ld.so does (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.conf, the default
// directories; ld.so(8)). For a running process (-p) the libraries are the ones in /proc/PID/maps.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { ARCHES, type RecordArch } from './arch';
import { ElfError, fileOffsetOf, functionBytes, parseElf, pickFunction, type ElfFile } from './elf';
import type { ProbeSite } from './probes';
import { findSyscallSite } from './syscallSite';

export interface IoctlLocation extends ProbeSite {
  /** The executable that was examined (after #! interpreters). */
  executable: string;
  /** `ioctl@@GLIBC_2.2.5` etc. */
  symbol: string;
  /** How the return site was found, or why a uretprobe is used instead. */
  returnSite: string;
}

const DEFAULT_DIRS: Record<RecordArch, string[]> = {
  x86_64: ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'],
  arm64: ['/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'],
};

function readElf(file: string): ElfFile | undefined {
  try {
    return parseElf(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Directories of /etc/ld.so.conf and its `include` globs (`*` in the last component). */
export function ldSoConfDirs(conf = '/etc/ld.so.conf', seen = new Set<string>()): string[] {
  if (seen.has(conf) || !existsSync(conf)) return [];
  seen.add(conf);
  const out: string[] = [];
  for (const raw of readFileSync(conf, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const inc = /^include\s+(\S+)/.exec(line);
    if (!inc) {
      out.push(line);
      continue;
    }
    const pattern = path.resolve(path.dirname(conf), inc[1]);
    const dir = path.dirname(pattern);
    const re = new RegExp(
      `^${path
        .basename(pattern)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => re.test(n))
          .sort()
      : [];
    for (const f of files) out.push(...ldSoConfDirs(path.join(dir, f), seen));
  }
  return out;
}

function searchLibrary(
  name: string,
  from: { file: string; elf: ElfFile },
  arch: RecordArch,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  const origin = path.dirname(from.file);
  const expand = (d: string): string => d.replace(/\$\{?ORIGIN\}?/g, origin);
  const dirs = [
    ...(from.elf.runpath.length === 0 ? from.elf.rpath : []).map(expand),
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    ...from.elf.runpath.map(expand),
    ...ldSoConfDirs(),
    ...DEFAULT_DIRS[arch],
  ];
  for (const d of dirs) {
    const candidate = path.join(d, name);
    if (!existsSync(candidate)) continue;
    const elf = readElf(candidate);
    if (elf && elf.machine === ARCHES[arch].elfMachine) return candidate;
  }
  return undefined;
}

/** The executable behind COMMAND: a PATH lookup, then `#!` interpreters (`#!/usr/bin/env NAME`). */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const onPath = (name: string): string | undefined => {
    if (name.includes('/')) return existsSync(name) ? path.resolve(name) : undefined;
    for (const d of (env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean)) {
      const p = path.join(d, name);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* next */
      }
    }
    return undefined;
  };
  const found = onPath(command);
  if (!found) throw new CliError(`cannot find \`${command}\`${command.includes('/') ? '' : ' on PATH'}`);
  let file: string = found;
  for (let depth = 0; depth < 4; depth++) {
    const head: string = readFileSync(file).subarray(0, 256).toString('latin1');
    if (!head.startsWith('#!')) return file;
    const [interp, arg] = head.slice(2).split('\n')[0].trim().split(/\s+/);
    const next: string | undefined = path.basename(interp) === 'env' && arg ? onPath(arg) : onPath(interp);
    if (!next) throw new CliError(`cannot find the interpreter of ${file} (\`${head.split('\n')[0]}\`)`);
    file = next;
  }
  return file;
}

function locateIn(file: string, elf: ElfFile, arch: RecordArch, executable: string): IoctlLocation | undefined {
  const sym = pickFunction(elf, 'ioctl');
  if (!sym) return undefined;
  if (sym.type === 10) throw new CliError(`\`ioctl\` in ${file} is an IFUNC resolver; cannot probe it`);
  const entryOffset = fileOffsetOf(elf, sym.value);
  const site = findSyscallSite(arch, functionBytes(elf, sym));
  const loc: IoctlLocation = {
    executable,
    path: file,
    entryOffset,
    symbol: `ioctl${sym.version ? `${sym.defaultVersion ? '@@' : '@'}${sym.version}` : ''}`,
    returnSite: site
      ? `return site +0x${site.offset.toString(16)} (${site.how})`
      : 'no system call found in ioctl: uretprobe (results only, errno lost)',
  };
  if (site) loc.returnOffset = entryOffset + BigInt(site.offset);
  return loc;
}

/** For `-- COMMAND`: the `ioctl` the command will bind. */
export function ioctlOfCommand(command: string, arch: RecordArch, env: NodeJS.ProcessEnv = process.env): IoctlLocation {
  const executable = resolveExecutable(command, env);
  let elf: ElfFile;
  try {
    elf = parseElf(readFileSync(executable));
  } catch (e) {
    throw new CliError(`${executable}: ${e instanceof ElfError ? e.message : (e as Error).message}`);
  }
  if (elf.machine !== ARCHES[arch].elfMachine)
    throw new CliError(`${executable} is not an ${arch} executable (ELF machine ${elf.machine})`);
  if (!elf.interp) {
    const own = locateIn(executable, elf, arch, executable);
    if (!own)
      throw new CliError(`${executable} is statically linked and has no \`ioctl\` symbol (stripped?): cannot probe it`);
    return own;
  }
  const exported = pickFunction(elf, 'ioctl');
  if (exported?.table === '.dynsym') return locateIn(executable, elf, arch, executable)!;
  // Breadth-first over DT_NEEDED, as the dynamic linker orders its symbol search scope.
  const queue: { file: string; elf: ElfFile }[] = [{ file: executable, elf }];
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    for (const name of queue[i].elf.needed) {
      if (seen.has(name)) continue;
      seen.add(name);
      const lib = searchLibrary(name, queue[i], arch, env);
      const libElf = lib ? readElf(lib) : undefined;
      if (!lib || !libElf) continue;
      const sym = pickFunction(libElf, 'ioctl');
      if (sym?.table === '.dynsym') return locateIn(lib, libElf, arch, executable)!;
      queue.push({ file: lib, elf: libElf });
    }
  }
  throw new CliError(
    `no library of ${executable} defines \`ioctl\` (looked in ${[...seen].join(', ') || 'no DT_NEEDED entries'})`,
  );
}

interface MapsEntry {
  path: string;
  dev: string;
  inode: number;
}

/** The file-backed mappings of /proc/PID/maps, each path once, in address order. */
export function parseMaps(text: string): MapsEntry[] {
  const out: MapsEntry[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+:[0-9a-f]+)\s+(\d+)\s+(\/.*)$/.exec(line);
    if (!m || m[2] === '0' || m[3].endsWith(' (deleted)') || seen.has(m[3])) continue;
    seen.add(m[3]);
    out.push({ dev: m[1], inode: Number(m[2]), path: m[3] });
  }
  return out;
}

/** For `-p PID`: the `ioctl` of the objects the process has mapped, the executable first. The
 * path is the process's own when it names the same inode here, else through /proc/PID/root. */
export function ioctlOfProcess(pid: number, arch: RecordArch): IoctlLocation {
  let maps: MapsEntry[];
  let exe: string;
  try {
    maps = parseMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
    exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] || `/proc/${pid}/exe`;
  } catch (e) {
    throw new CliError(`cannot read /proc/${pid}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const reachable = (m: MapsEntry): string => {
    try {
      if (statSync(m.path).ino === m.inode) return m.path;
    } catch {
      /* other mount namespace */
    }
    return `/proc/${pid}/root${m.path}`;
  };
  const exeStat = statSync(`/proc/${pid}/exe`);
  const ordered = [...maps.filter((m) => m.inode === exeStat.ino), ...maps.filter((m) => m.inode !== exeStat.ino)];
  for (const m of ordered) {
    const file = reachable(m);
    const elf = readElf(file);
    if (!elf || elf.machine !== ARCHES[arch].elfMachine) continue;
    const sym = pickFunction(elf, 'ioctl');
    // The executable counts when static (its own ioctl) or when it exports one.
    if (!sym || (m.inode === exeStat.ino && elf.interp && sym.table !== '.dynsym')) continue;
    return locateIn(file, elf, arch, exe)!;
  }
  throw new CliError(`process ${pid} maps no object that defines \`ioctl\``);
}
