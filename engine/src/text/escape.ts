// Text from a trace, made safe to show: control characters escaped (a trace must not be able to
// set a terminal's title or clear its screen through `hvtimer check`, issue #15) and long tokens
// elided in the middle. Every text output — CLI text, diagnostics, hovers, the report — uses this.
import { MAX_MESSAGE_LENGTH, MAX_TOKEN_IN_MESSAGE } from './limits';

/**
 * C0 controls except tab, DEL, C1 controls, the Unicode line and paragraph separators and the
 * bidirectional overrides and isolates (which reorder what a terminal or editor shows), and lone
 * surrogates (not text at all).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `\x1b` for a control character up to U+00FF, `\u{202e}` above; other text unchanged. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Whether `text` has a character escapeControl would escape. */
export function hasControl(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/**
 * `text` itself when it has at most `max` characters, else its start and end around the number of
 * characters it had: `abc…(1048576 chars)…xyz`. Never splits a surrogate pair.
 */
export function elideMiddle(text: string, max: number = MAX_TOKEN_IN_MESSAGE): string {
  if (text.length <= max) return text;
  const marker = `…(${text.length} chars)…`;
  const keep = Math.max(2, max - marker.length);
  let head = Math.ceil(keep / 2);
  let tail = text.length - Math.floor(keep / 2);
  if (isHigh(text.charCodeAt(head - 1))) head--;
  if (isHigh(text.charCodeAt(tail - 1))) tail++;
  return `${text.slice(0, head)}${marker}${text.slice(tail)}`;
}

/** Blanks and the backticks that quote a token end a run (space, tab, LF, CR, backtick). */
const isBreak = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x60;

/** Each run of more than `max` characters that are not breaks, elided in the middle. A loop, not a
 * regular expression: `/[^ ]{121,}/` overflows V8's backtracking stack on a 100 MB run. */
function elideRuns(text: string, max: number): string {
  let out = '';
  let from = 0;
  let runStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isBreak(text.charCodeAt(i))) continue;
    if (i - runStart > max) {
      out += text.slice(from, runStart) + elideMiddle(text.slice(runStart, i), max);
      from = i;
    }
    runStart = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A message or label that quotes text from a trace, made safe and bounded: each token longer than
 * MAX_TOKEN_IN_MESSAGE elided in the middle, the whole at most about MAX_MESSAGE_LENGTH characters
 * (before escaping), control characters escaped.
 */
export function displayText(text: string): string {
  const short = text.length > MAX_TOKEN_IN_MESSAGE ? elideRuns(text, MAX_TOKEN_IN_MESSAGE) : text;
  return escapeControl(elideMiddle(short, MAX_MESSAGE_LENGTH));
}
