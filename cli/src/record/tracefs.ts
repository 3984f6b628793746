// The tracefs state one `hvtimer record` owns: a private instance (instances/hvtimer-PID-RAND,
// its own buffer, clock, pid filter and enabled events) and the uprobe definitions of its group
// (hvtimer_PID_RAND) in the global uprobe_events. Everything it creates is remembered and removed
// by cleanup(), which is synchronous, idempotent and never throws, so it can run from `finally`,
// signal handlers and process 'exit'. Leftovers of a recorder that was SIGKILLed are removed by
// the next run (removeStale). Kernel interface: Documentation/trace/{ftrace,uprobetracer}.rst.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import type { ProbeDefinition } from './probes';
import type { TraceEvent } from './events';

const GROUP_RE = /^hvtimer_(\d+)_[0-9a-f]+$/;
const INSTANCE_RE = /^hvtimer-(\d+)-[0-9a-f]+$/; // the anchor's helper instance ends in `a`, a hex digit too

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One write(2) of `text` (tracefs parses each write). `append` keeps uprobe_events' other probes:
 * opening it with O_TRUNC would delete every uprobe on the system. */
export function writeTracefs(file: string, text: string, append = false): void {
  const fd = openSync(file, append ? 'a' : 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export class TracefsError extends CliError {}

export class RecordingSession {
  readonly instance: string;
  readonly group: string;
  private readonly probes: string[] = [];
  private created = false;
  /** Helper instances (the counter anchor's), removed with the main one. */
  private readonly extra: string[] = [];
  private cleaned = false;
  readonly cleanupErrors: string[] = [];

  constructor(
    readonly root: string,
    tag = `${process.pid}_${Math.floor(Math.random() * 0x10000).toString(16)}`,
  ) {
    this.group = `hvtimer_${tag}`;
    this.instance = path.join(root, 'instances', `hvtimer-${tag.replace('_', '-')}`);
  }

  /** A file of the instance. */
  file(...parts: string[]): string {
    return path.join(this.instance, ...parts);
  }

  /** The kernel's explanation of the last failed tracefs write (tracing/error_log). */
  private lastError(): string {
    try {
      const lines = readFileSync(path.join(this.root, 'error_log'), 'utf8').trim().split('\n');
      return lines
        .slice(-3)
        .map((l) => l.trim())
        .join(' ');
    } catch {
      return '';
    }
  }

  private write(file: string, text: string, what: string, append = false): void {
    try {
      writeTracefs(file, text, append);
    } catch (e) {
      const detail = this.lastError();
      throw new TracefsError(`${what} failed: ${(e as Error).message}${detail ? ` (error_log: ${detail})` : ''}`);
    }
  }

  create(): void {
    try {
      readdirSync(path.join(this.root, 'instances'));
    } catch {
      throw new TracefsError(`${this.root}/instances is missing: this kernel has no tracing instances`);
    }
    try {
      mkdirSync(this.instance);
    } catch (e) {
      throw new TracefsError(`cannot create the tracing instance ${this.instance}: ${(e as Error).message}`);
    }
    this.created = true;
    this.write(this.file('tracing_on'), '0', 'stopping the new instance');
  }

  /** A second instance next to the main one (instances/hvtimer-PID-RANDa), for the anchor. */
  createExtra(clock: string): string {
    const dir = `${this.instance}a`;
    try {
      mkdirSync(dir);
    } catch (e) {
      throw new TracefsError(`cannot create the tracing instance ${dir}: ${(e as Error).message}`);
    }
    this.extra.push(dir);
    this.write(path.join(dir, 'trace_clock'), clock, `trace_clock ${clock} of ${dir}`);
    return dir;
  }

  /** Removes a helper instance now (cleanup() removes any that are left). */
  removeExtra(dir: string): void {
    try {
      writeTracefs(path.join(dir, 'tracing_on'), '0');
      rmdirSync(dir);
    } catch (e) {
      this.cleanupErrors.push(`removing ${dir}: ${(e as Error).message}`);
      return;
    }
    this.extra.splice(this.extra.indexOf(dir), 1);
  }

  /** One write to a helper instance's file. */
  writeExtra(dir: string, file: string, text: string): void {
    this.write(path.join(dir, file), text, `${file} of ${dir}`);
  }

  setClock(clock: string): void {
    this.write(this.file('trace_clock'), clock, `trace_clock ${clock}`);
  }
  setBufferKb(kb: number): void {
    this.write(this.file('buffer_size_kb'), String(kb), `buffer_size_kb ${kb}`);
  }
  setOption(name: string, on: boolean): void {
    this.write(this.file('options', name), on ? '1' : '0', `option ${name}`);
  }
  /** Only these tasks' events (and, with event-fork, their future threads and children). */
  setPids(pids: number[]): void {
    this.write(this.file('set_event_pid'), pids.join(' '), 'set_event_pid');
  }
  tracing(on: boolean): void {
    this.write(this.file('tracing_on'), on ? '1' : '0', 'tracing_on');
  }
  marker(text: string): void {
    this.write(this.file('trace_marker'), text, 'trace_marker');
  }
  availableClocks(): string[] {
    return readFileSync(this.file('trace_clock'), 'utf8').replace(/[[\]]/g, '').trim().split(/\s+/);
  }

  defineProbe(def: ProbeDefinition): void {
    this.write(path.join(this.root, 'uprobe_events'), `${def.line}\n`, `defining uprobe ${def.event}`, true);
    this.probes.push(def.event);
    if (def.filter) this.write(this.file('events', def.event, 'filter'), def.filter, `filter of ${def.event}`);
  }

  enableProbes(): void {
    this.write(this.file('events', this.group, 'enable'), '1', `enabling ${this.group}`);
  }

  /** Enables the events this kernel has; returns the ones it lacks. */
  enableEvents(events: TraceEvent[]): string[] {
    const missing: string[] = [];
    for (const e of events) {
      if (!existsSync(this.file('events', e.event, 'enable'))) {
        missing.push(e.event);
        continue;
      }
      if (e.filter) this.write(this.file('events', e.event, 'filter'), e.filter, `filter of ${e.event}`);
      this.write(this.file('events', e.event, 'enable'), '1', `enabling ${e.event}`);
    }
    return missing;
  }

  /** Removes the instance, then the uprobes (a probe enabled in an instance is busy). */
  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    const attempt = (what: string, fn: () => void): void => {
      try {
        fn();
      } catch (e) {
        this.cleanupErrors.push(`${what}: ${(e as Error).message}`);
      }
    };
    if (this.created && existsSync(this.instance)) {
      attempt('tracing_on', () => writeTracefs(this.file('tracing_on'), '0'));
      attempt('disabling events', () => writeTracefs(this.file('events', 'enable'), '0'));
      attempt(`removing ${this.instance}`, () => rmdirSync(this.instance));
    }
    for (const dir of this.extra.splice(0)) {
      if (!existsSync(dir)) continue;
      attempt(`removing ${dir}`, () => {
        writeTracefs(path.join(dir, 'tracing_on'), '0');
        rmdirSync(dir);
      });
    }
    for (const ev of [...this.probes].reverse()) {
      attempt(`removing uprobe ${ev}`, () => writeTracefs(path.join(this.root, 'uprobe_events'), `-:${ev}\n`, true));
    }
    this.probes.length = 0;
  }

  /** What of this session is still in tracefs (empty after a good cleanup). */
  leftovers(): string[] {
    const out: string[] = [];
    if (existsSync(this.instance)) out.push(this.instance);
    if (existsSync(`${this.instance}a`)) out.push(`${this.instance}a`);
    try {
      for (const l of readFileSync(path.join(this.root, 'uprobe_events'), 'utf8').split('\n'))
        if (/^[pr]:/.test(l) && l.includes(`:${this.group}/`)) out.push(l.split(' ')[0]);
    } catch {
      /* unreadable: nothing to report */
    }
    return out;
  }
}

/** Removes instances and uprobe groups left by recorders that no longer run (SIGKILL, crash).
 * Returns what it removed. */
export function removeStale(root: string): string[] {
  const removed: string[] = [];
  const instances = path.join(root, 'instances');
  for (const name of existsSync(instances) ? readdirSync(instances) : []) {
    const m = INSTANCE_RE.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = path.join(instances, name);
    for (const f of [path.join(dir, 'tracing_on'), path.join(dir, 'events', 'enable')]) {
      try {
        if (existsSync(f)) writeTracefs(f, '0');
      } catch {
        /* best effort: rmdir below disables them too */
      }
    }
    try {
      rmdirSync(dir);
      removed.push(dir);
    } catch {
      /* reported by leftovers */
    }
  }
  let defs = '';
  try {
    defs = readFileSync(path.join(root, 'uprobe_events'), 'utf8');
  } catch {
    return removed;
  }
  for (const l of defs.split('\n')) {
    const m = /^[pr]:([^/\s]+)\/(\S+)/.exec(l);
    if (!m) continue;
    const g = GROUP_RE.exec(m[1]);
    if (!g || alive(Number(g[1]))) continue;
    try {
      writeTracefs(path.join(root, 'uprobe_events'), `-:${m[1]}/${m[2]}\n`, true);
      removed.push(`${m[1]}/${m[2]}`);
    } catch {
      /* still busy */
    }
  }
  return removed;
}
