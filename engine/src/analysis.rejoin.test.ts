// An edit anywhere in a large trace replays only until its effect ends (issue #17): after an edit
// within lines (none added or removed) the new replay rejoins the old one at the first checkpoint
// where their states are the same again, and the old replay's findings from there on stand. Each
// result is checked against a fresh Analysis of the edited text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from './analysis';
import { replayJson } from './state/replayJson';
import { generateArm64TimerTrace, generateTrace, generateX86Trace } from '../../bench/generate';
import { Random } from '../../fuzz/random';

const replaceLine = (a: Analysis, line: number, text: string): void =>
  a.edit({ start: { line, character: 0 }, end: { line, character: a.doc.text(line).length }, text });

function sameAsFresh(a: Analysis, what: string): void {
  const fresh = new Analysis(a.doc.getText(), { checkpointInterval: 1000 });
  assert.deepStrictEqual(a.diagnostics(), fresh.diagnostics(), what);
  for (const line of [0, 1999, 25_000, a.doc.lineCount - 1])
    assert.deepStrictEqual(
      replayJson(a.stateAfter(line)),
      replayJson(fresh.stateAfter(line)),
      `${what}: state after line ${line + 1}`,
    );
}

test('a read made wrong near the top: its findings appear, and the replay stops a checkpoint or two later', () => {
  // The generator's arm64 fleet: line 1001 (0-based 1000) is a guest read of CNTVCT.
  const a = new Analysis(generateTrace(50_000), { checkpointInterval: 1000 });
  assert.deepEqual(a.diagnostics(), []);
  const line = a.doc.text(1000);
  assert.match(line, /guest read CNTVCT_EL0 = \d+$/);
  const replayed = a.replayedLines;
  replaceLine(a, 1000, line.replace(/= \d+$/, '= 1'));
  const found = a.diagnostics();
  // 1 is far below the model's counter: a read going back (HVT001) and a disagreement (HVT093).
  assert.deepEqual(
    found.map((d) => `${d.code}@${d.range.start.line + 1}`),
    ['HVT001@1001', 'HVT093@1001'],
  );
  // From the checkpoint at line 1000 to a later one where the states agree again, not to line 50000.
  assert.ok(a.replayedLines - replayed <= 3000, `replayed ${a.replayedLines - replayed} lines`);
  assert.ok(a.rejoinedLines >= 46_000);
  sameAsFresh(a, 'wrong read');
  // Undoing it clears the findings the same way.
  const before = a.replayedLines;
  replaceLine(a, 1000, line);
  assert.deepEqual(a.diagnostics(), []);
  assert.ok(a.replayedLines - before <= 3000, `replayed ${a.replayedLines - before} lines`);
  sameAsFresh(a, 'undone');
});

test('an edit whose effect lasts (a different counter offset) replays to the end, with the right findings', () => {
  const a = new Analysis(generateTrace(30_000), { checkpointInterval: 1000 });
  a.diagnostics();
  const offsetLine = [...Array(20).keys()].find((l) => a.doc.text(l).includes('KVM_ARM_SET_COUNTER_OFFSET'))!;
  const replayed = a.replayedLines;
  replaceLine(a, offsetLine, a.doc.text(offsetLine).replace(/counter_offset=\d+/, 'counter_offset=0'));
  assert.ok(a.diagnostics().length > 0);
  assert.equal(a.replayedLines - replayed, 30_000); // from the checkpoint at line 0
  sameAsFresh(a, 'offset');
});

test('several edits in a row (typing), before the replay ends, still rejoin the first replay', () => {
  const a = new Analysis(generateX86Trace(40_000), { checkpointInterval: 1000 });
  a.diagnostics();
  const line = 5000;
  const text = a.doc.text(line);
  for (let i = 1; i <= 3; i++) {
    // A comment typed one character at a time, a few lines of replay between keystrokes.
    a.edit({
      start: { line, character: text.length + i - 1 },
      end: { line, character: text.length + i - 1 },
      text: i === 1 ? '#' : 'x',
    });
    a.advance(300);
  }
  const replayed = a.replayedLines;
  a.diagnostics();
  assert.ok(a.replayedLines - replayed <= 3000);
  sameAsFresh(a, 'typing');
});

test('random edits within lines anywhere (timers, x86, arm64): always the fresh result', () => {
  const rng = new Random(1701);
  for (const text of [generateArm64TimerTrace(30_000), generateX86Trace(30_000)]) {
    const a = new Analysis(text, { checkpointInterval: 1000 });
    a.diagnostics();
    for (let k = 0; k < 8; k++) {
      const line = rng.int(0, a.doc.lineCount - 1);
      const old = a.doc.text(line);
      const at = rng.int(0, old.length);
      // Replace one character by a digit, a space or `#`: values change, lines break, comments start.
      a.edit({
        start: { line, character: at },
        end: { line, character: Math.min(old.length, at + 1) },
        text: rng.pick(['0', '9', ' ', '#', '']),
      });
      if (rng.bool(0.5)) a.advance(rng.int(0, 5000));
    }
    sameAsFresh(a, 'random');
  }
});

test('a replay that rejoins one which had stopped partway goes on to the end (fuzz, seed 1, engine case 237)', () => {
  // Lines 0-4: header, the vCPU created and run; 5-29: scheduler waits; 30: a statement on host `x`,
  // never declared: HVT091 on line 30 (docs/diagnostics/HVT091.md).
  const text = [
    '@hvtrace 1',
    '@host h arch=arm64 freq=25MHz',
    '@vm vm1 vcpus=1',
    '1.0 h/vm1 ioctl KVM_CREATE_VCPU id=0',
    '1.0 h/vm1/vcpu0 ioctl KVM_RUN',
    ...Array.from({ length: 25 }, () => '2.0 h/vm1/vcpu0 sched wait 10us'),
    '3.0 x/vm1/vcpu0 ioctl KVM_RUN',
  ].join('\n');
  const a = new Analysis(text, { checkpointInterval: 7 });
  a.advance(20); // the language server replays in chunks: this replay stopped at line 20
  // A comment added to line 9 changes nothing: at the checkpoint of line 14 the state is the old
  // replay's, which had got to line 20; the rest must still be replayed.
  a.edit({ start: { line: 9, character: 31 }, end: { line: 9, character: 31 }, text: ' # noted' });
  assert.deepEqual(
    a.diagnostics().map((d) => [d.code, d.range.start.line]),
    [['HVT091', 30]],
  );
  assert.equal(a.rejoinedLines, 20 - 14);
});
