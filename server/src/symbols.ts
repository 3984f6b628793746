// textDocument/documentSymbol and textDocument/foldingRange: hosts, VMs with their instances and
// vCPUs, and the trace's life-cycle sections (pauses, migrations, …), which also fold.
import {
  FoldingRangeKind,
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type FoldingRange,
  type FoldingRangeParams,
} from 'vscode-languageserver/node';
import {
  foldingRanges as engineFolding,
  outline,
  type OutlineKind,
  type OutlineSymbol,
} from '../../engine/src/editor/index';
import { toLspRange } from './diagnostics';
import type { DocumentStore, TraceDoc } from './documents';

const KIND: Record<OutlineKind, SymbolKind> = {
  host: SymbolKind.Namespace,
  vm: SymbolKind.Class,
  instance: SymbolKind.Object,
  vcpu: SymbolKind.Field,
  section: SymbolKind.Event,
};

function toSymbol(doc: TraceDoc, s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: KIND[s.kind],
    range: toLspRange(doc, s.range),
    selectionRange: toLspRange(doc, s.selectionRange),
    children: s.children.map((c) => toSymbol(doc, c)),
  };
}

export function documentSymbols(store: DocumentStore, params: DocumentSymbolParams): DocumentSymbol[] | null {
  const doc = store.get(params.textDocument.uri);
  return doc ? outline(doc.analysis.doc).map((s) => toSymbol(doc, s)) : null;
}

export function foldingRanges(store: DocumentStore, params: FoldingRangeParams): FoldingRange[] | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  return engineFolding(doc.analysis.doc).map((f) => ({
    startLine: f.startLine,
    endLine: f.endLine,
    kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
  }));
}
