// The shape of a fuzz target: it sets up once, then runs one case at a time from a seeded
// generator; a case returns a failure (what broke and the input that broke it) or nothing.
import type { Random } from './random';

export interface Failure {
  /** One sentence: what did not hold. */
  problem: string;
  /** The input, to save and replay (text, bytes, or a JSON description for the LSP). */
  input: string | Buffer;
}

export interface FuzzTarget {
  readonly name: string;
  setup?(): Promise<void>;
  one(rng: Random): Promise<Failure | undefined> | Failure | undefined;
  teardown?(): Promise<void>;
}
