// Parses and replays a document, runs the rules, and keeps checkpoints of the model so that an
// edit replays only from the nearest checkpoint before it and the state after any line can be
// queried without replaying from the top.
import type { LineNode, Span, Statement } from './syntax/ast';
import { TraceDocument, type TextEdit } from './syntax/document';
import type { ReplayEvent } from './replay/events';
import { stepLine } from './replay/step';
import { DEFAULT_TOLERANCE_NS, initialState, type GuestState, type HostState, type InstanceState, type ModelState, type Ref } from './replay/state';
import { stateWeight } from './replay/weight';
import { displayText } from './text/escape';
import { RULES } from './rules/registry';
import { messageOf, type DiagnosticTag, type Finding, type Fix, type RuleContext, type RuleMeta, type Severity } from './rules/rule';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface RelatedInformation { range: Range; message: string }
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedInformation[];
  tags: DiagnosticTag[];
  fixes: Fix[];
}

export type SeverityOverride = Severity | 'off';

export interface AnalysisOptions {
  /** Overrides the trace's `@tolerance` (ns). */
  tolerance?: bigint;
  /** Per-code severity overrides (`off` hides the code). */
  severity?: Record<string, SeverityOverride>;
  /** Lines between model checkpoints (more when the state is big, see OBJECTS_PER_LINE). */
  checkpointInterval?: number;
}

interface RawDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  line: number;
  span: Span;
  related: { line: number; span: Span; message: string }[];
  fixes: Fix[];
  /** The line being replayed when the rule reported it (deferred findings point further back). */
  emittedAt: number;
}

/**
 * A checkpoint of a state of W objects is taken only once W / OBJECTS_PER_LINE lines have passed
 * since the previous one, so the checkpoints together hold at most this many objects per line
 * (plus one state per interval) and cloning them costs no more than replaying the lines between
 * them. Small states (the usual few hosts and VMs) are checkpointed every `checkpointInterval`.
 */
export const OBJECTS_PER_LINE = 1;

const rangeOf = (line: number, span: Span): Range => ({ start: { line, character: span.start }, end: { line, character: span.end } });

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
  /** Lines replayed since creation (tests and benchmarks check incremental work). */
  replayedLines = 0;
  /** Objects copied into checkpoints since creation (tests check that this stays linear). */
  checkpointedObjects = 0;

  constructor(source: string | TraceDocument, options: AnalysisOptions = {}) {
    this.doc = typeof source === 'string' ? new TraceDocument(source) : source;
    this.options = options;
    this.interval = options.checkpointInterval ?? 2000;
    this.reset();
  }

  private reset(): void {
    this.state = initialState(this.options.tolerance ?? DEFAULT_TOLERANCE_NS);
    this.cursor = 0;
    this.checkpoints = new Map();
    this.checkpointWeights = new Map();
    this.checkpoint(0);
    this.raw = [];
  }

  get done(): boolean { return this.cursor >= this.doc.lineCount; }

  /** How many lines of the document have been replayed (for progress reports). */
  get replayedUpTo(): number { return this.cursor; }

  /** Applies an edit and invalidates the replay from the nearest checkpoint at or before it. */
  edit(edit: TextEdit): void {
    const { firstLine } = this.doc.applyEdit(edit);
    this.invalidateFrom(firstLine);
    this.noteChange(firstLine);
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
  get revision(): number { return this.revisionCount; }

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
    for (const k of [...this.checkpoints.keys()]) if (k > cp) { this.checkpoints.delete(k); this.checkpointWeights.delete(k); }
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
      if (line % this.interval === 0 && line >= this.nextCheckpoint && !this.checkpoints.has(line)) this.checkpoint(line);
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
    const node = this.doc.node(line);
    const ctx = this.lineContext.reset(this.state, line, node);
    const dispatch = (e: ReplayEvent): void => {
      const handlers = HANDLERS.get(e.kind);
      if (!handlers) return;
      for (const h of handlers) {
        ctx.code = h.code;
        ctx.severity = h.severity;
        ctx.meta = h.meta;
        h.handle(e, ctx);
      }
    };
    if (node.kind === 'error') dispatch({ kind: 'parseError', span: node.error.span, message: node.error.message });
    const notes = node.kind === 'statement' ? node.statement.notes : node.kind === 'directive' ? node.notes : [];
    for (const n of notes) dispatch({ kind: 'lineNote', code: n.code, span: n.span, message: n.message });
    stepLine(this.state, line, node, dispatch, { toleranceOverride: this.options.tolerance });
  }

  private readonly lineContext = new LineContext((d) => this.raw.push(d));

  runToEnd(): this {
    this.advance();
    return this;
  }

  /** Every diagnostic, after suppression comments and severity overrides, sorted by position. */
  diagnostics(): Diagnostic[] {
    this.runToEnd();
    const suppressed = suppressionsOf(this.doc);
    const overrides = this.options.severity ?? {};
    const out: Diagnostic[] = [];
    for (const d of this.raw) {
      const override = overrides[d.code];
      if (override === 'off' || suppressed(d.line, d.code)) continue;
      out.push({
        code: d.code, severity: override ?? d.severity, message: d.message, range: rangeOf(d.line, d.span),
        related: d.related.map((r) => ({ range: rangeOf(r.line, r.span), message: r.message })),
        tags: RULE_TAGS.get(d.code) ?? [], fixes: d.fixes,
      });
    }
    return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code));
  }

  /**
   * Replays lines `from`..`to` (inclusive) from the nearest checkpoint, without rules, calling
   * `visit` after each line with the live state (copy what you keep) and the events it produced.
   * This is how hovers, inlay hints and the timeline read a range without replaying the file.
   */
  replayRange(from: number, to: number, visit: (line: number, state: ModelState, events: ReplayEvent[], node: LineNode) => void): void {
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
      const node = this.doc.sweep(l);
      stepLine(state, l, node, (e) => events.push(e), { toleranceOverride: this.options.tolerance });
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
    for (let l = cp; l < target; l++) stepLine(state, l, this.doc.node(l), () => undefined, { toleranceOverride: this.options.tolerance });
    return state;
  }
}

const RULE_TAGS = new Map(RULES.map((r) => [r.meta.code, r.meta.tags ?? []]));

/** For each event kind, the rules that read it (built once). */
const HANDLERS = new Map<string, { code: string; severity: Severity; meta: RuleMeta; handle: (e: ReplayEvent, ctx: RuleContext) => void }[]>();
for (const rule of RULES) {
  for (const [kind, handle] of Object.entries(rule.on)) {
    if (!HANDLERS.has(kind)) HANDLERS.set(kind, []);
    HANDLERS.get(kind)!.push({ code: rule.meta.code, severity: rule.meta.defaultSeverity, meta: rule.meta, handle: handle as (e: ReplayEvent, ctx: RuleContext) => void });
  }
}

/** The context rules see for the current line; one object reused for every rule and event. */
class LineContext implements RuleContext {
  state!: ModelState;
  line = 0;
  node!: LineNode;
  stmt?: Statement;
  ref!: Ref;
  code = '';
  severity: Severity = 'error';
  meta!: RuleMeta;

  constructor(private readonly sink: (d: RawDiagnostic) => void) {}

  reset(state: ModelState, line: number, node: LineNode): this {
    this.state = state;
    this.line = line;
    this.node = node;
    this.stmt = node.kind === 'statement' ? node.statement : undefined;
    const span = node.kind === 'statement' ? node.statement.span : node.kind === 'directive' ? node.span : node.kind === 'error' ? node.error.span : { start: 0, end: 0 };
    this.ref = { line, span };
    return this;
  }

  report(f: Finding): void {
    const at = f.at ?? { line: this.line, span: f.span ?? this.ref.span };
    // Messages quote the trace: bounded and with control characters escaped for every output.
    this.sink({
      code: this.code, severity: f.severity ?? this.severity, message: displayText(messageOf(this.meta, f)), line: at.line, span: at.span,
      related: (f.related ?? []).map((r) => ({ line: r.at.line, span: r.at.span, message: displayText(r.message) })), fixes: f.fixes ?? [], emittedAt: this.line,
    });
  }

  store<T>(init: () => T): T {
    let s = this.state.rules.get(this.code);
    if (s === undefined) { s = init(); this.state.rules.set(this.code, s); }
    return s as T;
  }

  host(name: string): HostState { return this.state.hosts.get(name)!; }
  instance(key: string): InstanceState { return this.state.instances.get(key)!; }
  guest(name: string): GuestState { return this.state.guests.get(name)!; }
}

/**
 * `# hvtimer-disable-next-line CODES` and `# hvtimer-disable CODES` (docs/format.md#1-lines). Only lines whose text
 * mentions the keyword are parsed here, so this stays cheap on huge documents.
 */
function suppressionsOf(doc: TraceDocument): (line: number, code: string) => boolean {
  const nextLine = new Map<number, Set<string>>();
  const restOfFile: { from: number; codes: Set<string> }[] = [];
  let pending: Set<string> | undefined;
  for (let l = 0; l < doc.lineCount; l++) {
    const text = doc.text(l);
    if (pending && !BLANK_OR_COMMENT.test(text)) { nextLine.set(l, pending); pending = undefined; }
    if (!text.includes('hvtimer-disable')) continue;
    const s = doc.node(l).comment?.suppression;
    if (!s) continue;
    const codes = new Set(s.codes.length ? s.codes.map((c) => c.value) : ['*']);
    if (s.kind === 'next-line') pending = new Set([...(pending ?? []), ...codes]);
    else restOfFile.push({ from: l, codes });
  }
  return (line, code) => {
    const n = nextLine.get(line);
    if (n && (n.has(code) || n.has('*'))) return true;
    return restOfFile.some((r) => line >= r.from && (r.codes.has(code) || r.codes.has('*')));
  };
}

/** A line with nothing but spaces, tabs and a comment: not a "next statement line". */
const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;
