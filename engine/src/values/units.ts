// Conversions between reference time (integer nanoseconds) and counter ticks at a frequency (Hz).
import { floorDiv } from './u64';

export const NS_PER_S = 1_000_000_000n;

/**
 * Ticks elapsed over `ns` nanoseconds at `hz`, rounded down (the counter function of
 * docs/format.md#3-directives-lines-starting-with-).
 */
export const ticksIn = (ns: bigint, hz: bigint): bigint => floorDiv(ns * hz, NS_PER_S);

/** Nanoseconds that `ticks` take at `hz`, rounded toward zero (0 for a zero frequency): the one ticks→ns. */
export const nsOfTicks = (ticks: bigint, hz: bigint): bigint => (hz === 0n ? 0n : (ticks * NS_PER_S) / hz);
