// Checkpoints and incremental replay: an edit near the end replays from the nearest checkpoint,
// and any line's state can be queried without replaying from the top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from './analysis';
import { replayJson } from './state/replayJson';

/** A trace of `reads` guest reads, one every millisecond, each agreeing with the model. */
function bigTrace(reads: number): string[] {
  const lines = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=1GHz',
    '@vm v',
    '1.000000000 h/v ioctl KVM_CREATE_VCPU id=0',
    '1.000000000 h/v/vcpu0 ioctl KVM_RUN',
  ];
  for (let i = 1; i <= reads; i++) {
    // CNTVCT = C(1 + i ms) - 1e9 = i · 1e6
    lines.push(
      `${1 + Math.floor(i / 1000)}.${String((i % 1000) * 1_000_000).padStart(9, '0')} h/v/vcpu0 guest read CNTVCT_EL0 = ${i * 1_000_000}`,
    );
  }
  return lines;
}

test('an edit near the end replays only from the last checkpoint', () => {
  const lines = bigTrace(9995); // 10000 lines
  const a = new Analysis(lines.join('\n'), { checkpointInterval: 2000 });
  assert.deepEqual(a.diagnostics(), []);
  assert.equal(a.replayedLines, 10000);
  // Line 9999 (0-based 9998) reads i = 9994: make it 1 tick too low? No: 10 ms too low.
  a.edit({
    start: { line: 9998, character: 0 },
    end: { line: 9998, character: lines[9998].length },
    text: lines[9998].replace('= 9994000000', '= 9984000000'),
  });
  const d = a.diagnostics();
  assert.deepEqual(
    d.map((x) => `${x.code}@${x.range.start.line + 1}`),
    ['HVT001@9999', 'HVT093@9999'],
  );
  assert.equal(a.replayedLines, 10000 + 2000); // from the checkpoint at line 8000 to the end
  assert.equal(a.doc.parsedLines, 10001); // and only the edited line was parsed again
});

test('edits that insert and delete lines give the same result as analysing the new text', () => {
  const lines = bigTrace(3000);
  const a = new Analysis(lines.join('\n'), { checkpointInterval: 500 });
  a.diagnostics();
  a.edit({ start: { line: 1200, character: 0 }, end: { line: 1202, character: 0 }, text: '' }); // delete two reads
  a.edit({
    start: { line: 2500, character: 0 },
    end: { line: 2500, character: 0 },
    text: '3.498000000 h/v/vcpu0 guest read CNTVCT_EL0 = 1\n',
  });
  const fresh = new Analysis(a.doc.getText());
  assert.deepEqual(a.diagnostics(), fresh.diagnostics());
  assert.deepEqual(
    a.diagnostics().map((x) => x.code),
    ['HVT001', 'HVT093'],
  );
  for (const line of [0, 499, 500, 1777, 2500, 3001])
    assert.deepEqual(replayJson(a.stateAfter(line)), replayJson(fresh.stateAfter(line)));
});

test('stateAfter restores the nearest checkpoint instead of replaying from the top', () => {
  const a = new Analysis(bigTrace(5995).join('\n'), { checkpointInterval: 1000 });
  a.diagnostics();
  const before = a.replayedLines;
  const s = replayJson(a.stateAfter(5499)); // line 5500: i = 5495
  assert.equal(s.vms.v.vcpus['0'].guest_counter, '5495000000');
  assert.equal(a.replayedLines, before); // stateAfter's own replay is not counted: it used a checkpoint
});

test('advance replays in chunks, so a newer edit can interrupt an obsolete replay', () => {
  const a = new Analysis(bigTrace(995).join('\n'));
  assert.equal(a.advance(100), false);
  a.edit({ start: { line: 50, character: 0 }, end: { line: 50, character: 0 }, text: '# a comment\n' });
  while (!a.advance(100)) {
    /* chunks */
  }
  assert.deepEqual(a.diagnostics(), []);
});

test('firstChangeSince: the first line any change after a revision touched', () => {
  const lines = bigTrace(95); // 100 lines
  const a = new Analysis(lines.join('\n'));
  const r0 = a.revision;
  assert.equal(a.firstChangeSince(r0), 100); // nothing changed: the line count
  a.edit({ start: { line: 80, character: 0 }, end: { line: 80, character: 0 }, text: '# note\n' });
  const r1 = a.revision;
  a.edit({ start: { line: 40, character: 3 }, end: { line: 40, character: 3 }, text: '' });
  a.edit({ start: { line: 90, character: 0 }, end: { line: 91, character: 0 }, text: '' });
  assert.equal(a.firstChangeSince(r0), 40);
  assert.equal(a.firstChangeSince(r1), 40);
  assert.equal(a.firstChangeSince(a.revision - 1), 90);
  a.setOptions({ severity: { HVT001: 'off' } }); // severities do not change the replay
  assert.equal(a.firstChangeSince(a.revision), 100);
  const r2 = a.revision;
  a.setOptions({ tolerance: 5n }); // a new tolerance replays every line
  assert.equal(a.firstChangeSince(r2), 0);
  for (let i = 0; i < 300; i++)
    a.edit({ start: { line: 99, character: 0 }, end: { line: 99, character: 0 }, text: '' });
  assert.equal(a.firstChangeSince(a.revision - 256), 99);
  assert.equal(a.firstChangeSince(a.revision - 257), 0); // older than what is remembered: from the top
});

test('severity overrides and suppression comments apply in one place', () => {
  const trace = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '@vm v',
    '10.000000000 h/v ioctl KVM_CREATE_VCPU id=0',
    '10.000100000 h/v/vcpu0 ioctl KVM_RUN',
    '12.000000000 h/v/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=0',
  ]; // steps a running guest back
  assert.deepEqual(
    new Analysis(trace.join('\n'), { severity: { HVT001: 'hint' } }).diagnostics().map((d) => d.severity),
    ['hint'],
  );
  assert.deepEqual(new Analysis(trace.join('\n'), { severity: { HVT001: 'off' } }).diagnostics(), []);
  const suppressed = [...trace.slice(0, 5), '# hvtimer-disable-next-line HVT001', '', trace[5]];
  assert.deepEqual(new Analysis(suppressed.join('\n')).diagnostics(), []);
  const fromHere = [...trace.slice(0, 3), '# hvtimer-disable HVT001,HVT093', ...trace.slice(3)];
  assert.deepEqual(new Analysis(fromHere.join('\n')).diagnostics(), []);
  const other = [...trace.slice(0, 5), '# hvtimer-disable-next-line HVT010', trace[5]];
  assert.deepEqual(
    new Analysis(other.join('\n')).diagnostics().map((d) => d.code),
    ['HVT001'],
  );
});
