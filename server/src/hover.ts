// textDocument/hover: the engine's hover markdown for the position (the editor shows a diagnostic
// on the line itself, above it: the hover does not repeat it).
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { hoverAt } from '../../engine/src/editor/index';
import { docsHref, docsLink } from './diagnostics';
import { engineCharacter, lspCharacter, type DocumentStore } from './documents';

export function hover(store: DocumentStore, params: HoverParams): Hover | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const { line, character } = params.position;
  const h = hoverAt(doc.analysis, line, engineCharacter(doc, line, character), { docsHref, docsLink });
  if (!h) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: {
      start: { line, character: lspCharacter(doc, line, h.span.start) },
      end: { line, character: lspCharacter(doc, line, h.span.end) },
    },
  };
}
