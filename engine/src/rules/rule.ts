// The rule framework: each diagnostic code is one Rule module that reads replay events and
// reports findings (docs/diagnostics/catalog.md). Severity overrides and suppression comments are applied in
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
  /**
   * The rule's wording in one block (ESLint's `meta.messages`): message templates by id, with
   * `{name}` placeholders filled from a finding's `data`. Where a message has conditional parts,
   * each variant is its own id.
   */
  messages: Record<string, string>;
}

/** A mechanical fix: replacements of whole lines (or inserted lines), applied together. */
export interface Fix {
  title: string;
  edits: {
    line: number;
    /** Replace the line's text; `insertBefore` adds a new line instead. */ newText: string;
    insertBefore?: boolean;
    delete?: boolean;
  }[];
}

/** A value for a message placeholder; bigints print in decimal. */
export type MessageValue = string | number | bigint;

export interface Finding {
  /** A key of the rule's `meta.messages`: the finding's wording is that template filled with `data`. */
  messageId: string;
  data?: Record<string, MessageValue>;
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

/**
 * Fills a message template: `{name}` becomes `data.name`. A placeholder without a value is a
 * programming error and is kept visibly as `{name}` (the docs test would show it).
 */
export function formatMessage(template: string, data: Record<string, MessageValue> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

/** The text of a finding of `rule`: its message template filled with its data. */
export function messageOf(meta: RuleMeta, f: Pick<Finding, 'messageId' | 'data'>): string {
  const template = Object.hasOwn(meta.messages, f.messageId) ? meta.messages[f.messageId] : undefined;
  // A missing template is a rule bug; say so in the message rather than crash the analysis.
  if (template === undefined) return `${meta.code}: (no message '${f.messageId}')`;
  return formatMessage(template, f.data);
}
