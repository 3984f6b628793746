// What `hvtimer record` needs before it touches anything: root, tracefs (mounted, or mountable
// at /sys/kernel/tracing), uprobe_events (CONFIG_UPROBE_EVENTS) and tracing instances, and an
// architecture it can record on. Each failure is one CliError line (exit 2).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CliError } from '../errors';
import { hostArch, type RecordArch } from './arch';

export const TRACEFS = '/sys/kernel/tracing';
const LEGACY = '/sys/kernel/debug/tracing';

export interface Preflight {
  tracefs: string;
  arch: RecordArch;
  mounted: boolean;
}

/** The tracefs root, mounting it when needed. */
function tracefsRoot(): { root: string; mounted: boolean } {
  for (const root of [TRACEFS, LEGACY]) if (existsSync(`${root}/trace_clock`)) return { root, mounted: false };
  const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { encoding: 'utf8' });
  if (existsSync(`${TRACEFS}/trace_clock`)) return { root: TRACEFS, mounted: true };
  const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n')[0] || `mount exited ${r.status}`;
  throw new CliError(`tracefs is not mounted and mounting it on ${TRACEFS} failed: ${why}`);
}

export function preflight(requested?: RecordArch): Preflight {
  const arch = hostArch();
  if (!arch) throw new CliError(`hvtimer record runs on x86_64 and arm64 hosts, not ${process.arch}`);
  if (requested && requested !== arch)
    throw new CliError(`cannot record ${requested} on this ${arch} host (the probes use the host's registers)`);
  if (process.getuid?.() !== 0) throw new CliError('hvtimer record needs root (tracefs and uprobes); run it with sudo');
  const { root, mounted } = tracefsRoot();
  if (!existsSync(`${root}/uprobe_events`))
    throw new CliError(`${root}/uprobe_events is missing: this kernel has no uprobe events (CONFIG_UPROBE_EVENTS)`);
  if (!existsSync(`${root}/instances`))
    throw new CliError(`${root}/instances is missing: this kernel has no tracing instances`);
  return { tracefs: root, arch, mounted };
}
