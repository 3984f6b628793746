// `# hvtimer-disable-next-line CODES` and `# hvtimer-disable CODES` (docs/format.md#1-lines), read
// line by line: the whole document at once (Analysis) or as the lines stream past (streamCheck.ts).
// Only lines whose text mentions the keyword are parsed for it, so this stays cheap on huge traces.
import type { Suppression } from './syntax/ast';

/** A line with nothing but spaces, tabs and a comment: not a "next statement line". */
const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;

export class Suppressions {
  private readonly nextLine = new Map<number, Set<string>>();
  private readonly restOfFile: { from: number; codes: Set<string> }[] = [];
  private pending: Set<string> | undefined;

  /**
   * Notes line `line` (in order). `suppression` is asked for only when the text mentions
   * `hvtimer-disable` (it parses the line's comment) and `hasComment` is not false.
   */
  add(line: number, text: string, suppression: () => Suppression | undefined, hasComment = true): void {
    if (this.pending && !BLANK_OR_COMMENT.test(text)) {
      this.nextLine.set(line, this.pending);
      this.pending = undefined;
    }
    // `hasComment` false: the caller knows the line has no comment, so no suppression (no scan of the text).
    if (!hasComment || !text.includes('hvtimer-disable')) return;
    const s = suppression();
    if (!s) return;
    const codes = new Set(s.codes.length ? s.codes.map((c) => c.value) : ['*']);
    if (s.kind === 'next-line') this.pending = new Set([...(this.pending ?? []), ...codes]);
    else this.restOfFile.push({ from: line, codes });
  }

  /** Notes a line too long to keep (byteLines.ts): it has no comment the parser reads, only whether it is blank or a comment. */
  addLong(line: number, blankOrComment: boolean): void {
    if (this.pending && !blankOrComment) {
      this.nextLine.set(line, this.pending);
      this.pending = undefined;
    }
  }

  /** Whether a finding of `code` on `line` is suppressed. */
  readonly suppressed = (line: number, code: string): boolean => {
    const n = this.nextLine.get(line);
    if (n && (n.has(code) || n.has('*'))) return true;
    return this.restOfFile.some((r) => line >= r.from && (r.codes.has(code) || r.codes.has('*')));
  };
}
