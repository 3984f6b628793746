// Issue #15 item 1 through the CLI bundle (dist/cli.js): an x86 host below 1000 Hz plus
// KVM_SET_TSC_KHZ used to print `internal error: Division by zero`. KVM's tsc_khz is 0 there:
// with TSC scaling it accepts no frequency (max_guest_tsc_khz 0), so the VM-wide ioctl is -EINVAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'hvtimer-cli-khz-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

// The report's input, verbatim.
const REPORT = [
  '@host h arch=x86_64 freq=999',
  '1.0 h/vm ioctl KVM_SET_TSC_KHZ value=1',
  '1.0 h/vm ioctl KVM_CREATE_VCPU id=0',
];

test("check: the report's input gives the -EINVAL disagreement, not an internal error", () => {
  const p = path.join(dir, 'div0.hvtrace');
  writeFileSync(p, `${REPORT.join('\n')}\n`);
  const r = run('check', p, '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const d = JSON.parse(r.stdout) as { code: string; line: number; message: string }[];
  assert.deepEqual(
    d.map((x) => `${x.code}@${x.line}`),
    ['HVT093@2'],
  );
  assert.match(d[0].message, /^KVM answers -EINVAL to KVM_SET_TSC_KHZ here \(host h's TSC frequency is below 1 kHz/);
});

test('replay: the vCPU is created at tsc_khz 0 with the default ratio, offset = 0 - C(1.0) = -999', () => {
  const p = path.join(dir, 'div0-replay.hvtrace');
  writeFileSync(p, `${REPORT.join('\n')}\n`);
  const r = run('replay', p, '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  // C(1.0) = floor(1.0 · 999) = 999; offset = 2^64 - 999; the TSC reads 999 - 999 = 0
  assert.equal(s.hosts.h.counter, '999');
  assert.equal(s.vms.vm.vcpus['0'].tsc_offset, (2n ** 64n - 999n).toString());
  assert.equal(s.vms.vm.vcpus['0'].guest_counter, '0');
  assert.equal(run('replay', p).status, 0);
});

test('without TSC scaling the same input is accepted and the vCPU gets a zero ratio (offset 0)', () => {
  const p = path.join(dir, 'div0-noscaling.hvtrace');
  writeFileSync(
    p,
    `${['@host h arch=x86_64 freq=999 tsc_scaling=0', ...REPORT.slice(1), '2.0 h/vm/vcpu0 ioctl KVM_RUN'].join('\n')}\n`,
  );
  const c = run('check', p, '--format', 'json');
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout), []);
  const s = JSON.parse(run('replay', p, '--format', 'json').stdout);
  // offset = 0 - scale(C) with ratio 0 = 0; the guest's rdtsc reads C(2.0) = 1998
  assert.equal(s.vms.vm.vcpus['0'].tsc_offset, '0');
  assert.equal(s.vms.vm.vcpus['0'].guest_counter, '1998');
});
