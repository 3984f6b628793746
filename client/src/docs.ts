// The documentation in the installed extension (docs/**/*.md) opens rendered and read-only, in the
// Markdown preview, never as the raw editable file: the diagnostics' code links and the hovers'
// links to docs pages (file: URIs the language server gives, which VS Code would open in an editor)
// are rewritten to the command `hvtimer.openDocs`, which runs `markdown.showPreview` on the page,
// scrolled to the section the link names. Links between pages inside the preview stay in it
// (`markdown.preview.openMarkdownLinks` defaults to `inPreview`).
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

export const OPEN_DOCS_COMMAND = 'hvtimer.openDocs';

/** The page (`docs/…md`) and section a file: URI into the extension's docs names, if it does. */
function docsPageOf(extensionUri: vscode.Uri, target: vscode.Uri): { page: string; fragment: string } | undefined {
  if (target.scheme !== 'file') return undefined;
  const root = extensionUri.with({ fragment: '', query: '' }).path.replace(/\/$/, '');
  const p = target.path;
  if (!p.startsWith(`${root}/docs/`) || !p.endsWith('.md')) return undefined;
  return { page: p.slice(root.length + 1), fragment: target.fragment };
}

/** The command: URI that opens a docs page rendered. */
export const openDocsUri = (page: string, fragment = ''): vscode.Uri =>
  vscode.Uri.parse(`command:${OPEN_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([page, fragment]))}`);

/** Opens `docs/…md` of the extension in the Markdown preview, at `fragment` (a heading's anchor). */
export async function openDocs(
  extensionUri: vscode.Uri,
  page: unknown,
  fragment?: unknown,
): Promise<vscode.Uri | undefined> {
  const rel = typeof page === 'string' ? page : 'docs/diagnostics/README.md';
  // Only pages of the extension's docs folder.
  if (!/^docs\/[\w./-]+\.md$/.test(rel) || rel.split('/').includes('..')) {
    void vscode.window.showErrorMessage(`hvtimer: ${rel} is not a documentation page of this extension.`);
    return undefined;
  }
  const uri = vscode.Uri.joinPath(extensionUri, rel).with({ fragment: typeof fragment === 'string' ? fragment : '' });
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}

/** Rewrites `](file:///…/docs/…md#x)` links of a hover's Markdown to the command that opens them rendered. */
export function rewriteDocsLinks(extensionUri: vscode.Uri, markdown: string): string {
  return markdown.replace(/\]\((file:[^)\s]+)\)/g, (whole, href: string) => {
    const page = docsPageOf(extensionUri, vscode.Uri.parse(href));
    return page ? `](${openDocsUri(page.page, page.fragment).toString()})` : whole;
  });
}

const trustDocs = (md: vscode.MarkdownString): vscode.MarkdownString => {
  const out = new vscode.MarkdownString(md.value, md.supportThemeIcons);
  out.isTrusted = { enabledCommands: [OPEN_DOCS_COMMAND] };
  return out;
};

/** Language-client middleware: diagnostics' code links and hover links open the docs rendered. */
export function docsMiddleware(extensionUri: vscode.Uri): Middleware {
  return {
    handleDiagnostics(uri, diagnostics, next) {
      for (const d of diagnostics) {
        const code = d.code;
        if (typeof code !== 'object' || code === null || !(code.target instanceof vscode.Uri)) continue;
        const page = docsPageOf(extensionUri, code.target);
        if (page) d.code = { value: code.value, target: openDocsUri(page.page, page.fragment) };
      }
      next(uri, diagnostics);
    },
    async provideHover(document, position, token, next) {
      const hover = await next(document, position, token);
      if (!hover) return hover;
      const contents = hover.contents.map((c) => {
        if (!(c instanceof vscode.MarkdownString) || !c.value.includes('](file:')) return c;
        return trustDocs(new vscode.MarkdownString(rewriteDocsLinks(extensionUri, c.value), c.supportThemeIcons));
      });
      return new vscode.Hover(contents, hover.range);
    },
  };
}
