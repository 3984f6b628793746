// The custom protocol is typed end to end (protocol/requests.ts `CustomRequests`, protocol/webview.ts).
// `npm run typecheck` reads this file: each `@ts-expect-error` line is a mismatch between a method
// and its params or result (or a webview message kind left unhandled) that must fail the type
// check, and an expectation that stops failing is itself an error. At run time the tests check
// that a server handler is registered under its method and that the method list is complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import type { HvtimerClient } from '../../client/src/client';
import { onCustomRequest } from '../../server/src/customRequest';
import {
  CUSTOM_METHODS,
  REPLAY_STATS,
  REPORT,
  STATE_AT,
  STATE_CHANGE,
  TIMELINE_OVERVIEW,
  TIMELINE_WINDOW,
  type ReportResult,
  type StateAtResult,
  type TimelineWindowParams,
} from '../../protocol/requests';
import { unhandled, type FromWebview, type ToWebview } from '../../protocol/webview';

const URI = 'file:///traces/a.hvtrace';

/** The client's side: type-checked, never run (it needs a running language client). */
export async function clientCalls(client: HvtimerClient): Promise<void> {
  const state: StateAtResult | null = await client.request(STATE_AT, { uri: URI, line: 3 });
  const report: ReportResult | null = await client.request(REPORT, { uri: URI });
  // @ts-expect-error hvtimer/stateAt takes a line, not a time range
  await client.request(STATE_AT, { uri: URI, fromNs: '0', toNs: '1' });
  // @ts-expect-error hvtimer/report answers a ReportResult, not a StateAtResult
  const wrong: StateAtResult | null = await client.request(REPORT, { uri: URI });
  // @ts-expect-error hvtimer/timeline is not a custom request (any more)
  await client.request('hvtimer/timeline', { uri: URI, fromLine: 0, toLine: 1 });
  // @ts-expect-error the answer may be null (a document that is not open)
  const notNull: StateAtResult = await client.request(STATE_AT, { uri: URI, line: 3 });
  void [state, report, wrong, notNull];
}

/** A connection that records what is registered. */
function recorder(): {
  connection: Pick<Connection, 'onRequest'>;
  handlers: Map<string, (params: unknown, token: CancellationToken) => unknown>;
} {
  const handlers = new Map<string, (params: unknown, token: CancellationToken) => unknown>();
  const connection = {
    onRequest: (method: string, handler: (params: unknown, token: CancellationToken) => unknown) => {
      handlers.set(method, handler);
    },
  };
  return { connection: connection as unknown as Pick<Connection, 'onRequest'>, handlers };
}

const token = { isCancellationRequested: false } as CancellationToken;

test('a server handler is registered under its method and receives the params the protocol names', async () => {
  const { connection, handlers } = recorder();
  const seen: TimelineWindowParams[] = [];
  onCustomRequest(connection, TIMELINE_WINDOW, (p) => {
    seen.push(p);
    return null;
  });
  onCustomRequest(connection, STATE_CHANGE, (p) => ({
    uri: p.uri,
    version: 1,
    line: p.direction === 'next' ? p.line + 1 : p.line - 1,
    what: 'pause',
  }));
  assert.deepEqual([...handlers.keys()], ['hvtimer/timelineWindow', 'hvtimer/stateChange']);
  const params = { uri: URI, fromNs: '20500000000', toNs: '21000000000' };
  assert.equal(await handlers.get('hvtimer/timelineWindow')!(params, token), null);
  assert.deepEqual(seen, [params]);
  assert.deepEqual(await handlers.get('hvtimer/stateChange')!({ uri: URI, line: 9, direction: 'next' }, token), {
    uri: URI,
    version: 1,
    line: 10,
    what: 'pause',
  });
});

test('a handler whose params or result do not match its method fails the type check', () => {
  const { connection, handlers } = recorder();
  // @ts-expect-error a hvtimer/stateAt handler answers a StateAtResult or null, not a number
  onCustomRequest(connection, STATE_AT, () => 42);
  // @ts-expect-error the params of hvtimer/timelineOverview have no line
  onCustomRequest(connection, TIMELINE_OVERVIEW, (p) => (p.line === 0 ? null : null));
  // @ts-expect-error hvtimer/replayStats answers replay statistics, not a report
  onCustomRequest(connection, REPLAY_STATS, (): ReportResult | null => null);
  assert.equal(handlers.size, 3); // registered all the same: only the type check refuses them
});

test('the method list names every custom request once', () => {
  assert.deepEqual([...CUSTOM_METHODS].sort(), [
    'hvtimer/convertCapture',
    'hvtimer/replayStats',
    'hvtimer/report',
    'hvtimer/stateAt',
    'hvtimer/stateChange',
    'hvtimer/timelineOverview',
    'hvtimer/timelineWindow',
  ]);
});

/** Both sides of the webview switch on `type`; `unhandled` in the default makes a missing case a type error. */
function describeToWebview(m: ToWebview): string {
  switch (m.type) {
    case 'overview':
      return `overview of ${m.overview.uri}`;
    case 'window':
      return `window ${m.seq}`;
    case 'cursor':
      return `cursor at ${m.line}`;
    case 'focusLine':
      return `focus on line ${m.line}`;
    case 'error':
      return m.message;
    default:
      unhandled(m);
      return 'unknown';
  }
}

function forgetsExport(m: FromWebview): string {
  switch (m.type) {
    case 'ready':
    case 'requestWindow':
    case 'reveal':
      return m.type;
    default:
      // @ts-expect-error 'export' is not handled, so `m` is not `never` here
      unhandled(m);
      return 'unknown';
  }
}

test('webview messages: every kind handled; a mistyped message does not compile; an unknown one is ignored', () => {
  assert.equal(describeToWebview({ type: 'cursor', line: 33 }), 'cursor at 33');
  assert.equal(forgetsExport({ type: 'reveal', line: 4 }), 'reveal');
  // @ts-expect-error requestWindow carries the hvtimer/timelineWindow params: times are decimal strings
  const bad: FromWebview = { type: 'requestWindow', seq: 1, fromNs: 0, toNs: '1', maxMarkers: 10, maxSamples: 10 };
  // A message of a kind this build does not know (a newer webview) falls to the default.
  assert.equal(describeToWebview({ type: 'later' } as unknown as ToWebview), 'unknown');
  void bad;
});
