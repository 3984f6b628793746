// Builds the harness page (test/webview/harness/index.html) from the extension's own page template
// (media/timeline.html), with the same Content-Security-Policy and a fresh nonce, plus the harness
// script that stands in for VS Code; serves it and the built bundle (dist/webview.js, .css) on
// 127.0.0.1 with node:http.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { root } from '../../scripts/test-lib.mjs';

const HARNESS = path.join(root, 'test', 'webview', 'harness');

/** The page the extension would produce, with `cspSource` = this server's origin. */
export function buildHarnessPage(origin) {
  const nonce = randomBytes(16).toString('base64');
  const values = {
    cspSource: origin,
    nonce,
    styleUri: '/dist/webview.css',
    scriptUri: '/dist/webview.js',
    harnessScript: `<script nonce="${nonce}" src="/harness/harness.js"></script>`,
  };
  const html = readFileSync(path.join(root, 'media', 'timeline.html'), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_, k) => values[k] ?? '',
  );
  writeFileSync(path.join(HARNESS, 'index.html'), html);
  return html;
}

const FILES = {
  '/dist/webview.js': [path.join(root, 'dist', 'webview.js'), 'text/javascript'],
  '/dist/webview.css': [path.join(root, 'dist', 'webview.css'), 'text/css'],
  '/harness/harness.js': [path.join(HARNESS, 'harness.js'), 'text/javascript'],
};

/** Starts the server; returns { origin, close() }. */
export async function serveHarness() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(readFileSync(path.join(HARNESS, 'index.html')));
      return;
    }
    const file = FILES[url.pathname];
    if (!file) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': `${file[1]}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(readFileSync(file[0]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  buildHarnessPage(origin);
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}
