// textDocument/codeAction: quick fixes for hvtimer diagnostics whose fix is mechanical (the engine's
// fixes query, plus any fix a rule attached), as WorkspaceEdits the user applies (and can undo).
import { CodeActionKind, TextDocumentEdit, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver/node';
import type { Fix } from '../../engine/src/index';
import { fixesFor } from '../../engine/src/editor/index';
import { lspCharacter, type DocumentStore, type TraceDoc } from './documents';

export interface CodeActionOptions { documentChanges: boolean }

/** Whole-line engine edits as LSP text edits on the current text. */
export function toTextEdits(doc: TraceDoc, fix: Fix): TextEdit[] {
  const d = doc.analysis.doc;
  const eol = doc.text.getText().includes('\r\n') ? '\r\n' : '\n';
  const len = (line: number): number => lspCharacter(doc, line, d.text(line).length);
  const last = d.lineCount - 1;
  return fix.edits.map((e): TextEdit => {
    if (e.insertBefore) {
      if (e.line <= last) return { range: { start: { line: e.line, character: lspCharacter(doc, e.line, 0) }, end: { line: e.line, character: lspCharacter(doc, e.line, 0) } }, newText: `${e.newText}${eol}` };
      return { range: { start: { line: last, character: len(last) }, end: { line: last, character: len(last) } }, newText: `${eol}${e.newText}` };
    }
    if (e.delete) {
      if (e.line < last) return { range: { start: { line: e.line, character: lspCharacter(doc, e.line, 0) }, end: { line: e.line + 1, character: 0 } }, newText: '' };
      if (e.line > 0) return { range: { start: { line: e.line - 1, character: len(e.line - 1) }, end: { line: e.line, character: len(e.line) } }, newText: '' };
    }
    return { range: { start: { line: e.line, character: lspCharacter(doc, e.line, 0) }, end: { line: e.line, character: len(e.line) } }, newText: e.delete ? '' : e.newText };
  });
}

export function codeActions(store: DocumentStore, params: CodeActionParams, options: CodeActionOptions): CodeAction[] | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
  const engineDiags = store.readyDiagnostics(doc) ?? [];
  const actions: CodeAction[] = [];
  for (const diag of params.context.diagnostics) {
    if (diag.source !== 'hvtimer' || typeof diag.code !== 'string') continue;
    const line = diag.range.start.line;
    const attached = engineDiags.find((e) => e.code === diag.code && e.range.start.line === line)?.fixes ?? [];
    const fixes = [...attached];
    for (const f of fixesFor(doc.analysis, diag.code, line)) if (!fixes.some((x) => x.title === f.title)) fixes.push(f);
    fixes.forEach((fix, i) => {
      const edits = toTextEdits(doc, fix);
      actions.push({
        title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: i === 0,
        edit: options.documentChanges
          ? { documentChanges: [TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, edits)] }
          : { changes: { [doc.uri]: edits } },
      });
    });
  }
  return actions;
}
