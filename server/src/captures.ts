// Kernel captures opened in the editor (tracefs, trace-cmd report, perf script text): the server
// converts them in memory with the engine's importer and analyses the generated .hvtrace, keeping
// the line map, so diagnostics, hovers, Replay State and the timeline sit on the capture's own
// lines. Requests on a capture are translated at one place (`throughCapture`): positions and line
// numbers in go from the capture to the generated trace, and every line number out comes back.
// Events the importer did not use are published dimmed (a hint with DiagnosticTag.Unnecessary).
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import type { Diagnostic } from '../../engine/src/index';
import { importCaptures, looksLikeCapture, type CaptureImport, type LineStatus } from '../../engine/src/import/index';
import { toLspDiagnostic } from './diagnostics';
import type { DocumentStore, TraceDoc } from './documents';
import { CAPTURE_LANGUAGE_ID, type ConvertCaptureParams, type ConvertCaptureResult } from '../../protocol/capture';

export interface CaptureView {
  /** The conversion, or why the text is not a capture hvtimer reads. */
  imported?: CaptureImport;
  error?: string;
  /** Per capture line: the generated lines that came from it, in order. */
  generated: number[][];
  /** Per capture line: its length (mapped ranges cover the whole line). */
  lengths: number[];
}

/** Whether a document is a capture: its language id, or (for plain text) its name and content. */
export function isCapture(languageId: string, uri: string, text: string): boolean {
  if (languageId === CAPTURE_LANGUAGE_ID) return true;
  if (languageId === 'hvtrace') return false;
  return looksLikeCapture(text, decodeURIComponent(uri));
}

const nameOf = (uri: string): string => decodeURIComponent(uri.split('/').pop() ?? uri);

/** Converts a capture's text: the .hvtrace the engine analyses, and the line maps. */
export function convertCapture(uri: string, text: string): { text: string; view: CaptureView } {
  const lengths = text.split(/\r\n|\n|\r/).map((l) => l.length);
  const generated: number[][] = lengths.map(() => []);
  const r = importCaptures([{ name: nameOf(uri), text }]);
  if (!r.ok) return { text: '', view: { error: r.error, generated, lengths } };
  r.value.sourceOf.forEach((src, g) => {
    if (src && src.file === 0 && generated[src.line]) generated[src.line].push(g);
  });
  return { text: r.value.text, view: { imported: r.value, generated, lengths } };
}

/** The capture line a generated line came from (the header's lines belong to the capture's first line). */
export function sourceLine(view: CaptureView, generatedLine: number): number {
  return view.imported?.sourceOf[generatedLine]?.line ?? 0;
}

/** The last generated line that came from this capture line or one before it (state "after" a line). */
export function stateLine(view: CaptureView, line: number): number {
  for (let s = Math.min(line, view.generated.length - 1); s >= 0; s--) {
    const g = view.generated[s];
    if (g.length) return g[g.length - 1];
  }
  return 0;
}

/** The generated line a position on a capture line stands for (its last statement), if any. */
const statementLine = (view: CaptureView, line: number): number | undefined => view.generated[line]?.at(-1);

// ---- diagnostics ------------------------------------------------------------------------------

const DIMMED: Partial<Record<LineStatus, string>> = {
  note: 'hvtimer keeps this event as a note: it does not change the model',
  ignored: 'hvtimer does not use this event (nothing it models)',
  unreadable: 'hvtimer cannot read this line as a trace event',
};

/** The engine's diagnostics on the capture's lines, plus the capture's unused lines dimmed. */
export function captureDiagnostics(
  doc: TraceDoc,
  view: CaptureView,
  diagnostics: readonly Diagnostic[],
): LspDiagnostic[] {
  if (view.error) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: view.lengths[0] ?? 0 } },
        severity: DiagnosticSeverity.Warning,
        source: 'hvtimer',
        message: view.error,
      },
    ];
  }
  const whole = (line: number): LspDiagnostic['range'] => ({
    start: { line, character: 0 },
    end: { line, character: view.lengths[line] ?? 0 },
  });
  const out: LspDiagnostic[] = diagnostics.map((d) => {
    const l = toLspDiagnostic(doc, d);
    l.range = whole(sourceLine(view, d.range.start.line));
    l.relatedInformation = l.relatedInformation?.map((r) => ({
      ...r,
      location: { ...r.location, range: whole(sourceLine(view, r.location.range.start.line)) },
    }));
    return l;
  });
  // Runs of consecutive unused lines of one kind become one dimmed range.
  const status = view.imported!.status[0];
  for (let i = 0; i < status.length;) {
    const message = DIMMED[status[i]];
    let j = i;
    while (j + 1 < status.length && status[j + 1] === status[i]) j++;
    if (message)
      out.push({
        range: { start: { line: i, character: 0 }, end: { line: j, character: view.lengths[j] ?? 0 } },
        severity: DiagnosticSeverity.Hint,
        tags: [DiagnosticTag.Unnecessary],
        source: 'hvtimer',
        message,
      });
    i = j + 1;
  }
  return out;
}

export function publishCapture(
  connection: Connection,
  doc: TraceDoc,
  view: CaptureView,
  diagnostics: readonly Diagnostic[],
): void {
  void connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: captureDiagnostics(doc, view, diagnostics),
  });
}

// ---- requests ---------------------------------------------------------------------------------

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPosition = (x: unknown): x is { line: number; character: number } =>
  isObject(x) && typeof x.line === 'number' && typeof x.character === 'number' && Object.keys(x).length === 2;
const isRange = (
  x: unknown,
): x is { start: { line: number; character: number }; end: { line: number; character: number } } =>
  isObject(x) && isPosition(x.start) && isPosition(x.end);
const LINE_KEY = /^(?:line|.*Line)$/;

/** Every line number in a result, from the generated trace back to the capture. */
export function toCapture(view: CaptureView, value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toCapture(view, v, key));
  if (isRange(value)) {
    const start = sourceLine(view, value.start.line),
      end = sourceLine(view, value.end.line);
    return { start: { line: start, character: 0 }, end: { line: end, character: view.lengths[end] ?? 0 } };
  }
  // A lone position (an inlay hint) goes to the end of its capture line.
  if (isPosition(value)) {
    const line = sourceLine(view, value.line);
    return { line, character: view.lengths[line] ?? 0 };
  }
  if (!isObject(value)) return typeof value === 'number' && LINE_KEY.test(key) ? sourceLine(view, value) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'lineCount' && typeof v === 'number') out[k] = view.lengths.length;
    else if (k === 'arguments' && Array.isArray(v))
      out[k] = v.map((a) => (typeof a === 'number' ? sourceLine(view, a) : a)); // a code lens's [uri, line]
    else out[k] = toCapture(view, v, k);
  }
  return out;
}

/** Params on a capture → params on the generated trace; undefined when the position stands for no statement. */
function toGenerated(
  doc: TraceDoc,
  view: CaptureView,
  params: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = { ...params };
  if (isPosition(params.position)) {
    const g = statementLine(view, params.position.line);
    if (g === undefined) return undefined;
    // The statement's actor word: the hover then describes the statement and the state after it.
    const words = doc.analysis.doc.text(g).split(' ');
    out.position = { line: g, character: (words[0]?.length ?? 0) + (words[1]?.length ?? 0) + 2 };
  }
  if (isRange(params.range)) {
    out.range = {
      start: {
        line: stateLine(view, params.range.start.line - 1) + (params.range.start.line > 0 ? 1 : 0),
        character: 0,
      },
      end: { line: stateLine(view, params.range.end.line), character: 0 },
    };
  }
  for (const k of ['line', 'fromLine', 'toLine'])
    if (typeof params[k] === 'number') out[k] = stateLine(view, params[k] as number);
  return out;
}

/** `hvtimer/convertCapture`: the converted text of an open capture (null when it is not open or not a capture). */
export function convertCaptureRequest(store: DocumentStore, params: ConvertCaptureParams): ConvertCaptureResult | null {
  const doc = store.get(params.uri);
  const view = doc?.capture;
  if (!doc || !view) return null;
  if (!view.imported) return { uri: doc.uri, version: doc.version, error: view.error ?? 'not a capture' };
  return { uri: doc.uri, version: doc.version, text: view.imported.text, counts: view.imported.counts };
}

/** Requests answered as they are (they carry no positions). */
const AS_IS = new Set(['hvtimer/convertCapture']);

/** Requests that make no sense on a capture: edits to the generated text (fixes, completion), its token colours. */
const EMPTY_ON_CAPTURE: Record<string, unknown> = {
  'code actions': [],
  'semantic tokens': { data: [] },
  completion: null,
  'signature help': null,
};

/**
 * Runs a request handler for a document that may be a capture: translated in and out when it is,
 * unchanged otherwise. `name` is the handler's name in main.ts's `guard`.
 */
export async function throughCapture<P, R>(
  store: DocumentStore,
  name: string,
  params: P,
  run: (p: P) => R | Promise<R>,
): Promise<R> {
  const p = params as unknown as Record<string, unknown> | undefined;
  const uri = isObject(p) ? (isObject(p.textDocument) ? p.textDocument.uri : p.uri) : undefined;
  const doc = typeof uri === 'string' ? store.get(uri) : undefined;
  const view = doc?.capture;
  if (!doc || !view || AS_IS.has(name)) return run(params);
  if (name in EMPTY_ON_CAPTURE) return EMPTY_ON_CAPTURE[name] as R;
  const translated = toGenerated(doc, view, p!);
  if (!translated) return null as R;
  return toCapture(view, await run(translated as P)) as R;
}
