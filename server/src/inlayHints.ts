// textDocument/inlayHint: the guest counter after state-changing statements and the guest-time
// discontinuity at resume points, for the visible range; off with `hvtimer.inlayHints.enabled`.
import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver/node';
import { inlayHints as engineHints } from '../../engine/src/editor/index';
import { lspCharacter, type DocumentStore } from './documents';

export function inlayHints(store: DocumentStore, params: InlayHintParams): InlayHint[] | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  if (!doc.settings.inlayHints) return [];
  const last = Math.min(params.range.end.line, doc.analysis.doc.lineCount - 1);
  return engineHints(doc.analysis, params.range.start.line, last).map((h) => ({
    position: { line: h.line, character: lspCharacter(doc, h.line, h.character) },
    label: h.label,
    tooltip: h.tooltip,
    kind: InlayHintKind.Type,
    paddingLeft: true,
  }));
}
