// The timeline's legend (webview/src/legend.ts): in VS Code's default dark and light themes (and the
// two high-contrast ones), every category has its own shape and its own colour, colours within a
// group (actors, phases, severities, the rest) are clearly different, and every mark reaches WCAG
// 2.1 SC 1.4.11's non-text contrast of 3:1 against the background and the alternate row tint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contrastRatio,
  deltaE,
  ensureContrast,
  LEGEND,
  legendFor,
  MIN_CONTRAST,
  parseColour,
  resolvePalette,
  themeKindOf,
  VSCODE_DEFAULTS,
  type ThemeKind,
} from '../../../webview/src/legend';

const rgb = (c: string) => {
  const v = parseColour(c);
  assert.ok(v, `not a colour: ${c}`);
  return v;
};
/** ΔE*ab (CIE76): above 20 two colours read as different colours; 10 is still plainly distinguishable. */
const WITHIN_GROUP_DELTA_E = 20;
const ACROSS_DELTA_E = 10;

test('WCAG contrast and CIE76 ΔE on known values', () => {
  assert.equal(contrastRatio([255, 255, 255], [0, 0, 0]), 21);
  // #777777 on white is the classic 4.48:1 (WCAG's example of just failing 4.5:1).
  assert.equal(contrastRatio(rgb('#777777'), rgb('#ffffff')).toFixed(2), '4.48');
  // Pure white and black are L* 100 and 0: ΔE 100.
  assert.equal(Math.round(deltaE([255, 255, 255], [0, 0, 0])), 100);
  assert.deepEqual(rgb('rgba(12, 34, 56, 0.5)'), [12, 34, 56]);
  assert.deepEqual(rgb('#abc'), [0xaa, 0xbb, 0xcc]);
  assert.equal(parseColour('var(--x)'), null);
});

for (const kind of ['dark', 'light', 'high-contrast', 'high-contrast-light'] as ThemeKind[]) {
  test(`${kind} theme: each legend entry has its own shape and colour, distinct and with ${MIN_CONTRAST}:1 contrast`, () => {
    const p = resolvePalette(kind, VSCODE_DEFAULTS[kind]);
    assert.equal(p.background, VSCODE_DEFAULTS[kind]['--vscode-editor-background']);
    const seenPairs = new Set<string>();
    for (const e of LEGEND) {
      const colour = p.colours[e.category];
      assert.ok(colour, `${e.category} has no colour`);
      const pair = `${colour}|${e.shape}`;
      assert.ok(!seenPairs.has(pair), `${e.category} repeats (colour, shape) ${pair}`);
      seenPairs.add(pair);
      for (const bg of [p.background, p.rowAlt]) {
        const ratio = contrastRatio(rgb(colour), rgb(bg));
        assert.ok(
          ratio >= MIN_CONTRAST,
          `${kind}: ${e.category} ${colour} on ${bg} has contrast ${ratio.toFixed(2)} < ${MIN_CONTRAST}`,
        );
      }
    }
    // Stronger than distinct pairs: no shape and no colour is used twice.
    assert.equal(new Set(LEGEND.map((e) => e.shape)).size, LEGEND.length);
    assert.equal(new Set(LEGEND.map((e) => p.colours[e.category])).size, LEGEND.length);
    for (let i = 0; i < LEGEND.length; i++) {
      for (let j = i + 1; j < LEGEND.length; j++) {
        const [a, b] = [LEGEND[i], LEGEND[j]];
        const d = deltaE(rgb(p.colours[a.category]), rgb(p.colours[b.category]));
        const min = a.group === b.group ? WITHIN_GROUP_DELTA_E : ACROSS_DELTA_E;
        assert.ok(d >= min, `${kind}: ${a.category} and ${b.category} are too alike (ΔE ${d.toFixed(1)} < ${min})`);
      }
    }
  });
}

test("the severities are the editor's own error / warning / info colours (VS Code defaults)", () => {
  const dark = resolvePalette('dark', VSCODE_DEFAULTS.dark);
  assert.deepEqual(
    [dark.colours['severity:error'], dark.colours['severity:warning'], dark.colours['severity:info']],
    ['#f14c4c', '#cca700', '#3794ff'],
  );
  // Light: #bf8803 has 3.12:1 on white but 2.88:1 on the row tint #f6f6f6, so it is moved 5 % towards
  // black: (191, 136, 3) × 0.95 = (181.45, 129.2, 2.85) → #b58103, 3.18:1 on the tint.
  const light = resolvePalette('light', VSCODE_DEFAULTS.light);
  assert.equal(light.rowAlt, '#f6f6f6');
  assert.deepEqual(
    [light.colours['severity:error'], light.colours['severity:warning'], light.colours['severity:info']],
    ['#e51400', '#b58103', '#1a85ff'],
  );
});

test('a theme colour below 3:1 is darkened (light background) or lightened (dark background) until it reaches it', () => {
  // #ffee58 (a pale yellow) on white is about 1.2:1.
  const light = resolvePalette('light', { ...VSCODE_DEFAULTS.light, '--vscode-editorWarning-foreground': '#ffee58' });
  assert.ok(contrastRatio(rgb('#ffee58'), rgb('#ffffff')) < 1.5);
  assert.ok(contrastRatio(rgb(light.colours['severity:warning']), rgb('#ffffff')) >= 3);
  assert.ok(contrastRatio(rgb(ensureContrast('#303030', '#1e1e1e')), rgb('#1e1e1e')) >= 3);
  // A value that is not a colour falls back to the default instead of reaching the canvas or the SVG.
  const odd = resolvePalette('dark', { ...VSCODE_DEFAULTS.dark, '--vscode-editor-background': 'url(x)\u0001' });
  assert.equal(odd.background, '#1e1e1e');
});

test("the theme kind from VS Code's body classes", () => {
  assert.deepEqual(
    ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast vscode-high-contrast-light', ''].map(
      themeKindOf,
    ),
    ['light', 'dark', 'high-contrast', 'high-contrast-light', 'dark'],
  );
});

test('the legend of a trace: the timer and guest-mode entries only when it has timer tracks / entry-exit records', () => {
  const timer = LEGEND.filter((e) => e.group === 'timer').map((e) => e.category);
  assert.deepEqual(timer, [
    'timer:armed',
    'timer:deadline',
    'timer:moved',
    'timer:early',
    'timer:on-time',
    'timer:late',
    'timer:unjudged',
    'timer:lost',
  ]);
  assert.equal(legendFor({ timers: false, runs: false }).length, 16);
  assert.equal(legendFor({ timers: true, runs: false }).length, 24);
  assert.deepEqual(
    legendFor({ timers: false, runs: true })
      .slice(16)
      .map((e) => e.category),
    ['run:guest', 'run:exit'],
  );
  assert.equal(legendFor({ timers: true, runs: true }).length, LEGEND.length);
});
