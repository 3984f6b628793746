// The `hvtimer.*` settings as the engine needs them: tolerance (a duration) and severity overrides
// apply to the replay and the diagnostics; `inlayHints.enabled` switches the inlay hints off.
import type { HvtimerSettingsSection } from '../../protocol/requests';
import { parseDuration, type SeverityOverride } from '../../engine/src/index';

export interface Settings {
  /** Overrides the trace's `@tolerance` (ns); undefined = the trace's directive. */
  tolerance?: bigint;
  severity: Record<string, SeverityOverride>;
  inlayHints: boolean;
}

export const DEFAULT_SETTINGS: Settings = { severity: {}, inlayHints: true };

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Reads the section leniently: a bad value is reported through `warn` and ignored. */
export function parseSettings(raw: unknown, warn: (message: string) => void): Settings {
  const section = (raw && typeof raw === 'object' ? raw : {}) as HvtimerSettingsSection & Record<string, unknown>;
  const out: Settings = { severity: {}, inlayHints: true };
  if (typeof section.tolerance === 'string' && section.tolerance.trim() !== '') {
    const d = parseDuration(section.tolerance.trim());
    if (d.ok) out.tolerance = d.value;
    else
      warn(
        `hvtimer.tolerance: ${JSON.stringify(section.tolerance)} is not ${d.expected}; using the trace's @tolerance`,
      );
  }
  if (section.severity && typeof section.severity === 'object') {
    for (const [code, level] of Object.entries(section.severity)) {
      if (/^HVT[0-9]{3}$/.test(code) && typeof level === 'string' && LEVELS.has(level))
        out.severity[code] = level as SeverityOverride;
      else
        warn(
          `hvtimer.severity: ignoring ${JSON.stringify(code)}: ${JSON.stringify(level)} (expected HVTnnn: error|warning|info|hint|off)`,
        );
    }
  }
  const hints = section.inlayHints ?? (section as Record<string, unknown>)['inlayHints.enabled'];
  if (typeof hints === 'boolean') out.inlayHints = hints;
  else if (hints && typeof hints === 'object' && typeof (hints as { enabled?: unknown }).enabled === 'boolean')
    out.inlayHints = (hints as { enabled: boolean }).enabled;
  return out;
}

export function sameAnalysisOptions(a: Settings, b: Settings): boolean {
  return a.tolerance === b.tolerance && JSON.stringify(a.severity) === JSON.stringify(b.severity);
}
