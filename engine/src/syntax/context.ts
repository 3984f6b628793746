// The argument reader used by the statement and directive parsers. Failures are thrown as
// ParseFailure (caught by parseLine, which never lets an exception escape) and become HVT090.
import type { Arg, Note, Result, Span, Tok } from './ast';
import type { Parsed } from '../values/parse';

export class ParseFailure {
  constructor(
    readonly span: Span,
    readonly message: string,
  ) {}
}

export type ValueParser<T> = (text: string) => Parsed<T>;

/** `expected X, found `Y`` with the offending text quoted as written. */
export function expectedFound(expected: string, found: string): string {
  return found === '' ? `expected ${expected}, found nothing` : `expected ${expected}, found \`${found}\``;
}

export function parseTok<T>(tok: Tok<string>, parser: ValueParser<T>, what?: string): Tok<T> {
  const r = parser(tok.value);
  if (!r.ok) throw new ParseFailure(tok.span, expectedFound(what ?? r.expected, tok.value));
  return { value: r.value, span: tok.span };
}

export class ArgReader {
  /** Which of `args` a parser has read (parallel to `args`; lines have few arguments). */
  private readonly used: boolean[];
  readonly notes: Note[] = [];

  /** `end` is the column just after the statement (where a missing argument is reported). */
  constructor(
    readonly args: Arg[],
    readonly result: Result | undefined,
    readonly opName: string,
    readonly end: number,
    repeatedKeys = false,
  ) {
    this.used = new Array<boolean>(args.length).fill(false);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (!a.key) continue;
      if (!repeatedKeys) {
        for (let j = 0; j < i; j++) {
          if (args[j].key?.value === a.key.value)
            throw new ParseFailure(a.key.span, `duplicate argument \`${a.key.value}=\``);
        }
      }
      if (a.value.value === '')
        throw new ParseFailure(
          { start: a.key.span.start, end: a.span.end },
          expectedFound(`a value after \`${a.key.value}=\``, ''),
        );
    }
  }

  private mark(a: Arg): void {
    const i = this.args.indexOf(a);
    if (i >= 0) this.used[i] = true;
  }

  private keyed(key: string): Arg | undefined {
    for (let i = 0; i < this.args.length; i++) {
      if (this.args[i].key?.value === key) {
        this.used[i] = true;
        return this.args[i];
      }
    }
    return undefined;
  }

  optional<T>(key: string, parser: ValueParser<T>, what?: string): Tok<T> | undefined {
    const a = this.keyed(key);
    return a ? parseTok(a.value, parser, what) : undefined;
  }

  required<T>(key: string, parser: ValueParser<T>, example: string, what?: string): Tok<T> {
    const a = this.keyed(key);
    if (!a)
      throw new ParseFailure(
        { start: this.end, end: this.end },
        `${this.opName} needs \`${key}=\`: expected ${example}`,
      );
    return parseTok(a.value, parser, what);
  }

  /** Marks arguments as consumed by a parser that reads `args` directly. */
  take(...args: Arg[]): void {
    for (const a of args) this.mark(a);
  }

  /** Positional (key-less) arguments in order, all marked as used. */
  positionals(): Tok<string>[] {
    const out: Tok<string>[] = [];
    for (let i = 0; i < this.args.length; i++)
      if (!this.args[i].key) {
        this.used[i] = true;
        out.push(this.args[i].value);
      }
    return out;
  }

  /** Arguments with keys, all marked as used (for `MSR=VALUE` lists). */
  takeKeyed(): Arg[] {
    const out: Arg[] = [];
    for (let i = 0; i < this.args.length; i++)
      if (this.args[i].key) {
        this.used[i] = true;
        out.push(this.args[i]);
      }
    return out;
  }

  /** The result (or its entries) a parser has read; made on first use (most statements have no result). */
  private resultUsed?: Set<unknown>;
  private useResult(x: unknown): void {
    (this.resultUsed ??= new Set()).add(x);
  }

  /** A single `-> VALUE` result, if the statement has one. */
  resultValue<T>(parser: ValueParser<T>, what?: string): Tok<T> | undefined {
    if (!this.result) return undefined;
    if (this.result.kind === 'value') {
      this.useResult(this.result);
      return parseTok(this.result.value, parser, what);
    }
    if (this.result.kind === 'named')
      throw new ParseFailure(this.result.span, `${this.opName} returns a single value: expected \`-> VALUE\``);
    return undefined;
  }

  /** A named output of `-> name=value ...`. */
  resultNamed<T>(key: string, parser: ValueParser<T>, what?: string): Tok<T> | undefined {
    if (this.result?.kind === 'value')
      throw new ParseFailure(
        this.result.span,
        `${this.opName} returns named outputs: expected \`-> ${key}=VALUE ...\``,
      );
    if (this.result?.kind !== 'named') return undefined;
    const e = this.result.entries.find((x) => x.key?.value === key);
    if (e) this.useResult(e);
    return e ? parseTok(e.value, parser, what) : undefined;
  }

  /** All `-> name=value` outputs, marked as read (for `MSR=VALUE` lists). */
  takeResultEntries(): Arg[] {
    if (this.result?.kind !== 'named') return [];
    for (const e of this.result.entries) this.useResult(e);
    return this.result.entries;
  }

  /** Unused arguments are kept but reported as unknown names (real logs carry extra fields). */
  finish(): void {
    for (let i = 0; i < this.args.length; i++) {
      if (this.used[i]) continue;
      const a = this.args[i];
      this.notes.push({
        code: 'HVT091',
        span: a.span,
        message: a.key
          ? `unknown argument \`${a.key.value}=\` for ${this.opName}; ignored`
          : `unexpected argument \`${a.value.value}\` for ${this.opName}; ignored`,
      });
    }
    // A result the operation does not return is kept but reported; `-> 0` is plain success.
    const r = this.result;
    if (r?.kind === 'value' && !this.resultUsed?.has(r) && r.value.value !== '0') {
      this.notes.push({
        code: 'HVT091',
        span: r.value.span,
        message: `${this.opName} returns no value; \`-> ${r.value.value}\` ignored`,
      });
    }
    if (r?.kind === 'named') {
      for (const e of r.entries) {
        if (!this.resultUsed?.has(e))
          this.notes.push({
            code: 'HVT091',
            span: e.span,
            message: `unknown output \`${e.key!.value}=\` for ${this.opName}; ignored`,
          });
      }
    }
  }
}
