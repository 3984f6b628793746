// The kvm layer (scripts/test-layers/kvm.mjs): records every test-VMM scenario with
// `hvtimer record -- vmm SCENARIO` on this machine's /dev/kvm and checks the capture against what
// the VMM itself printed (each ioctl with its values and results) and against the kernel's own
// tracepoints (one kvm_write_tsc_offset per TSC write, with the offset KVM's matching produces),
// then that nothing is left in tracefs. Each capture is then imported and replayed: the model must
// agree with every value the kernel recorded (offsets, track_tsc, master clock, pvclock, GET
// results, the guest's rdtsc) except the values PVM fakes (./pvmFakes.ts), which are detected
// from the vendor module and listed; the kernel-vs-model table goes to test-results/kvm/compare.md.
// Needs root, /dev/kvm, tracefs and uprobes: the layer only runs this file when they are there.
// test/kvm/FINDINGS.md reads these captures.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLOCK_FLAGS } from '../../engine/src/uapi/flags';
import {
  guestReads,
  ioctlCalls,
  traceLines,
  trackTsc,
  tscWrites,
  u64diff,
  vmmSteps,
  type Call,
  type TraceLine,
  type VmmStep,
} from './capture';
import { checkCapture, type ModelCheck } from './modelCheck';
import { type FakeId } from './pvmFakes';
import { offsetsTable, summaryTable, fakesTable, SCENARIOS } from './compare';
import { kvmVendor } from '../../cli/src/record/markers';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const VMM = process.env.HVTIMER_KVM_VMM ?? '';
const OUT = process.env.HVTIMER_KVM_OUT ?? path.join(ROOT, 'test-results/kvm');
const TRACEFS = '/sys/kernel/tracing';

interface Run {
  scenario: string;
  status: number | null;
  stdout: string;
  stderr: string;
  capture: string;
  lines: TraceLine[];
  calls: Call[];
  steps: VmmStep[];
}

function record(scenario: string): Run {
  const out = path.join(OUT, `${scenario}.trace`);
  const r = spawnSync(process.execPath, [CLI, 'record', '-o', out, '--force', '--', VMM, scenario], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const capture = existsSync(out) ? readFileSync(out, 'utf8') : '';
  writeFileSync(path.join(OUT, `${scenario}.vmm.txt`), r.stdout); // the VMM's own account, next to the capture
  const lines = traceLines(capture);
  return {
    scenario,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    capture,
    lines,
    calls: ioctlCalls(lines),
    steps: vmmSteps(r.stdout),
  };
}

function tracefsLeftovers(): string[] {
  const probes = readFileSync(path.join(TRACEFS, 'uprobe_events'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('hvtimer_'));
  const instances = readdirSync(path.join(TRACEFS, 'instances')).filter((n) => n.startsWith('hvtimer-'));
  return [...probes, ...instances];
}

const flagsOf = (s: string): bigint =>
  s.split('|').reduce((a, n) => a | (CLOCK_FLAGS[n] ?? (/^(0x[0-9a-f]+|\d+)$/i.test(n) ? BigInt(n) : 0n)), 0n);

/** The capture's result of a call as the VMM prints it: the value, -ERRNO, or 0. */
const resultText = (c: Call): string => (c.result?.errno ? `-${c.result.errno}` : (c.result?.value ?? '0'));

/** Each ioctl the VMM printed is in the capture, in order, on the same vCPU/VM, with the same values. */
function checkIoctls(run: Run): Call[] {
  const matched: Call[] = [];
  let i = 0;
  for (const step of run.steps) {
    while (i < run.calls.length && run.calls[i].ioctl !== step.ioctl) i++;
    assert.ok(
      i < run.calls.length,
      `${run.scenario}: the capture has no ${step.ioctl} for the VMM's step \`${step.raw}\``,
    );
    const call = run.calls[i++];
    matched.push(call);
    const what = `${run.scenario} step \`${step.raw}\``;
    if (step.where?.startsWith('vcpu')) assert.equal(call.vcpu, Number(step.where.slice(4)), `${what}: vCPU`);
    if (step.where === 'vm') assert.equal(call.vmFd, call.fd, `${what}: on the VM fd`);
    const args = new Map(call.args);
    for (const [k, v] of step.args) {
      if (!args.has(k)) continue; // the VMM prints more than the probes fetch (cap names, nent)
      if (k === 'flags') assert.equal(flagsOf(args.get(k)!), BigInt(v), `${what}: flags`);
      else assert.equal(args.get(k), v, `${what}: ${k}`);
    }
    assert.equal(resultText(call), step.result, `${what}: result`);
    const outputs = new Map([
      ...(call.result?.outputs ?? []),
      ...(call.result?.value !== undefined && step.outputs.some(([k]) => k === 'value')
        ? [['value', call.result.value] as [string, string]]
        : []),
    ]);
    for (const [k, v] of step.outputs) {
      if (k === 'flags' && outputs.has(k)) {
        assert.equal(flagsOf(outputs.get(k)!), BigInt(v), `${what}: flags`);
        continue;
      }
      if ((k === 'realtime' || k === 'host_tsc') && !outputs.has(k)) continue; // only when flags say so
      if (outputs.has(k) || step.ioctl === 'KVM_GET_MSRS' || step.ioctl === 'KVM_GET_CLOCK')
        assert.equal(outputs.get(k), v, `${what}: ${k}`);
    }
  }
  return matched;
}

/** The kvm_write_tsc_offset (and kvm_track_tsc) KVM emitted inside a call, on the call's vCPU. */
function offsetWrite(run: Run, call: Call, vcpu: number): { next: bigint; matched: number; online: number } {
  const inside = (s: bigint): boolean =>
    call.entry !== undefined && call.ret !== undefined && s >= call.entry && s <= call.ret;
  const w = tscWrites(run.lines).filter((x) => x.vcpu === vcpu && inside(x.stamp));
  const t = trackTsc(run.lines).filter((x) => x.vcpu === vcpu && inside(x.stamp));
  assert.equal(
    w.length,
    1,
    `${run.scenario}: one kvm_write_tsc_offset for vcpu${vcpu} inside ${call.ioctl} (found ${w.length})`,
  );
  assert.equal(t.length, 1, `${run.scenario}: one kvm_track_tsc for vcpu${vcpu} inside ${call.ioctl}`);
  return { next: w[0].next, matched: t[0].matched, online: t[0].online };
}

interface Offsets {
  write: Call;
  vcpu: number;
  value: bigint;
  next: bigint;
  matched: number;
  newGeneration: boolean;
}

/** Every host TSC write (vCPU creation = 0, KVM_SET_MSRS IA32_TSC, KVM_VCPU_TSC_OFFSET) and the
 * offset KVM chose. §6.2 items 1–2: a write that starts a new generation (kvm_track_tsc
 * offsetmatched 0) gets offset = V − host TSC, which must lie between V − (TSC after the ioctl)
 * and V − (TSC before it) from the VMM's own rdtsc (or V itself under a zero scaling ratio); a
 * matched write reuses the VM's current offset exactly; KVM_VCPU_TSC_OFFSET is applied as given. */
function checkOffsets(run: Run, matched: Call[]): Offsets[] {
  const out: Offsets[] = [];
  let current: bigint | undefined;
  for (let i = 0; i < run.steps.length; i++) {
    const step = run.steps[i];
    const call = matched[i];
    if (step.ioctl === 'KVM_CREATE_VM') current = undefined;
    let vcpu: number | undefined;
    let value: bigint | undefined;
    let exact: bigint | undefined;
    if (step.ioctl === 'KVM_CREATE_VCPU' && step.result && !step.result.startsWith('-')) {
      vcpu = Number(new Map(step.args).get('id'));
      value = 0n;
    }
    if (step.ioctl === 'KVM_SET_MSRS' && step.args[0][0] === 'IA32_TSC') {
      vcpu = call.vcpu;
      value = BigInt(step.args[0][1]);
    }
    if (step.ioctl === 'KVM_SET_DEVICE_ATTR') {
      vcpu = call.vcpu;
      exact = BigInt(new Map(step.args).get('value')!);
    }
    if (vcpu === undefined) continue;
    const w = offsetWrite(run, call, vcpu);
    const what = `${run.scenario} \`${step.raw}\``;
    if (exact !== undefined) {
      assert.equal(w.next, BigInt.asUintN(64, exact), `${what}: KVM_VCPU_TSC_OFFSET is applied exactly`);
      out.push({ write: call, vcpu, value: exact, next: w.next, matched: w.matched, newGeneration: w.matched === 0 });
    } else {
      // A single-vCPU VM reports offsetmatched 0 even when it matched (its vCPU already is in the
      // generation), so "new generation" is judged by the offset, and checked against the event.
      const newGeneration = current === undefined || w.next !== current;
      if (newGeneration) {
        const [before, after] = step.hostTsc!;
        const lo = BigInt.asUintN(64, value! - after);
        const inBracket = u64diff(w.next, lo) >= 0n && u64diff(w.next, lo) <= after - before;
        assert.ok(
          inBracket || w.next === value,
          `${what}: a new generation's offset ${w.next} is V − host TSC, in [${lo}, ${BigInt.asUintN(64, value! - before)}] (or V under a zero ratio)`,
        );
        assert.equal(w.matched, 0, `${what}: kvm_track_tsc shows the new generation (offsetmatched 0)`);
      }
      out.push({ write: call, vcpu, value: value!, next: w.next, matched: w.matched, newGeneration });
    }
    current = w.next;
  }
  return out;
}

const checks = new Map<string, ModelCheck>();

/**
 * The capture imported and replayed: every difference from the model is one of the PVM fakes
 * expected for this scenario (none on another vendor module), and each expected fake is there.
 */
function modelAgrees(name: string, capture: string, vmmOutput: string | undefined, pvmFakes: FakeId[]): ModelCheck {
  const c = checkCapture(`${name}.trace`, capture, { vmmOutput });
  checks.set(name, c);
  assert.equal(c.vendor, kvmVendor(), `${name}: the capture names this host's KVM vendor module`);
  const unexplained = c.disagreements
    .filter((d) => !d.fake)
    .map(
      (d) =>
        `${d.what} (${d.source}) observed ${d.observed} predicted ${d.predicted}${d.message ? `: ${d.message}` : ''} at \`${d.text}\``,
    );
  assert.deepEqual(
    unexplained,
    [],
    `${name}: the model disagrees with the kernel (a model bug, or a PVM fake not on the list)`,
  );
  const seen = [...new Set(c.disagreements.map((d) => d.fake!))].sort();
  assert.deepEqual(seen, c.pvm ? [...pvmFakes].sort() : [], `${name}: the PVM fakes of this scenario`);
  return c;
}

/** The PVM fakes each scenario shows (test/unit/recorded-captures.test.ts counts them on the fixtures). */
const PVM_FAKES_OF: Record<string, FakeId[]> = {
  boot: ['get-msrs-tsc-host'],
  'restore-0': ['prev-zero', 'get-msrs-tsc-host'],
  'restore-100ms': ['prev-zero', 'get-msrs-tsc-host'],
  'restore-1500ms': ['prev-zero', 'get-msrs-tsc-host'],
  'same-advanced': ['prev-zero', 'get-msrs-tsc-host'],
  'zero-writes': ['prev-zero', 'get-msrs-tsc-host'],
  hotplug: ['prev-zero', 'get-msrs-tsc-host'],
  'tsc-offset-attr': ['prev-zero', 'get-msrs-tsc-host', 'get-attr-offset-zero'],
  'tsc-khz-vm': ['prev-zero', 'get-msrs-tsc-host'],
  'tsc-khz-vcpu': ['prev-zero', 'get-msrs-tsc-host'],
  kvmclock: ['guest-rdtsc-host', 'pvclock-tsc-host'],
  'cpuid-tsc-adjust': ['prev-zero', 'get-msrs-tsc-host', 'guest-rdtsc-host', 'guest-tsc-adjust-delta'],
  'guest-rdtsc': ['prev-zero', 'get-msrs-tsc-host', 'guest-rdtsc-host'],
};

after(() => {
  if (checks.size === 0) return;
  const ordered = [...SCENARIOS, 'restore-100ms-tai'].flatMap((n) => (checks.has(n) ? [checks.get(n)!] : []));
  writeFileSync(
    path.join(OUT, 'compare.md'),
    `# The kernel's and the model's TSC offsets (test/kvm/compare.ts)\n\n${offsetsTable(ordered)}\n\n${summaryTable(ordered)}\n\n## What PVM fakes\n\n${fakesTable()}\n`,
  );
  console.log(
    `kvm: the model against the kernel, per scenario (offsets side by side: ${path.relative(ROOT, path.join(OUT, 'compare.md'))})\n${summaryTable(ordered)}`,
  );
});

function common(run: Run): { calls: Call[]; offsets: Offsets[] } {
  assert.equal(
    run.status,
    0,
    `${run.scenario}: hvtimer record exited ${run.status}: ${run.stderr.split('\n').slice(-5).join(' / ')}`,
  );
  assert.match(run.stdout, /^\d+ done$/m, `${run.scenario}: the VMM finished`);
  assert.match(run.stderr, /cleanup: probes and instance removed/);
  assert.match(run.capture, /tracing_mark_write: hvtrace: @host \S+ arch=x86_64 freq=\d+/);
  assert.deepEqual(tracefsLeftovers(), [], 'nothing of hvtimer is left in tracefs');
  const calls = checkIoctls(run);
  const offsets = checkOffsets(run, calls);
  modelAgrees(run.scenario, run.capture, run.stdout, PVM_FAKES_OF[run.scenario]);
  return { calls, offsets };
}

const scenarios = VMM
  ? spawnSync(VMM, ['list'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .map((l) => l.split('\t')[0])
  : [];
const runs = new Map<string, Run>();
const get = (s: string): Run => {
  if (!runs.has(s)) runs.set(s, record(s));
  return runs.get(s)!;
};

test('the VMM lists its scenarios', () => {
  assert.ok(VMM, 'HVTIMER_KVM_VMM is set by the kvm layer');
  assert.deepEqual(scenarios, [
    'boot',
    'restore-0',
    'restore-100ms',
    'restore-1500ms',
    'same-advanced',
    'zero-writes',
    'hotplug',
    'tsc-offset-attr',
    'tsc-khz-vm',
    'tsc-khz-vcpu',
    'kvmclock',
    'cpuid-tsc-adjust',
    'guest-rdtsc',
  ]);
});

test("boot: vCPUs created 0.5 s apart all join the first one's generation", () => {
  const { offsets } = common(get('boot'));
  assert.equal(offsets.length, 3);
  assert.deepEqual(
    offsets.map((o) => o.matched),
    [0, 1, 2],
  );
  assert.equal(new Set(offsets.map((o) => o.next)).size, 1);
});

test('restore-0 and restore-100ms: the same IA32_TSC on the second vCPU is matched (same offset)', () => {
  for (const s of ['restore-0', 'restore-100ms']) {
    const writes = common(get(s)).offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS');
    assert.deepEqual(
      writes.map((o) => o.newGeneration),
      [true, false],
      s,
    );
    assert.equal(writes[0].next, writes[1].next, s);
  }
});

test('restore-1500ms: the same IA32_TSC 1.5 s later is outside the one-second window: a new generation', () => {
  const writes = common(get('restore-1500ms')).offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS');
  assert.deepEqual(
    writes.map((o) => o.newGeneration),
    [true, true],
  );
  // The second offset is smaller by about the 1.5 s that passed (2.1 GHz × 1.5 s = 3.15e9 cycles
  // on this host; bounded loosely by the host TSC the VMM read around each write).
  const elapsed = get('restore-1500ms')
    .steps.filter((s) => s.ioctl === 'KVM_SET_MSRS')
    .map((s) => s.hostTsc!);
  const d = u64diff(writes[0].next, writes[1].next);
  assert.ok(d >= elapsed[1][0] - elapsed[0][1] && d <= elapsed[1][1] - elapsed[0][0], `offset step ${d}`);
});

test('same-advanced: the same and an elapsed-advanced value match; a value 5 s ahead starts a generation', () => {
  const writes = common(get('same-advanced')).offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS');
  assert.deepEqual(
    writes.map((o) => o.newGeneration),
    [true, false, false, true],
  );
});

test('zero-writes: IA32_TSC=0 is always matched, before and after a userspace write', () => {
  const writes = common(get('zero-writes')).offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS');
  assert.deepEqual(
    writes.map((o) => [o.value === 0n, o.newGeneration]),
    [
      [true, false],
      [false, true],
      [true, false],
      [true, false],
    ],
  );
});

test('hotplug: a vCPU created 1.5 s after a restore joins the restored generation', () => {
  const { offsets } = common(get('hotplug'));
  const created = offsets.filter((o) => o.write.ioctl === 'KVM_CREATE_VCPU');
  const restored = offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS');
  assert.equal(created[2].newGeneration, false);
  assert.equal(created[2].next, restored[1].next);
});

test('tsc-offset-attr: KVM_VCPU_TSC_OFFSET is exact, feeds the matching, and a hot-plugged vCPU joins it', () => {
  const run = get('tsc-offset-attr');
  const { offsets } = common(run);
  const attr = offsets.filter((o) => o.write.ioctl === 'KVM_SET_DEVICE_ATTR');
  assert.deepEqual(
    attr.map((o) => o.matched),
    [0, 1, 0],
  );
  const hot = offsets.filter((o) => o.write.ioctl === 'KVM_CREATE_VCPU')[2];
  assert.equal(hot.next, attr[2].next);
});

test('tsc-khz-vm: VM-wide KVM_SET_TSC_KHZ is accepted before the first vCPU, refused after; unscalable rates give offset 0', () => {
  const run = get('tsc-khz-vm');
  const { offsets } = common(run);
  const sets = run.steps.filter((s) => s.ioctl === 'KVM_SET_TSC_KHZ');
  assert.deepEqual(
    sets.map((s) => s.result),
    ['0', '-EINVAL', '0', '-EINVAL', '0', '-EINVAL', '0', '-EINVAL'],
  );
  // Creation offsets of the four VMs (after the learn-the-rate VM): at and near the host rate
  // V − host TSC; above and below it, with no TSC scaling here, a zero ratio: V − 0 = 0.
  const created = offsets.filter((o) => o.write.ioctl === 'KVM_CREATE_VCPU').slice(1);
  assert.deepEqual(
    created.map((o) => o.next === 0n),
    [false, false, true, true],
  );
});

test('tsc-khz-vcpu: per-vCPU rates are stored even when refused, and a different rate breaks matching', () => {
  const run = get('tsc-khz-vcpu');
  const { offsets } = common(run);
  assert.deepEqual(
    run.steps.filter((s) => s.ioctl === 'KVM_SET_TSC_KHZ').map((s) => s.result),
    ['0', '0', '0', '-EINVAL'],
  );
  // Asked: at, near (+100 ppm), above (+20 %) and below (−20 %) the rate of the first GET.
  const gets = run.steps.filter((s) => s.ioctl === 'KVM_GET_TSC_KHZ').map((s) => BigInt(s.result!));
  const h = gets[0];
  assert.deepEqual(gets.slice(1), [h, h + h / 10000n, (h * 6n) / 5n, (h * 4n) / 5n]);
  // IA32_TSC=0 after each KVM_SET_TSC_KHZ: matched only on the vCPU whose rate equals the last write's.
  assert.deepEqual(
    offsets.filter((o) => o.write.ioctl === 'KVM_SET_MSRS').map((o) => o.newGeneration),
    [false, true, true, true],
  );
});

test('kvmclock: starts at 0 at KVM_CREATE_VM, REALTIME only advances, KVMCLOCK_CTRL needs an enabled kvmclock', () => {
  const run = get('kvmclock');
  const { calls } = common(run);
  const create = calls.find((c) => c.ioctl === 'KVM_CREATE_VM')!;
  const first = calls.find((c) => c.ioctl === 'KVM_GET_CLOCK')!;
  const hz = BigInt(/@host \S+ arch=x86_64 freq=(\d+)/.exec(run.capture)![1]);
  const clock = BigInt(new Map(first.result!.outputs!).get('clock')!);
  // kvmclock at the first KVM_GET_CLOCK is at most the time since KVM_CREATE_VM was entered.
  assert.ok(
    clock <= ((first.ret! - create.entry!) * 1_000_000_000n) / hz,
    `kvmclock ${clock} ns right after KVM_CREATE_VM`,
  );
  const reads = calls
    .filter((c) => c.ioctl === 'KVM_GET_CLOCK')
    .map((c) => BigInt(new Map(c.result!.outputs!).get('clock')!));
  assert.ok(
    reads[3] - 6_000_000_000n >= 0n && reads[3] - 6_000_000_000n < 50_000_000n,
    `realtime 1 s in the past advances by 1 s: ${reads[3]}`,
  );
  assert.ok(
    reads[4] - 5_000_000_000n >= 0n && reads[4] - 5_000_000_000n < 50_000_000n,
    `realtime in the future does not step back: ${reads[4]}`,
  );
  assert.deepEqual(
    run.steps.filter((s) => s.ioctl === 'KVM_KVMCLOCK_CTRL').map((s) => s.result),
    ['-EINVAL', '0'],
  );
  const pv = run.lines.filter((l) => l.name === 'kvm_pvclock_update');
  assert.ok(pv.length >= 1);
  assert.match(pv[0].body, /flags 0x3 }$/, 'TSC_STABLE (masterclock on) and GUEST_STOPPED (KVM_KVMCLOCK_CTRL)');
});

test('cpuid-tsc-adjust: a guest IA32_TSC_ADJUST write moves the offset by the delta only with TSC_ADJUST in CPUID', () => {
  const run = get('cpuid-tsc-adjust');
  common(run);
  const writes = tscWrites(run.lines);
  const guestMsr = run.lines.filter((l) => l.name === 'kvm_msr' && /msr_write 3b = 0xf4240/.test(l.body));
  assert.equal(guestMsr.length, 3, 'the three guest writes of IA32_TSC_ADJUST=1000000 are traced');
  // vcpu0 (KVM_SET_CPUID2 with TSC_ADJUST): offset moved by 1000000 − 1000 (the host-written value).
  // kvm_msr is emitted when the write completes, right after the offset write it caused (~1 µs).
  const before0 = writes.filter((w) => w.vcpu === 0 && w.stamp < guestMsr[0].stamp).at(-1)!;
  assert.ok(guestMsr[0].stamp - before0.stamp < 100_000n, 'the offset write belongs to the guest wrmsr');
  assert.equal(u64diff(before0.next, before0.prev), 999_000n);
  // vcpu2 (no KVM_SET_CPUID2): ignored — no offset write at all after its vCPU creation.
  assert.equal(writes.filter((w) => w.vcpu === 2).length, 1);
  assert.deepEqual(
    run.steps
      .filter((s) => s.ioctl === 'KVM_GET_MSRS' && s.where === 'vcpu2' && s.args[0][0] === 'IA32_TSC_ADJUST')
      .map((s) => s.outputs[0][1]),
    ['0', '0'],
  );
});

test('guest-rdtsc: KVM_RUN on a vCPU thread is recorded (threads followed) and the guest reports its TSC', () => {
  const run = get('guest-rdtsc');
  const { calls } = common(run);
  const runs = calls.filter((c) => c.ioctl === 'KVM_RUN');
  const main = calls.find((c) => c.ioctl === 'KVM_CREATE_VM')!.tid;
  assert.equal(runs.length, 6);
  assert.ok(
    runs.every((c) => c.tid !== main),
    'KVM_RUN came from the vCPU threads',
  );
  assert.equal(new Set(runs.map((c) => c.tid)).size, 2, 'one thread per run_guest_on_thread');
  assert.equal(guestReads(run.stdout).length, 2);
});

test('killing the recorder mid-run (SIGTERM) still removes its probes and instance', async () => {
  const out = path.join(OUT, 'killed.trace');
  const child = spawn(process.execPath, [CLI, 'record', '-o', out, '--force', '--', VMM, 'hotplug'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // Wait until the VMM is inside its 1.5 s sleep: probes and instance are in place.
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/sleep 1500ms/.test(stdout)) resolve();
    }),
  );
  assert.notDeepEqual(tracefsLeftovers(), [], 'the recording is set up');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(stderr, /stopped by SIGTERM/);
  assert.deepEqual(tracefsLeftovers(), []);
  assert.ok(existsSync(out), 'the capture up to the signal was written');
});

test('--clock tai (two-host migrations): stamps are TAI, and anchors pair them with the host TSC', () => {
  const out = path.join(OUT, 'tai.trace');
  const r = spawnSync(
    process.execPath,
    [CLI, 'record', '--clock', 'tai', '-o', out, '--force', '--', VMM, 'restore-100ms'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(tracefsLeftovers(), []);
  const text = readFileSync(out, 'utf8');
  writeFileSync(path.join(OUT, 'tai.vmm.txt'), r.stdout);
  assert.match(text, /tracing_mark_write: hvtrace-capture clock=tai$/m);
  // Imported on the anchors' counter, the model agrees as on the x86-tsc clock.
  modelAgrees('restore-100ms-tai', text, r.stdout, PVM_FAKES_OF['restore-100ms']);
  // TAI stamps print as seconds.microseconds (docs/reference/real-captures.md#21-tracefs-trace--trace_pipe-kernel-kerneltracetrace_outputc-tracec).
  const stamp = (re: RegExp): bigint => {
    const m = re.exec(text)!;
    return BigInt(m[1]) * 1_000_000n + BigInt(m[2]);
  };
  const tsc = (seq: number): bigint => BigInt(new RegExp(`hvtrace-anchor-tsc seq=${seq} tsc=(\\d+)`).exec(text)![1]);
  const a1 = stamp(/(\d+)\.(\d{6}): tracing_mark_write: hvtrace-anchor seq=1$/m);
  const b1 = stamp(/(\d+)\.(\d{6}): tracing_mark_write: hvtrace-anchor-end seq=1$/m);
  const a2 = stamp(/(\d+)\.(\d{6}): tracing_mark_write: hvtrace-anchor seq=1000$/m);
  const b2 = stamp(/(\d+)\.(\d{6}): tracing_mark_write: hvtrace-anchor-end seq=1000$/m);
  const hz = BigInt(/@host \S+ arch=x86_64 freq=(\d+)/.exec(text)![1]);
  // The TSC moved by as much as TAI did between the two anchors, within the anchors' own spans
  // (each TSC read lies between its anchor and anchor-end stamps) plus 1 µs of print rounding each.
  const dTscUs = ((tsc(1000) - tsc(1)) * 1_000_000n) / hz;
  assert.ok(dTscUs >= a2 - b1 - 2n && dTscUs <= b2 - a1 + 2n, `TSC Δ ${dTscUs} µs vs TAI [${a2 - b1}, ${b2 - a1}] µs`);
  assert.ok(a2 - a1 > 100_000n, 'the anchors are the start and the end of a 100 ms scenario');
});

test('-p PID: attaching to a running VMM records from then on, and names the fds it sees created', async () => {
  const vmm = spawn(VMM, ['hotplug'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  const exited = new Promise<void>((r) => vmm.on('exit', () => r()));
  await new Promise<void>((resolve) =>
    vmm.stdout.on('data', (d) => {
      stdout += d;
      if (/sleep 1500ms/.test(stdout)) resolve();
    }),
  );
  const out = path.join(OUT, 'attached.trace');
  const r = spawnSync(process.execPath, [CLI, 'record', '-p', String(vmm.pid), '-o', out, '--force'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  await exited;
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(tracefsLeftovers(), []);
  const calls = ioctlCalls(traceLines(readFileSync(out, 'utf8')));
  // Everything before the attach is missing; the hot-plug after it is there, on the VM's fd 4.
  assert.equal(
    calls.some((c) => c.ioctl === 'KVM_CREATE_VM'),
    false,
  );
  const hot = calls.find((c) => c.ioctl === 'KVM_CREATE_VCPU')!;
  assert.deepEqual([hot.fd, hot.args, hot.vcpuFd], [4, [['id', '2']], 7]);
  // vCPU 2's fd is known from its creation; vCPUs 0 and 1 were created before the attach.
  const gets = calls.filter((c) => c.ioctl === 'KVM_GET_MSRS');
  assert.deepEqual(
    gets.map((c) => c.vcpu),
    [undefined, undefined, 2, undefined, undefined, undefined, 2],
  );
  // Imported: the calls on fds made before the attach are notes that say so. The model never saw
  // the restore before the attach, so the hot-plugged vCPU's creation, which KVM matched to that
  // generation, and KVM's counts of matched and online vCPUs are all it disagrees with.
  const c = checkCapture('attached.trace', readFileSync(out, 'utf8'));
  assert.ok(c.hvtrace.includes('(fd 5 was opened before the recording)'));
  const history = c.disagreements.filter((d) => !d.fake);
  assert.ok(
    history.some(
      (d) =>
        d.what === 'tsc_offset' &&
        /vcpu2 kvm write_tsc_offset /.test(d.text) &&
        /KVM_CREATE_VCPU id=2/.test(d.previous ?? ''),
    ),
  );
  for (const d of history) {
    assert.ok(
      (d.what === 'tsc_offset' && /KVM_CREATE_VCPU id=2/.test(d.previous ?? '')) ||
        (d.what === 'problem' && /the trace misses/.test(d.message ?? '')),
      `${d.what} at ${d.text}: ${d.message ?? ''}`,
    );
  }
});
