// Public surface of the capture importer: kernel trace text in (one file per host), .hvtrace text
// out, with the line map back to the capture, the counts, and the capture lines it did not use.
// Pure (no file system), so the CLI and the language server share it. Format of what it writes:
// docs/format-capture-statements.md; how to capture: docs/capturing.md.
import type { SourceRef } from './event';
import { convertFile, type FileConversion, type GeneratedItem, type HostHeader, type LineStatus } from './convertFile';
import { formatFrequency, formatTime } from '../values/format';
import { parseFrequency } from '../values/parse';
import type { Layout } from './readers';
// Registers the decoder of `hvtimer record`'s uprobe events (the VMM's KVM ioctls).
import './uprobeStatements';

export type { SourceRef } from './event';
export type { LineStatus } from './convertFile';
export { looksLikeCapture } from './detect';
export { registerUprobeDecoder, type UprobeDecoder, type UprobeEvent } from './families/uprobes';
export { registerMapper } from './families/registry';
export type { EventMapper, MapContext, MapOutcome, At } from './families/types';

export interface CaptureInput {
  /** Shown in messages and the generated header (a file name). */
  name: string;
  text: string;
  /** The host this capture was recorded on (`--host NAME=FILE`); default: `host`, or the file's stem when there are several. */
  host?: string;
}

export interface ImportOptions {
  /** The host counter frequency when the capture does not say it (`--freq`). */
  freq?: bigint;
  /** The VM name for kernel events (default `vm`; a capture whose markers name one VM uses that). */
  vm?: string;
}

export interface FileSummary {
  name: string;
  host: string;
  layout: Layout;
  clock?: string;
  stamps: 'ns' | 'counter';
  events: number;
  freq: bigint;
  freqFrom: HostHeader['freqFrom'];
}

export interface ImportCounts {
  /** Statement lines written (not counting notes and directives). */
  statements: number;
  /** `vmm note` lines: events kept as text, lost-event gaps. */
  notes: number;
  /** Events read that bear on nothing hvtimer models (other threads' scheduling, other interrupts). */
  ignored: number;
  /** Lines that are neither events, headers nor blank. */
  unreadable: number;
}

export interface CaptureImport {
  text: string;
  /** For each line of `text` (0-based): the capture line it came from; undefined for the generated header. */
  sourceOf: (SourceRef | undefined)[];
  counts: ImportCounts;
  files: FileSummary[];
  /** Per input file, per line: what became of it (the editor dims `note` and `ignored` lines). */
  status: LineStatus[][];
}

export type ImportOutcome = { ok: true; value: CaptureImport } | { ok: false; error: string };

/** Clocks that one host's captures share (mono on one host), and the one that spans hosts. */
const CROSS_HOST_CLOCKS = new Set(['tai']);

const stem = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? name;
  const s = base
    .replace(/\.(?:dat\.txt|txt|trace|ftrace|log|report)$/i, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_.-]/g, '_');
  return s === '' ? 'host' : s;
};

/** Default host names: `host` for one capture, else each file's stem (unless --host or a marker names it). */
function hostNames(inputs: CaptureInput[]): string[] {
  const used = new Set<string>();
  return inputs.map((i) => {
    let n = inputs.length === 1 ? 'host' : stem(i.name);
    for (let k = 2; used.has(n); k++) n = `${stem(i.name)}${k}`;
    used.add(n);
    return n;
  });
}

/** Why these captures cannot be merged on one time axis, or undefined when they can. */
function incomparable(files: FileConversion[]): string | undefined {
  if (files.length < 2) return undefined;
  const hosts = new Set(files.map((f) => f.host.name));
  const describe = (f: FileConversion): string =>
    `${f.name} (host ${f.host.name}, clock ${f.clock ?? (f.stamps === 'counter' ? 'not recorded, integer stamps' : 'not recorded')})`;
  if (hosts.size > 1) {
    const bad = files.find((f) => f.clock === undefined || !CROSS_HOST_CLOCKS.has(f.clock));
    if (bad) {
      const why =
        bad.clock === undefined
          ? 'does not say which trace clock it used'
          : bad.stamps === 'counter' || bad.clock === 'x86-tsc'
            ? "stamps its events with its own host's counter"
            : `uses the ${bad.clock} clock, which counts from its own host's boot`;
      return `cannot merge ${files.map(describe).join(' and ')}: ${bad.name} ${why}, so the captures' times are not comparable; record every host with the tai trace clock and write "hvtrace-capture clock=tai" to trace_marker (docs/capturing.md)`;
    }
    return undefined;
  }
  const clocks = new Set(files.map((f) => f.clock).filter((c) => c !== undefined));
  const stampKinds = new Set(files.map((f) => f.stamps));
  if (clocks.size > 1 || stampKinds.size > 1) {
    return `cannot merge ${files.map(describe).join(' and ')}: one host's captures must use the same trace clock`;
  }
  return undefined;
}

/** Merges the files' statements by time, keeping each file's order (a stable k-way merge). */
function mergeByTime(lists: GeneratedItem[][]): GeneratedItem[] {
  if (lists.length === 1) return lists[0];
  const out: GeneratedItem[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      if (at[i] >= lists[i].length) continue;
      if (best < 0 || lists[i][at[i]].time < lists[best][at[best]].time) best = i;
    }
    if (best < 0) return out;
    out.push(lists[best][at[best]++]);
  }
}

const FREQ_COMMENT: Record<HostHeader['freqFrom'], string> = {
  marker: "freq= from the capture's @host marker",
  option: 'freq= from --freq',
  pvclock:
    "freq= from kvm_pvclock_update's tsc_to_system_mul/tsc_shift (the guest TSC rate: the host's unless KVM_SET_TSC_KHZ scaled it)",
  assumed: 'freq= assumed: the capture does not record it (set it, or pass --freq)',
};

/** `2.9GHz` when that reads back exactly, else the integer Hz. */
function freqText(hz: bigint): string {
  const short = formatFrequency(hz).replace(/\s+/g, '');
  const back = parseFrequency(short);
  return back.ok && back.value === hz ? short : hz.toString();
}

const COUNTER_COMMENT: Record<NonNullable<HostHeader['counter']>['from'], string> = {
  stamps: "counter= from the first event's stamp (x86-tsc: every stamp is the host TSC)",
  sample: 'counter= from the first hvtimer-sample cnt= marker',
  marker: "counter= from the capture's @host marker",
  anchor: "counter= from hvtimer record's hvtrace-anchor markers (the host TSC between two stamps)",
  creation:
    "counter= from the first kvm_write_tsc_offset with prev=0 (the first vCPU's creation: next = 0 - host TSC); wrong if that vCPU was not the VM's first",
};

function hostLine(h: HostHeader, assumeCounter: boolean): string {
  const assumed = [h.freqFrom === 'assumed' ? 'freq' : '', assumeCounter ? 'counter' : ''].filter(Boolean);
  return [
    '@host',
    h.name,
    `arch=${h.arch}`,
    `freq=${freqText(h.freq)}`,
    ...h.extra,
    h.counter ? `counter=${h.counter.value}@${formatTime(h.counter.time)}` : '',
    assumed.length ? `assumed=${assumed.join(',')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function importCaptures(inputs: CaptureInput[], options: ImportOptions = {}): ImportOutcome {
  if (inputs.length === 0) return { ok: false, error: 'no capture to import' };
  const names = hostNames(inputs);
  const files: FileConversion[] = [];
  for (const [index, input] of inputs.entries()) {
    const r = convertFile({
      index,
      name: input.name,
      text: input.text,
      host: input.host,
      defaultHost: names[index],
      freq: options.freq,
      vm: options.vm ?? 'vm',
    });
    if ('error' in r) return { ok: false, error: r.error };
    files.push(r);
  }
  const why = incomparable(files);
  if (why) return { ok: false, error: why };

  const out: string[] = [];
  const sourceOf: (SourceRef | undefined)[] = [];
  const line = (text: string, src?: SourceRef): void => {
    out.push(text);
    sourceOf.push(src);
  };
  line('@hvtrace 1');
  for (const f of files)
    line(
      `# from ${f.name}: ${f.layout}, ${f.events} events, clock ${f.clock ?? (f.stamps === 'counter' ? 'x86-tsc (integer stamps: the host TSC)' : 'not recorded')}, host ${f.host.name}`,
    );
  const declaredHosts = new Set<string>();
  const declaredVms = new Set<string>();
  for (const f of files) {
    if (declaredHosts.has(f.host.name)) continue;
    declaredHosts.add(f.host.name);
    const assumeCounter = !f.host.counter && files.some((g) => g.host.name === f.host.name && g.usesCounterValues);
    line(`# ${FREQ_COMMENT[f.host.freqFrom]}`);
    if (f.host.counter) line(`# ${COUNTER_COMMENT[f.host.counter.from]}`);
    line(hostLine(f.host, assumeCounter), f.host.src ?? { file: f.index, line: 0 });
  }
  for (const f of files) {
    for (const d of f.directives) {
      const vmName = /^@vm\s+(\S+)/.exec(d.text)?.[1];
      if (vmName) {
        if (declaredVms.has(vmName)) continue;
        declaredVms.add(vmName);
      }
      line(d.text, d.src);
    }
  }
  for (const f of files)
    if (!declaredVms.has(f.vm)) {
      declaredVms.add(f.vm);
      line(`@vm ${f.vm}`);
    }
  line('');

  const counts: ImportCounts = { statements: 0, notes: 0, ignored: 0, unreadable: 0 };
  for (const it of mergeByTime(files.map((f) => f.items))) {
    line(`${formatTime(it.time)} ${it.text}`, it.src);
    if (it.kind === 'note') counts.notes++;
    else counts.statements++;
  }
  for (const f of files) {
    for (const s of f.status) {
      if (s === 'ignored') counts.ignored++;
      else if (s === 'unreadable') counts.unreadable++;
    }
  }
  return {
    ok: true,
    value: {
      text: `${out.join('\n')}\n`,
      sourceOf,
      counts,
      status: files.map((f) => f.status),
      files: files.map((f) => ({
        name: f.name,
        host: f.host.name,
        layout: f.layout,
        clock: f.clock,
        stamps: f.stamps,
        events: f.events,
        freq: f.host.freq,
        freqFrom: f.host.freqFrom,
      })),
    },
  };
}
