// What the CLI prints, made safe for a terminal (issue #15 item 5): text with control characters
// from the trace or the command line escaped, and JSON whose strings cannot carry a raw C1 control,
// line separator or bidirectional override either (JSON.stringify escapes only U+0000–U+001F).
import { escapeControl } from '../../engine/src/text/escape';

/** Text for a terminal: `\x1b` instead of ESC, and so on (engine/src/text/escape.ts). */
export const plain = (text: string): string => escapeControl(text);

const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify(value, null, 2), with the characters above written as `\uXXXX` (the same JSON value). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
