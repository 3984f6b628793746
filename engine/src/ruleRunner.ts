// Replays one line with the rules listening: the parse error and notes of the line, then the replay
// events (replay/step.ts) dispatched to the rules subscribed to their kind, each finding kept as a
// raw diagnostic. Shared by the Analysis (the editor's document, with checkpoints) and the
// streaming check (the CLI, one pass, no document kept; streamCheck.ts), so both report alike.
import type { LineNode, Span, Statement } from './syntax/ast';
import type { ReplayEvent } from './replay/events';
import { stepLine, type StepOptions } from './replay/step';
import type { GuestState, HostState, InstanceState, ModelState, Ref } from './replay/state';
import { displayText } from './text/escape';
import { RULES } from './rules/registry';
import {
  messageOf,
  type DiagnosticTag,
  type Finding,
  type Fix,
  type RuleContext,
  type RuleMeta,
  type Severity,
} from './rules/rule';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface RelatedInformation {
  range: Range;
  message: string;
}
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

export interface RawDiagnostic {
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

export const RULE_TAGS = new Map(RULES.map((r) => [r.meta.code, r.meta.tags ?? []]));

interface Handler {
  code: string;
  severity: Severity;
  meta: RuleMeta;
  handle: (e: ReplayEvent, ctx: RuleContext) => void;
}

/** For each event kind, the rules that read it (built once): an event no rule reads costs a lookup. */
const HANDLERS = new Map<string, Handler[]>();
for (const rule of RULES) {
  for (const [kind, handle] of Object.entries(rule.on)) {
    if (!HANDLERS.has(kind)) HANDLERS.set(kind, []);
    HANDLERS.get(kind)!.push({
      code: rule.meta.code,
      severity: rule.meta.defaultSeverity,
      meta: rule.meta,
      handle: handle as Handler['handle'],
    });
  }
}

export class RuleRunner {
  private readonly ctx: LineContext;
  /** Where the replay's events of the line go besides the rules, when someone watches (Analysis observers). */
  private collect?: ReplayEvent[];
  /** The events of the line being replayed go to the rules; made once, not per line. */
  private readonly dispatch = (e: ReplayEvent): void => {
    this.collect?.push(e);
    const handlers = HANDLERS.get(e.kind);
    if (!handlers) return;
    const ctx = this.ctx;
    for (const h of handlers) {
      ctx.code = h.code;
      ctx.severity = h.severity;
      ctx.meta = h.meta;
      h.handle(e, ctx);
    }
  };

  constructor(sink: (d: RawDiagnostic) => void) {
    this.ctx = new LineContext(sink);
  }

  /**
   * Replays `line` (its tree `node`) on `state`, the rules reporting to the sink. `events`, when
   * given, receives the replay's events of the line (what Analysis.replayRange gives its visitor).
   */
  replayLine(state: ModelState, line: number, node: LineNode, options: StepOptions, events?: ReplayEvent[]): void {
    this.ctx.reset(state, line, node);
    const dispatch = this.dispatch;
    if (node.kind === 'error') dispatch({ kind: 'parseError', span: node.error.span, message: node.error.message });
    const notes = node.kind === 'statement' ? node.statement.notes : node.kind === 'directive' ? node.notes : undefined;
    if (notes) for (const n of notes) dispatch({ kind: 'lineNote', code: n.code, span: n.span, message: n.message });
    this.collect = events;
    try {
      stepLine(state, line, node, dispatch, options);
    } finally {
      this.collect = undefined;
    }
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
    const span =
      node.kind === 'statement'
        ? node.statement.span
        : node.kind === 'directive'
          ? node.span
          : node.kind === 'error'
            ? node.error.span
            : { start: 0, end: 0 };
    this.ref = { line, span };
    return this;
  }

  report(f: Finding): void {
    const at = f.at ?? { line: this.line, span: f.span ?? this.ref.span };
    // Messages quote the trace: bounded and with control characters escaped for every output.
    this.sink({
      code: this.code,
      severity: f.severity ?? this.severity,
      message: displayText(messageOf(this.meta, f)),
      line: at.line,
      span: at.span,
      related: (f.related ?? []).map((r) => ({ line: r.at.line, span: r.at.span, message: displayText(r.message) })),
      fixes: f.fixes ?? [],
      emittedAt: this.line,
    });
  }

  store<T>(init: () => T): T {
    let s = this.state.rules.get(this.code);
    if (s === undefined) {
      s = init();
      this.state.rules.set(this.code, s);
    }
    return s as T;
  }

  host(name: string): HostState {
    return this.state.hosts.get(name)!;
  }
  instance(key: string): InstanceState {
    return this.state.instances.get(key)!;
  }
  guest(name: string): GuestState {
    return this.state.guests.get(name)!;
  }
}

const rangeOf = (line: number, span: Span): Range => ({
  start: { line, character: span.start },
  end: { line, character: span.end },
});

/**
 * The diagnostics of raw findings: suppressed ones and codes turned `off` dropped, severity
 * overrides applied, sorted by position (then code).
 */
export function finishDiagnostics(
  raw: Iterable<RawDiagnostic>,
  suppressed: (line: number, code: string) => boolean,
  overrides: Record<string, SeverityOverride>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of raw) {
    const override = overrides[d.code];
    if (override === 'off' || suppressed(d.line, d.code)) continue;
    out.push({
      code: d.code,
      severity: override ?? d.severity,
      message: d.message,
      range: rangeOf(d.line, d.span),
      related: d.related.map((r) => ({ range: rangeOf(r.line, r.span), message: r.message })),
      tags: RULE_TAGS.get(d.code) ?? [],
      fixes: d.fixes,
    });
  }
  return out.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.code.localeCompare(b.code),
  );
}
