// A small seeded pseudo-random generator (mulberry32) for the fuzz suite and the regression tests
// built from it: the same seed gives the same inputs on every machine, so a failure is replayable.
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A u64 as a bigint, biased towards the edges (0, 1, 2^63, 2^64 - 1) where arithmetic breaks. */
  u64(): bigint {
    switch (this.int(0, 5)) {
      case 0:
        return this.pick([0n, 1n, 2n, 999n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 2n, (1n << 64n) - 1n]);
      case 1:
        return BigInt(this.int(0, 1_000_000));
      default:
        return (BigInt(this.int(0, 0xffffffff)) << 32n) | BigInt(this.int(0, 0xffffffff));
    }
  }

  /** A string of `length` characters drawn from `alphabet` (strings or single characters). */
  string(length: number, alphabet: readonly string[]): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(alphabet);
    return out;
  }
}
