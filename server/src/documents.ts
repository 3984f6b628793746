// Open documents and their analyses. Incremental edits go to the engine, which re-parses only the
// edited lines and invalidates the replay from the nearest checkpoint before them; the replay then
// runs in chunks between event-loop turns, so a newer edit (or settings change) makes the running
// replay obsolete and it stops at its next turn. Files that take more than a moment show progress.
import type {
  Connection,
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis, type AnalysisOptions, type Diagnostic } from '../../engine/src/index';
import { documentName } from '../../protocol/documentName';
import { CHUNK_LINES, nextTurn } from './async';
import { convertCapture, isCapture, type CaptureView } from './captures';
import { DEFAULT_SETTINGS, sameAnalysisOptions, type Settings } from './settings';

/** Replays shorter than this finish without a progress indicator (initializationOptions.progressAfterMs). */
export const DEFAULT_PROGRESS_AFTER_MS = 300;

export interface TraceDoc {
  readonly uri: string;
  version: number;
  text: TextDocument;
  analysis: Analysis;
  /** The text starts with a byte-order mark, which the engine drops (line 0 is shifted by one). */
  bom: boolean;
  settings: Settings;
  /** Resolves once the document's own settings were fetched (the first replay waits for them). */
  settingsReady: Promise<void>;
  /** Incremented by every change; a replay runs only while its number is current. */
  job: number;
  /** Engine diagnostics of the last finished replay, with the version they belong to. */
  replayed?: { version: number; diagnostics: Diagnostic[] };
  closed: boolean;
  /** A kernel capture: `analysis` is of the .hvtrace converted from it, with the line maps (captures.ts). */
  capture?: CaptureView;
  /** Read from disk by the server: a file too large for the editor to synchronise (largeFiles.ts). */
  fromDisk?: boolean;
}

export interface DocumentEvents {
  /** The replay of `doc` at `doc.version` finished: publish its diagnostics. */
  replayed(doc: TraceDoc): void;
  closed(uri: string): void;
  /** `doc.analysis` is new (opened, or re-read as a whole): work that rides along its replay attaches now. */
  analysed?(doc: TraceDoc): void;
  /** The document's settings, from the client (`workspace/configuration`). */
  settingsFor(uri: string): Promise<Settings>;
}

const toEngineOptions = (s: Settings, interval = CHUNK_LINES): AnalysisOptions => ({
  tolerance: s.tolerance,
  severity: s.severity,
  checkpointInterval: interval,
});

export class DocumentStore {
  private readonly docs = new Map<string, TraceDoc>();
  /** Whether the client accepts server-initiated progress (`window.workDoneProgress`). */
  progressSupported = false;
  progressAfterMs = DEFAULT_PROGRESS_AFTER_MS;

  constructor(
    private readonly connection: Connection,
    private readonly events: DocumentEvents,
  ) {}

  get(uri: string): TraceDoc | undefined {
    return this.docs.get(uri);
  }
  all(): TraceDoc[] {
    return [...this.docs.values()];
  }

  open(params: DidOpenTextDocumentParams, from: { fromDisk?: boolean } = {}): void {
    const { uri, version, text, languageId } = params.textDocument;
    const previous = this.docs.get(uri);
    if (previous) previous.closed = true;
    const textDoc = TextDocument.create(uri, languageId, version, text);
    const capture = isCapture(languageId, uri, text) ? convertCapture(uri, text) : undefined;
    const doc: TraceDoc = {
      uri,
      version,
      text: textDoc,
      analysis: new Analysis(capture?.text ?? text, toEngineOptions(previous?.settings ?? DEFAULT_SETTINGS)),
      bom: text.startsWith('\uFEFF'),
      settings: previous?.settings ?? DEFAULT_SETTINGS,
      settingsReady: Promise.resolve(),
      job: 0,
      closed: false,
      capture: capture?.view,
      ...(from.fromDisk ? { fromDisk: true } : {}),
    };
    doc.settingsReady = this.events.settingsFor(uri).then(
      (s) => this.applySettings(doc, s, false),
      () => undefined,
    );
    this.docs.set(uri, doc);
    this.events.analysed?.(doc);
    this.schedule(doc);
  }

  change(params: DidChangeTextDocumentParams): void {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return;
    if (doc.capture) {
      // A capture is converted again as a whole (the importer's derivations span the file).
      doc.text = TextDocument.update(doc.text, params.contentChanges, params.textDocument.version);
      doc.version = params.textDocument.version;
      const c = convertCapture(doc.uri, doc.text.getText());
      doc.capture = c.view;
      doc.analysis = new Analysis(c.text, toEngineOptions(doc.settings));
      this.events.analysed?.(doc);
      this.schedule(doc);
      return;
    }
    const hadBom = doc.bom;
    let rebuild = false;
    for (const change of params.contentChanges) {
      // Line 0 of a text with a BOM is shifted by one column in the engine (a range may be reversed
      // or start before line 0: the client clamps it to line 0).
      if (!('range' in change) || (hadBom && Math.min(change.range.start.line, change.range.end.line) <= 0)) {
        rebuild = true;
        continue;
      }
      if (rebuild) continue;
      try {
        doc.analysis.edit({ start: change.range.start, end: change.range.end, text: change.text });
      } catch (err) {
        // Never keep a text that differs from the client's: analyse the client's text afresh.
        this.connection.console.error(
          `hvtimer: incremental edit of ${doc.uri} failed, re-reading the document: ${err instanceof Error ? err.message : String(err)}`,
        );
        rebuild = true;
      }
    }
    doc.text = TextDocument.update(doc.text, params.contentChanges, params.textDocument.version);
    doc.version = params.textDocument.version;
    const text = doc.text.getText();
    doc.bom = text.startsWith('\uFEFF');
    if (rebuild || doc.bom !== hadBom) {
      doc.analysis = new Analysis(text, toEngineOptions(doc.settings));
      this.events.analysed?.(doc);
    }
    this.schedule(doc);
  }

  close(params: DidCloseTextDocumentParams): void {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return;
    doc.closed = true;
    doc.job++;
    this.docs.delete(doc.uri);
    this.events.closed(doc.uri);
  }

  /** Applies new settings; replays (and republishes) when they change the diagnostics. */
  applySettings(doc: TraceDoc, settings: Settings, force = true): void {
    const changed = !sameAnalysisOptions(doc.settings, settings);
    doc.settings = settings;
    if (changed) {
      doc.analysis.setOptions(toEngineOptions(settings));
      doc.replayed = undefined;
    }
    if (changed || force) this.schedule(doc);
  }

  /** Starts a replay of the document's current version; an older one stops at its next turn. */
  schedule(doc: TraceDoc): void {
    const job = ++doc.job;
    void this.replay(doc, job);
  }

  /** The document's diagnostics if the replay of its current version has finished. */
  readyDiagnostics(doc: TraceDoc): Diagnostic[] | undefined {
    return doc.replayed?.version === doc.version ? doc.replayed.diagnostics : undefined;
  }

  private current(doc: TraceDoc, job: number): boolean {
    return !doc.closed && doc.job === job && this.docs.get(doc.uri) === doc;
  }

  private async replay(doc: TraceDoc, job: number): Promise<void> {
    let progress: WorkDoneProgressServerReporter | undefined;
    let requested = false;
    let finished = false;
    const started = Date.now();
    try {
      await doc.settingsReady;
      // One turn first, so a burst of edits replays once.
      await nextTurn();
      for (;;) {
        if (!this.current(doc, job)) return;
        const done = doc.analysis.advance(CHUNK_LINES);
        if (done) break;
        if (!requested && this.progressSupported && Date.now() - started >= this.progressAfterMs) {
          // Not awaited: a client slow to answer must not hold the replay up.
          requested = true;
          this.connection.window.createWorkDoneProgress().then(
            (p) => {
              if (finished) return;
              progress = p;
              p.begin('hvtimer: replaying trace', 0, documentName(doc.uri), false);
            },
            () => undefined,
          );
        }
        if (progress) {
          const total = Math.max(1, doc.analysis.doc.lineCount);
          const replayed = doc.analysis.replayedUpTo;
          progress.report(Math.min(99, Math.floor((100 * replayed) / total)), `${replayed} of ${total} lines`);
        }
        await nextTurn();
      }
      if (!this.current(doc, job)) return;
      doc.replayed = { version: doc.version, diagnostics: doc.analysis.diagnostics() };
      this.events.replayed(doc);
    } catch (err) {
      this.connection.console.error(
        `hvtimer: replay of ${doc.uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    } finally {
      finished = true;
      progress?.done();
    }
  }
}

/** LSP column of an engine column (the engine drops a leading BOM of line 0). */
export const lspCharacter = (doc: TraceDoc, line: number, character: number): number =>
  doc.bom && line === 0 ? character + 1 : character;
/** Engine column of an LSP column. */
export const engineCharacter = (doc: TraceDoc, line: number, character: number): number =>
  doc.bom && line === 0 ? Math.max(0, character - 1) : character;
