// The rule framework: each diagnostic code is one Rule module that reads replay events and
// reports findings (diagnostics.md). Severity overrides and suppression comments are applied in
// one place (../analysis.ts), not by rules.
import type { LineNode, Span, Statement } from '../syntax/ast';
import type { EventOf, ReplayEventKind } from '../replay/events';
import type { GuestState, HostState, InstanceState, ModelState, Ref } from '../replay/state';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type DiagnosticTag = 'unnecessary' | 'deprecated';

export interface RuleMeta {
  code: string;
  /** Kebab-case name from the catalog, e.g. `backward-time`. */
  name: string;
  defaultSeverity: Severity;
  /** One line: when it fires. */
  summary: string;
  tags?: DiagnosticTag[];
}

/** A mechanical fix: replacements of whole lines (or inserted lines), applied together. */
export interface Fix {
  title: string;
  edits: { line: number; /** Replace the line's text; `insertBefore` adds a new line instead. */ newText: string; insertBefore?: boolean; delete?: boolean }[];
}

export interface Finding {
  message: string;
  /** Where the diagnostic goes; defaults to the current statement. */
  at?: Ref;
  /** Narrower span within the current line (e.g. the bad token). */
  span?: Span;
  related?: { at: Ref; message: string }[];
  /** For codes whose severity depends on the case (HVT002, HVT091). */
  severity?: Severity;
  fixes?: Fix[];
}

export interface RuleContext {
  readonly state: ModelState;
  readonly line: number;
  readonly node: LineNode;
  readonly stmt?: Statement;
  /** The current statement. */
  readonly ref: Ref;
  report(finding: Finding): void;
  /** This rule's own state (episode bookkeeping); checkpointed with the model. Must be cloneable. */
  store<T>(init: () => T): T;
  host(name: string): HostState;
  instance(key: string): InstanceState;
  guest(name: string): GuestState;
}

export type Handlers = { [K in ReplayEventKind]?: (event: EventOf<K>, ctx: RuleContext) => void };

export interface Rule {
  meta: RuleMeta;
  on: Handlers;
}

export const defineRule = (rule: Rule): Rule => rule;
