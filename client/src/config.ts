// Typed access to the `hvtimer.*` settings on the client side, with a change event. The server reads
// the same settings itself (workspace/configuration); the client uses them for its status display.
import * as vscode from 'vscode';

export interface Config {
  /** `hvtimer.tolerance`: a duration, or '' for the trace's `@tolerance`. */
  tolerance: string;
  /** `hvtimer.severity`: per-code overrides. */
  severity: Record<string, string>;
  /** `hvtimer.inlayHints.enabled`. */
  inlayHintsEnabled: boolean;
  /** `hvtimer.trace.server`. */
  traceServer: 'off' | 'messages' | 'verbose';
}

export function readConfig(scope?: vscode.ConfigurationScope): Config {
  const c = vscode.workspace.getConfiguration('hvtimer', scope);
  return {
    tolerance: c.get<string>('tolerance', ''),
    severity: c.get<Record<string, string>>('severity', {}),
    inlayHintsEnabled: c.get<boolean>('inlayHints.enabled', true),
    traceServer: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off'),
  };
}

/** Calls `listener` with the new settings whenever an `hvtimer.*` setting changes. */
export function onDidChangeConfig(listener: (config: Config) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('hvtimer')) listener(readConfig());
  });
}
