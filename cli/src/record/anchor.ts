// The host counter at a trace time, when the trace clock is not the counter (`--clock tai` on the
// two hosts of a migration, `mono`): a helper instance on the counter clock (x86-tsc) receives a
// marker between two markers of the main instance, and its stamp is copied back:
//   main:   hvtrace-anchor seq=N              stamp A (trace clock)
//   helper: hvtrace-anchor seq=N              stamp C (host TSC)
//   main:   hvtrace-anchor-end seq=N          stamp B
//   main:   hvtrace-anchor-tsc seq=N tsc=C    (written afterwards)
// The counter read C happened between A and B. With the tai clock that pairs each host's TSC with
// TAI, the time base two PTP/NTP-synchronised hosts share.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordingSession } from './tracefs';

const HELPER_LINE = /\s(\d+): tracing_mark_write: hvtrace-anchor seq=(\d+)\s*$/;

/** The helper's stamps by seq, from its trace text. */
export function anchorStamps(text: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const l of text.split('\n')) {
    const m = HELPER_LINE.exec(l);
    if (m) out.set(Number(m[2]), BigInt(m[1]));
  }
  return out;
}

/** Writes `count` anchors starting at `firstSeq`; returns how many got a counter stamp. */
export function writeAnchors(session: RecordingSession, counterClock: string, firstSeq: number, count: number): number {
  const helper = session.createExtra(counterClock);
  try {
    session.writeExtra(helper, 'tracing_on', '1');
    for (let i = 0; i < count; i++) {
      session.marker(`hvtrace-anchor seq=${firstSeq + i}`);
      session.writeExtra(helper, 'trace_marker', `hvtrace-anchor seq=${firstSeq + i}`);
      session.marker(`hvtrace-anchor-end seq=${firstSeq + i}`);
    }
    const stamps = anchorStamps(readFileSync(path.join(helper, 'trace'), 'utf8'));
    for (const [seq, tsc] of stamps) session.marker(`hvtrace-anchor-tsc seq=${seq} tsc=${tsc}`);
    return stamps.size;
  } finally {
    session.removeExtra(helper);
  }
}
