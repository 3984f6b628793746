// Writes the capture: the instance's `trace` (tracefs text with its header,
// docs/reference/real-captures.md#21-tracefs-trace--trace_pipe-kernel-kerneltracetrace_outputc-tracec) copied into the output file through a temporary file and a rename, counting events by
// name on the way, plus the ring buffers' own loss counters (per_cpu/cpuN/stats).
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';

export interface CaptureStats {
  lines: number;
  /** Events by name (`kvm_write_tsc_offset`, `hvt_KVM_SET_MSRS`, `tracing_mark_write`…). */
  events: Map<string, number>;
  /** `CPU:N [LOST M EVENTS]` lines in the text. */
  lostInline: number;
  /** The marker lines (`tracing_mark_write: …`), for the calibration. */
  markers: string[];
}

export interface BufferLoss {
  cpu: number;
  overrun: number;
  dropped: number;
  commitOverrun: number;
}

/** Event name of a tracefs line (`comm-pid [cpu] flags stamp: NAME: …`), or undefined. */
export function eventNameOf(line: string): string | undefined {
  return /^\s*.+-\d+\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+(?:\S{4,7}\s+)?\d+(?:\.\d+)?: ([A-Za-z_][\w]*):/.exec(line)?.[1];
}

export function countLine(stats: CaptureStats, line: string): void {
  if (!line || line.startsWith('#')) return;
  stats.lines++;
  const lost = /CPU:\d+ \[LOST (\d+) EVENTS\]/.exec(line);
  if (lost) {
    stats.lostInline += Number(lost[1]);
    return;
  }
  const name = eventNameOf(line);
  if (!name) return;
  stats.events.set(name, (stats.events.get(name) ?? 0) + 1);
  if (name === 'tracing_mark_write') stats.markers.push(line);
}

/** Copies `source` (the instance's trace) to `output` atomically; '-' writes to stdout. */
export function writeCapture(source: string, output: string): CaptureStats {
  const stats: CaptureStats = { lines: 0, events: new Map(), lostInline: 0, markers: [] };
  const tmp =
    output === '-' ? undefined : path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.partial`);
  let inFd: number | undefined;
  let outFd: number | undefined;
  try {
    inFd = openSync(source, 'r');
    outFd = tmp ? openSync(tmp, 'wx') : 1;
    const buf = Buffer.alloc(1 << 20);
    let rest = '';
    for (;;) {
      const n = readSync(inFd, buf, 0, buf.length, null);
      if (n <= 0) break;
      writeSync(outFd, buf, 0, n);
      const text = rest + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) countLine(stats, l);
    }
    countLine(stats, rest);
  } catch (e) {
    if (tmp && outFd !== undefined) {
      closeSync(outFd);
      outFd = undefined;
      rmSync(tmp, { force: true });
    }
    throw new CliError(`cannot write the capture ${output}: ${(e as Error).message}`);
  } finally {
    if (inFd !== undefined) closeSync(inFd);
    if (tmp && outFd !== undefined) closeSync(outFd);
  }
  if (tmp) renameSync(tmp, output);
  return stats;
}

/** Events the ring buffers lost (overwritten or dropped), per CPU, from per_cpu/cpuN/stats. */
export function bufferLoss(instance: string): BufferLoss[] {
  const dir = path.join(instance, 'per_cpu');
  if (!existsSync(dir)) return [];
  const out: BufferLoss[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^cpu(\d+)$/.exec(name);
    if (!m) continue;
    let text = '';
    try {
      text = readFileSync(path.join(dir, name, 'stats'), 'utf8');
    } catch {
      continue;
    }
    const field = (key: string): number => Number(new RegExp(`^${key}: (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    out.push({
      cpu: Number(m[1]),
      overrun: field('overrun'),
      dropped: field('dropped events'),
      commitOverrun: field('commit overrun'),
    });
  }
  return out.sort((a, b) => a.cpu - b.cpu);
}
