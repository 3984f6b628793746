// textDocument/codeAction: for each hvtimer diagnostic its mechanical fixes (the engine's fixes
// query, plus any fix a rule attached; the first is preferred), "Fix all HVTnnn in the file" when
// the code appears more than once, and "Disable HVTnnn for this line"; and, when asked for
// `source.fixAll` (or `source.fixAll.hvtimer`, e.g. by `editor.codeActionsOnSave`), one action
// that applies every fix of the file in passes (engine/src/editor/fixes/fixAll.ts). Every action is
// a WorkspaceEdit the user applies and can undo; the server never writes to the file. The fix-all
// edits are computed when the action is chosen (codeAction/resolve) where the client can resolve.
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Fix } from '../../engine/src/index';
import { disableLineFix, fixAll, fixesFor } from '../../engine/src/editor/index';
import { lspCharacter, type DocumentStore, type TraceDoc } from './documents';

export interface CodeActionOptions {
  documentChanges: boolean;
  /** The client resolves a code action's `edit` lazily (codeAction/resolve). */
  resolveEdits: boolean;
}

/** The kind of the fix-all action: VS Code runs it for `"editor.codeActionsOnSave": { "source.fixAll": … }`. */
export const SOURCE_FIX_ALL_HVTIMER = `${CodeActionKind.SourceFixAll}.hvtimer`;

/** What a fix-all action carries until it is resolved. */
interface FixAllData {
  uri: string;
  version: number;
  codes?: string[];
}

const eolOf = (doc: TraceDoc): string => (doc.text.getText().includes('\r\n') ? '\r\n' : '\n');

/** Whole-line engine edits as LSP text edits on the current text. */
export function toTextEdits(doc: TraceDoc, fix: Fix): TextEdit[] {
  const d = doc.analysis.doc;
  const eol = eolOf(doc);
  const len = (line: number): number => lspCharacter(doc, line, d.text(line).length);
  const last = d.lineCount - 1;
  return fix.edits.map((e): TextEdit => {
    if (e.insertBefore) {
      if (e.line <= last)
        return {
          range: {
            start: { line: e.line, character: lspCharacter(doc, e.line, 0) },
            end: { line: e.line, character: lspCharacter(doc, e.line, 0) },
          },
          newText: `${e.newText}${eol}`,
        };
      return {
        range: { start: { line: last, character: len(last) }, end: { line: last, character: len(last) } },
        newText: `${eol}${e.newText}`,
      };
    }
    if (e.delete) {
      if (e.line < last)
        return {
          range: {
            start: { line: e.line, character: lspCharacter(doc, e.line, 0) },
            end: { line: e.line + 1, character: 0 },
          },
          newText: '',
        };
      if (e.line > 0)
        return {
          range: {
            start: { line: e.line - 1, character: len(e.line - 1) },
            end: { line: e.line, character: len(e.line) },
          },
          newText: '',
        };
    }
    return {
      range: {
        start: { line: e.line, character: lspCharacter(doc, e.line, 0) },
        end: { line: e.line, character: len(e.line) },
      },
      newText: e.delete ? '' : e.newText,
    };
  });
}

function workspaceEdit(doc: TraceDoc, edits: TextEdit[], options: CodeActionOptions): WorkspaceEdit {
  return options.documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, edits)] }
    : { changes: { [doc.uri]: edits } };
}

/** The fix-all result as one edit of the block of lines that changed (none when nothing did). */
function fixAllEdits(doc: TraceDoc, codes: string[] | undefined): TextEdit[] {
  const d = doc.analysis.doc;
  const { change } = fixAll(doc.analysis, {
    codes,
    analysisOptions: { tolerance: doc.settings.tolerance, severity: doc.settings.severity },
  });
  if (!change) return [];
  const eol = eolOf(doc);
  const n = d.lineCount;
  const len = (line: number): number => lspCharacter(doc, line, d.text(line).length);
  const at = (line: number, character: number): { line: number; character: number } => ({ line, character });
  if (change.end < n)
    return [
      {
        range: { start: at(change.start, lspCharacter(doc, change.start, 0)), end: at(change.end, 0) },
        newText: change.replacement.map((l) => `${l}${eol}`).join(''),
      },
    ];
  // The change reaches the last line: no line break after it.
  if (change.start === n)
    return [
      {
        range: { start: at(n - 1, len(n - 1)), end: at(n - 1, len(n - 1)) },
        newText: change.replacement.map((l) => `${eol}${l}`).join(''),
      },
    ];
  if (change.replacement.length === 0 && change.start > 0)
    return [{ range: { start: at(change.start - 1, len(change.start - 1)), end: at(n - 1, len(n - 1)) }, newText: '' }];
  return [
    {
      range: { start: at(change.start, lspCharacter(doc, change.start, 0)), end: at(n - 1, len(n - 1)) },
      newText: change.replacement.join(eol),
    },
  ];
}

function fixAllAction(
  doc: TraceDoc,
  title: string,
  kind: string,
  codes: string[] | undefined,
  options: CodeActionOptions,
  eager: boolean,
): CodeAction | undefined {
  const data: FixAllData = { uri: doc.uri, version: doc.version, codes };
  if (options.resolveEdits && !eager) return { title, kind, data };
  const edits = fixAllEdits(doc, codes);
  return edits.length ? { title, kind, edit: workspaceEdit(doc, edits, options) } : undefined;
}

/** How many findings of `code` have a fix (counting stops at `limit`). */
function fixableCount(
  doc: TraceDoc,
  diags: readonly { code: string; range: { start: { line: number } }; fixes: Fix[] }[],
  code: string,
  limit: number,
): number {
  let n = 0;
  for (const d of diags) {
    if (d.code !== code) continue;
    if (d.fixes.length || fixesFor(doc.analysis, code, d.range.start.line).length) n++;
    if (n >= limit) break;
  }
  return n;
}

const wants = (only: string[] | undefined, kind: string): boolean =>
  !only || only.some((k) => k === '' || k === kind || kind.startsWith(`${k}.`));

export function codeActions(
  store: DocumentStore,
  params: CodeActionParams,
  options: CodeActionOptions,
): CodeAction[] | null {
  const doc = store.get(params.textDocument.uri);
  if (!doc) return null;
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (only && wants(only, SOURCE_FIX_ALL_HVTIMER)) {
    // Asked for explicitly (on save, or "Fix All"): computed now, so the client can apply it at once.
    const a = fixAllAction(
      doc,
      'Fix all hvtimer problems in the file',
      SOURCE_FIX_ALL_HVTIMER,
      undefined,
      options,
      true,
    );
    if (a) actions.push(a);
  }
  if (!wants(only, CodeActionKind.QuickFix)) return actions;
  const engineDiags = store.readyDiagnostics(doc) ?? [];
  const offeredFixAll = new Set<string>();
  for (const diag of params.context.diagnostics) {
    if (diag.source !== 'hvtimer' || typeof diag.code !== 'string') continue;
    const code = diag.code;
    const line = diag.range.start.line;
    const attached = engineDiags.find((e) => e.code === code && e.range.start.line === line)?.fixes ?? [];
    const fixes = [...attached];
    for (const f of fixesFor(doc.analysis, code, line)) if (!fixes.some((x) => x.title === f.title)) fixes.push(f);
    fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diag],
        isPreferred: i === 0,
        edit: workspaceEdit(doc, toTextEdits(doc, fix), options),
      });
    });
    if (fixes.length && !offeredFixAll.has(code) && fixableCount(doc, engineDiags, code, 2) > 1) {
      offeredFixAll.add(code);
      const a = fixAllAction(doc, `Fix all ${code} in the file`, CodeActionKind.QuickFix, [code], options, false);
      if (a) actions.push({ ...a, diagnostics: [diag] });
    }
    const disable = disableLineFix(doc.analysis, code, line);
    if (disable)
      actions.push({
        title: disable.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diag],
        edit: workspaceEdit(doc, toTextEdits(doc, disable), options),
      });
  }
  return actions;
}

/** codeAction/resolve: the edit of a fix-all action, for the document as it is now. */
export function resolveCodeAction(store: DocumentStore, action: CodeAction, options: CodeActionOptions): CodeAction {
  const data = action.data as FixAllData | undefined;
  if (!data || typeof data.uri !== 'string' || action.edit) return action;
  const doc = store.get(data.uri);
  if (!doc || doc.version !== data.version) return action;
  const edits = fixAllEdits(doc, data.codes);
  return edits.length ? { ...action, edit: workspaceEdit(doc, edits, options) } : action;
}
