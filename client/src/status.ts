// The status bar item showing the language server's health; a click shows the server log.
import * as vscode from 'vscode';
import type { Config } from './config';

export type Health = 'starting' | 'running' | 'stopped' | 'failed';

const ICON: Record<Health, string> = {
  starting: '$(sync~spin)',
  running: '$(pulse)',
  stopped: '$(circle-slash)',
  failed: '$(error)',
};

export class ServerStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hvtimer.status', vscode.StatusBarAlignment.Right, 100);
  private health: Health = 'stopped';
  private detail = '';
  private config?: Config;

  constructor() {
    this.item.name = 'hvtimer language server';
    this.item.command = 'hvtimer.showOutput';
    this.render();
    this.item.show();
  }

  get current(): Health {
    return this.health;
  }

  set(health: Health, detail = ''): void {
    this.health = health;
    this.detail = detail;
    this.render();
  }

  setConfig(config: Config): void {
    this.config = config;
    this.render();
  }

  private render(): void {
    this.item.text = `${ICON[this.health]} hvtimer`;
    const lines = [`hvtimer language server: ${this.health}${this.detail ? ` — ${this.detail}` : ''}`];
    if (this.config) {
      lines.push(
        `tolerance: ${this.config.tolerance || "the trace's @tolerance"}`,
        `inlay hints: ${this.config.inlayHintsEnabled ? 'on' : 'off'}`,
      );
    }
    lines.push('Click to show the server log.');
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor =
      this.health === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
