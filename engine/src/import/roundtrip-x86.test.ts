// Round trip on the x86 sample capture (sample-traces/captures/x86-restore-vcpus-apart.trace, a
// trace-cmd report on the x86-tsc clock): import → replay → the findings and state worked out by
// hand below, on the capture's own lines.
//
// Host h: 2 GHz, every stamp the host TSC, so C(t) = 2e9·t. The VM boots at 10 s (both vCPUs
// offset −C(10) = −20e9: kvm_write_tsc_offset next = 2^64 − 20e9), is paused at 20 s with guest
// TSC 40e9 − 20e9 = 20e9, snapshotted, and restored at 30 s. The VMM computes the guest TSC once,
// 20e9 + (30.1 − 20) s × 2e9 = 40.2e9, and writes it to vcpu0 at 30.1 s (offset 40.2e9 − 60.2e9 =
// −20e9, the first userspace write: a new generation) and to vcpu1 at 31.3 s: KVM expects
// 40.2e9 + 1.2 s × 2e9 = 42.6e9, and 40.2e9 + 2e9 = 42.2e9 does not reach it, so the write is not
// matched: offset 40.2e9 − 62.6e9 = −22.4e9, 2.4e9 ticks (1.2 s) behind vcpu0. kvm_track_tsc
// then shows offsetmatched 0 and kvm_update_master_clock masterclock 0 — as the model does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importCaptures } from './index';
import { Analysis } from '../analysis';

const FILE = path.resolve(__dirname, '../../../sample-traces/captures/x86-restore-vcpus-apart.trace');
const capture = readFileSync(FILE, 'utf8');
const captureLines = capture.split('\n');
/** The 0-based line of the capture that contains `text` (found by reading the file, not the importer). */
const lineOf = (text: string, from = 0, also = ''): number => {
  const i = captureLines.findIndex((l, n) => n >= from && l.includes(text) && l.includes(also));
  assert.ok(i >= 0, `no capture line with ${text}`);
  return i;
};

const r = importCaptures([{ name: 'x86-restore-vcpus-apart.trace', text: capture }]);
if (!r.ok) throw new Error(r.error);
const imported = r.value;
const analysis = new Analysis(imported.text);
const diagnostics = analysis.diagnostics();
/** `CODE@captureLine` (0-based) of each finding. */
const onCapture = (codes: (c: string) => boolean): string[] =>
  diagnostics.filter((d) => codes(d.code)).map((d) => `${d.code}@${imported.sourceOf[d.range.start.line]?.line}`);

test("the findings land on the capture's own lines: HVT011 on both by-value writes, HVT002 and HVT010 at the resume", () => {
  const restoreAt = lineOf('vmm restore');
  assert.deepEqual(
    onCapture((c) => c !== 'HVT091'),
    [
      `HVT011@${lineOf('vcpu0 ioctl KVM_SET_MSRS IA32_TSC=40200000000')}`,
      `HVT011@${lineOf('vcpu1 ioctl KVM_SET_MSRS IA32_TSC=40200000000')}`,
      // the first KVM_RUN of the restored instance (vcpu0's entry at 31.4 s): offsets −20e9 and −22.4e9 disagree
      `HVT002@${lineOf('vcpu 0, rip 0xffffffff8108aca7', restoreAt, 'kvm_entry')}`,
      // vcpu1 at 31.400001 s: expected 20e9 + 11.400001 s × 2e9 = 42800002000, it is 62800002000 − 22.4e9 = 40400002000
      `HVT010@${lineOf('vcpu 1, rip 0xffffffff8108aca7', restoreAt, 'kvm_entry')}`,
    ],
  );
  const hvt010 = diagnostics.find((d) => d.code === 'HVT010')!;
  assert.match(
    hvt010.message,
    /lags by 2400000000 ticks \(1\.2 s at 2 GHz\) at this resume point: policy advance expects 20000000000 \+ 11\.400001 s × 2 GHz = 42800002000, but it is 40400002000/,
  );
  // No HVT093: every kvm_write_tsc_offset, kvm_track_tsc, kvm_update_master_clock and the
  // kvm_pvclock_update (31350000000 + 49.999 ms = 31399999000 ns at 31.399999 s) agree with the model.
  assert.deepEqual(
    onCapture((c) => c === 'HVT093'),
    [],
  );
  // Until the timer statements are parsed (docs/timers.md#t1-statements, another branch), only they are unknown.
  for (const d of diagnostics.filter((x) => x.code === 'HVT091'))
    assert.match(d.message, /unknown kvm operation `(?:entry|exit|timer_irq)`|unknown ioctl `KVM_SET_LAPIC`/);
});

test('the state after the capture: the two offsets, the guest TSCs, kvmclock', () => {
  const s = analysis.stateAfter(imported.text.split('\n').length - 2);
  const inst = s.instances.get('h/vm1')!;
  const v0 = inst.vcpus.get(0)!,
    v1 = inst.vcpus.get(1)!;
  assert.equal(v0.tscOffset, (1n << 64n) - 20_000_000_000n);
  assert.equal(v1.tscOffset, (1n << 64n) - 22_400_000_000n);
  // generations: creation 1, vcpu0's write 2, vcpu1's write 3
  assert.deepEqual([inst.tsc.curGeneration, v0.tscGeneration, v1.tscGeneration], [3, 2, 3]);
  // kvmclock from KVM_SET_CLOCK clock=31350000000 at 31.35 s
  assert.deepEqual([inst.kvmclockBase, inst.kvmclockAt], [31_350_000_000n, 31_350_000_000n]);
  assert.equal(inst.kvmclockTracking?.masterclock, false);
});

test('counts: every event is used; the two kept as notes are the EFER write and the dropped-events gap', () => {
  assert.deepEqual(imported.counts, { statements: 48, notes: 2, ignored: 0, unreadable: 0 });
  assert.match(imported.text, /vmm note kvm_msr: msr_write c0000080 = 0xd01$/m);
  assert.match(imported.text, /vmm note ring buffer of CPU 2 lost 1024 events here: events are missing$/m);
});
