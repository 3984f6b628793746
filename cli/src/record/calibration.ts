// Host counter samples written into the capture through trace_marker, so that the trace clock
// can be related to CLOCK_MONOTONIC (and, on x86 with the x86-tsc clock, the TSC frequency
// measured):
//   hvtrace-sample seq=N mono=BEFORE       written right after reading CLOCK_MONOTONIC
//   hvtrace-sample-end seq=N mono=AFTER    written when the first write has returned
// The first marker's stamp was taken by the kernel between BEFORE and AFTER. Two bursts far apart
// give the frequency: (stamp₂ − stamp₁) / (mid₂ − mid₁), with an error bound from the spans.
// CLOCK_MONOTONIC is NTP-slewed (at most 500 ppm, usually a few ppm); the bound does not include it.

export interface Sample {
  seq: number;
  before: bigint;
  after: bigint;
  stamp?: bigint;
}

export interface Calibration {
  hz: bigint;
  /** Half-width of the interval the frequency lies in, in parts per million. */
  errorPpm: number;
  /** Seconds between the two samples used. */
  seconds: number;
}

/** Writes `count` samples through `mark` and returns them (stamps unknown until the trace is read). */
export function writeSamples(mark: (text: string) => void, firstSeq: number, count: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const before = process.hrtime.bigint();
    mark(`hvtrace-sample seq=${seq} mono=${before}`);
    const after = process.hrtime.bigint();
    mark(`hvtrace-sample-end seq=${seq} mono=${after}`);
    out.push({ seq, before, after });
  }
  return out;
}

const SAMPLE_LINE = /\s(\d+(?:\.\d+)?): tracing_mark_write: hvtrace-sample seq=(\d+) mono=(\d+)\s*$/;
const END_LINE = /tracing_mark_write: hvtrace-sample-end seq=(\d+) mono=(\d+)\s*$/;

/** Reads the samples back from trace text lines (stamps as printed: raw counts for counter clocks). */
export function samplesFromTrace(lines: Iterable<string>): Sample[] {
  const bySeq = new Map<number, Sample>();
  for (const line of lines) {
    let m = SAMPLE_LINE.exec(line);
    if (m && !m[1].includes('.')) {
      const seq = Number(m[2]);
      const s = bySeq.get(seq) ?? { seq, before: BigInt(m[3]), after: BigInt(m[3]) };
      s.before = BigInt(m[3]);
      s.stamp = BigInt(m[1]);
      bySeq.set(seq, s);
      continue;
    }
    m = END_LINE.exec(line);
    if (m) {
      const seq = Number(m[1]);
      const s = bySeq.get(seq);
      if (s) s.after = BigInt(m[2]);
    }
  }
  return [...bySeq.values()].filter((s) => s.stamp !== undefined).sort((a, b) => a.seq - b.seq);
}

/** The frequency from the tightest sample of the first burst and of the last one (`split` is
 * the first seq of the last burst). Undefined when the samples are too close together. */
export function calibrate(samples: Sample[], split: number): Calibration | undefined {
  const tightest = (list: Sample[]): Sample | undefined =>
    list.reduce<Sample | undefined>(
      (best, s) => (!best || s.after - s.before < best.after - best.before ? s : best),
      undefined,
    );
  const a = tightest(samples.filter((s) => s.seq < split));
  const b = tightest(samples.filter((s) => s.seq >= split));
  if (!a || !b || a.stamp === undefined || b.stamp === undefined) return undefined;
  // Midpoints ×2 keep the arithmetic in integers.
  const dMono2 = b.before + b.after - (a.before + a.after);
  const dStamp = b.stamp - a.stamp;
  if (dMono2 <= 0n || dStamp <= 0n) return undefined;
  const hz = (dStamp * 2_000_000_000n + dMono2 / 2n) / dMono2;
  const halfSpans = Number(a.after - a.before + (b.after - b.before)) / 2;
  return { hz, errorPpm: (halfSpans / (Number(dMono2) / 2)) * 1e6, seconds: Number(dMono2) / 2e9 };
}
