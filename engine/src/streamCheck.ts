// The check of a trace read once, line by line, keeping no document (issue #17): each line is
// parsed, replayed with the rules and dropped, so memory holds the model state, the findings and
// the suppression comments, whatever the length of the trace. The CLI's `check` streams a file of
// any size through it (cli/src/streamInput.ts); it reports exactly what an Analysis of the same
// text reports (streamCheck.test.ts compares the two).
import { overlongLine, parseLine } from './syntax/parseLine';
import type { LineNode, Suppression } from './syntax/ast';
import type { LineSink } from './text/byteLines';
import { DEFAULT_TOLERANCE_NS, initialState, type ModelState } from './replay/state';
import { stepLine } from './replay/step';
import { RuleRunner, finishDiagnostics, type Diagnostic, type RawDiagnostic } from './ruleRunner';
import { Suppressions } from './suppressions';
import type { AnalysisOptions } from './analysis';

export class StreamingCheck implements LineSink {
  private readonly state: ModelState;
  private readonly raw: RawDiagnostic[] = [];
  private readonly runner = new RuleRunner((d) => this.raw.push(d));
  private readonly suppressions = new Suppressions();
  private next = 0;

  constructor(private readonly options: AnalysisOptions = {}) {
    this.state = initialState(options.tolerance ?? DEFAULT_TOLERANCE_NS);
  }

  /** Lines read so far. */
  get lineCount(): number {
    return this.next;
  }

  /** The next line, as TraceDocument.text gives it: without its line end (nor the first line's BOM). */
  line(text: string): void {
    const line = this.next++;
    const node = parseLine(text);
    this.node = node;
    // A parsed line without a comment has no suppression (an error line is left to the text test).
    this.suppressions.add(line, text, this.suppressionOfLine, node.comment !== undefined || node.kind === 'error');
    this.replay(line, node);
  }

  /** The line being read, for suppressionOfLine (made once: no closure per line, issue #17). */
  private node?: LineNode;
  private readonly suppressionOfLine = (): Suppression | undefined => this.node?.comment?.suppression;

  /** The next line is longer than MAX_LINE_LENGTH (not kept): what parseLine makes of it. */
  longLine(length: number, blankOrComment: boolean): void {
    const line = this.next++;
    this.suppressions.addLong(line, blankOrComment);
    this.replay(line, overlongLine(length));
  }

  private replay(line: number, node: LineNode): void {
    this.runner.replayLine(this.state, line, node, { toleranceOverride: this.options.tolerance });
  }

  /** Every diagnostic, after suppression comments and severity overrides, sorted by position. */
  diagnostics(): Diagnostic[] {
    // An empty text is one empty line (TraceDocument), which reports nothing.
    return finishDiagnostics(this.raw, this.suppressions.suppressed, this.options.severity ?? {});
  }
}

/**
 * Replays lines as they come without the rules, keeping the model state after line `at` (0-based)
 * (the CLI's `replay --at`; Analysis.stateAfter for a document that is not kept).
 */
export class StreamingReplay implements LineSink {
  private readonly state: ModelState;
  private next = 0;
  private kept?: ModelState;

  constructor(
    private readonly at: number | undefined,
    private readonly options: AnalysisOptions = {},
  ) {
    this.state = initialState(options.tolerance ?? DEFAULT_TOLERANCE_NS);
  }

  get lineCount(): number {
    return this.next;
  }

  line(text: string): void {
    this.step(() => parseLine(text));
  }

  longLine(length: number): void {
    this.step(() => overlongLine(length));
  }

  private step(node: () => LineNode): void {
    const line = this.next++;
    if (this.kept) return; // past `at`: only counting lines
    stepLine(this.state, line, node(), () => undefined, { toleranceOverride: this.options.tolerance });
    if (line === this.at) this.kept = this.state;
  }

  /** The state after line `at`, or after the last line when `at` is undefined or past the end. */
  stateAfter(): ModelState {
    return this.kept ?? this.state;
  }
}
