// `hvtimer record`: records a VMM's KVM ioctls with their values (uprobes on its ioctl, see
// probes.ts) and the kernel's KVM, scheduler and timer events on one trace clock, in a private
// tracefs instance, into a capture that `hvtimer import ftrace` reads (docs/recording.md).
// Whatever happens — the command exits, Ctrl-C, SIGTERM, an error — the instance and the uprobes
// are removed before it returns (try/finally, signal handlers, and process 'exit' as a last resort).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { writeAnchors } from './anchor';
import { ARCHES, type RecordArch } from './arch';
import { calibrate, samplesFromTrace, writeSamples, type Calibration } from './calibration';
import { bufferLoss, writeCapture, type BufferLoss, type CaptureStats } from './capture';
import { traceEventsFor } from './events';
import { counterFrequency, type CounterFrequency } from './hostCounter';
import { ioctlOfCommand, ioctlOfProcess } from './ioctlLocation';
import { captureMarker, factMarkers, hostDirective, kvmVendor } from './markers';
import type { RecordOptions } from './options';
import { preflight } from './preflight';
import { probeDefinitions } from './probes';
import { formatSummary } from './summary';
import { followProcess, startCommand, type Target } from './target';
import { RecordingSession, removeStale } from './tracefs';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const COMMAND_GRACE_MS = 5000;

function defaultOutput(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `hvtimer-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.trace`;
}

function checkOutput(output: string, force: boolean): void {
  if (output === '-') return;
  if (existsSync(output) && !force) throw new CliError(`${output} exists; pass --force to overwrite it`);
  const dir = path.dirname(path.resolve(output));
  if (!existsSync(dir)) throw new CliError(`cannot write ${output}: no directory ${dir}`);
}

function chooseClock(session: RecordingSession, arch: RecordArch, requested?: string): string {
  const available = session.availableClocks();
  if (requested) {
    if (!available.includes(requested))
      throw new CliError(`--clock ${requested}: this kernel's trace clocks are ${available.join(', ')}`);
    return requested;
  }
  const counter = ARCHES[arch].counterClock;
  return counter && available.includes(counter) ? counter : ARCHES[arch].fallbackClock;
}

/** The frequency measured from samples already in the (still small) trace, 0.25 s apart. */
async function calibrateNow(session: RecordingSession): Promise<Calibration | undefined> {
  writeSamples((t) => session.marker(t), 1, 5);
  await new Promise((r) => setTimeout(r, 250));
  writeSamples((t) => session.marker(t), 100, 5);
  return calibrate(samplesFromTrace(readFileSync(session.file('trace'), 'utf8').split('\n')), 100);
}

export async function runRecord(o: RecordOptions, err: (s: string) => void): Promise<number> {
  let session: RecordingSession | undefined;
  let target: Target | undefined;
  let interrupted: string | undefined;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((r) => {
    wake = r;
  });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = sig;
    target?.interrupt(sig);
    wake();
  };
  const onExit = (): void => session?.cleanup();
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);

  let code = 0;
  let stats: CaptureStats | undefined;
  let loss: BufferLoss[] = [];
  let missing: string[] = [];
  let freq: CounterFrequency | undefined;
  let calibration: Calibration | undefined;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const output = o.output ?? defaultOutput();
  try {
    const pre = preflight(o.arch);
    const arch = pre.arch;
    checkOutput(output, o.force);
    const loc = o.pid !== undefined ? ioctlOfProcess(o.pid, arch) : ioctlOfCommand(o.command[0], arch);
    const stale = removeStale(pre.tracefs);
    if (stale.length) {
      const dirs = stale.filter((x) => x.includes('/instances/'));
      err(
        `hvtimer record: removed what a killed recorder left behind: ${[...dirs, `${stale.length - dirs.length} uprobe(s) of ${[...new Set(stale.filter((x) => !dirs.includes(x)).map((x) => x.split('/')[0]))].join(', ') || 'no group'}`].join(', ')}\n`,
      );
    }

    session = new RecordingSession(pre.tracefs);
    session.create();
    const clock = chooseClock(session, arch, o.clock);
    const counterClock = clock === ARCHES[arch].counterClock;
    // On another clock, anchor the host counter through a helper instance (anchor.ts).
    const anchorClock =
      !counterClock && ARCHES[arch].counterClock && session.availableClocks().includes(ARCHES[arch].counterClock)
        ? ARCHES[arch].counterClock
        : undefined;
    session.setClock(clock);
    session.setBufferKb(o.bufferKb);
    session.setOption('record-tgid', true);
    session.setOption('event-fork', true);
    for (const def of probeDefinitions(arch, session.group, loc)) session.defineProbe(def);

    target = o.pid !== undefined ? followProcess(o.pid) : await startCommand(o.command);
    // A followed process may start threads while we list them: repeat until the list holds still.
    for (let prev = ''; ;) {
      const tids = target.tids();
      session.setPids(tids);
      if (tids.join() === prev) break;
      prev = tids.join();
    }
    missing = session.enableEvents(traceEventsFor(arch));
    session.enableProbes();
    session.tracing(true);

    freq = counterFrequency(arch);
    if (!freq && counterClock) {
      const c = await calibrateNow(session);
      if (c)
        freq = {
          hz: c.hz,
          source: `calibration against CLOCK_MONOTONIC over ${c.seconds.toFixed(2)} s, ±${c.errorPpm.toFixed(1)} ppm`,
        };
    } else if (counterClock) {
      writeSamples((t) => session!.marker(t), 1, 5);
    }
    session.marker(captureMarker(clock));
    session.marker(hostDirective(arch, freq?.hz));
    for (const m of factMarkers({
      clock,
      freqSource: freq?.source ?? 'nowhere (unknown)',
      vendor: kvmVendor(),
      ioctl: `${loc.path}:0x${loc.entryOffset.toString(16)} (${loc.symbol})`,
      returnSite: loc.returnSite,
      target: target.describe,
    }))
      session.marker(m);
    if (anchorClock) writeAnchors(session, anchorClock, 1, 3);
    err(`hvtimer record: recording ${target.describe} (pid ${target.pid}) on the ${clock} clock; Ctrl-C stops\n`);

    if (!interrupted) target.resume();
    const status = await Promise.race([target.exited, stopRequested.then(() => undefined)]);
    exit = status;
    if (interrupted && o.pid === undefined) {
      // The command got the signal too; give it time to finish, then make sure it is gone.
      const t = setTimeout(() => target?.kill(), COMMAND_GRACE_MS);
      exit = await target.exited;
      clearTimeout(t);
    }
    if (counterClock) writeSamples((t) => session!.marker(t), 1000, 5);
    if (anchorClock) writeAnchors(session, anchorClock, 1000, 3);
    session.tracing(false);
    loss = bufferLoss(session.instance);
    stats = writeCapture(session.file('trace'), output);
    if (counterClock) calibration = calibrate(samplesFromTrace(stats.markers), 1000);
  } catch (e) {
    err(`hvtimer: ${e instanceof CliError ? e.message : `internal error: ${(e as Error).message}`}\n`);
    target?.kill();
    code = 2;
  } finally {
    session?.cleanup();
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', onExit);
  }
  const leftovers = session?.leftovers() ?? [];
  if (stats) {
    for (const l of formatSummary({
      output,
      stats,
      loss,
      missing,
      freq,
      calibration,
      exit,
      interrupted,
      leftovers,
      cleanupErrors: session?.cleanupErrors ?? [],
    }))
      err(`${l}\n`);
  } else if (leftovers.length || session?.cleanupErrors.length) {
    err(`hvtimer: cleanup FAILED: ${[...leftovers, ...(session?.cleanupErrors ?? [])].join('; ')}\n`);
  }
  return leftovers.length ? 2 : code;
}
