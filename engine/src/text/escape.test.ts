// The shared escaping of text from a trace (issue #15 item 5: `check --format text` echoed ESC and
// BEL from a trace, setting the terminal's title and clearing its screen) and the elision of long
// tokens (item 6: a 100 MB token was quoted whole).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayText, elideMiddle, escapeControl, hasControl } from './escape';
import { hoverAt } from '../editor/index';
import { report, reportMarkdown } from '../report/index';
import { buildTimelineIndex } from '../timeline/testing';
import { mdEscape } from '../values/format';
import { Analysis } from '../analysis';

test('escapeControl: C0 (not tab), DEL, C1, line separators, bidi controls and lone surrogates', () => {
  assert.equal(escapeControl('a\x1b]0;pwned\x07b'), 'a\\x1b]0;pwned\\x07b');
  assert.equal(
    escapeControl('\x00\x08\t\x0a\x0d\x1f\x7f\x80\x9b\x9f\xa0'),
    '\\x00\\x08\t\\x0a\\x0d\\x1f\\x7f\\x80\\x9b\\x9f\xa0',
  );
  assert.equal(escapeControl('\u2028\u202e\u2066'), '\\u{2028}\\u{202e}\\u{2066}');
  // A lone high and a lone low surrogate are escaped; a pair (😀 = D83D DE00) is text.
  assert.equal(escapeControl('\ud83d|\ude00|\ud83d\ude00'), '\\u{d83d}|\\u{de00}|😀');
  assert.equal(escapeControl('é ü KVM_RUN'), 'é ü KVM_RUN');
  assert.equal(hasControl('a\x1bb'), true);
  assert.equal(hasControl('a\tb'), false);
});

test('elideMiddle: start and end around the length, never splitting a surrogate pair', () => {
  assert.equal(elideMiddle('short', 10), 'short');
  // 1048576 characters: the marker `…(1048576 chars)…` is 17 characters; 120 - 17 = 103 kept, 52 + 51.
  const token = `abc${'x'.repeat(1_048_576 - 6)}xyz`;
  assert.equal(elideMiddle(token), `abc${'x'.repeat(49)}…(1048576 chars)…${'x'.repeat(48)}xyz`);
  // 253 characters: marker `…(253 chars)…` (13), 107 kept, the head 54 — which would end inside the
  // pair at 53–54, so the head keeps 53 and drops the pair whole.
  const emoji = `${'a'.repeat(53)}😀${'b'.repeat(198)}`;
  const head = elideMiddle(emoji).split('…')[0];
  assert.equal(head, 'a'.repeat(53));
});

test('displayText: every long token of a message elided, the whole bounded, then escaped', () => {
  const nul = '\0'.repeat(100 * 2 ** 20);
  const m = displayText(`expected a time, found \`${nul}\``);
  assert.ok(m.length < 1000, `${m.length}`);
  // The marker `…(104857600 chars)…` is 19 characters: 120 - 19 = 101 kept, 51 before and 50 after.
  assert.match(m, /^expected a time, found `(\\x00){51}…\(104857600 chars\)…(\\x00){50}`$/);
  assert.equal(displayText('a short message'), 'a short message');
});

test('the Markdown of hovers and of the report shows trace text escaped', () => {
  // Names and numbers are validated by the parser (a control character there is HVT090), so what
  // reaches a hover or the report from a trace is a finding's message or a file name.
  assert.equal(mdEscape('KVM_\x1b]0;t\x07'), 'KVM\\_\\\\x1b\\]0;t\\\\x07'); // shows as KVM_\x1b]0;t\x07
  const text =
    '@hvtrace 1\n@host h arch=arm64 freq=25MHz\n1.0 h/vm1 ioctl KVM_CREATE_VCPU id=0\n2.0 h/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=\x1b]0;pwned\x07 -> 5\n';
  const a = new Analysis(text);
  const diagnostics = a.diagnostics();
  assert.equal(
    diagnostics[0].message,
    'expected a register name like KVM_REG_ARM_TIMER_CNT or a 64-bit id like 0x603000000013DF1A, found `\\x1b]0;pwned\\x07`',
  );
  const md = reportMarkdown(report(buildTimelineIndex(a), diagnostics, a.stateAfter(3), 'trace\x1b[2J.hvtrace'));
  assert.ok(!hasControl(md.replace(/\n/g, '')), md);
  assert.match(md, /^# hvtimer report: trace\\\\x1b\\\[2J\.hvtrace$/m);
  assert.match(md, /found \\`\\\\x1b\\\]0;pwned\\\\x07\\` \|$/m);
  // A hover on a statement whose own text holds control characters (a note) echoes none of them.
  const noted = new Analysis(
    '@hvtrace 1\n@host h arch=arm64 freq=25MHz\n1.0 h/vm1 ioctl KVM_CREATE_VCPU id=0\n2.0 h/vm1 vmm note bad\x1b]0;pwned\x07 text\n',
  );
  const hover = hoverAt(noted, 3, 0, {});
  assert.ok(hover, 'a statement has a hover');
  assert.ok(!hasControl(hover.markdown.replace(/\n/g, '')), hover.markdown);
});
