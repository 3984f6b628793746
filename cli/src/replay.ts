// `hvtimer replay`: the model state after the whole file or after line --at (docs/cli.md). The file
// is streamed through the replay (issue #17): a trace of any size, in bounded memory.
import { formatTime, replayJson, type ReplayJson } from '../../engine/src/index';
import { StreamingReplay } from '../../engine/src/streamCheck';
import { ByteLines } from '../../engine/src/text/byteLines';
import type { Args } from './args';
import { CliError } from './errors';
import { notUtf8Diagnostic, streamInput } from './input';
import { jsonText, plain } from './output';

export function replayFile(args: Args, warn: (s: string) => void = () => undefined): ReplayJson {
  const replay = new StreamingReplay(args.at === undefined ? undefined : args.at - 1, { tolerance: args.tolerance });
  const reader = streamInput(args.files[0], (max) => new ByteLines(replay, max));
  const lines = replay.lineCount;
  if (args.at !== undefined && args.at > lines)
    throw new CliError(`--at ${args.at} is past the end of ${plain(args.files[0])} (${lines} lines)`);
  // The model state has no place for findings: bytes that are not UTF-8 are a warning on stderr.
  const notUtf8 = reader.notUtf8;
  if (notUtf8)
    warn(
      `hvtimer: warning: ${plain(args.files[0])}:${notUtf8.line + 1}:${notUtf8.column + 1}: ${notUtf8Diagnostic(notUtf8).message}\n`,
    );
  return replayJson(replay.stateAfter());
}

export function toText(s: ReplayJson): string {
  const out = [`time ${s.time}`];
  for (const [name, h] of Object.entries(s.hosts)) out.push(`host ${name}: counter ${h.counter} at ${h.freq} Hz`);
  for (const [name, vm] of Object.entries(s.vms)) {
    out.push(
      `vm ${name}: ${vm.host === null ? 'no instance yet' : `on ${vm.host}, ${vm.running ? 'running' : 'not running'}`}`,
    );
    for (const [id, v] of Object.entries(vm.vcpus)) {
      const parts = [`guest counter ${v.guest_counter}`];
      if (v.virtual_offset !== null)
        parts.push(
          `virtual offset ${v.virtual_offset}`,
          `physical offset ${v.physical_offset}`,
          `CNTPCT trap ${v.physical_trap}`,
        );
      if (v.tsc_offset !== null) parts.push(`TSC offset ${v.tsc_offset}`);
      if (v.stolen_ns !== null) parts.push(`stolen ${v.stolen_ns} ns`);
      out.push(`  vcpu${id}: ${parts.join(', ')}`);
      // armed timers only (docs/timers.md#t4-editor-and-timeline): what fires when
      for (const [name, t] of Object.entries(v.timers ?? {})) {
        if (!t.armable) continue;
        const what = t.cmp_is_time ? 'one-shot/periodic' : `${name === 'lapic' ? 'TSC deadline' : 'CVAL'} ${t.cmp}`;
        const fires = t.deadline_ns === null ? '' : `, fires at ${formatTime(BigInt(t.deadline_ns))}`;
        out.push(
          `    ${name}: ${what}${fires}${t.armed_at_line !== null ? ` (armed on line ${t.armed_at_line})` : ''}`,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function runReplay(args: Args, out: (s: string) => void, warn?: (s: string) => void): number {
  const s = replayFile(args, warn);
  out(args.format === 'json' ? `${jsonText(s)}\n` : toText(s));
  return 0;
}
