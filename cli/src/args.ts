// Command-line parsing for `hvtimer check|replay|import` (docs/cli.md).
import { parseDuration, type SeverityOverride } from '../../engine/src/index';
import { parseFrequency, isName } from '../../engine/src/values/parse';
import { UsageError } from './errors';
import { parseRecordArgs, RECORD_USAGE, type RecordOptions } from './record/options';

export const USAGE = `usage:
  hvtimer check FILE... [--format text|json|sarif] [--tolerance DURATION] [--severity CODE=LEVEL...]
  hvtimer replay FILE [--at LINE] [--format text|json] [--tolerance DURATION]
  hvtimer import ftrace FILE... [--host NAME=FILE...] [--freq F] [-o OUT.hvtrace|-] [--force]
  ${RECORD_USAGE}

LEVEL is error, warning, info, hint or off. Exit status of check: 0 no errors, 1 errors, 2 usage or I/O error.`;

export type Format = 'text' | 'json' | 'sarif';

export interface Args {
  command: 'check' | 'replay' | 'import' | 'record' | 'help';
  files: string[];
  format: Format;
  tolerance?: bigint;
  severity: Record<string, SeverityOverride>;
  at?: number;
  importKind?: string;
  output?: string;
  record?: RecordOptions;
  /** import: `--host NAME=FILE` (one host per capture file). */
  hosts: { name: string; file: string }[];
  /** import: the host counter frequency when the capture does not record it. */
  freq?: bigint;
  /** import: replace an existing output file. */
  force: boolean;
}

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);

export function parseArgs(argv: string[]): Args {
  const args: Args = { command: 'help', files: [], format: 'text', severity: {}, hosts: [], force: false };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return args;
  const [command, ...rest] = argv;
  if (command === 'record') return { ...args, command, record: parseRecordArgs(rest) };
  if (command !== 'check' && command !== 'replay' && command !== 'import')
    throw new UsageError(`unknown command \`${command}\``);
  args.command = command;
  const value = (i: number, flag: string): string => {
    const v = rest[i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    let arg = rest[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (flag: string): string => inline ?? value(++i, flag);
    switch (arg) {
      case '--help':
      case '-h':
        args.command = 'help';
        return args;
      case '--format': {
        const f = take('--format');
        if (f !== 'text' && f !== 'json' && f !== 'sarif')
          throw new UsageError(`--format must be text, json or sarif, not \`${f}\``);
        if (f === 'sarif' && command === 'replay') throw new UsageError('replay prints text or json');
        args.format = f;
        break;
      }
      case '--tolerance': {
        const t = take('--tolerance');
        const d = parseDuration(t);
        if (!d.ok) throw new UsageError(`--tolerance: expected ${d.expected}, found \`${t}\``);
        args.tolerance = d.value;
        break;
      }
      case '--severity': {
        const pairs = inline !== undefined ? [inline] : [];
        while (inline === undefined && rest[i + 1] !== undefined && /^[A-Za-z]+[0-9]+=/.test(rest[i + 1]))
          pairs.push(rest[++i]);
        if (pairs.length === 0) throw new UsageError('--severity needs CODE=LEVEL, e.g. --severity HVT011=off');
        for (const p of pairs) {
          const [code, level] = p.split('=');
          if (!/^HVT[0-9]{3}$/i.test(code) || !LEVELS.has(level))
            throw new UsageError(
              `--severity: expected CODE=LEVEL like HVT011=off (LEVEL: error, warning, info, hint, off), found \`${p}\``,
            );
          args.severity[code.toUpperCase()] = level as SeverityOverride;
        }
        break;
      }
      case '--at': {
        const a = take('--at');
        if (!/^[0-9]+$/.test(a) || Number(a) < 1)
          throw new UsageError(`--at needs a line number (1-based), found \`${a}\``);
        args.at = Number(a);
        break;
      }
      case '-o':
      case '--output': {
        // `-o -` is standard output: the value may be `-`, which `take` would read as a flag.
        const v = inline ?? rest[++i];
        if (v === undefined || (v.startsWith('-') && v !== '-'))
          throw new UsageError('-o needs a file name, or - for standard output');
        args.output = v;
        break;
      }
      case '--host': {
        const v = take('--host');
        const eq = v.indexOf('=');
        if (eq <= 0 || eq === v.length - 1 || !isName(v.slice(0, eq)))
          throw new UsageError(
            `--host: expected NAME=FILE like --host src=src.txt (NAME: letters, digits, _ - .), found \`${v}\``,
          );
        args.hosts.push({ name: v.slice(0, eq), file: v.slice(eq + 1) });
        break;
      }
      case '--freq': {
        const v = take('--freq');
        const f = parseFrequency(v);
        if (!f.ok || f.value === 0n)
          throw new UsageError(`--freq: expected a frequency like 2.9GHz or 25MHz, found \`${v}\``);
        args.freq = f.value;
        break;
      }
      case '--force':
        args.force = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option \`${arg}\``);
        args.files.push(rest[i]);
    }
  }
  if (command === 'import') {
    args.importKind = args.files.shift();
    if (args.importKind !== 'ftrace') throw new UsageError('import needs a kind: `hvtimer import ftrace FILE`');
    // A capture named only by --host is an input too.
    for (const h of args.hosts) if (!args.files.includes(h.file)) args.files.push(h.file);
  } else if (args.hosts.length || args.freq !== undefined || args.force) {
    throw new UsageError(`--host, --freq and --force belong to import, not ${command}`);
  }
  if (args.files.length === 0) throw new UsageError(`${command} needs a FILE`);
  if (command === 'replay' && args.files.length > 1) throw new UsageError(`${command} takes one FILE`);
  return args;
}
