// textDocument/semanticTokens: what the TextMate grammar cannot know — a host used before (or
// without) its @host directive, known ids written as numbers, proposed APIs.
import {
  SemanticTokensBuilder,
  type SemanticTokens,
  type SemanticTokensLegend,
  type SemanticTokensParams,
  type SemanticTokensRangeParams,
} from 'vscode-languageserver/node';
import { semanticTokens as engineTokens, type SemanticToken, type TokenKind } from '../../engine/src/editor/index';
import { lspCharacter, type DocumentStore } from './documents';

// Standard token types only (the manifest contributes no custom ones): an undeclared host is a
// `variable`, so it does not look like the declared hosts (`namespace`).
const TYPES = ['namespace', 'variable', 'class', 'property', 'function', 'enumMember'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary', 'deprecated'] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_OF: Record<TokenKind, (typeof TYPES)[number]> = {
  host: 'namespace',
  undeclaredHost: 'variable',
  vm: 'class',
  vcpu: 'property',
  ioctl: 'function',
  register: 'enumMember',
  msr: 'enumMember',
};

function modifiers(t: SemanticToken): number {
  let m = 0;
  if (t.declaration) m |= 1 << MODIFIERS.indexOf('declaration');
  if (t.decoded) m |= 1 << MODIFIERS.indexOf('defaultLibrary');
  if (t.proposed) m |= 1 << MODIFIERS.indexOf('deprecated');
  return m;
}

function build(store: DocumentStore, uri: string, from?: number, to?: number): SemanticTokens | null {
  const doc = store.get(uri);
  if (!doc) return null;
  const b = new SemanticTokensBuilder();
  const tokens = engineTokens(doc.analysis.doc, from, to).sort((x, y) => x.line - y.line || x.start - y.start);
  for (const t of tokens)
    b.push(t.line, lspCharacter(doc, t.line, t.start), t.length, TYPES.indexOf(TYPE_OF[t.kind]), modifiers(t));
  return b.build();
}

export const semanticTokensFull = (store: DocumentStore, params: SemanticTokensParams): SemanticTokens | null =>
  build(store, params.textDocument.uri);
export const semanticTokensRange = (store: DocumentStore, params: SemanticTokensRangeParams): SemanticTokens | null =>
  build(store, params.textDocument.uri, params.range.start.line, params.range.end.line);
