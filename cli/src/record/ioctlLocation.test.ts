// Finding the files a VMM's ioctl lives in: /proc/PID/maps, ld.so.conf, #! interpreters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ldSoConfDirs, parseMaps, resolveExecutable } from './ioctlLocation';

test('maps: file-backed mappings once each, in address order, without anonymous or deleted ones', () => {
  const maps = [
    '55c0d8a00000-55c0d8a02000 r--p 00000000 fe:01 1835101                    /usr/bin/qemu-system-x86_64',
    '55c0d8a02000-55c0d8c00000 r-xp 00002000 fe:01 1835101                    /usr/bin/qemu-system-x86_64',
    '55c0da1f6000-55c0da3b9000 rw-p 00000000 00:00 0                          [heap]',
    '7f6da3b2f000-7f6da3b55000 r--p 00000000 fe:01 1050263                    /usr/lib/x86_64-linux-gnu/libc.so.6',
    '7f6da3d10000-7f6da3d12000 rw-s 00000000 00:01 2057                       /memfd:guest (deleted)',
    '7f6da3d20000-7f6da3d23000 rw-s 00000000 00:0f 1059                       anon_inode:kvm-vcpu:0',
  ].join('\n');
  assert.deepEqual(parseMaps(maps), [
    { dev: 'fe:01', inode: 1835101, path: '/usr/bin/qemu-system-x86_64' },
    { dev: 'fe:01', inode: 1050263, path: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
  ]);
});

test('ld.so.conf: directories and include globs, sorted, each file once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-ldso-'));
  mkdirSync(path.join(dir, 'ld.so.conf.d'));
  writeFileSync(path.join(dir, 'ld.so.conf'), '# system\ninclude ld.so.conf.d/*.conf\n/opt/first\n');
  writeFileSync(path.join(dir, 'ld.so.conf.d', 'b.conf'), '/opt/b\n');
  writeFileSync(path.join(dir, 'ld.so.conf.d', 'a.conf'), '/opt/a # comment\ninclude ../ld.so.conf\n');
  writeFileSync(path.join(dir, 'ld.so.conf.d', 'c.txt'), '/not/this\n');
  assert.deepEqual(ldSoConfDirs(path.join(dir, 'ld.so.conf')), ['/opt/a', '/opt/b', '/opt/first']);
});

test('executables: PATH lookup, then #! and #!/usr/bin/env interpreters', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-exe-'));
  const bin = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, 0o755);
    return p;
  };
  const elf = bin('fakevmm', '\x7fELF');
  bin('wrapper', `#!${elf} --flag\n`);
  bin('py-vmm', '#!/usr/bin/env fakevmm\nprint(1)\n');
  const env = { PATH: `/nonexistent:${dir}` };
  assert.equal(resolveExecutable('fakevmm', env), elf);
  assert.equal(resolveExecutable('wrapper', env), elf);
  assert.equal(resolveExecutable(path.join(dir, 'py-vmm'), env), elf);
  assert.throws(() => resolveExecutable('no-such-vmm', env), /cannot find `no-such-vmm` on PATH/);
});
