// Colours of the timeline, read from the CSS custom properties of style.css, which map VS Code's
// theme variables (`--vscode-*`) and adapt to the body's theme class. Re-read whenever the theme
// changes (VS Code swaps the body class and the variables).
import type { Actor, FindingSeverity, Phase } from '../../protocol/views';

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  rowAlt: string;
  phase: Record<Exclude<Phase, 'gone'>, string>;
  actor: Record<Actor, string>;
  severity: Record<FindingSeverity, string>;
  cursor: string;
  focus: string;
  handoff: string;
  ab: string;
  /** One colour per chart series, in order. */
  series: string[];
  fontFamily: string;
  fontSize: number;
}

export function readPalette(el: HTMLElement = document.body): Palette {
  const css = getComputedStyle(el);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  return {
    background: v('--tl-bg'), foreground: v('--tl-fg'), muted: v('--tl-muted'), grid: v('--tl-grid'), rowAlt: v('--tl-row-alt'),
    phase: { setup: v('--tl-setup'), running: v('--tl-running'), paused: v('--tl-paused') },
    actor: { ioctl: v('--tl-ioctl'), guest: v('--tl-guest'), kvm: v('--tl-kvm'), sched: v('--tl-sched'), vmm: v('--tl-vmm') },
    severity: { error: v('--tl-error'), warning: v('--tl-warning'), info: v('--tl-info'), hint: v('--tl-hint') },
    cursor: v('--tl-cursor'), focus: v('--tl-focus'), handoff: v('--tl-handoff'), ab: v('--tl-ab'),
    series: [1, 2, 3, 4, 5, 6].map((i) => v(`--tl-series-${i}`)),
    fontFamily: v('--tl-font-family') || 'sans-serif',
    fontSize: Number.parseFloat(v('--tl-font-size')) || 12,
  };
}

/** Calls `onChange` when VS Code switches the theme (body class or inline variables change). */
export function watchTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}
