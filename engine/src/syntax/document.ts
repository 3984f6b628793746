// A parsed .hvtrace document. Lines are parsed independently, so an edit re-parses only the lines
// it touched (the language server relies on this for big files). A new document parses each line
// the first time it is read, so the first replay — which runs in chunks — also does the parsing.
import type { LineNode } from './ast';
import { parseLine } from './parseLine';

export interface TextPosition { line: number; character: number }
export interface TextEdit { start: TextPosition; end: TextPosition; text: string }

const EOL = /\r\n|\r|\n/;

export class TraceDocument {
  private texts: string[];
  /** Parsed lines; a hole is a line not read yet. */
  private nodes: (LineNode | undefined)[];
  /** How many lines have been parsed since creation (tests check that edits stay local). */
  parsedLines = 0;

  constructor(text: string) {
    this.texts = splitLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
    this.nodes = new Array<LineNode | undefined>(this.texts.length);
  }

  get lineCount(): number { return this.texts.length; }
  text(line: number): string { return this.texts[line] ?? ''; }
  node(line: number): LineNode {
    if (line < 0 || line >= this.texts.length) return { kind: 'empty' };
    return this.nodes[line] ?? (this.nodes[line] = this.parse(this.texts[line]));
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
    this.nodes.splice(startLine, endLine - startLine + 1, ...replacement.map((t) => this.parse(t)));
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
