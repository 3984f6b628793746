// Limits on what a trace can make hvtimer hold or print (issue #15: a 100 MB line was quoted whole
// in a message, 105 MB of text output; one line of unknown names made one finding per word).

/** Longer lines are not parsed: one HVT090 on the line instead (hvtrace lines are short). */
export const MAX_LINE_LENGTH = 65_536;

/** A run of non-blank characters longer than this is elided in the middle in a message. */
export const MAX_TOKEN_IN_MESSAGE = 120;

/** A message longer than this (after eliding tokens) is elided in the middle. */
export const MAX_MESSAGE_LENGTH = 1_000;

/** Notes (HVT091, HVT094) kept per line; the rest are summed up in one more note. */
export const MAX_NOTES_PER_LINE = 16;
