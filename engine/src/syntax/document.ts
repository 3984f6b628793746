// A parsed .hvtrace document. Lines are parsed independently, so an edit re-parses only the lines
// it touched (the language server relies on this for big files). A new document parses each line
// the first time it is read, so the first replay — which runs in chunks — also does the parsing.
import type { LineNode } from './ast';
import { parseLine } from './parseLine';

export interface TextPosition { line: number; character: number }
export interface TextEdit { start: TextPosition; end: TextPosition; text: string }

const EOL = /\r\n|\r|\n/;

/**
 * Parsed lines kept at most (about 1.3 KB each). Below this every line stays parsed; above it the
 * lines parsed longest ago are dropped and parsed again when read, which bounds the memory of very
 * large traces (a replay reads lines in order, so it drops the ones it has passed).
 */
export const DEFAULT_PARSED_LINE_CAPACITY = 250_000;

export class TraceDocument {
  private texts: string[];
  /** Parsed lines; a hole is a line not read yet (or dropped). */
  private nodes: (LineNode | undefined)[];
  private cached = 0;
  /** Where the next eviction scan starts. */
  private evictAt = 0;
  /** How many lines have been parsed since creation (tests check that edits stay local). */
  parsedLines = 0;

  constructor(text: string, private readonly capacity = DEFAULT_PARSED_LINE_CAPACITY) {
    this.texts = splitLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
    this.nodes = new Array<LineNode | undefined>(this.texts.length);
  }

  get lineCount(): number { return this.texts.length; }
  text(line: number): string { return this.texts[line] ?? ''; }
  node(line: number): LineNode {
    if (line < 0 || line >= this.texts.length) return { kind: 'empty' };
    const cached = this.nodes[line];
    if (cached) return cached;
    const node = this.parse(this.texts[line]);
    this.nodes[line] = node;
    if (++this.cached > this.capacity) this.evict(line);
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

  /** Drops a tenth of the capacity, scanning forward from where the last scan stopped. */
  private evict(keep: number): void {
    const target = this.capacity - Math.ceil(this.capacity / 10);
    while (this.cached > target) {
      if (this.evictAt >= this.nodes.length) this.evictAt = 0;
      if (this.evictAt !== keep && this.nodes[this.evictAt] !== undefined) {
        this.nodes[this.evictAt] = undefined;
        this.cached--;
      }
      this.evictAt++;
    }
  }
  get allNodes(): readonly LineNode[] { return this.texts.map((_, i) => this.node(i)); }
  getText(): string { return this.texts.join('\n'); }

  /**
   * Applies an edit (LSP-style range, end exclusive) and returns the first line whose content or
   * position changed, and how many lines were inserted (negative: removed).
   */
  applyEdit(edit: TextEdit): { firstLine: number; lineDelta: number } {
    const last = this.texts.length - 1;
    const startLine = clamp(edit.start.line, 0, last);
    const endLine = clamp(edit.end.line, startLine, last);
    // A position past the last line is the end of the document (as in LSP).
    const prefix = edit.start.line > last ? this.texts[last] : this.texts[startLine].slice(0, edit.start.character);
    const suffix = edit.end.line > last ? '' : this.texts[endLine].slice(edit.end.character);
    const replacement = splitLines(prefix + edit.text + suffix);
    this.texts.splice(startLine, endLine - startLine + 1, ...replacement);
    const removed = this.nodes.splice(startLine, endLine - startLine + 1, ...replacement.map((t) => this.parse(t)));
    this.cached += replacement.length - removed.filter((n) => n !== undefined).length;
    return { firstLine: startLine, lineDelta: replacement.length - (endLine - startLine + 1) };
  }

  private parse(text: string): LineNode {
    this.parsedLines++;
    return parseLine(text);
  }
}

function splitLines(text: string): string[] {
  return text.split(EOL);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), Math.max(lo, hi));
