// textDocument/definition: from a statement to the statement that set the offset (or kvmclock, or
// PV-time address) it depends on; host and VM names to their directives.
// textDocument/references: from such a write to every statement it affects (scanned in chunks,
// cancellable).
import type { CancellationToken, DefinitionParams, Location, ReferenceParams } from 'vscode-languageserver/node';
import { definitionAt, ReferenceScanner, type Location as EngineLocation } from '../../engine/src/editor/index';
import { inChunks } from './async';
import { engineCharacter, lspCharacter, type DocumentStore, type TraceDoc } from './documents';

const toLocation = (doc: TraceDoc, l: EngineLocation): Location => ({
  uri: doc.uri,
  range: {
    start: { line: l.line, character: lspCharacter(doc, l.line, l.start) },
    end: { line: l.line, character: lspCharacter(doc, l.line, l.end) },
  },
});

export function definition(store: DocumentStore, params: DefinitionParams): Location[] | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const { line, character } = params.position;
  if (line >= doc.analysis.doc.lineCount) return [];
  return definitionAt(doc.analysis, line, engineCharacter(doc, line, character)).map((l) => toLocation(doc, l));
}

export async function references(
  store: DocumentStore,
  params: ReferenceParams,
  token: CancellationToken,
): Promise<Location[] | null> {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const line = params.position.line;
  const analysis = doc.analysis;
  const version = doc.version;
  if (line >= analysis.doc.lineCount) return [];
  const node = analysis.doc.node(line);
  if (node.kind !== 'statement') return [];
  const scanner = new ReferenceScanner(analysis, line);
  if (!scanner.setsAnything()) return [];
  await inChunks(
    line + 1,
    analysis.doc.lineCount - 1,
    (from, to) => scanner.scan(from, to),
    token,
    () => doc.version === version && doc.analysis === analysis,
  );
  const self = params.context.includeDeclaration
    ? [{ line, start: node.statement.span.start, end: node.statement.span.end }]
    : [];
  return [...self, ...scanner.found].map((l) => toLocation(doc, l));
}
