// What `hvtimer record` prints when it is done: the capture, events per kind, losses, the
// counter frequency and its cross-check, missing tracepoints and the cleanup check.
import type { Calibration } from './calibration';
import type { BufferLoss, CaptureStats } from './capture';

export interface SummaryInput {
  output: string;
  stats: CaptureStats;
  loss: BufferLoss[];
  missing: string[];
  freq?: { hz: bigint; source: string };
  calibration?: Calibration;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  interrupted?: string;
  leftovers: string[];
  cleanupErrors: string[];
}

const mhz = (hz: bigint): string => `${hz / 1_000_000n}.${(hz % 1_000_000n).toString().padStart(6, '0')} MHz`;

export function formatSummary(s: SummaryInput): string[] {
  const out: string[] = [];
  const total = [...s.stats.events.values()].reduce((a, b) => a + b, 0);
  out.push(`hvtimer record: wrote ${s.output}: ${total} events`);
  const kinds = [...s.stats.events.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [name, n] of kinds) out.push(`  ${String(n).padStart(8)}  ${name}`);
  const overrun = s.loss.reduce((a, l) => a + l.overrun + l.dropped, 0);
  out.push(
    overrun || s.stats.lostInline
      ? `  lost events: ${overrun} (${s.loss
          .filter((l) => l.overrun + l.dropped)
          .map((l) => `cpu${l.cpu}: ${l.overrun + l.dropped}`)
          .join(', ')}); ${s.stats.lostInline} reported in the text — increase --buffer-kb`
      : '  lost events: 0',
  );
  if (s.freq) out.push(`  host counter: ${mhz(s.freq.hz)} (${s.freq.source})`);
  if (s.calibration) {
    const c = s.calibration;
    const vs = s.freq
      ? `, ${((Number(c.hz - s.freq.hz) / Number(s.freq.hz)) * 1e6).toFixed(1)} ppm from the above`
      : '';
    out.push(
      `  calibration against CLOCK_MONOTONIC over ${c.seconds.toFixed(2)} s: ${mhz(c.hz)} ± ${c.errorPpm.toFixed(1)} ppm${vs}`,
    );
  }
  if (s.missing.length) out.push(`  not on this kernel: ${s.missing.join(', ')}`);
  if (s.interrupted) out.push(`  stopped by ${s.interrupted}`);
  if (s.exit) out.push(`  command exited ${s.exit.signal ? `on ${s.exit.signal}` : `with status ${s.exit.code}`}`);
  out.push(
    s.leftovers.length || s.cleanupErrors.length
      ? `  cleanup FAILED: left ${s.leftovers.join(', ') || 'nothing'}; ${s.cleanupErrors.join('; ')}`
      : '  cleanup: probes and instance removed',
  );
  return out;
}
