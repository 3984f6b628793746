// What a file that holds no trace events looks like, for the one-line refusal (exit 2): the tools
// people confuse with a trace (kvm_stat, perf kvm stat, strace, a .hvtrace, a binary trace.dat)
// are named so the message can say what to run instead.

export const WHAT_HVTIMER_READS =
  'hvtimer reads the text of tracefs trace/trace_pipe, trace-cmd report and perf script';

interface Shape {
  test: (text: string) => boolean;
  what: string;
  instead?: string;
}

const SHAPES: Shape[] = [
  {
    test: (t) => t.includes('\0'),
    what: 'a binary file (a trace.dat or perf.data?)',
    instead: 'convert it with `trace-cmd report` or `perf script` first',
  },
  {
    test: (t) =>
      /^\s*kvm statistics|^\s*Event\s+Total\s+%Total|^\s*kvm_[a-z_]+(?:\([A-Z_]+\))?\s+\d+\s+\d+(?:\.\d+)?\s+\d+/m.test(
        t,
      ),
    what: 'a kvm_stat table',
    instead: 'it holds counts, not events: record with `trace-cmd record -e kvm …` (docs/capturing.md)',
  },
  {
    test: (t) => /Analyze events for all VMs|VM-EXIT\s+Samples\s+Samples%/.test(t),
    what: 'a perf kvm stat report',
    instead: 'it holds aggregates, not events: run `perf script` on the recording instead',
  },
  {
    test: (t) => /^(?:\[pid\s+\d+\]\s+)?(?:\d+(?::\d+){0,2}(?:\.\d+)?\s+)?ioctl\(\d+/m.test(t),
    what: 'an strace log',
    instead: 'strace shows no ioctl values; record with `hvtimer record` or a kernel trace (docs/capturing.md)',
  },
  { test: (t) => /^\s*(?:@hvtrace|@host\s)/m.test(t), what: 'a .hvtrace file', instead: 'open or check it directly' },
];

/** One line: what the file looks like and what hvtimer reads. */
export function notATraceMessage(name: string, text: string): string {
  const shape = SHAPES.find((s) => s.test(text));
  if (shape)
    return `${name} is not a kernel trace: it looks like ${shape.what}; ${shape.instead}. ${WHAT_HVTIMER_READS}`;
  const empty = text.trim() === '';
  return `${name} is not a kernel trace: ${empty ? 'it is empty' : 'no line has the shape of a trace event (`comm-pid [cpu] time: event: …`)'}. ${WHAT_HVTIMER_READS}`;
}
