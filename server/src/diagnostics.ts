// Engine diagnostics as LSP diagnostics: severity, the code with a link to its documentation page
// inside the installed extension, related information, tags.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Range as LspRange,
} from 'vscode-languageserver/node';
import { docsPagePath, type Diagnostic, type Range, type Severity } from '../../engine/src/index';
import { lspCharacter, type TraceDoc } from './documents';

/** The extension's root: the server bundle is dist/server.js. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** file: URI of a code's documentation page (docs/diagnostics/CODE.md in the extension). */
export const docsHref = (code: string): string => pathToFileURL(path.join(PACKAGE_ROOT, docsPagePath(code))).href;

/**
 * file: URI of a docs page of the extension and its section (`docs/timers.md#t2-model`). (The VS Code client opens
 * these links rendered and read-only, in the Markdown preview: client/src/docs.ts.)
 */
export const docsLink = (docPath: string): string => {
  const [file, anchor] = docPath.split('#');
  return `${pathToFileURL(path.join(PACKAGE_ROOT, file)).href}${anchor ? `#${anchor}` : ''}`;
};

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const TAGS = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated } as const;

export function toLspRange(doc: TraceDoc, r: Range): LspRange {
  return {
    start: { line: r.start.line, character: lspCharacter(doc, r.start.line, r.start.character) },
    end: { line: r.end.line, character: lspCharacter(doc, r.end.line, r.end.character) },
  };
}

export function toLspDiagnostic(doc: TraceDoc, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toLspRange(doc, d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: docsHref(d.code) },
    source: 'hvtimer',
    message: d.message,
  };
  if (d.related.length)
    out.relatedInformation = d.related.map((r) => ({
      location: { uri: doc.uri, range: toLspRange(doc, r.range) },
      message: r.message,
    }));
  if (d.tags.length) out.tags = d.tags.map((t) => TAGS[t]);
  return out;
}

export function publish(connection: Connection, doc: TraceDoc, diagnostics: readonly Diagnostic[]): void {
  void connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: diagnostics.map((d) => toLspDiagnostic(doc, d)),
  });
}

export function clear(connection: Connection, uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] });
}
