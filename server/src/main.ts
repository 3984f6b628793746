// Entry point of the bundled language server (dist/server.js): a thin adapter from LSP to the
// engine. Transport (--stdio / --node-ipc) is chosen by vscode-languageserver from the command line.
// Every handler is guarded: a failure is logged and answered with an empty result, never fatal.
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import {
  REPLAY_STATS,
  REPORT,
  STATE_AT,
  STATE_CHANGE,
  TIMELINE_OVERVIEW,
  TIMELINE_WINDOW,
  type CustomMethod,
  type ParamsOf,
  type ResultOf,
} from '../../protocol/requests';
import { codeActions, resolveCodeAction, SOURCE_FIX_ALL_HVTIMER } from './codeActions';
import { completion, COMPLETION_TRIGGERS, signatureHelp, SIGNATURE_TRIGGERS } from './completion';
import { codeLenses } from './codeLens';
import { onCustomRequest, type CustomRequestHandler } from './customRequest';
import { replayStats, stateAt } from './customRequests';
import { definition, references } from './definition';
import { CONVERT_CAPTURE } from '../../protocol/capture';
import { convertCaptureRequest, throughCapture, publishCapture } from './captures';
import { clear, publish } from './diagnostics';
import { DocumentStore } from './documents';
import { registerLargeFiles } from './largeFiles';
import { refusedDuringReplay, tooFarAhead } from './replayGuard';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { LEGEND, semanticTokensFull, semanticTokensRange } from './semanticTokens';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from './settings';
import { documentSymbols, foldingRanges } from './symbols';
import { reportRequest, stateChangeRequest, timelineOverviewRequest, timelineWindowRequest } from './timelineRequests';
import { rideAlong } from './timelineIndexes';

const connection = createConnection(ProposedFeatures.all);
const log = (message: string): void => connection.console.log(message);
const logError = (what: string, err: unknown): void =>
  connection.console.error(
    `hvtimer: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );

process.on('uncaughtException', (err) => logError('uncaught exception', err));
process.on('unhandledRejection', (err) => logError('unhandled promise', err));

const client = {
  configuration: false,
  configurationRegistration: false,
  inlayRefresh: false,
  codeLensRefresh: false,
  documentChanges: false,
  resolveEdits: false,
  snippets: false,
};
let globalSettings: Settings = DEFAULT_SETTINGS;

async function settingsFor(uri: string): Promise<Settings> {
  if (!client.configuration) return globalSettings;
  const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'hvtimer' });
  return parseSettings(raw, (m) => connection.console.warn(m));
}

const store = new DocumentStore(connection, {
  replayed: (doc) => {
    if (doc.capture) publishCapture(connection, doc, doc.capture, doc.replayed!.diagnostics);
    else publish(connection, doc, doc.replayed!.diagnostics);
    if (refusedDuringReplay(doc)) refreshViews();
  },
  closed: (uri) => clear(connection, uri),
  analysed: rideAlong,
  settingsFor,
});

/** Asks the client for inlay hints and code lenses again (requests answered empty during a replay). */
function refreshViews(): void {
  if (client.inlayRefresh) void connection.languages.inlayHint.refresh();
  if (client.codeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh');
}

/** Wraps a request handler: errors other than LSP response errors are logged and answered with `fallback`. */
function guard<P, R>(
  name: string,
  fallback: R,
  fn: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    try {
      if (tooFarAhead(store, name, params)) return fallback; // replayGuard.ts: answer now, not after the replay
      return await throughCapture(store, name, params, (p) => fn(p, token));
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      logError(name, err);
      return fallback;
    }
  };
}

function guardNotification<P>(name: string, fn: (params: P) => void | Promise<void>): (params: P) => Promise<void> {
  return async (params) => {
    try {
      await fn(params);
    } catch (err) {
      logError(name, err);
    }
  };
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  client.configuration = caps.workspace?.configuration === true;
  client.configurationRegistration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  client.inlayRefresh = caps.workspace?.inlayHint?.refreshSupport === true;
  client.codeLensRefresh = caps.workspace?.codeLens?.refreshSupport === true;
  client.documentChanges = caps.workspace?.workspaceEdit?.documentChanges === true;
  client.resolveEdits = caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
  client.snippets = caps.textDocument?.completion?.completionItem?.snippetSupport === true;
  store.progressSupported = caps.window?.workDoneProgress === true;
  // initializationOptions: { settings?: the hvtimer section (clients without workspace/configuration),
  // progressAfterMs?: how long a replay runs before it reports progress (default 300) }.
  const init = params.initializationOptions as { settings?: unknown; progressAfterMs?: unknown } | undefined;
  if (init?.settings) globalSettings = parseSettings(init.settings, (m) => connection.console.warn(m));
  if (typeof init?.progressAfterMs === 'number' && init.progressAfterMs >= 0)
    store.progressAfterMs = init.progressAfterMs;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      inlayHintProvider: { resolveProvider: false },
      documentSymbolProvider: { label: 'hvtimer' },
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, SOURCE_FIX_ALL_HVTIMER], resolveProvider: true },
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
      signatureHelpProvider: { triggerCharacters: SIGNATURE_TRIGGERS, retriggerCharacters: ['='] },
      semanticTokensProvider: { legend: LEGEND, full: true, range: true },
    },
    serverInfo: { name: 'hvtimer', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (client.configurationRegistration)
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'hvtimer' });
  log('hvtimer language server ready');
});

connection.onDidChangeConfiguration(
  guardNotification('settings change', async (params) => {
    if (!client.configuration) {
      const raw = (params.settings as { hvtimer?: unknown } | null)?.hvtimer;
      globalSettings = parseSettings(raw, (m) => connection.console.warn(m));
    }
    let hintsChanged = false;
    await Promise.all(
      store.all().map(async (doc) => {
        const s = await settingsFor(doc.uri);
        if (s.inlayHints !== doc.settings.inlayHints) hintsChanged = true;
        store.applySettings(doc, s, false);
      }),
    );
    if (hintsChanged && client.inlayRefresh) void connection.languages.inlayHint.refresh();
  }),
);

connection.onDidOpenTextDocument(guardNotification('open', (p) => store.open(p)));
connection.onDidChangeTextDocument(guardNotification('change', (p) => store.change(p)));
connection.onDidCloseTextDocument(guardNotification('close', (p) => store.close(p)));

connection.onHover(guard('hover', null, (p) => hover(store, p)));
connection.languages.inlayHint.on(guard('inlay hints', null, (p) => inlayHints(store, p)));
connection.onDocumentSymbol(guard('document symbols', null, (p) => documentSymbols(store, p)));
connection.onFoldingRanges(guard('folding ranges', null, (p) => foldingRanges(store, p)));
connection.onDefinition(guard('definition', null, (p) => definition(store, p)));
connection.onReferences(guard('references', null, (p, token) => references(store, p, token)));
connection.onCodeLens(guard('code lenses', null, (p, token) => codeLenses(store, p, token)));
connection.onCodeAction(
  guard('code actions', null, (p) =>
    codeActions(store, p, { documentChanges: client.documentChanges, resolveEdits: client.resolveEdits }),
  ),
);
// A failed resolve answers the action as it came (without an edit, it does nothing).
const resolveAction = guard<CodeAction, CodeAction | null>('code action resolve', null, (p) =>
  resolveCodeAction(store, p, { documentChanges: client.documentChanges, resolveEdits: client.resolveEdits }),
);
connection.onCodeActionResolve(async (p, token) => (await resolveAction(p, token)) ?? p);
connection.onCompletion(guard('completion', null, (p) => completion(store, p, { snippets: client.snippets })));
connection.onSignatureHelp(guard('signature help', null, (p) => signatureHelp(store, p)));
connection.languages.semanticTokens.on(
  guard('semantic tokens', { data: [] }, (p) => semanticTokensFull(store, p) ?? { data: [] }),
);
connection.languages.semanticTokens.onRange(
  guard('semantic tokens', { data: [] }, (p) => semanticTokensRange(store, p) ?? { data: [] }),
);

/** A custom request (protocol/requests.ts), guarded like the others: a failure is logged and answered with null. */
function onCustom<M extends CustomMethod>(method: M, handler: CustomRequestHandler<M>): void {
  onCustomRequest(connection, method, guard<ParamsOf<M>, ResultOf<M>>(method, null, handler));
}

onCustom(STATE_AT, (p) => stateAt(store, p));
onCustom(TIMELINE_OVERVIEW, (p, token) => timelineOverviewRequest(store, p, token));
onCustom(TIMELINE_WINDOW, (p, token) => timelineWindowRequest(store, p, token));
onCustom(STATE_CHANGE, (p, token) => stateChangeRequest(store, p, token));
onCustom(REPORT, (p, token) => reportRequest(store, p, token));
onCustom(REPLAY_STATS, (p) => replayStats(store, p));

onCustom(CONVERT_CAPTURE, (p) => convertCaptureRequest(store, p));
registerLargeFiles(connection, store, log);

connection.listen();
