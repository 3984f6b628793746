// Regression tests for issue #15 item 2: a trace that names a new VM on every line
// (`N.nnn h/vmI/vcpu0 ioctl KVM_RUN`) made the analysis copy the whole, ever-growing state into a
// checkpoint every 2000 lines (1000 in the language server): O(lines²) objects, 2.6 GB and 40 s at
// 70k lines, and the server died of heap exhaustion. These count what is copied, not time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from './analysis';
import { stateWeight } from './replay/weight';
import { initialState } from './replay/state';
import { replayJson } from './state/replayJson';

/** The report's input: one new VM per line. */
function vmPerLine(n: number): string {
  const lines = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz'];
  for (let i = 0; i < n; i++) lines.push(`${(1 + i / 1000).toFixed(3)} h/vm${i}/vcpu0 ioctl KVM_RUN`);
  return lines.join('\n');
}

test('stateWeight counts the objects a clone copies', () => {
  const s = initialState(100_000n);
  // The state object and its four Maps (hosts, instances, guests, rules) = 5, and the timer model:
  // its object, its vcpus Map, evidence Set, pendingLost array and tolerances object = 5; 10 in all.
  assert.equal(stateWeight(s), 10);
  const a = new Analysis('@host h arch=arm64 freq=25MHz\n1.000 h/vm0/vcpu0 ioctl KVM_RUN');
  // + the host (1) + its `declared` Ref and the Ref's span (2); the VM: instance, its vcpus Map, its
  // `tsc` record, its sourcePv Map, the vCPU, the guest, the guest's vcpus Map (7); the state's
  // `lastTime` record with its Ref and span (3); what three rules keep in `rules` on a KVM_RUN
  // (HVT002 and HVT012 an empty Map each, HVT020 a record holding an empty Map: 4) = 10 + 3 + 7 + 3 + 4 = 27.
  assert.equal(stateWeight(a.stateAfter(1)), 27);
});

test('a new VM on every line: checkpoints copy O(lines) objects, not O(lines²)', () => {
  // Each line adds 7 objects to the state (see above), so a checkpoint every `interval` lines would
  // copy 7·interval·(1 + 2 + … + k) objects for k = lines/interval checkpoints: at 32000 lines and
  // an interval of 2000, 7·2000·120 = 1,680,000 (52 per line), and twice as many lines copy four
  // times as much. Spaced by their weight (one object per line between checkpoints), the copies are
  // bounded by the lines before the last checkpoint (≤ 1 object per line) plus that checkpoint
  // (≤ 7 objects per line): at most 8 per line at every size, for the CLI's and the server's interval.
  for (const interval of [1000, 2000]) {
    for (const n of [8000, 16000, 32000]) {
      const a = new Analysis(vmPerLine(n), { checkpointInterval: interval });
      assert.deepEqual(a.diagnostics(), []);
      assert.ok(
        a.checkpointedObjects <= 8 * (n + 2),
        `interval ${interval}, ${n} lines: ${a.checkpointedObjects} objects copied`,
      );
    }
  }
});

test('small states keep a checkpoint every interval (edits near the end stay cheap)', () => {
  // 2 hosts and 1 VM weigh far less than the interval: checkpoints at 0, 1000, …, 9000.
  const lines = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=1GHz',
    '1.000000000 h/v ioctl KVM_CREATE_VCPU id=0',
    '1.000000000 h/v/vcpu0 ioctl KVM_RUN',
  ];
  for (let i = 1; lines.length < 10_000; i++)
    lines.push(
      `${1 + Math.floor(i / 1000)}.${String((i % 1000) * 1_000_000).padStart(9, '0')} h/v/vcpu0 guest read CNTVCT_EL0 = ${i * 1_000_000}`,
    );
  const a = new Analysis(lines.join('\n'), { checkpointInterval: 1000 });
  a.diagnostics();
  a.edit({ start: { line: 9990, character: 0 }, end: { line: 9990, character: 0 }, text: '# note\n' });
  a.diagnostics();
  assert.equal(a.replayedLines, 10_000 + 1_001); // from the checkpoint at 9000 to the new end (10001 lines)
});

test('edits and state queries on a many-VM trace agree with a fresh analysis', () => {
  const a = new Analysis(vmPerLine(12_000), { checkpointInterval: 1000 });
  a.diagnostics();
  a.edit({
    start: { line: 11_000, character: 0 },
    end: { line: 11_000, character: 0 },
    text: '12.0 h/vm5 vmm pause\n',
  });
  a.edit({ start: { line: 3, character: 0 }, end: { line: 4, character: 0 }, text: '' });
  const fresh = new Analysis(a.doc.getText(), { checkpointInterval: 1000 });
  assert.deepEqual(a.diagnostics(), fresh.diagnostics());
  for (const line of [5, 999, 5000, 10_999, 11_000, 11_500])
    assert.deepEqual(replayJson(a.stateAfter(line)), replayJson(fresh.stateAfter(line)));
  // vm5 paused on 0-based line 10999 (11000 before the deletion): not running afterwards.
  assert.equal(a.doc.text(10_999), '12.0 h/vm5 vmm pause');
  assert.equal(replayJson(a.stateAfter(10_998)).vms.vm5.running, true);
  assert.equal(replayJson(a.stateAfter(10_999)).vms.vm5.running, false);
});

test('a range replay in consecutive chunks visits the same states as one pass', () => {
  const a = new Analysis(vmPerLine(6000), { checkpointInterval: 1000 });
  a.diagnostics();
  const whole: string[] = [];
  a.replayRange(0, 5999, (line, state) => {
    if (line % 500 === 0) whole.push(`${line}:${state.instances.size}`);
  });
  const chunks: string[] = [];
  for (let from = 0; from < 6000; from += 700)
    a.replayRange(from, Math.min(5999, from + 699), (line, state) => {
      if (line % 500 === 0) chunks.push(`${line}:${state.instances.size}`);
    });
  assert.deepEqual(chunks, whole);
  // After line 2500 (0-based; lines 0–1 are directives) the VMs vm0…vm498 exist: 499 instances.
  assert.ok(whole.includes('500:499'));
});
