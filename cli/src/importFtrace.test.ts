// `hvtimer import ftrace` through the built bundle (dist/cli.js): several captures with --host,
// --freq, the summary line, refusals with exit 2 and one line, and the output file's safety
// (issue #15 item 8: existing file, the input itself by any name, symbolic links, `-o -`, atomic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
  lstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-import-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

// tracefs lines ("%16s-%-7d [%03d] flags %5lu.%06lu: event: body").
const CAPTURE = [
  '# tracer: nop',
  '       CPU 0/KVM-4107    [000] d..1.    50.000001: kvm_write_tsc_offset: vcpu=0 prev=0 next=18446743973709551616',
  '       CPU 0/KVM-4107    [000] d..1.    50.000100: kvm_entry: vcpu 0, rip 0xffffffff8108aca7',
  'garbage line',
].join('\n');
const capture = file('capture.txt', `${CAPTURE}\n`);

test('stdout by default; the summary on stderr gives statements, notes and unreadable lines', () => {
  const r = run('import', 'ftrace', capture, '--freq', '2GHz');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^@hvtrace 1\n/);
  assert.match(r.stdout, /^@host host arch=x86_64 freq=2GHz counter=100000000000@50\.000001000$/m);
  assert.equal(
    r.stderr,
    `hvtimer: import ftrace: 3 statements, 0 notes, 1 unreadable line, 0 ignored events from ${capture} (tracefs, 2 events, host host)\n`,
  );
});

test('-o - is standard output and creates no file named -', () => {
  const r = run('import', 'ftrace', capture, '-o', '-');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^@hvtrace 1/);
  assert.equal(existsSync(path.join(dir, '-')), false);
});

test('-o writes atomically: the file, and no temporary file left next to it', () => {
  const out = path.join(dir, 'new.hvtrace');
  const r = run('import', 'ftrace', capture, '-o', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), /kvm write_tsc_offset prev=0 next=18446743973709551616/);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('.tmp')),
    [],
  );
});

test('an existing output is refused (exit 2, one line) and kept, unless --force', () => {
  const out = file('existing.hvtrace', 'precious\n');
  const r = run('import', 'ftrace', capture, '-o', out);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `hvtimer: refusing to overwrite ${out}: it exists; pass --force to replace it\n`);
  assert.equal(readFileSync(out, 'utf8'), 'precious\n');
  const f = run('import', 'ftrace', capture, '-o', out, '--force');
  assert.equal(f.status, 0, f.stderr);
  assert.match(readFileSync(out, 'utf8'), /^@hvtrace 1/);
});

test('the input itself is refused as output, also through a symbolic link or a hard link, even with --force', () => {
  const input = file('self.txt', `${CAPTURE}\n`);
  const link = path.join(dir, 'self-link.hvtrace');
  symlinkSync(input, link);
  const hard = path.join(dir, 'self-hard.hvtrace');
  linkSync(input, hard);
  for (const out of [input, link, hard]) {
    const r = run('import', 'ftrace', input, '-o', out, '--force');
    assert.equal(r.status, 2);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^hvtimer: refusing to write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is the input `),
    );
  }
  assert.equal(readFileSync(input, 'utf8'), `${CAPTURE}\n`);
});

test('a symbolic link at the output path is not followed: refused, or with --force the link itself is replaced', () => {
  const target = file('elsewhere.txt', 'not to be touched\n');
  const link = path.join(dir, 'link.hvtrace');
  symlinkSync(target, link);
  const r = run('import', 'ftrace', capture, '-o', link);
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    `hvtimer: refusing to write ${link}: it is a symbolic link (hvtimer does not write through links); pass --force to replace the link itself\n`,
  );
  assert.equal(readlinkSync(link), target);
  const f = run('import', 'ftrace', capture, '-o', link, '--force');
  assert.equal(f.status, 0, f.stderr);
  assert.equal(lstatSync(link).isSymbolicLink(), false);
  assert.equal(readFileSync(target, 'utf8'), 'not to be touched\n');
});

test('a directory as output is refused', () => {
  const d = path.join(dir, 'adir');
  mkdirSync(d);
  const r = run('import', 'ftrace', capture, '-o', d, '--force');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `hvtimer: refusing to write ${d}: it is a directory\n`);
});

test('a file that is not a trace: exit 2, one line, nothing written', () => {
  const stat = file(
    'kvm_stat.txt',
    ' Event                                         Total %Total CurAvg/s\n kvm_entry                                  1934123   25.1     9120\n',
  );
  const out = path.join(dir, 'from-stat.hvtrace');
  const r = run('import', 'ftrace', stat, '-o', out);
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    `hvtimer: ${stat} is not a kernel trace: it looks like a kvm_stat table; it holds counts, not events: record with \`trace-cmd record -e kvm …\` (docs/capturing.md). hvtimer reads the text of tracefs trace/trace_pipe, trace-cmd report and perf script\n`,
  );
  assert.equal(existsSync(out), false);
});

test('--host NAME=FILE: one host per capture; captures whose clocks cannot be compared are refused with the reason', () => {
  const mark = (t: string, text: string): string =>
    ` qemu-system-x86-4100    [000] .....    ${t}: tracing_mark_write: ${text}`;
  const src = file(
    'src.txt',
    [
      mark('50.000000', 'hvtrace-capture clock=tai'),
      mark('50.000001', 'hvtrace: x/vm1 vmm pause'),
      mark('50.100000', 'hvtrace: x/vm1 vmm migrate to=dst'),
    ].join('\n'),
  );
  const dst = file(
    'dst.txt',
    [
      mark('50.000000', 'hvtrace-capture clock=tai'),
      mark('50.050000', 'hvtrace: x/vm1 ioctl KVM_CREATE_VCPU id=0'),
    ].join('\n'),
  );
  const r = run('import', 'ftrace', '--host', `src=${src}`, '--host', `dst=${dst}`, '--freq', '2GHz');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout.split('\n').filter((l) => /^\d/.test(l)),
    [
      '50.000001000 src/vm1 vmm pause',
      '50.050000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0',
      '50.100000000 src/vm1 vmm migrate to=dst',
    ],
  );
  const mono = file(
    'mono.txt',
    [mark('50.000000', 'hvtrace-capture clock=mono'), mark('50.000001', 'hvtrace: x/vm1 vmm pause')].join('\n'),
  );
  const bad = run('import', 'ftrace', '--host', `src=${mono}`, '--host', `dst=${dst}`);
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    /^hvtimer: cannot merge .*mono\.txt uses the mono clock, which counts from its own host's boot, so the captures' times are not comparable; .*\n$/,
  );
});

test('usage errors: --host without NAME=, --freq that is not a frequency, --force outside import', () => {
  assert.equal(run('import', 'ftrace', capture, '--host', 'nofile').status, 2);
  assert.match(
    run('import', 'ftrace', capture, '--freq', 'fast').stderr,
    /^hvtimer: --freq: expected a frequency like 2\.9GHz or 25MHz, found `fast`/,
  );
  assert.match(
    run('check', capture, '--force').stderr,
    /^hvtimer: --host, --freq and --force belong to import, not check/,
  );
});
