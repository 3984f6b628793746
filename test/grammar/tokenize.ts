// Test helper: loads syntaxes/hvtrace.tmLanguage.json with vscode-textmate + vscode-oniguruma (the
// same engine VS Code uses) and turns a line into [text, scopes] pairs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vsctm from 'vscode-textmate';
import type { IGrammar } from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export type Token = [text: string, scopes: string[]];

export const grammarPath = fileURLToPath(new URL('../../syntaxes/hvtrace.tmLanguage.json', import.meta.url));
const wasmPath = fileURLToPath(new URL('../../node_modules/vscode-oniguruma/release/onig.wasm', import.meta.url));

let grammarPromise: Promise<IGrammar> | undefined;

/** The compiled grammar (loaded once per test process). */
export function loadGrammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    const onigLib = oniguruma.loadWASM(readFileSync(wasmPath)).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        scopeName === 'source.hvtrace' ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
    });
    const grammar = await registry.loadGrammar('source.hvtrace');
    if (!grammar) throw new Error('grammar source.hvtrace did not load');
    return grammar;
  })();
  return grammarPromise;
}

/**
 * Tokenizes `text` (one or more lines, split on \n only so that a CRLF line keeps its \r) and
 * returns one array of tokens per line. Each token's scopes omit the root `source.hvtrace`;
 * with `keepMeta: false` the structural `meta.*` scopes are dropped too and adjacent tokens
 * whose remaining scopes are equal are merged.
 */
export async function tokenizeLines(text: string, keepMeta = false): Promise<Token[][]> {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const out: Token[][] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    const tokens: Token[] = [];
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece === '') continue;
      const scopes = t.scopes.filter((s) => s !== 'source.hvtrace' && (keepMeta || !s.startsWith('meta.')));
      const last = tokens[tokens.length - 1];
      if (!keepMeta && last && last[1].join(' ') === scopes.join(' ')) last[0] += piece;
      else tokens.push([piece, scopes]);
    }
    if (tokens.map((t) => t[0]).join('') !== line) throw new Error(`tokens do not cover ${JSON.stringify(line)}`);
    out.push(tokens);
  }
  return out;
}

/** Tokens of one line, without `source.hvtrace` and `meta.*` scopes. */
export async function tokenize(line: string): Promise<Token[]> {
  return (await tokenizeLines(line))[0]!;
}

/** Tokens of one line with their `meta.*` scopes (only `source.hvtrace` omitted). */
export async function tokenizeWithMeta(line: string): Promise<Token[]> {
  return (await tokenizeLines(line, true))[0]!;
}
