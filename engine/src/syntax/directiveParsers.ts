// Parsers for the directives of docs/format.md#3-directives-lines-starting-with-.
import type { Arg, Directive, HostAssumption, KernelVersion, Note, Span, Tok } from './ast';
import { ArgReader, ParseFailure, expectedFound, parseTok } from './context';
import { parseBit } from './operands';
import { parseCounter, parseDuration, parseFrequency, parseName, parseTime, type Parsed } from '../values/parse';
import type { Arch } from '../uapi/deviceAttrs';

const parseArch = (t: string): Parsed<Arch> =>
  t === 'arm64' || t === 'x86_64' ? { ok: true, value: t } : { ok: false, expected: '`arm64` or `x86_64`' };
const parseEcv = (t: string): Parsed<number> =>
  /^[012]$/.test(t) ? { ok: true, value: Number(t) } : { ok: false, expected: 'an ECV level `0`, `1` or `2`' };
const parsePolicy = (t: string): Parsed<'advance' | 'freeze'> =>
  t === 'advance' || t === 'freeze' ? { ok: true, value: t } : { ok: false, expected: '`advance` or `freeze`' };
const parsePvtime = (t: string): Parsed<boolean> =>
  t === 'on'
    ? { ok: true, value: true }
    : t === 'off'
      ? { ok: true, value: false }
      : { ok: false, expected: '`on` or `off`' };
const parseKernel = (t: string): Parsed<KernelVersion> => {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})$/.exec(t);
  return m
    ? { ok: true, value: { major: Number(m[1]), minor: Number(m[2]) } }
    : { ok: false, expected: 'a kernel version like 6.4' };
};
/** `assumed=freq,counter`: what an importer had to assume (reported as HVT095). */
const parseAssumed = (t: string): Parsed<HostAssumption[]> => {
  const parts = t.split(',');
  return parts.length > 0 && parts.every((p) => p === 'freq' || p === 'counter') && new Set(parts).size === parts.length
    ? { ok: true, value: parts as HostAssumption[] }
    : { ok: false, expected: '`freq`, `counter` or `freq,counter`' };
};
const ASSUMED_TEXT: Record<HostAssumption, string> = {
  freq: "the counter frequency (freq=) was not in the capture and is assumed: set it to the host's real frequency (x86: the TSC frequency from `dmesg | grep tsc`; arm64: CNTFRQ_EL0), or record it with a marker (docs/capturing.md)",
  counter:
    "the host counter at the trace clock's zero (counter=) was not in the capture and is assumed: counter values and offsets cannot be placed on the time axis exactly",
};
const parseStormCount = (t: string): Parsed<number> =>
  /^[0-9]{1,7}$/.test(t) && Number(t) >= 2
    ? { ok: true, value: Number(t) }
    : { ok: false, expected: 'a count of deliveries per second like 2000 (at least 2)' };
const parseVcpuCount = (t: string): Parsed<number> =>
  /^[0-9]{1,4}$/.test(t) && Number(t) > 0
    ? { ok: true, value: Number(t) }
    : { ok: false, expected: 'a vCPU count like 2' };

function nameArg(args: Arg[], keyword: Tok<string>, end: number, what: string): Tok<string> {
  const first = args[0];
  if (!first || first.key)
    throw new ParseFailure(
      first ? first.span : { start: end, end },
      `${keyword.value} needs a ${what} name first, like \`${keyword.value} ${what === 'host' ? 'src' : 'vm1'}\``,
    );
  return parseTok(first.value, parseName);
}

/** `counter=VALUE@TIME` */
function counterAt(arg: Arg): { value: Tok<bigint>; time: Tok<bigint>; span: Span } {
  const text = arg.value.value;
  const at = text.indexOf('@');
  const s = arg.value.span.start;
  if (at < 0) throw new ParseFailure(arg.value.span, expectedFound('`VALUE@TIME` like 0x2540BE400@100.0', text));
  const value = parseTok({ value: text.slice(0, at), span: { start: s, end: s + at } }, parseCounter);
  const time = parseTok({ value: text.slice(at + 1), span: { start: s + at + 1, end: arg.value.span.end } }, parseTime);
  return { value, time, span: arg.value.span };
}

/**
 * Each directive's pattern and meaning (syntax/signatures.ts), for completion and signature help;
 * signatures.test.ts parses a directive built from every pattern.
 */
export const DIRECTIVE_SYNTAX: Readonly<Record<string, { sig: string; doc: string }>> = {
  '@hvtrace': { sig: 'VERSION', doc: 'the format version: the first line of a trace' },
  '@host': {
    sig: 'NAME arch=ARCH freq=FREQ [ecv=ECV] [vhe=BIT] [tsc_scaling=BIT] [counter=COUNTER_AT] [kernel=KERNEL] [assumed=ASSUMED]',
    doc: 'declares a host: its architecture, counter frequency and features',
  },
  '@vm': {
    sig: 'NAME [vcpus=VCPUS] [policy=POLICY] [pvtime=ONOFF]',
    doc: 'declares a guest: its vCPU count, the time line it follows while stopped, PV time',
  },
  '@tolerance': {
    sig: '[TOLERANCE] [timer_early=DURATION] [timer_late=DURATION] [timer_lost=DURATION] [timer_storm=STORM]',
    doc: 'the tolerances: guest time (HVT010) and the timer rules (HVT040–HVT043)',
  },
};

export function parseDirective(
  keyword: Tok<string>,
  args: Arg[],
  end: number,
): { directive: Directive; notes: ArgReader['notes'] } {
  switch (keyword.value) {
    case '@hvtrace': {
      const [v, ...rest] = args;
      if (!v || v.key)
        throw new ParseFailure(v ? v.span : { start: end, end }, 'expected the format version: `@hvtrace 1`');
      if (v.value.value !== '1')
        throw new ParseFailure(v.span, `unsupported format version \`${v.value.value}\`: this tool reads version 1`);
      if (rest.length) throw new ParseFailure(rest[0].span, 'unexpected text after `@hvtrace 1`');
      return { directive: { type: 'hvtrace', version: { value: 1, span: v.span } }, notes: [] };
    }
    case '@host': {
      const name = nameArg(args, keyword, end, 'host');
      const r = new ArgReader(args.slice(1), undefined, '@host', end);
      const arch = r.required('arch', parseArch, '`arch=arm64` or `arch=x86_64`');
      const freq = r.required('freq', parseFrequency, 'the counter frequency like `freq=25MHz`');
      const counterArg = r.args.find((a) => a.key?.value === 'counter');
      if (counterArg) r.take(counterArg);
      const directive: Directive = {
        type: 'host',
        name,
        arch,
        freq,
        ecv: r.optional('ecv', parseEcv),
        vhe: r.optional('vhe', parseBit),
        tscScaling: r.optional('tsc_scaling', parseBit),
        counter: counterArg ? counterAt(counterArg) : undefined,
        kernel: r.optional('kernel', parseKernel),
        assumed: r.optional('assumed', parseAssumed),
      };
      r.finish();
      const assumptions: Note[] = (directive.assumed?.value ?? []).map((a) => ({
        code: 'HVT095',
        span: directive.assumed!.span,
        message: `host ${name.value}: ${ASSUMED_TEXT[a]}`,
      }));
      return { directive, notes: [...r.notes, ...assumptions] };
    }
    case '@vm': {
      const name = nameArg(args, keyword, end, 'vm');
      const r = new ArgReader(args.slice(1), undefined, '@vm', end);
      const directive: Directive = {
        type: 'vm',
        name,
        vcpus: r.optional('vcpus', parseVcpuCount),
        policy: r.optional('policy', parsePolicy),
        pvtime: r.optional('pvtime', parsePvtime),
      };
      r.finish();
      return { directive, notes: r.notes };
    }
    case '@tolerance': {
      // `@tolerance [DURATION] [timer_early=D] [timer_late=D] [timer_lost=D] [timer_storm=N]` (docs/timers.md#t2-model).
      const [d, ...rest] = args;
      const plain = d && !d.key ? d : undefined;
      const r = new ArgReader(plain ? rest : args, undefined, '@tolerance', end);
      for (const a of r.args)
        if (!a.key)
          throw new ParseFailure(
            a.span,
            plain ? 'unexpected text after the tolerance' : 'expected a duration: `@tolerance 100us`',
          );
      const directive: Directive = {
        type: 'tolerance',
        duration: plain ? parseTok(plain.value, parseDuration) : undefined,
        timerEarly: r.optional('timer_early', parseDuration),
        timerLate: r.optional('timer_late', parseDuration),
        timerLost: r.optional('timer_lost', parseDuration),
        timerStorm: r.optional('timer_storm', parseStormCount),
      };
      if (!plain && !directive.timerEarly && !directive.timerLate && !directive.timerLost && !directive.timerStorm) {
        throw new ParseFailure(d ? d.span : { start: end, end }, 'expected a duration: `@tolerance 100us`');
      }
      r.finish();
      return { directive, notes: r.notes };
    }
    default:
      throw new ParseFailure(
        keyword.span,
        expectedFound('a directive (@hvtrace, @host, @vm, @tolerance)', keyword.value),
      );
  }
}
