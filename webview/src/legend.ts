// What each mark on the timeline means: every category (actors, phases, severities, handoff, A/B
// markers, cursor, scheduler waits, the timer tracks' armed intervals, deadlines, deliveries by
// verdict and losses, guest mode) has its own shape AND its own colour in every theme, so neither
// alone has to say what a mark is (issue #16: setup = ioctl = info, paused = warning, sched = error
// used to share colours). Pure data and colour arithmetic, no DOM: palette.ts resolves the colours
// of the running theme through `resolvePalette`, and test/unit/webview/legend.test.ts checks the
// entries of the default themes.
//
// Colours come from VS Code's theme variables where a variable means the same thing (background,
// text, grid, focus, the editor's error / warning / info colours for findings, `charts.*` for the
// per-vCPU chart series); the categorical colours, which no theme variable describes, come from
// the tables below, one per theme kind. Whatever the theme gives, every mark colour is moved in
// lightness until it reaches MIN_CONTRAST against the background and the alternate row tint
// (`ensureContrast`).

import type { Actor, FindingSeverity } from '../../protocol/views';

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

export type Shape =
  // statement markers, by actor
  | 'bar'
  | 'circle'
  | 'diamond'
  | 'square'
  | 'flag'
  // findings, by severity
  | 'triangle-down'
  | 'triangle-up'
  | 'ring'
  | 'dots'
  // phase bands at the bottom of a row
  | 'band-hatched'
  | 'band-solid'
  | 'band-outline'
  // the rest
  | 'arrow'
  | 'line-dashed'
  | 'line-solid'
  | 'ibeam'
  // timer tracks: armed interval, deadline, moved deadline, deliveries by verdict, loss
  | 'span'
  | 'deadline'
  | 'chevron'
  | 'triangle-left'
  | 'hexagon'
  | 'triangle-right'
  | 'plus'
  | 'cross'
  // guest mode on a vCPU track
  | 'strip'
  | 'strip-dotted';

export type PhaseName = 'setup' | 'running' | 'paused';

/** A delivery's verdict (protocol `DeliveryVerdict`) as a legend category. */
export type VerdictName = 'early' | 'on-time' | 'late' | 'unjudged';

export type Category =
  | `actor:${Actor}`
  | `phase:${PhaseName}`
  | `severity:${FindingSeverity}`
  | 'handoff'
  | 'ab'
  | 'cursor'
  | 'wait'
  | 'timer:armed'
  | 'timer:deadline'
  | 'timer:moved'
  | `timer:${VerdictName}`
  | 'timer:lost'
  | 'run:guest'
  | 'run:exit';

export interface LegendEntry {
  category: Category;
  group: 'actor' | 'phase' | 'severity' | 'other' | 'timer' | 'run';
  label: string;
  shape: Shape;
  description: string;
}

/** The legend, in the order it is shown. */
export const LEGEND: readonly LegendEntry[] = [
  {
    category: 'phase:setup',
    group: 'phase',
    label: 'setup',
    shape: 'band-hatched',
    description: 'created, not run yet',
  },
  { category: 'phase:running', group: 'phase', label: 'running', shape: 'band-solid', description: 'vCPUs running' },
  {
    category: 'phase:paused',
    group: 'phase',
    label: 'paused',
    shape: 'band-outline',
    description: 'stopped (pause, snapshot, not yet resumed)',
  },
  { category: 'actor:ioctl', group: 'actor', label: 'ioctl', shape: 'bar', description: 'a KVM ioctl by the VMM' },
  {
    category: 'actor:guest',
    group: 'actor',
    label: 'guest',
    shape: 'circle',
    description: 'the guest reads a counter or calls a hypercall',
  },
  {
    category: 'actor:kvm',
    group: 'actor',
    label: 'kvm',
    shape: 'diamond',
    description: 'KVM itself (exit, timer injection)',
  },
  { category: 'actor:sched', group: 'actor', label: 'sched', shape: 'square', description: 'the host scheduler' },
  {
    category: 'actor:vmm',
    group: 'actor',
    label: 'vmm',
    shape: 'flag',
    description: 'a VMM action (pause, migrate, note)',
  },
  {
    category: 'severity:error',
    group: 'severity',
    label: 'error',
    shape: 'triangle-down',
    description: 'finding: error',
  },
  {
    category: 'severity:warning',
    group: 'severity',
    label: 'warning',
    shape: 'triangle-up',
    description: 'finding: warning',
  },
  { category: 'severity:info', group: 'severity', label: 'info', shape: 'ring', description: 'finding: info' },
  { category: 'severity:hint', group: 'severity', label: 'hint', shape: 'dots', description: 'finding: hint' },
  {
    category: 'handoff',
    group: 'other',
    label: 'handoff',
    shape: 'arrow',
    description: 'migration or restore: stop to resume point',
  },
  { category: 'ab', group: 'other', label: 'A/B', shape: 'line-dashed', description: 'markers A and B' },
  {
    category: 'cursor',
    group: 'other',
    label: 'cursor',
    shape: 'line-solid',
    description: 'the editor cursor / selection',
  },
  {
    category: 'wait',
    group: 'other',
    label: 'sched wait',
    shape: 'ibeam',
    description: 'a vCPU thread runnable but not running',
  },
  {
    category: 'timer:armed',
    group: 'timer',
    label: 'armed',
    shape: 'span',
    description: 'a guest timer armed: from the statement that armed it to its delivery, disarm or re-arm',
  },
  {
    category: 'timer:deadline',
    group: 'timer',
    label: 'deadline',
    shape: 'deadline',
    description: 't_d: when the guest counter reaches the compare value',
  },
  {
    category: 'timer:moved',
    group: 'timer',
    label: 'moved',
    shape: 'chevron',
    description: "a deadline moved by an offset change, or where the VM's policy says it should be (HVT044)",
  },
  {
    category: 'timer:early',
    group: 'timer',
    label: 'early',
    shape: 'triangle-left',
    description: 'a timer interrupt before its deadline, beyond the early tolerance (HVT040)',
  },
  {
    category: 'timer:on-time',
    group: 'timer',
    label: 'on time',
    shape: 'hexagon',
    description: 'a timer interrupt within the tolerances of its deadline',
  },
  {
    category: 'timer:late',
    group: 'timer',
    label: 'late',
    shape: 'triangle-right',
    description:
      'a timer interrupt after its deadline, beyond the late tolerance once run-queue waits are taken off (HVT041)',
  },
  {
    category: 'timer:unjudged',
    group: 'timer',
    label: 're-raised',
    shape: 'plus',
    description:
      'a timer interrupt no watched deadline explains: KVM re-raised the line for a compare value that already passed (a storm, HVT043)',
  },
  {
    category: 'timer:lost',
    group: 'timer',
    label: 'lost',
    shape: 'cross',
    description: 'a deadline that never came: lost, dropped or cleared (HVT042, HVT045)',
  },
  {
    category: 'run:guest',
    group: 'run',
    label: 'in guest',
    shape: 'strip',
    description: 'the vCPU in guest mode: kvm entry to kvm exit',
  },
  {
    category: 'run:exit',
    group: 'run',
    label: 'out of guest',
    shape: 'strip-dotted',
    description: 'the vCPU out of guest mode: kvm exit (with its reason) to the next entry',
  },
];

/** The legend of a trace: the timer and guest-mode entries only when it has timer tracks / entry-exit records. */
export function legendFor(has: { timers: boolean; runs: boolean }): LegendEntry[] {
  return LEGEND.filter((e) => (e.group !== 'timer' || has.timers) && (e.group !== 'run' || has.runs));
}

/** WCAG 2.1 success criterion 1.4.11 (non-text contrast): graphical objects need 3:1 against what is next to them. */
export const MIN_CONTRAST = 3;

/** The chrome of a theme: what the marks are drawn on and with. */
export interface ThemeBase {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  rowAlt: string;
  focus: string;
}

/**
 * VS Code's default themes (Dark Modern / Light Modern / High Contrast / High Contrast Light): the
 * values of the variables we read, used when a variable is missing and by the unit test.
 */
export const VSCODE_DEFAULTS: Record<ThemeKind, Record<string, string>> = {
  dark: {
    '--vscode-editor-background': '#1e1e1e',
    '--vscode-editor-foreground': '#d4d4d4',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editorError-foreground': '#f14c4c',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-editorInfo-foreground': '#3794ff',
    '--vscode-focusBorder': '#007fd4',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#cca700',
  },
  light: {
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#000000',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-editorError-foreground': '#e51400',
    '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-editorInfo-foreground': '#1a85ff',
    '--vscode-focusBorder': '#0090f1',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-yellow': '#bf8803',
  },
  'high-contrast': {
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-editorError-foreground': '#f48771',
    '--vscode-editorWarning-foreground': '#ffd370',
    '--vscode-editorInfo-foreground': '#3794ff',
    '--vscode-focusBorder': '#f38518',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#ffd370',
  },
  'high-contrast-light': {
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#292929',
    '--vscode-descriptionForeground': '#292929',
    '--vscode-editorError-foreground': '#b5200d',
    '--vscode-editorWarning-foreground': '#895503',
    '--vscode-editorInfo-foreground': '#0f4a85',
    '--vscode-focusBorder': '#006bbd',
    '--vscode-contrastBorder': '#0f4a85',
    '--vscode-charts-blue': '#0f4a85',
    '--vscode-charts-orange': '#b5200d',
    '--vscode-charts-green': '#374e06',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-red': '#b5200d',
    '--vscode-charts-yellow': '#895503',
  },
};

/** Categorical colours no theme variable describes, per theme kind (hint: VS Code's own is translucent). */
const CATEGORICAL: Record<
  'dark' | 'light',
  Record<Exclude<Category, 'severity:error' | 'severity:warning' | 'severity:info'>, string>
> = {
  dark: {
    'phase:setup': '#8f9fd8',
    'phase:running': '#58c25a',
    'phase:paused': '#a8a8a8',
    'actor:ioctl': '#40c8e8',
    'actor:guest': '#e37ad8',
    'actor:kvm': '#f08c2c',
    'actor:sched': '#c9b458',
    'actor:vmm': '#e6e6e6',
    'severity:hint': '#3fc2a2',
    handoff: '#b98cff',
    ab: '#ff7aa0',
    cursor: '#d8d8a0',
    wait: '#d29a6a',
    'timer:armed': '#5a9bd5',
    'timer:deadline': '#f0e442',
    'timer:moved': '#ffc080',
    'timer:early': '#40d0df',
    'timer:on-time': '#9be22d',
    'timer:late': '#ff4060',
    'timer:unjudged': '#c0a0ff',
    'timer:lost': '#ff2020',
    'run:guest': '#20a0a0',
    'run:exit': '#e08a8a',
  },
  light: {
    'phase:setup': '#5b6bb0',
    'phase:running': '#2b8a3e',
    'phase:paused': '#6e6e6e',
    'actor:ioctl': '#0b7a99',
    'actor:guest': '#b0359f',
    'actor:kvm': '#b85a00',
    'actor:sched': '#7d6b12',
    'actor:vmm': '#333333',
    'severity:hint': '#1a7f68',
    handoff: '#7a3fd0',
    ab: '#c4185a',
    cursor: '#5a5a20',
    wait: '#95582a',
    'timer:armed': '#2f6fa8',
    'timer:deadline': '#8a7a00',
    'timer:moved': '#ac661c',
    'timer:early': '#307a86',
    'timer:on-time': '#4f7f00',
    'timer:late': '#c0002a',
    'timer:unjudged': '#6a4fa0',
    'timer:lost': '#c40000',
    'run:guest': '#076f6f',
    'run:exit': '#a04848',
  },
};

export interface ResolvedPalette extends ThemeBase {
  kind: ThemeKind;
  colours: Record<Category, string>;
  /** One colour per chart series, in order. */
  series: string[];
}

// ---- colour arithmetic ------------------------------------------------------------------------

export type Rgb = [number, number, number];

/** `#rgb`, `#rrggbb`, `#rrggbbaa` (alpha dropped), `rgb(…)` / `rgba(…)`; null otherwise. */
export function parseColour(c: string): Rgb | null {
  const s = c.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,4})$/.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as Rgb;
  return null;
}

export const toHex = (rgb: Rgb): string =>
  `#${rgb
    .map((v) =>
      Math.round(Math.max(0, Math.min(255, v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/** WCAG 2.x relative luminance. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number): number => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2.x contrast ratio (1…21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

/** CIE L*a*b* (D65) of an sRGB colour. */
export function toLab(rgb: Rgb): [number, number, number] {
  const lin = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
  const y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  const z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference ΔE*ab (about 2.3: just noticeable; above 20: clearly different colours). */
export function deltaE(a: Rgb, b: Rgb): number {
  const [p, q] = [toLab(a), toLab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/** `a` moved the fraction `t` of the way to `b` (both parsable; else `a`). */
export function mix(a: string, b: string, t: number): string {
  const p = parseColour(a);
  const q = parseColour(b);
  if (!p || !q) return a;
  return toHex(p.map((v, i) => v + (q[i] - v) * t) as Rgb);
}

/** `colour` mixed towards white (on a dark background) or black (on a light one) until it has `min` contrast. */
export function ensureContrast(colour: string, background: string, min = MIN_CONTRAST): string {
  const c = parseColour(colour);
  const bg = parseColour(background);
  if (!c || !bg || contrastRatio(c, bg) >= min) return colour;
  const target: Rgb = luminance(bg) < 0.5 ? [255, 255, 255] : [0, 0, 0];
  for (let t = 0.05; t <= 1.0001; t += 0.05) {
    const mixed = c.map((v, i) => v + (target[i] - v) * t) as Rgb;
    if (contrastRatio(mixed, bg) >= min) return toHex(mixed);
  }
  return toHex(target);
}

/** The theme kind from the body's classes (VS Code sets `vscode-light`, `vscode-dark`, `vscode-high-contrast[-light]`). */
export function themeKindOf(classes: string): ThemeKind {
  const list = classes.split(/\s+/);
  if (list.includes('vscode-high-contrast-light')) return 'high-contrast-light';
  if (list.includes('vscode-high-contrast')) return 'high-contrast';
  if (list.includes('vscode-light')) return 'light';
  return 'dark';
}

/**
 * The palette of a theme from the values of VS Code's variables (`vars`, e.g. read with
 * getComputedStyle; missing ones fall back to the theme kind's defaults).
 */
export function resolvePalette(kind: ThemeKind, vars: Readonly<Record<string, string>>): ResolvedPalette {
  const defaults = VSCODE_DEFAULTS[kind];
  // Every colour is normalised to #rrggbb: a value that does not parse falls back to the default.
  const v = (name: string): string => {
    const given = parseColour(vars[name] ?? '');
    return given ? toHex(given) : (defaults[name] ?? '#808080');
  };
  const background = v('--vscode-editor-background');
  const light = kind === 'light' || kind === 'high-contrast-light';
  const table = CATEGORICAL[light ? 'light' : 'dark'];
  const foreground = v('--vscode-editor-foreground');
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  // The alternate row tint: the text colour faded into the background.
  const rowAlt = highContrast ? background : mix(background, foreground, 0.035);
  // Marks sit on the background and on the row tint: enough contrast against both.
  const mark = (c: string): string => ensureContrast(ensureContrast(c, background), rowAlt);
  const colours = Object.fromEntries(Object.entries(table).map(([k, c]) => [k, mark(c)])) as Record<Category, string>;
  colours['severity:error'] = mark(v('--vscode-editorError-foreground'));
  colours['severity:warning'] = mark(v('--vscode-editorWarning-foreground'));
  colours['severity:info'] = mark(v('--vscode-editorInfo-foreground'));
  return {
    kind,
    background,
    foreground,
    muted: ensureContrast(v('--vscode-descriptionForeground'), background, 4.5),
    // Grid lines: the text colour faded into the background.
    grid: highContrast ? v('--vscode-contrastBorder') : mix(background, foreground, 0.16),
    rowAlt,
    focus: v('--vscode-focusBorder'),
    colours,
    series: ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((n) => mark(v(`--vscode-charts-${n}`))),
  };
}
