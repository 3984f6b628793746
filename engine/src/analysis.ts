// Parses and replays a document, runs the rules, and keeps checkpoints of the model so that an
// edit replays only from the nearest checkpoint before it and the state after any line can be
// queried without replaying from the top.
import type { LineNode } from './syntax/ast';
import { TraceDocument, type TextEdit } from './syntax/document';
import type { ReplayEvent } from './replay/events';
import { stepLine } from './replay/step';
import { DEFAULT_TOLERANCE_NS, initialState, type ModelState } from './replay/state';
import { stateWeight } from './replay/weight';
import { sameState } from './replay/sameState';
import {
  RuleRunner,
  finishDiagnostics,
  type Diagnostic,
  type RawDiagnostic,
  type SeverityOverride,
} from './ruleRunner';
import { Suppressions } from './suppressions';

export type { Diagnostic, Position, Range, RelatedInformation, SeverityOverride } from './ruleRunner';

/** What Analysis.replayRange and Analysis.observe call after each line: the live state (copy what you keep), the events, the line. */
export type LineVisitor = (line: number, state: ModelState, events: ReplayEvent[], node: LineNode) => void;

export interface AnalysisOptions {
  /** Overrides the trace's `@tolerance` (ns). */
  tolerance?: bigint;
  /** Per-code severity overrides (`off` hides the code). */
  severity?: Record<string, SeverityOverride>;
  /** Lines between model checkpoints (more when the state is big, see OBJECTS_PER_LINE). */
  checkpointInterval?: number;
}

/**
 * A checkpoint of a state of W objects is taken only once W / OBJECTS_PER_LINE lines have passed
 * since the previous one, so the checkpoints together hold at most this many objects per line
 * (plus one state per interval) and cloning them costs no more than replaying the lines between
 * them. Small states (the usual few hosts and VMs) are checkpointed every `checkpointInterval`.
 */
export const OBJECTS_PER_LINE = 1;

export class Analysis {
  readonly doc: TraceDocument;
  private options: AnalysisOptions;
  private readonly interval: number;
  private checkpoints = new Map<number, ModelState>();
  /** The first line at which the next checkpoint may be taken (see OBJECTS_PER_LINE). */
  private nextCheckpoint = 0;
  /** Weight (stateWeight) of each checkpoint. */
  private checkpointWeights = new Map<number, number>();
  /** The state a range replay ended with, so the next consecutive range continues from it. */
  private rangeTail?: { next: number; state: ModelState; revision: number };
  private raw: RawDiagnostic[] = [];
  private state!: ModelState;
  /** The next line to replay. */
  private cursor = 0;
  /** Changes that can alter the replay so far (see `revision`). */
  private revisionCount = 0;
  /** First changed line of each of the last revisions (the newest last). */
  private readonly changes: number[] = [];
  /**
   * The replay as it was before the edits since, which changed text within lines only (none added
   * or removed): the lines after `lastChanged` are the same, so where the new replay's state equals
   * the old one's at a checkpoint, the old replay from there on stands (issue #17: an edit anywhere
   * in a large trace replays to where its effect ends, not to the end).
   */
  private previous?: {
    checkpoints: Map<number, ModelState>;
    weights: Map<number, number>;
    raw: RawDiagnostic[];
    state: ModelState;
    cursor: number;
    nextCheckpoint: number;
    lastChanged: number;
  };
  /** Lines replayed since creation (tests and benchmarks check incremental work). */
  replayedLines = 0;
  /** Lines replayed again by replayRange (the timeline index, inlay hints…), for the same statistics. */
  rangeReplayedLines = 0;
  /** Lines not replayed because a replay after an edit rejoined the previous one (tests, benchmarks). */
  rejoinedLines = 0;
  /** Objects copied into checkpoints since creation (tests check that this stays linear). */
  checkpointedObjects = 0;

  constructor(source: string | TraceDocument, options: AnalysisOptions = {}) {
    this.doc = typeof source === 'string' ? new TraceDocument(source) : source;
    this.options = options;
    this.interval = options.checkpointInterval ?? 2000;
    this.reset();
  }

  private reset(): void {
    this.previous = undefined;
    this.state = initialState(this.options.tolerance ?? DEFAULT_TOLERANCE_NS);
    this.cursor = 0;
    this.checkpoints = new Map();
    this.checkpointWeights = new Map();
    this.checkpoint(0);
    this.raw = [];
  }

  get done(): boolean {
    return this.cursor >= this.doc.lineCount;
  }

  /** How many lines of the document have been replayed (for progress reports). */
  get replayedUpTo(): number {
    return this.cursor;
  }

  /** Applies an edit and invalidates the replay from the nearest checkpoint at or before it. */
  edit(edit: TextEdit): void {
    const { firstLine, lineDelta } = this.doc.applyEdit(edit);
    if (lineDelta !== 0) this.previous = undefined;
    else this.rememberReplay(this.doc.lastReplacedLine);
    this.invalidateFrom(firstLine);
    this.noteChange(firstLine);
  }

  /** Keeps the replay so far (before invalidateFrom drops it) for the new one to rejoin after `lastChanged`. */
  private rememberReplay(lastChanged: number): void {
    // An earlier replay that got further stays the one to rejoin (every edit since is before lastChanged).
    if (this.previous && this.previous.cursor >= this.cursor) {
      this.previous.lastChanged = Math.max(this.previous.lastChanged, lastChanged);
      return;
    }
    this.previous = undefined;
    if (this.cursor <= lastChanged + 1) return; // nothing replayed past the edit: nothing to rejoin
    this.previous = {
      checkpoints: new Map(this.checkpoints),
      weights: new Map(this.checkpointWeights),
      raw: this.raw,
      state: this.state,
      cursor: this.cursor,
      nextCheckpoint: this.nextCheckpoint,
      lastChanged,
    };
  }

  /**
   * Before replaying `line`: when the state equals the previous replay's at this checkpoint (the
   * edits are all before it), take the previous replay from here on instead of replaying it.
   */
  private rejoin(line: number): boolean {
    const p = this.previous!;
    if (line >= p.cursor) {
      this.previous = undefined;
      return false;
    }
    if (line <= p.lastChanged) return false;
    const old = p.checkpoints.get(line);
    if (!old || !sameState(this.state, old)) return false;
    for (const [k, cp] of p.checkpoints)
      if (k >= line) {
        this.checkpoints.set(k, cp);
        this.checkpointWeights.set(k, p.weights.get(k) ?? 0);
      }
    for (const d of p.raw) if (d.emittedAt >= line) this.raw.push(d);
    this.state = p.state;
    this.cursor = p.cursor;
    this.nextCheckpoint = p.nextCheckpoint;
    this.previous = undefined;
    this.rejoinedLines += p.cursor - line;
    return true;
  }

  setOptions(options: AnalysisOptions): void {
    const replay = options.tolerance !== this.options.tolerance;
    this.options = { ...options, checkpointInterval: this.interval };
    if (replay) {
      this.reset();
      this.noteChange(0);
    }
  }

  /**
   * Counts the changes that can alter the replay (edits, a new tolerance), so that work derived
   * from the replay (the timeline index) can be brought up to date from the first changed line
   * instead of from the top.
   */
  get revision(): number {
    return this.revisionCount;
  }

  /**
   * The first line whose text, position or replay may differ from what it was at `revision`: the
   * replay of every line before it is unchanged. `lineCount` when nothing changed; 0 when
   * `revision` is older than the changes remembered.
   */
  firstChangeSince(revision: number): number {
    if (revision === this.revisionCount) return this.doc.lineCount;
    const oldest = this.revisionCount - this.changes.length;
    if (revision < oldest || revision > this.revisionCount) return 0;
    let first = this.doc.lineCount;
    for (let i = revision - oldest; i < this.changes.length; i++) first = Math.min(first, this.changes[i]);
    return first;
  }

  private noteChange(firstLine: number): void {
    this.revisionCount++;
    this.changes.push(firstLine);
    if (this.changes.length > 256) this.changes.shift();
  }

  private invalidateFrom(line: number): void {
    let cp = 0;
    for (const k of this.checkpoints.keys()) if (k <= line && k > cp) cp = k;
    for (const k of [...this.checkpoints.keys()])
      if (k > cp) {
        this.checkpoints.delete(k);
        this.checkpointWeights.delete(k);
      }
    this.nextCheckpoint = cp + this.spacing(this.checkpointWeights.get(cp) ?? 0);
    if (this.cursor > cp) {
      this.state = structuredClone(this.checkpoints.get(cp)!);
      this.cursor = cp;
    }
    this.raw = this.raw.filter((d) => d.emittedAt < cp);
  }

  /** Replays up to `maxLines` more lines; returns true when the whole document is done. */
  advance(maxLines = Number.POSITIVE_INFINITY): boolean {
    const end = Math.min(this.doc.lineCount, this.cursor + maxLines);
    while (this.cursor < end) {
      const line = this.cursor;
      // Rejoined: the cursor jumped to where the previous replay stopped, which may be before the end.
      if (this.previous && this.previous.checkpoints.has(line) && this.rejoin(line)) continue;
      if (line % this.interval === 0 && line >= this.nextCheckpoint && !this.checkpoints.has(line))
        this.checkpoint(line);
      this.replayLine(line);
      this.cursor++;
      this.replayedLines++;
    }
    return this.done;
  }

  /** Saves the live state (the state before `line`) as a checkpoint. */
  private checkpoint(line: number): void {
    const weight = stateWeight(this.state);
    this.checkpoints.set(line, structuredClone(this.state));
    this.checkpointWeights.set(line, weight);
    this.checkpointedObjects += weight;
    this.nextCheckpoint = line + this.spacing(weight);
  }

  /** Lines from a checkpoint of `weight` objects to the next one. */
  private spacing(weight: number): number {
    return Math.max(this.interval, Math.ceil(weight / OBJECTS_PER_LINE));
  }

  private replayLine(line: number): void {
    const node = this.lineNode(line);
    if (this.observers.length === 0) {
      this.runner.replayLine(this.state, line, node, { toleranceOverride: this.options.tolerance });
      return;
    }
    const events: ReplayEvent[] = [];
    this.runner.replayLine(this.state, line, node, { toleranceOverride: this.options.tolerance }, events);
    for (const o of this.observers) o(line, this.state, events, node);
  }

  private observers: LineVisitor[] = [];

  /**
   * A line for a replay: cached as it is read when the whole document fits the parse cache, else
   * parsed and not kept (TraceDocument.peek: the trees of a million-line replay die young).
   */
  private lineNode(line: number): LineNode {
    return this.doc.fitsCache ? this.doc.node(line) : this.doc.peek(line);
  }

  /**
   * Calls `visit` after each line the analysis itself replays (in `advance`), as replayRange calls
   * its visitor: work derived from the replay (the timeline index) rides along the replay that
   * finds the diagnostics instead of replaying the trace again (issue #17). Lines come in order
   * from the first line not yet replayed, except after an edit (from a checkpoint before it) or
   * when a replay rejoins the previous one (the lines after are skipped): a visitor that needs
   * every line checks `line` against the one it expects. Returns the function that stops it.
   */
  observe(visit: LineVisitor): () => void {
    this.observers.push(visit);
    return () => {
      this.observers = this.observers.filter((o) => o !== visit);
    };
  }

  private readonly runner = new RuleRunner((d) => this.raw.push(d));

  runToEnd(): this {
    this.advance();
    return this;
  }

  /** Every diagnostic, after suppression comments and severity overrides, sorted by position. */
  diagnostics(): Diagnostic[] {
    this.runToEnd();
    return finishDiagnostics(this.raw, suppressionsOf(this.doc), this.options.severity ?? {});
  }

  /**
   * Replays lines `from`..`to` (inclusive) from the nearest checkpoint, without rules, calling
   * `visit` after each line with the live state (copy what you keep) and the events it produced.
   * This is how hovers, inlay hints and the timeline read a range without replaying the file.
   */
  replayRange(
    from: number,
    to: number,
    visit: (line: number, state: ModelState, events: ReplayEvent[], node: LineNode) => void,
  ): void {
    const start = Math.max(0, from);
    const end = Math.min(to, this.doc.lineCount - 1);
    if (end < start) return;
    if (this.cursor < end + 1) this.advance(end + 1 - this.cursor);
    let cp = 0;
    for (const k of this.checkpoints.keys()) if (k <= start && k > cp) cp = k;
    // A range that follows the previous one (a sweep in chunks) continues from where it ended.
    const tail = this.rangeTail;
    this.rangeTail = undefined;
    const resume = tail !== undefined && tail.revision === this.revisionCount && tail.next > cp && tail.next <= start;
    const state = resume ? tail.state : structuredClone(this.checkpoints.get(cp)!);
    for (let l = resume ? tail.next : cp; l <= end; l++) {
      const events: ReplayEvent[] = [];
      const node = this.doc.fitsCache ? this.doc.sweep(l) : this.doc.peek(l);
      stepLine(state, l, node, (e) => events.push(e), { toleranceOverride: this.options.tolerance });
      this.rangeReplayedLines++;
      if (l >= start) visit(l, state, events, node);
    }
    this.rangeTail = { next: end + 1, state, revision: this.revisionCount };
  }

  /** The model state after replaying every line up to and including `line`. */
  stateAfter(line: number): ModelState {
    const target = Math.min(Math.max(line, -1), this.doc.lineCount - 1) + 1;
    if (target > this.cursor) this.advance(target - this.cursor);
    if (target === this.cursor) return structuredClone(this.state);
    let cp = 0;
    for (const k of this.checkpoints.keys()) if (k <= target && k > cp) cp = k;
    const state = structuredClone(this.checkpoints.get(cp)!);
    for (let l = cp; l < target; l++)
      stepLine(state, l, this.doc.node(l), () => undefined, { toleranceOverride: this.options.tolerance });
    return state;
  }
}

/** The suppression comments of a whole document (suppressions.ts). */
function suppressionsOf(doc: TraceDocument): (line: number, code: string) => boolean {
  const s = new Suppressions();
  for (let l = 0; l < doc.lineCount; l++) s.add(l, doc.text(l), () => doc.node(l).comment?.suppression);
  return s.suppressed;
}
