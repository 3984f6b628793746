// Fuzz target: the language server over stdio (dist/server.js). Three kinds of case: a session of
// random edits (lone CRs, BOMs, out-of-range and reversed positions) checked against
// vscode-languageserver-textdocument — the edited document must answer the same diagnostics and
// semantic tokens as a fresh document with the client's text; malformed requests (wrong types,
// missing fields, unknown documents, negative positions) that must each get an answer; and storms of
// requests cancelled at once, after which the server must still answer correctly.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient, CancellationTokenSource, type LspDiagnostic } from '../../test/lsp/client';
import { randomDocument, randomEdit, randomPosition } from '../edits';
import type { Random } from '../random';
import type { Failure, FuzzTarget } from '../target';
import { randomTrace } from '../traces';

const METHODS = [
  'textDocument/hover',
  'textDocument/inlayHint',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/codeLens',
  'textDocument/codeAction',
  'textDocument/semanticTokens/full',
  'textDocument/semanticTokens/range',
  'hvtimer/stateAt',
  'hvtimer/timeline',
  'hvtimer/timelineOverview',
  'hvtimer/timelineWindow',
  'hvtimer/stateChange',
  'hvtimer/report',
  'hvtimer/replayStats',
  'textDocument/nonexistent',
  'workspace/symbol',
];
const NOTIFICATIONS = [
  'textDocument/didChange',
  'textDocument/didOpen',
  'textDocument/didClose',
  'workspace/didChangeConfiguration',
];

let client: TestClient | undefined;
let docs = 0;
const TIMEOUT_MS = 60_000;

function junk(rng: Random, depth = 0): unknown {
  switch (rng.int(0, depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return rng.pick([-1, 0, 2 ** 31, -(2 ** 53), 1.5, Number.MAX_SAFE_INTEGER]);
    case 2:
      return rng.pick(['', 'file:///nope.hvtrace', '\u0000', 'x'.repeat(1000), '-1']);
    case 3:
      return rng.bool();
    case 4:
      return randomPosition(rng, 10);
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: rng.int(0, 3) }, () => junk(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (const k of [
        'textDocument',
        'uri',
        'position',
        'range',
        'line',
        'character',
        'start',
        'end',
        'context',
        'fromNs',
        'toNs',
        'direction',
        'version',
        'contentChanges',
        'text',
      ])
        if (rng.bool(0.3)) o[k] = junk(rng, depth + 1);
      return o;
    }
  }
}

/** Params that look right but point at the wrong things: this document, with odd positions. */
function plausible(rng: Random, uri: string): unknown {
  const p = randomPosition(rng, 30);
  const q = randomPosition(rng, 30);
  return rng.pick([
    { textDocument: { uri }, position: p },
    { textDocument: { uri }, range: { start: p, end: q } },
    { textDocument: { uri }, position: p, context: { includeDeclaration: rng.bool() } },
    { textDocument: { uri }, range: { start: p, end: q }, context: { diagnostics: [] } },
    { uri, line: p.line },
    { uri, line: p.line, direction: rng.pick(['next', 'previous', 'sideways']) },
    {
      uri,
      fromNs: String(rng.u64()),
      toNs: rng.pick(['0', '-5', 'abc', String(rng.u64())]),
      maxMarkers: rng.int(-5, 50),
    },
    { uri, fromLine: p.line, toLine: q.line },
  ]);
}

const strip = (ds: LspDiagnostic[]): unknown =>
  ds.map((d) => ({
    ...d,
    relatedInformation: d.relatedInformation?.map((r) => ({ ...r, location: { ...r.location, uri: '' } })),
  }));

async function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to ${what} in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function editSession(c: TestClient, rng: Random): Promise<Failure | undefined> {
  const uri = `file:///fuzz/edits-${docs++}.hvtrace`;
  const initial =
    (rng.bool(0.15) ? '\uFEFF' : '') +
    (rng.bool(0.5) ? randomDocument(rng) : randomTrace(rng, { hosts: 2, vms: 2, vcpus: 2, lines: rng.int(1, 40) }));
  const doc = TextDocument.create(uri, 'hvtrace', 1, initial);
  const log: unknown[] = [initial];
  await c.open(uri, initial);
  let version = 1;
  for (let i = rng.int(1, 25); i > 0; i--) {
    const changes = [];
    for (let k = rng.int(1, 3); k > 0; k--) {
      const e = randomEdit(rng, doc.lineCount);
      const change = rng.bool(0.03) ? { text: e.text } : { range: e.range, text: e.text };
      TextDocument.update(doc, [change], version + 1);
      changes.push(change);
    }
    log.push(changes);
    await c.change(uri, ++version, changes);
  }
  const input = JSON.stringify(log);
  // The diagnostics of the last version, or the server's report that a replay of this document failed.
  let outcome: { diagnostics: LspDiagnostic[] } | { error: string };
  try {
    outcome = await c.waitFor(
      `diagnostics for ${uri} v${version}`,
      () => {
        const p = c
          .publications(uri)
          .filter((x) => x.version === version)
          .at(-1);
        if (p) return { diagnostics: p.diagnostics };
        const failed = c.logs.find((l) => l.type === 1 && l.message.includes(`replay of ${uri} failed`));
        return failed ? { error: failed.message } : undefined;
      },
      TIMEOUT_MS,
    );
  } catch (e) {
    return { problem: `no diagnostics for version ${version} of the edited document: ${String(e)}`, input };
  }
  if ('error' in outcome) return { problem: `no diagnostics: ${outcome.error.slice(0, 400)}`, input };
  const edited = outcome.diagnostics;
  const fresh = `${uri}.fresh`;
  await c.open(fresh, doc.getText());
  const expected = await withTimeout('diagnostics', c.diagnostics(fresh, 1, TIMEOUT_MS));
  if (JSON.stringify(strip(edited)) !== JSON.stringify(strip(expected)))
    return {
      problem: "after the edits the server's diagnostics differ from a fresh document with the client's text",
      input,
    };
  const tokens = (u: string) =>
    c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: u } });
  const [a, b] = await withTimeout('semantic tokens', Promise.all([tokens(uri), tokens(fresh)]));
  if (JSON.stringify(a.data) !== JSON.stringify(b.data))
    return {
      problem: "after the edits the server's semantic tokens differ from a fresh document with the client's text",
      input,
    };
  await c.close(uri);
  await c.close(fresh);
  return undefined;
}

async function malformed(c: TestClient, rng: Random): Promise<Failure | undefined> {
  const uri = `file:///fuzz/malformed-${docs++}.hvtrace`;
  await c.open(uri, randomTrace(rng, { hosts: 2, vms: 2, vcpus: 2, lines: 30 }));
  const sent: unknown[] = [];
  for (let i = rng.int(1, 8); i > 0; i--) {
    if (rng.bool(0.2)) {
      const m = rng.pick(NOTIFICATIONS);
      const params = rng.bool(0.5)
        ? junk(rng)
        : { textDocument: { uri, version: rng.int(-1, 5) }, contentChanges: junk(rng) };
      sent.push({ notification: m, params });
      await c.connection.sendNotification(m, params);
      continue;
    }
    const m = rng.pick(METHODS);
    const params = rng.bool(0.5) ? plausible(rng, uri) : junk(rng);
    sent.push({ request: m, params });
    // An answer or an error response is fine; silence or a dead server is not.
    await withTimeout(
      m,
      c.request(m, params).then(
        () => undefined,
        () => undefined,
      ),
    );
  }
  const alive = await alivePing(c);
  return alive ? { problem: alive, input: JSON.stringify(sent) } : undefined;
}

async function cancelStorm(c: TestClient, rng: Random): Promise<Failure | undefined> {
  const uri = `file:///fuzz/storm-${docs++}.hvtrace`;
  await c.open(uri, randomTrace(rng, { hosts: 2, vms: 3, vcpus: 2, lines: rng.int(100, 3000) }));
  const pending: Promise<unknown>[] = [];
  for (let i = rng.int(5, 60); i > 0; i--) {
    const source = new CancellationTokenSource();
    const m = rng.pick([
      'hvtimer/timelineOverview',
      'textDocument/references',
      'textDocument/codeLens',
      'hvtimer/report',
      'textDocument/inlayHint',
      'hvtimer/stateAt',
    ]);
    pending.push(
      c.request(m, plausible(rng, uri), source.token).then(
        () => undefined,
        () => undefined,
      ),
    );
    if (rng.bool(0.9)) source.cancel();
    if (rng.bool(0.2))
      await c.change(uri, 1 + i, [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# x\n' },
      ]);
  }
  try {
    await withTimeout('cancelled requests', Promise.all(pending));
  } catch (e) {
    return { problem: String(e), input: uri };
  }
  await c.close(uri);
  const alive = await alivePing(c);
  return alive ? { problem: alive, input: 'cancel storm' } : undefined;
}

/** The server answers a hover on a known document correctly (undefined), or what went wrong. */
async function alivePing(c: TestClient): Promise<string | undefined> {
  const uri = 'file:///fuzz/ping.hvtrace';
  try {
    const h = await withTimeout(
      'hover',
      c.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 2, character: 0 },
      }),
    );
    if (!h || !/vm1/.test(h.contents.value))
      return `the server answered a plain hover wrongly: ${JSON.stringify(h)?.slice(0, 200)}`;
    return undefined;
  } catch (e) {
    return `the server stopped answering: ${String(e)}; stderr: ${c.stderr.slice(-500)}`;
  }
}

export const lspTarget: FuzzTarget = {
  name: 'lsp',
  async setup() {
    client = new TestClient();
    await client.initialize();
    await client.open(
      'file:///fuzz/ping.hvtrace',
      '@host h arch=arm64 freq=25MHz\n1.0 h/vm1 ioctl KVM_CREATE_VCPU id=0\n2.0 h/vm1/vcpu0 ioctl KVM_RUN\n',
    );
    await client.diagnostics('file:///fuzz/ping.hvtrace');
  },
  async one(rng) {
    const c = client!;
    const kind = rng.int(0, 9);
    try {
      if (kind < 6) return await editSession(c, rng);
      if (kind < 9) return await malformed(c, rng);
      return await cancelStorm(c, rng);
    } catch (e) {
      return { problem: `the case failed: ${e instanceof Error ? e.message : String(e)}`, input: String(kind) };
    }
  },
  async teardown() {
    await client?.shutdown().catch(() => undefined);
    client = undefined;
  },
};
