// The command-line contract (docs/cli.md), exercised through the built bundle dist/cli.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SPEC_EXAMPLE, SPEC_EXAMPLE_RESTORE } from '../../engine/src/rules/fixtures';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-cli-'));
function file(name: string, lines: string[]): string {
  const p = path.join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const spec = file('spec.hvtrace', [...SPEC_EXAMPLE, ...SPEC_EXAMPLE_RESTORE]);
const clean = file('clean.hvtrace', SPEC_EXAMPLE);
const broken = file('broken.hvtrace', [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz',
  '12,5 h/vm1/vcpu0 ioctl KVM_RUN',
]);

test('check --format json: one array sorted by file then line, 1-based positions', () => {
  const r = run('check', spec, clean, '--format', 'json');
  assert.equal(r.status, 0); // a warning and an info: no error
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.map((d: { file: string; line: number; code: string }) => [path.basename(d.file), d.line, d.code]),
    [
      ['spec.hvtrace', 15, 'HVT011'],
      ['spec.hvtrace', 16, 'HVT010'],
    ],
  );
  const hvt010 = out[1];
  assert.deepEqual(Object.keys(hvt010), [
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'code',
    'severity',
    'message',
    'related',
  ]);
  // The statement spans `20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN` (40 characters) before its comment.
  assert.deepEqual(
    [hvt010.line, hvt010.column, hvt010.endLine, hvt010.endColumn, hvt010.severity],
    [16, 1, 16, 41, 'warning'],
  );
  assert.deepEqual(hvt010.related, [
    { file: spec, line: 10, message: 'the guest stopped here (pause) with CNTVCT = 249999975' },
    { file: spec, line: 15, message: 'the offset in force at the resume point was set here' },
  ]);
});

test('check text: FILE:LINE:COL: SEVERITY CODE message, related indented, then a summary; exit 1 on errors', () => {
  const r = run('check', broken);
  assert.equal(r.status, 1);
  assert.equal(
    r.stdout,
    `${broken}:3:1: error HVT090 expected a time in seconds like 12.000000500, found \`12,5\`\n1 error, 0 warnings, 0 infos, 0 hints in 1 file\n`,
  );
  assert.match(
    run('check', spec).stdout,
    /:16:1: warning HVT010 guest CNTVCT of vcpu0 of vm1 on dst lags by 14999750 ticks[^\n]*\n {4}[^\n]*:10: the guest stopped here \(pause\) with CNTVCT = 249999975\n/,
  );
  assert.equal(run('check', clean).stdout, 'no problems found in 1 file\n');
});

test('--severity and --tolerance change the result', () => {
  const r = run('check', spec, '--format', 'json', '--severity', 'HVT010=error', 'HVT011=off');
  assert.equal(r.status, 1);
  assert.deepEqual(
    JSON.parse(r.stdout).map((d: { code: string; severity: string }) => `${d.code}:${d.severity}`),
    ['HVT010:error'],
  );
  assert.deepEqual(
    JSON.parse(run('check', spec, '--format', 'json', '--tolerance', '1s').stdout).map((d: { code: string }) => d.code),
    ['HVT011'],
  );
});

test('check --format sarif: SARIF 2.1.0 with the rules and their help URIs', () => {
  const sarif = JSON.parse(run('check', spec, '--format', 'sarif').stdout);
  assert.equal(sarif.version, '2.1.0');
  const driver = sarif.runs[0].tool.driver;
  assert.equal(driver.name, 'hvtimer');
  const rule = driver.rules.find((x: { id: string }) => x.id === 'HVT010');
  assert.equal(rule.name, 'guest-time-jump');
  assert.match(rule.helpUri, /^file:\/\/.*\/docs\/diagnostics\/HVT010\.md$/);
  const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'HVT010');
  assert.equal(result.level, 'warning');
  assert.deepEqual(result.locations[0].physicalLocation.region, {
    startLine: 16,
    startColumn: 1,
    endLine: 16,
    endColumn: 41,
  });
  assert.equal(sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'HVT011').level, 'note');
});

test('replay --at LINE --format json: the state after that line, counters as decimal strings', () => {
  const r = run('replay', spec, '--at', '11', '--format', 'json');
  assert.equal(r.status, 0);
  const s = JSON.parse(r.stdout);
  // 20.00001 s on src: C = 500000250; CNTVCT = 500000250 - 250000025
  assert.equal(s.time, '20.000010000');
  assert.deepEqual(s.hosts.src, { counter: '500000250', freq: '25000000' });
  assert.equal(s.vms.vm1.running, false);
  assert.equal(s.vms.vm1.vcpus['0'].guest_counter, '250000225');
  assert.match(run('replay', spec).stdout, /^time 20\.600100000\nhost src: counter 515002500 at 25000000 Hz\n/);
});

test("replay --format json: each vCPU's timers (timers.md T4), u64 values as decimal strings", () => {
  const sample = path.resolve(__dirname, '../../sample-traces/arm64-migration-timer-600ms-late.hvtrace');
  // line 47: the resume point. The timer restored on lines 42 and 44 (CTL 1, CVAL 272500000) fires when
  // C_dst - 5264999750 reaches 272500000: C_dst = 5537499750 = 5e9 + 25e6·t, t = 21.49999 s
  const s = JSON.parse(run('replay', sample, '--at', '47', '--format', 'json').stdout);
  assert.deepEqual(s.vms.vm1.vcpus['0'].timers.vtimer, {
    ctl: '1',
    cmp: '272500000',
    cmp_is_time: false,
    armable: true,
    deadline_ns: '21499990000',
    armed_at_line: 44,
    last_delivery: null,
  });
  assert.deepEqual(s.vms.vm1.vcpus['0'].timers.ptimer.armable, false);
  // line 52: delivered at 21.49999 s, on time
  assert.deepEqual(
    JSON.parse(run('replay', sample, '--at', '52', '--format', 'json').stdout).vms.vm1.vcpus['0'].timers.vtimer
      .last_delivery,
    { line: 52, time_ns: '21499990000', lateness_ns: '0', early_ns: null, verdict: 'on-time' },
  );
  assert.match(
    run('replay', sample, '--at', '47').stdout,
    /\n {4}vtimer: CVAL 272500000, fires at 21\.499990000 \(armed on line 44\)\n/,
  );
});

test('usage and I/O errors: one clear line on stderr, exit 2, never a stack trace', () => {
  const cases: [string[], RegExp][] = [
    [
      ['check', path.join(dir, 'missing.hvtrace')],
      /^hvtimer: cannot read .*missing\.hvtrace: no such file \(ENOENT\)\n$/,
    ],
    [['check', dir], /^hvtimer: cannot read .*: is a directory \(EISDIR\)\n$/],
    [['frobnicate'], /^hvtimer: unknown command `frobnicate`\n$/],
    [['check'], /^hvtimer: check needs a FILE\n$/],
    [['check', spec, '--format', 'xml'], /^hvtimer: --format must be text, json or sarif, not `xml`\n/],
    [
      ['check', spec, '--tolerance', 'soon'],
      /^hvtimer: --tolerance: expected a duration like 154233ns, 1.5ms or 30s, found `soon`\n/,
    ],
    [['check', spec, '--severity', 'HVT010=loud'], /^hvtimer: --severity: expected CODE=LEVEL/],
    [['replay', spec, '--at', '0'], /^hvtimer: --at needs a line number \(1-based\), found `0`\n/],
    [['replay', spec, '--at', '999'], /^hvtimer: --at 999 is past the end of .* \(17 lines\)\n$/],
  ];
  for (const [args, stderr] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  assert.equal(run('--help').status, 0);
});

test('binary garbage is parse errors, not a crash', () => {
  const p = path.join(dir, 'garbage.hvtrace');
  writeFileSync(p, Buffer.from([0, 255, 10, 0xc3, 0x28, 10, 35, 10, 64, 104, 111, 115, 116]));
  const r = run('check', p, '--format', 'json');
  assert.equal(r.status, 1);
  assert.ok(JSON.parse(r.stdout).every((d: { code: string }) => d.code === 'HVT090'));
});
