// A parsed .hvtrace document. Lines are parsed independently, so an edit re-parses only the lines
// it touched (the language server relies on this for big files). A new document parses each line
// the first time it is read, so the first replay — which runs in chunks — also does the parsing.
import type { LineNode } from './ast';
import { parseLine } from './parseLine';
import { splice } from '../util/arrays';
import { MAX_LINE_LENGTH } from '../text/limits';

export interface TextPosition {
  line: number;
  character: number;
}
export interface TextEdit {
  start: TextPosition;
  end: TextPosition;
  text: string;
}

/** Line ends as LSP clients split them (vscode-languageserver-textdocument: CR, LF or CRLF). */
const EOL = /\r\n|\r|\n/g;

/** Replacements longer than this are parsed when read, not when pasted. */
const EAGER_PARSE_LINES = 1000;

/**
 * Parsed lines kept at most (about 1.3 KB each). Below this every line stays parsed; above it the
 * lines parsed longest ago are dropped and parsed again when read, which bounds the memory of very
 * large traces (a replay reads lines in order, so it drops the ones it has passed). Parsing is fast
 * (the statement scanner, about a microsecond a line), so a line dropped costs little to read again:
 * 50 000 lines (about 65 MB) instead of the 250 000 (325 MB) kept before issue #17.
 */
export const DEFAULT_PARSED_LINE_CAPACITY = 50_000;

/**
 * What a parsed line costs in the cache, in lines of up to 64 characters: a long line of many short
 * words parses into many objects, so it counts for more (the cache stays bounded in memory, not
 * only in lines, whatever the trace's lines look like).
 */
const lineCost = (text: string): number => 1 + (Math.min(text.length, MAX_LINE_LENGTH) >> 6);

export class TraceDocument {
  private texts: string[];
  /** The line end after each line: `\n`, `\r\n`, `\r`, or '' for the last line. */
  private eols: string[];
  /** Parsed lines; a hole is a line not read yet (or dropped). */
  private nodes: (LineNode | undefined)[];
  /** Cost (lineCost) of the parsed lines held. */
  private cached = 0;
  /** Where the next eviction scan starts. */
  private evictAt = 0;
  /** How many lines have been parsed since creation (tests check that edits stay local). */
  parsedLines = 0;
  /** The last line of the last edit's replacement (see applyEdit). */
  lastReplacedLine = 0;

  /** `parser` is parseLine; tests pass the reference parser to compare the fast path with it. */
  constructor(
    text: string,
    private readonly capacity = DEFAULT_PARSED_LINE_CAPACITY,
    private readonly parser: (text: string) => LineNode = parseLine,
  ) {
    ({ texts: this.texts, eols: this.eols } = splitLines(text.startsWith('\uFEFF') ? text.slice(1) : text));
    this.nodes = new Array<LineNode | undefined>(this.texts.length);
  }

  get lineCount(): number {
    return this.texts.length;
  }
  text(line: number): string {
    return this.texts[line] ?? '';
  }
  node(line: number): LineNode {
    if (line < 0 || line >= this.texts.length) return { kind: 'empty' };
    const cached = this.nodes[line];
    if (cached) return cached;
    const node = this.parse(this.texts[line]);
    this.nodes[line] = node;
    this.cached += lineCost(this.texts[line]);
    if (this.cached > this.capacity) this.evict(line);
    return node;
  }

  /**
   * A line read by a sweep over the document (the timeline index, a range replay): like `node`
   * while the cache has room, but once it is full a line that is not cached is parsed and not
   * kept, so a sweep over a huge document leaves the cache (the lines an edit or a hover will
   * want) alone and its parses die young instead of filling the old generation.
   */
  sweep(line: number): LineNode {
    if (this.cached < this.capacity || line < 0 || line >= this.texts.length) return this.node(line);
    return this.nodes[line] ?? this.parse(this.texts[line]);
  }

  /**
   * A line read by a replay over a document larger than the cache (Analysis): the cached tree if
   * there is one, else parsed and not kept (issue #17). Kept trees would be promoted, and the first
   * thousands kept would teach V8 that the parser's objects live long (allocation-site
   * pretenuring): every later tree would then be made in the old generation, and a million-line
   * replay would spend a third of its time collecting them.
   */
  peek(line: number): LineNode {
    if (line < 0 || line >= this.texts.length) return this.node(line);
    return this.nodes[line] ?? this.parse(this.texts[line]);
  }

  /** Whether the whole document fits the cache of parsed lines (else replays `peek`). */
  get fitsCache(): boolean {
    return this.texts.length <= this.capacity;
  }

  /** Drops a tenth of the capacity, scanning forward from where the last scan stopped. */
  private evict(keep: number): void {
    const target = this.capacity - Math.ceil(this.capacity / 10);
    // At most one pass over the lines (the line being read stays, whatever it costs).
    for (let scanned = 0; this.cached > target && scanned <= this.nodes.length; scanned++) {
      if (this.evictAt >= this.nodes.length) this.evictAt = 0;
      if (this.evictAt !== keep && this.nodes[this.evictAt] !== undefined) {
        this.nodes[this.evictAt] = undefined;
        this.cached -= lineCost(this.texts[this.evictAt]);
      }
      this.evictAt++;
    }
  }
  get allNodes(): readonly LineNode[] {
    return this.texts.map((_, i) => this.node(i));
  }
  /** The text with its original line ends (what the client's document holds, without a BOM). */
  getText(): string {
    let out = '';
    for (let i = 0; i < this.texts.length; i++) out += this.texts[i] + this.eols[i];
    return out;
  }

  /**
   * Applies an edit (LSP-style range, end exclusive) and returns the first line whose content or
   * position changed, and how many lines were inserted (negative: removed). `lastReplacedLine` is
   * then the last line of the replacement (with no lines inserted or removed, the lines after it
   * are unchanged). The result is the
   * text vscode-languageserver-textdocument's `TextDocument.update` makes of the same change (the
   * client's document): a reversed range is swapped, a position before the first line is the start
   * of the document, past the last line its end, a character outside its line is clamped into it,
   * and a CR and an LF that the edit brings together become one CRLF line end.
   */
  applyEdit(edit: TextEdit): { firstLine: number; lineDelta: number } {
    const reversed =
      edit.start.line > edit.end.line ||
      (edit.start.line === edit.end.line && edit.start.character > edit.end.character);
    const start = this.resolve(reversed ? edit.end : edit.start);
    const end = this.resolve(reversed ? edit.start : edit.end);
    const startLine = start.line;
    const endLine = end.line;
    let text =
      this.texts[startLine].slice(0, start.character) +
      edit.text +
      this.texts[endLine].slice(end.character) +
      this.eols[endLine];
    // The previous line ends in a lone CR and the new text starts with LF: one CRLF line end.
    const joinsPrevious = startLine > 0 && this.eols[startLine - 1] === '\r' && text.startsWith('\n');
    if (joinsPrevious) {
      this.eols[startLine - 1] = '\r\n';
      text = text.slice(1);
    }
    const replacement = splitLines(text);
    // The text ends with the last replaced line's end: the empty piece after it belongs to the next line.
    if (this.eols[endLine] !== '' && replacement.texts.length > 0) {
      replacement.texts.pop();
      replacement.eols.pop();
    }
    const count = endLine - startLine + 1;
    const texts = splice(this.texts, startLine, count, replacement.texts);
    this.texts = texts.array;
    this.eols = splice(this.eols, startLine, count, replacement.eols).array;
    const eager = replacement.texts.length <= EAGER_PARSE_LINES;
    const parsed = eager
      ? replacement.texts.map((t) => this.parse(t))
      : new Array<LineNode | undefined>(replacement.texts.length).fill(undefined);
    const { array: nodes, removed } = splice(this.nodes, startLine, count, parsed);
    this.nodes = nodes;
    removed.forEach((n, i) => {
      if (n !== undefined) this.cached -= lineCost(texts.removed[i]);
    });
    if (eager) for (const t of replacement.texts) this.cached += lineCost(t);
    this.lastReplacedLine = startLine + Math.max(0, replacement.texts.length - 1);
    return { firstLine: startLine, lineDelta: replacement.texts.length - count };
  }

  /** A position of the client's document as a line and a character inside that line's text. */
  private resolve(p: TextPosition): TextPosition {
    const last = this.texts.length - 1;
    if (p.line < 0) return { line: 0, character: 0 };
    if (p.line > last) return { line: last, character: this.texts[last].length };
    return { line: p.line, character: clamp(p.character, 0, this.texts[p.line].length) };
  }

  private parse(text: string): LineNode {
    this.parsedLines++;
    return this.parser(text);
  }
}

/** Lines and the line end after each (the last line's is ''). */
function splitLines(text: string): { texts: string[]; eols: string[] } {
  const texts: string[] = [];
  const eols: string[] = [];
  let from = 0;
  EOL.lastIndex = 0;
  for (let m = EOL.exec(text); m; m = EOL.exec(text)) {
    texts.push(text.slice(from, m.index));
    eols.push(m[0]);
    from = m.index + m[0].length;
  }
  texts.push(text.slice(from));
  eols.push('');
  return { texts, eols };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), Math.max(lo, hi));
