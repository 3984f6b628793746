// The timeline webview's requests and the report (protocol/requests.ts): the overview of a document,
// a visible time range with level of detail, the next / previous state change, the report.
import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { report, reportMarkdown } from '../../engine/src/report/index';
import { stateChangeFrom, timelineOverview, timelineWindow } from '../../engine/src/timeline/index';
import type { Diagnostic } from '../../engine/src/index';
import {
  WINDOW_LIMIT,
  type ReportParams,
  type ReportResult,
  type StateChangeParams,
  type StateChangeResult,
  type TimelineOverviewParams,
  type TimelineOverviewResult,
  type TimelineWindowParams,
  type TimelineWindowResult,
} from '../../protocol/requests';
import { documentName } from '../../protocol/documentName';
import type { DocumentStore, TraceDoc } from './documents';
import { timelineIndexOf } from './timelineIndexes';

/** The findings of the current version: those already published, else computed now. */
const diagnosticsOf = (store: DocumentStore, doc: TraceDoc): Diagnostic[] =>
  store.readyDiagnostics(doc) ?? doc.analysis.diagnostics();

function nsParam(value: unknown, name: string): bigint {
  if (typeof value !== 'string' || !/^-?[0-9]{1,30}$/.test(value))
    throw new ResponseError(ErrorCodes.InvalidParams, `${name} must be a decimal string of nanoseconds`);
  return BigInt(value);
}

const bound = (value: unknown): number =>
  typeof value === 'number' && value >= 1 ? Math.min(Math.floor(value), WINDOW_LIMIT) : WINDOW_LIMIT;

export async function timelineOverviewRequest(
  store: DocumentStore,
  params: TimelineOverviewParams,
  token: CancellationToken,
): Promise<TimelineOverviewResult | null> {
  const doc = store.get(params.uri);
  if (!doc) return null;
  const index = await timelineIndexOf(doc, token);
  return {
    uri: doc.uri,
    version: doc.version,
    ...timelineOverview(index, diagnosticsOf(store, doc), documentName(doc.uri)),
  };
}

export async function timelineWindowRequest(
  store: DocumentStore,
  params: TimelineWindowParams,
  token: CancellationToken,
): Promise<TimelineWindowResult | null> {
  const doc = store.get(params.uri);
  if (!doc) return null;
  const fromNs = nsParam(params.fromNs, 'fromNs');
  const toNs = nsParam(params.toNs, 'toNs');
  const index = await timelineIndexOf(doc, token);
  const window = timelineWindow(index, doc.analysis.doc, diagnosticsOf(store, doc), {
    fromNs,
    toNs,
    maxMarkers: bound(params.maxMarkers),
    maxSamples: bound(params.maxSamples),
  });
  return { uri: doc.uri, version: doc.version, ...window };
}

export async function stateChangeRequest(
  store: DocumentStore,
  params: StateChangeParams,
  token: CancellationToken,
): Promise<StateChangeResult | null> {
  const doc = store.get(params.uri);
  if (!doc || typeof params.line !== 'number') return null;
  const index = await timelineIndexOf(doc, token);
  const found = stateChangeFrom(index, Math.floor(params.line), params.direction === 'previous' ? 'previous' : 'next');
  return { uri: doc.uri, version: doc.version, line: found?.line ?? null, what: found?.what ?? null };
}

export async function reportRequest(
  store: DocumentStore,
  params: ReportParams,
  token: CancellationToken,
): Promise<ReportResult | null> {
  const doc = store.get(params.uri);
  if (!doc) return null;
  const index = await timelineIndexOf(doc, token);
  const r = report(
    index,
    diagnosticsOf(store, doc),
    doc.analysis.stateAfter(doc.analysis.doc.lineCount - 1),
    documentName(doc.uri),
  );
  return { uri: doc.uri, version: doc.version, report: r, markdown: reportMarkdown(r) };
}
