// Editor features over an Analysis: hover, inlay hints, the discontinuity at resume points (inlay
// hints and code lenses), outline and folding, go to definition and references, quick fixes and
// semantic tokens, completion, signature help and snippets. Plain data out; the language server
// maps it to LSP.
export { hoverAt, type HoverOptions, type HoverResult } from './hover';
export { inlayHints, type InlayHint } from './inlayHints';
export { discontinuities, discontinuityOf, type Discontinuity } from './discontinuity';
export { outline, foldingRanges, type OutlineKind, type OutlineSymbol, type FoldingRange } from './outline';
export { definitionAt, ReferenceScanner, type Location } from './definitions';
export { fixesFor, disableLineFix, fixAll, FIXABLE_CODES, type Fix, type FixAllResult } from './fixes/index';
export { semanticTokens, type SemanticToken, type TokenKind } from './semanticTokens';
export { completionsAt, type Completions, type CompletionItem, type CompletionKind } from './completion';
export { signatureHelpAt, type SignatureHelp } from './signatureHelp';
export { SNIPPETS, expandSnippet, type Snippet } from './snippets';
