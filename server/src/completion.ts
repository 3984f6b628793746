// textDocument/completion and textDocument/signatureHelp: the engine's completions (with the restore
// snippets when the client takes snippets) and the statement's argument pattern, in LSP terms.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type SignatureHelp,
  type SignatureHelpParams,
} from 'vscode-languageserver/node';
import { completionsAt, signatureHelpAt, type CompletionKind } from '../../engine/src/editor/index';
import { engineCharacter, lspCharacter, type DocumentStore } from './documents';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  function: CompletionItemKind.Function,
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  variable: CompletionItemKind.Variable,
  snippet: CompletionItemKind.Snippet,
  module: CompletionItemKind.Module,
  constant: CompletionItemKind.Constant,
};

/** Characters after which the editor asks for completion on its own. */
export const COMPLETION_TRIGGERS = [' ', '=', '/', '@'];
export const SIGNATURE_TRIGGERS = [' ', '='];

export function completion(
  store: DocumentStore,
  params: CompletionParams,
  options: { snippets: boolean },
): CompletionList | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const { line, character } = params.position;
  const c = completionsAt(doc.analysis, line, engineCharacter(doc, line, character));
  const range = {
    start: { line, character: lspCharacter(doc, line, c.replace.start) },
    end: { line, character: lspCharacter(doc, line, c.replace.end) },
  };
  const items: CompletionItem[] = [];
  for (const i of c.items) {
    if (i.snippet && !options.snippets) continue;
    items.push({
      label: i.label,
      kind: KIND[i.kind],
      detail: i.detail,
      documentation: i.documentation ? { kind: MarkupKind.Markdown, value: i.documentation } : undefined,
      textEdit: { range, newText: i.insertText ?? i.label },
      insertTextFormat: i.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: i.sortText,
      // A `key=` whose values can be listed: show them right away (VS Code's command).
      command: i.retrigger ? { title: 'values', command: 'editor.action.triggerSuggest' } : undefined,
    });
  }
  return { isIncomplete: false, items };
}

export function signatureHelp(store: DocumentStore, params: SignatureHelpParams): SignatureHelp | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const { line, character } = params.position;
  const s = signatureHelpAt(doc.analysis, line, engineCharacter(doc, line, character));
  if (!s) return null;
  return {
    signatures: [
      {
        label: s.label,
        documentation: { kind: MarkupKind.Markdown, value: s.documentation },
        parameters: s.parameters.map((p) => ({ label: p.label, documentation: p.documentation })),
      },
    ],
    activeSignature: 0,
    activeParameter: s.activeParameter < 0 ? undefined : s.activeParameter,
  };
}
