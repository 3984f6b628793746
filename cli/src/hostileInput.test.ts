// Issue #15: hostile and careless input to the CLI, each case the report's input. Terminal escapes
// in a trace are printed escaped (item 5); messages and output are bounded and a 100 MB NUL file
// gives a clear result in every format (item 6); devices and directories are refused at once, pipes
// read with a bound (item 7); non-UTF-8 bytes are reported once; usage errors are one line (item 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-hostile-'));
const run = (args: string[], input?: string | Buffer | number) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 2 ** 20,
    ...(typeof input === 'number' ? { stdio: [input, 'pipe', 'pipe'] } : { input }),
  });
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
/** Bytes a terminal acts on: C0 controls other than tab and LF, DEL, and C1 controls (U+0080–U+009F). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test('item 5: ESC and BEL from a trace are printed escaped by check --format text', () => {
  // A window-title sequence (ESC ] 0 ; … BEL) in an ioctl name and a clear-screen (ESC [ 2 J) in an argument.
  const p = file(
    'escapes.hvtrace',
    '@hvtrace 1\n@host h arch=arm64 freq=25MHz\n1.0 h/vm1 ioctl KVM_\x1b]0;pwned\x07 x\n2.0 h/vm1 vmm pause \x1b[2J\x9b1m\n',
  );
  const r = run(['check', p]);
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout, TERMINAL_CONTROL);
  // Columns: `1.0 h/vm1 ioctl ` is 16 characters, `2.0 h/vm1 vmm pause ` 20.
  assert.equal(
    r.stdout,
    [
      `${p}:3:17: error HVT090 expected an ioctl name like KVM_RUN or a request code like 0x4010AEAC, found \`KVM_\\x1b]0;pwned\\x07\``,
      `${p}:4:21: info HVT091 unexpected argument \`\\x1b[2J\\x9b1m\` for pause; ignored`,
      '1 error, 0 warnings, 1 info, 0 hints in 1 file',
      '',
    ].join('\n'),
  );
  // JSON carries the same escaped message (a valid JSON string either way).
  const json = run(['check', p, '--format', 'json']);
  assert.equal(JSON.parse(json.stdout)[1].message, 'unexpected argument `\\x1b[2J\\x9b1m` for pause; ignored');
  assert.doesNotMatch(json.stdout, TERMINAL_CONTROL);
});

test('item 5: a file name with control characters is escaped in the output and in errors', () => {
  const p = file('name\x1b[2J.hvtrace', '12,5 h/vm1 vmm pause\n');
  const r = run(['check', p]);
  assert.ok(r.stdout.startsWith(`${path.join(dir, 'name\\x1b[2J.hvtrace')}:1:1: error HVT090`), r.stdout);
  const missing = run(['check', path.join(dir, 'gone\x07.hvtrace')]);
  assert.equal(missing.stderr, `hvtimer: cannot read ${path.join(dir, 'gone\\x07.hvtrace')}: no such file (ENOENT)\n`);
  // Names in JSON stay the real names (JSON escapes U+0000–U+001F itself); C1 controls are \u-escaped.
  const c1 = file('c1\u009b.hvtrace', '@hvtrace 1\n12,5 h/vm1 vmm pause\n');
  const json = run(['check', c1, '--format', 'json']);
  assert.ok(json.stdout.includes('c1\\u009b.hvtrace'));
  assert.equal(JSON.parse(json.stdout)[0].file, c1);
});

test('item 6: a token of 60,000 characters is elided in the middle of the message', () => {
  // 53 characters kept before the marker `…(60000 chars)…` (15 characters) and 52 after: 120 in all.
  const token = `abc${'x'.repeat(60_000 - 6)}xyz`;
  const r = run(['check', file('long-token.hvtrace', `${token} h/vm1 vmm pause\n`), '--format', 'json']);
  const [d] = JSON.parse(r.stdout);
  assert.equal(
    d.message,
    `expected a time in seconds like 12.000000500, found \`abc${'x'.repeat(50)}…(60000 chars)…${'x'.repeat(49)}xyz\``,
  );
});

test('item 6: a 100 MB file of NULs gives one clear finding in json, sarif and text', () => {
  const p = path.join(dir, 'nul.hvtrace');
  const fd = openSync(p, 'w');
  ftruncateSync(fd, 100 * 2 ** 20); // 104857600 NUL bytes (a sparse file)
  closeSync(fd);
  const message =
    'expected a line of at most 65536 characters, found one of 104857600: the line is not read (split it, or shorten its note)';
  const json = run(['check', p, '--format', 'json']);
  assert.equal(json.status, 1, json.stderr);
  assert.deepEqual(
    JSON.parse(json.stdout).map((d: { line: number; code: string; message: string }) => [d.line, d.code, d.message]),
    [[1, 'HVT090', message]],
  );
  const sarif = run(['check', p, '--format', 'sarif']);
  assert.equal(sarif.status, 1, sarif.stderr);
  assert.deepEqual(
    JSON.parse(sarif.stdout).runs[0].results.map((x: { message: { text: string } }) => x.message.text),
    [message],
  );
  const text = run(['check', p]);
  assert.equal(text.stdout, `${p}:1:1: error HVT090 ${message}\n1 error, 0 warnings, 0 infos, 0 hints in 1 file\n`);
  assert.equal(text.stderr, '');
});

test('item 6: one line with 30,000 unknown arguments is 16 findings, not 30,000', () => {
  const r = run([
    'check',
    file('many-args.hvtrace', `@hvtrace 1\n@host h arch=arm64 freq=25MHz\n1.0 h/vm1 vmm pause${' a'.repeat(30_000)}\n`),
    '--format',
    'json',
  ]);
  const found = JSON.parse(r.stdout).filter((d: { code: string }) => d.code === 'HVT091');
  assert.equal(found.length, 16);
  assert.equal(
    found[15].message,
    '29985 more notes on this line (unknown names, ignored arguments); the first 15 are reported',
  );
});

test('issue #17: a file above 128 MiB is streamed by check; import, which reads whole captures, refuses it', () => {
  const p = path.join(dir, 'huge.hvtrace');
  const fd = openSync(p, 'w');
  ftruncateSync(fd, 129 * 2 ** 20); // 135266304 NUL bytes: one line of 135266304 characters
  closeSync(fd);
  const r = run(['check', p, '--format', 'json']);
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(
    JSON.parse(r.stdout).map((d: { line: number; message: string }) => [d.line, d.message]),
    [
      [
        1,
        'expected a line of at most 65536 characters, found one of 135266304: the line is not read (split it, or shorten its note)',
      ],
    ],
  );
  const imported = run(['import', 'ftrace', p]);
  assert.equal(imported.status, 2);
  assert.equal(
    imported.stderr,
    `hvtimer: ${p} is 129.0 MiB: \`import\` reads captures of at most 128 MiB (split the capture; \`check\` and \`replay\` read traces of any size)\n`,
  );
  assert.equal(imported.stdout, '');
});

test('item 6: bytes that are not UTF-8 are reported once, at the first (HVT090), not silently replaced', () => {
  // Line 3 holds 0xFF after `# ` (column 3); line 4 another bad byte, not reported again.
  const bytes = Buffer.concat([
    Buffer.from('@hvtrace 1\n@host h arch=arm64 freq=25MHz\n# '),
    Buffer.from([0xff]),
    Buffer.from('\n# '),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('\n'),
  ]);
  const p = file('latin1.hvtrace', bytes);
  const r = run(['check', p, '--format', 'json']);
  assert.equal(r.status, 1);
  assert.deepEqual(
    JSON.parse(r.stdout).map((d: { line: number; column: number; code: string; message: string }) => [
      d.line,
      d.column,
      d.code,
      d.message,
    ]),
    [
      [
        3,
        3,
        'HVT090',
        'expected UTF-8 text, found the byte 0xFF: the file is not UTF-8 (this and any later such bytes are read as U+FFFD; only the first is reported)',
      ],
    ],
  );
  assert.equal(run(['check', p, '--severity', 'HVT090=off']).stdout, 'no problems found in 1 file\n');
  // Found by the fuzz suite: with --at past the end, the error alone (one line), not the warning too.
  const past = run(['replay', p, '--at', '99']);
  assert.deepEqual([past.status, past.stderr], [2, `hvtimer: --at 99 is past the end of ${p} (5 lines)\n`]);
  const replay = run(['replay', p]);
  assert.equal(replay.status, 0);
  assert.equal(
    replay.stderr,
    `hvtimer: warning: ${p}:3:3: expected UTF-8 text, found the byte 0xFF: the file is not UTF-8 (this and any later such bytes are read as U+FFFD; only the first is reported)\n`,
  );
});

test('item 7: /dev/zero and directories are refused at once with one line; a pipe is read with a bound', () => {
  const zero = run(['check', '/dev/zero']);
  assert.deepEqual(
    [zero.status, zero.stderr, zero.stdout],
    [2, 'hvtimer: cannot read /dev/zero: a character device, not a trace file\n', ''],
  );
  const d = run(['check', dir, '--format', 'json']);
  assert.deepEqual([d.status, d.stderr], [2, `hvtimer: cannot read ${dir}: is a directory (EISDIR)\n`]);
  // /dev/zero as standard input: one endless line, refused once it passes 128 MiB (never read until killed).
  const fd = openSync('/dev/zero', 'r');
  try {
    const stdin = run(['check', '-'], fd);
    assert.deepEqual(
      [stdin.status, stdin.stderr],
      [2, 'hvtimer: standard input has a line of more than 128 MiB: not a trace\n'],
    );
  } finally {
    closeSync(fd);
  }
  assert.equal(
    run(['check', '-'], '@hvtrace 1\n12,5 h/vm1 vmm pause\n').stdout,
    '-:2:1: error HVT090 expected a time in seconds like 12.000000500, found `12,5`\n1 error, 0 warnings, 0 infos, 0 hints in 1 file\n',
  );
});

test('item 7: a named pipe (FIFO) is read like a file', async () => {
  const fifo = path.join(dir, 'trace.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const child = spawn(process.execPath, [CLI, 'check', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  writeFileSync(fifo, '@hvtrace 1\n12,5 h/vm1 vmm pause\n'); // blocks until the CLI opens it, then closes it
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 1);
  assert.equal(
    stdout,
    `${fifo}:2:1: error HVT090 expected a time in seconds like 12.000000500, found \`12,5\`\n1 error, 0 warnings, 0 infos, 0 hints in 1 file\n`,
  );
});

test('item 9: a usage error is one line on stderr; --help prints the usage', () => {
  for (const args of [
    ['frobnicate'],
    ['check'],
    ['check', 'x', '--nope'],
    ['replay', 'a', 'b'],
    ['check', 'x', '--format'],
    ['import', 'x'],
  ]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `${args.join(' ')}: ${JSON.stringify(r.stderr)}`); // one line and its newline
    assert.match(r.stderr, /^hvtimer: \S/);
    assert.equal(r.stdout, '');
  }
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage:\n {2}hvtimer check FILE\.\.\./);
});

test('an unknown option that is a terminal escape is printed escaped', () => {
  const r = run(['check', 'x', '--\x1b]0;t\x07']);
  assert.equal(r.stderr, 'hvtimer: unknown option `--\\x1b]0;t\\x07`\n');
});

test('a reader that stops early (EPIPE) ends the CLI quietly', () => {
  const lines = ['@hvtrace 1'];
  for (let i = 0; i < 20_000; i++) lines.push(`${i},5 h/vm1 vmm pause`);
  const p = file('many-errors.hvtrace', `${lines.join('\n')}\n`);
  const r = spawnSync('sh', ['-c', `node "${CLI}" check "${p}" | head -c 10 >/dev/null; echo "exit $?"`], {
    encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'exit 0\n');
});
