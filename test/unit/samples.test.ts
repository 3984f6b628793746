// The sample traces in sample-traces/ are checked with the BUILT command-line tool (dist/cli.js;
// the test orchestrator runs scripts/build.mjs first), against what their comments promise:
//   * a line where diagnostics are expected ends with `# expect: HVTnnn[, HVTnnn...]`, listing
//     exactly the codes reported on that line (a code twice if it is reported twice);
//   * a clean sample says `# expect: none` in its header comment and produces nothing.
// The exit status must be 1 exactly when an error-severity diagnostic is expected, and no sample
// may have a parse error (HVT090) except where one is expected. Two samples are also replayed to
// a line whose model state was worked out by hand (below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../../engine/src/rules/registry';
import type { ReplayJson } from '../../protocol/views';
import { RESET_TIMERS_JSON } from '../../engine/src/replay/testing';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const DIR = path.join(ROOT, 'sample-traces');
const samples = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.hvtrace'))
      .sort()
  : [];

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
  message: string;
}

/** Codes whose severity depends on the case (HVT002: arm64/x86; HVT091: name/host). */
const VARIABLE_SEVERITY = new Set(['HVT002', 'HVT091']);
const DEFAULT_SEVERITY = new Map(RULES.map((r) => [r.meta.code, r.meta.defaultSeverity]));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs (the test orchestrator builds first)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `CODE@LINE` for every expectation in the file (sorted, duplicates kept) and whether it says `none`. */
function expectations(text: string): { expected: string[]; none: boolean } {
  const expected: string[] = [];
  let none = false;
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /#.*?\bexpect:\s*([^#]*?)\s*$/.exec(line);
    if (!m) return;
    if (m[1] === 'none') {
      none = true;
      return;
    }
    for (const code of m[1].split(',').map((c) => c.trim())) {
      assert.match(code, /^HVT\d{3}$/, `line ${i + 1}: "${code}" is not a diagnostic code`);
      expected.push(`${code}@${i + 1}`);
    }
  });
  return { expected: expected.sort(), none };
}

function check(file: string): { status: number | null; diagnostics: JsonDiagnostic[] } {
  const r = cli(['check', path.join('sample-traces', file), '--format', 'json']);
  assert.equal(r.stderr, '', `stderr of hvtimer check ${file}`);
  return { status: r.status, diagnostics: JSON.parse(r.stdout) as JsonDiagnostic[] };
}

test('there are sample traces, clean ones among them', () => {
  assert.ok(samples.length >= 20, `only ${samples.length} sample traces`);
  assert.ok(samples.some((f) => expectations(readFileSync(path.join(DIR, f), 'utf8')).none));
});

for (const file of samples) {
  test(`${file}: hvtimer check reports exactly what the # expect: comments say`, () => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    assert.ok(text.startsWith('#'), `${file} must start with a header comment explaining the scenario`);
    const { expected, none } = expectations(text);
    assert.ok(
      none !== expected.length > 0,
      `${file} needs either "# expect: none" in its header or "# expect: CODES" on the lines that report`,
    );

    const { status, diagnostics } = check(file);
    const actual = diagnostics.map((d) => `${d.code}@${d.line}`).sort();
    assert.deepEqual(
      actual,
      expected,
      diagnostics.map((d) => `${d.line}: ${d.severity} ${d.code} ${d.message}`).join('\n'),
    );

    const unexpectedParseErrors = diagnostics.filter(
      (d) => d.code === 'HVT090' && !expected.includes(`HVT090@${d.line}`),
    );
    assert.deepEqual(unexpectedParseErrors, [], `${file} does not parse`);

    for (const d of diagnostics) {
      if (!VARIABLE_SEVERITY.has(d.code))
        assert.equal(d.severity, DEFAULT_SEVERITY.get(d.code), `${d.code}@${d.line} severity`);
    }
    const errorExpected = diagnostics.some((d) => d.severity === 'error');
    assert.equal(status, errorExpected ? 1 : 0, `exit status of hvtimer check ${file}`);
  });
}

/** 1-based number of the one line of a sample that contains `marker`. */
function lineOf(file: string, marker: string): number {
  const lines = readFileSync(path.join(DIR, file), 'utf8').split(/\r?\n/);
  const hits = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  assert.equal(hits.length, 1, `${file}: "${marker}" should be on exactly one line`);
  return hits[0];
}

function replayAt(file: string, line: number): ReplayJson {
  const r = cli(['replay', path.join('sample-traces', file), '--at', String(line), '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReplayJson;
}

test('replay: the idempotent migration resumes the guest counter exactly on its time line', () => {
  const file = 'arm64-migration-idempotent.hvtrace';
  // Source: 4 vCPUs created by 10.000003 s: Off0 = C_src(10.000003) = 25e6 × 10.000003 = 250000075.
  // Pause at T0 = 20 s: C0 = 500000000, G_before = 500000000 - 250000075 = 249999925.
  // Destination: C_dst(t) = 5e9 + 25e6·t; T1 = 20.35 s, C1 = 5508750000.
  // Off1 = Off0 - (T1-T0)*F - (C0-C1) = 250000075 - 8750000 - (500000000 - 5508750000) = 5250000075.
  // vcpu0's first KVM_RUN at 20.3501 s: C_dst = 5508752500, CNTVCT = 5508752500 - 5250000075 = 258752425
  //   = G_before + 0.3501 s × 25 MHz = 249999925 + 8752500.
  const s = replayAt(file, lineOf(file, 'dst/vm1/vcpu0 ioctl KVM_RUN'));
  assert.equal(s.time, '20.350100000');
  assert.equal(s.vms.vm1.host, 'dst');
  assert.equal(s.vms.vm1.running, true);
  assert.deepEqual(s.vms.vm1.vcpus['0'], {
    guest_counter: '258752425',
    virtual_offset: '5250000075',
    physical_offset: '5250000075',
    physical_trap: 'unknown',
    tsc_offset: null,
    stolen_ns: null,
    // no timer statements in this sample: the reset state of a created vCPU (docs/timers.md#t2-model)
    timers: RESET_TIMERS_JSON,
  });
  // Every vCPU shares the VM-wide offset, so vcpu3 (not running yet) shows the same counter.
  assert.equal(s.vms.vm1.vcpus['3'].guest_counter, '258752425');
});

test("replay: stolen time continues from the migrated value after the destination's first update", () => {
  const file = 'arm64-pvtime-migration-correct.hvtrace';
  // Source vcpu0: PV_TIME_ST at 10.0004 s zeroes the structure; sched waits of 3 ms and 1.5 ms are
  // folded in at the KVM_RUNs that follow: stolen_time = 4500000 ns when the guest is paused.
  // Destination: the IPA is set again (0x40000000), the thread waits 2 ms before its first
  // KVM_RUN, which adds that run delay to the value in guest memory: 4500000 + 2000000 = 6500000.
  const s = replayAt(file, lineOf(file, 'dst/vm1/vcpu0 ioctl KVM_RUN'));
  assert.equal(s.vms.vm1.host, 'dst');
  assert.equal(s.vms.vm1.vcpus['0'].stolen_ns, '6500000');
  // vcpu1 has its address on the destination but has not run there yet: still the migrated 1 ms.
  assert.equal(s.vms.vm1.vcpus['1'].stolen_ns, '1000000');
});
