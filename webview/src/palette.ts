// The colours and font of the running theme: VS Code's theme variables (`--vscode-*`, on <html>)
// and the body's theme class, resolved by legend.ts `resolvePalette`. Re-read whenever the theme
// changes (VS Code swaps the body class and the variables).
import { resolvePalette, themeKindOf, VSCODE_DEFAULTS, type ResolvedPalette } from './legend';
import type { Font } from './painter';

export interface Palette extends ResolvedPalette {
  font: Font;
}

export function readPalette(el: HTMLElement = document.body): Palette {
  const css = getComputedStyle(el);
  const kind = themeKindOf(el.className);
  const vars: Record<string, string> = {};
  for (const name of Object.keys(VSCODE_DEFAULTS[kind])) vars[name] = css.getPropertyValue(name);
  vars['--vscode-contrastBorder'] = css.getPropertyValue('--vscode-contrastBorder');
  const family = css.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  const size = Number.parseFloat(css.getPropertyValue('--vscode-font-size')) || 13;
  return { ...resolvePalette(kind, vars), font: { family, size: Math.min(14, Math.max(10, size - 1)) } };
}

/** Calls `onChange` when VS Code switches the theme (body class or inline variables change). */
export function watchTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}
