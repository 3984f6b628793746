// Command line of `hvtimer record [-o FILE] [--arch x86_64|arm64] [--clock CLOCK] [--buffer-kb N]
// [--force] (-p PID | -- COMMAND ARGS…)` (cli.md `record`).
import { UsageError } from '../errors';
import type { RecordArch } from './arch';

export interface RecordOptions {
  output?: string;
  arch?: RecordArch;
  /** A tracefs clock (default: the architecture's counter clock, `x86-tsc`; else `mono`). */
  clock?: string;
  /** Ring buffer per CPU, in KiB. */
  bufferKb: number;
  force: boolean;
  pid?: number;
  command: string[];
}

export const RECORD_USAGE =
  'hvtimer record [-o FILE] [--arch x86_64|arm64] [--clock CLOCK] [--buffer-kb N] [--force] (-p PID | -- COMMAND ARGS...)';

export function parseRecordArgs(argv: string[]): RecordOptions {
  const o: RecordOptions = { bufferKb: 8192, force: false, command: [] };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--') {
      o.command = argv.slice(i + 1);
      break;
    }
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('-') && v !== '-'))
        throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-o':
      case '--output':
        o.output = take();
        break;
      case '--arch': {
        const a = take();
        if (a !== 'x86_64' && a !== 'arm64') throw new UsageError(`--arch must be x86_64 or arm64, not \`${a}\``);
        o.arch = a;
        break;
      }
      case '--clock': {
        const c = take();
        if (!/^[a-z0-9-]+$/.test(c))
          throw new UsageError(`--clock: expected a tracefs clock name such as mono or tai, found \`${c}\``);
        o.clock = c;
        break;
      }
      case '--buffer-kb': {
        const b = take();
        if (!/^[0-9]+$/.test(b) || Number(b) < 64 || Number(b) > 1 << 20)
          throw new UsageError(`--buffer-kb needs KiB per CPU between 64 and 1048576, found \`${b}\``);
        o.bufferKb = Number(b);
        break;
      }
      case '--force':
        o.force = true;
        break;
      case '-p':
      case '--pid': {
        const p = take();
        if (!/^[0-9]+$/.test(p) || Number(p) < 1) throw new UsageError(`-p needs a process id, found \`${p}\``);
        o.pid = Number(p);
        break;
      }
      default:
        throw new UsageError(
          arg.startsWith('-') ? `unknown option \`${arg}\`` : `record runs a command after \`--\` (found \`${arg}\`)`,
        );
    }
  }
  if (o.pid === undefined && o.command.length === 0) throw new UsageError('record needs -p PID or -- COMMAND ARGS...');
  if (o.pid !== undefined && o.command.length > 0)
    throw new UsageError('record takes either -p PID or -- COMMAND, not both');
  return o;
}
