// Entry point of the bundled language server (dist/server.js). Transport (--stdio / --node-ipc)
// is chosen by vscode-languageserver from the command line.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DiagnosticSeverity } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkText, type Severity } from '../../engine/src/index';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'hvtimer', version: '0.1.0' },
}));

function validate(doc: TextDocument): void {
  const diagnostics = checkText(doc.getText()).map((d) => ({
    range: d.range, severity: severities[d.severity], code: d.code, source: 'hvtimer', message: d.message,
  }));
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
documents.listen(connection);
connection.listen();
