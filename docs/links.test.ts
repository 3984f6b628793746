// Every citation that points into docs/ resolves: the file exists and, where the link names a
// section (`docs/format.md#62-x86-tsc`), the page has that heading. Checked in the code's comments
// (.ts, .mjs), the samples (.hvtrace) and the Markdown pages, whose relative links
// (`[§6.4](../format.md#64-resume-points-and-the-guest-time-line)`) are resolved from the page.
// Anchors are GitHub's: the heading in lower case, without punctuation, spaces turned to hyphens,
// `-1`, `-2`, … for repeated headings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SKIP = new Set([
  'node_modules',
  'dist',
  'dist-vsix',
  '.cache',
  '.git',
  '.vscode-test',
  'test-results',
  '.scratch',
]);

/** GitHub's anchor for a heading's text (github-slugger): lower case, letters/digits/marks, `_`, `-`; spaces to `-`. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's ATX headings (fenced code is not read), with GitHub's numbering of repeats. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = anchorOf(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Names that stand for any page in prose (`docs/diagnostics/HVTnnn.md`, `docs/diagnostics/CODE.md`). */
const PLACEHOLDER = /\/(?:HVTnnn|CODE)\.md$/;

/** The docs links in one file's text: repo-root paths `docs/…` anywhere, and relative Markdown links in .md files. */
export function linksIn(file: string, text: string): Link[] {
  const links: Link[] = [];
  text.split('\n').forEach((lineText, i) => {
    const line = i + 1;
    for (const m of lineText.matchAll(/(?<![\w/.-])docs\/[\w./-]+?\.(?:md|txt)(?:#[\p{L}\p{N}_-]*)?(?![\w/])/gu)) {
      // In the Markdown references, a path without an anchor may be another project's (`docs/debug/tracing.md`).
      if (
        PLACEHOLDER.test(m[0]) ||
        (file.endsWith('.md') && !m[0].includes('#') && !file.startsWith('docs/diagnostics/'))
      )
        continue;
      links.push({ file, line, target: m[0] });
    }
    if (!file.endsWith('.md')) return;
    for (const m of lineText.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1];
      if (/^[a-z]+:/i.test(href)) continue; // http:, https:, mailto:
      const [p, anchor] = href.split('#');
      const resolved =
        p === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), p)).replace(/\/$/, '');
      links.push({ file, line, target: anchor === undefined ? resolved : `${resolved}#${anchor}` });
    }
  });
  return links;
}

/** What is wrong with a link (null: nothing). `read` gives a repo file's text, or null if it does not exist. */
export function problemOf(link: Link, read: (file: string) => string | null): string | null {
  const [file, anchor] = link.target.split('#');
  const text = read(file);
  if (text === null) return `${link.file}:${link.line}: ${link.target}: no such file or folder`;
  if (anchor === undefined || !file.endsWith('.md')) return null;
  return anchorsOf(text).has(anchor)
    ? null
    : `${link.file}:${link.line}: ${link.target}: ${file} has no heading with anchor #${anchor}`;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(path.join(ROOT, dir))) {
    if (SKIP.has(name)) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel, out);
    else if (/\.(ts|mjs|md|hvtrace)$/.test(name)) out.push(rel);
  }
  return out;
}

/** A repo file's text ('' for a folder), null when it does not exist. */
const readRepo = (file: string): string | null => {
  const full = path.join(ROOT, file);
  if (!existsSync(full)) return null;
  return statSync(full).isFile() ? readFileSync(full, 'utf8') : '';
};

test('GitHub anchors: punctuation dropped, spaces to hyphens, repeats numbered', () => {
  assert.equal(anchorOf('6.2 x86 TSC'), '62-x86-tsc');
  assert.equal(anchorOf('4.1 `ioctl` — VMM to KVM'), '41-ioctl--vmm-to-kvm');
  assert.equal(anchorOf('3. Directives (lines starting with `@`)'), '3-directives-lines-starting-with-');
  assert.equal(
    anchorOf('6.3 Stolen time (arm64 PV time; x86 MSR_KVM_STEAL_TIME)'),
    '63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time',
  );
  assert.deepEqual([...anchorsOf('# A\n## Notes\n```\n## not a heading\n```\n## Notes\n')], ['a', 'notes', 'notes-1']);
});

test('a broken file or anchor is reported; a good one is not', () => {
  const page = '# Format\n## 6.2 x86 TSC\n';
  const read = (f: string): string | null => (f === 'docs/format.md' ? page : null);
  const code = linksIn('engine/x.ts', '// docs/format.md#62-x86-tsc, docs/format.md#62-x86-tscc, docs/nope.md');
  assert.deepEqual(
    code.map((l) => l.target),
    ['docs/format.md#62-x86-tsc', 'docs/format.md#62-x86-tscc', 'docs/nope.md'],
  );
  assert.deepEqual(
    code.map((l) => problemOf(l, read)),
    [
      null,
      'engine/x.ts:1: docs/format.md#62-x86-tscc: docs/format.md has no heading with anchor #62-x86-tscc',
      'engine/x.ts:1: docs/nope.md: no such file or folder',
    ],
  );
  // A page's relative links resolve from the page.
  const md = linksIn(
    'docs/diagnostics/HVT999.md',
    'see [§6.2](../format.md#62-x86-tsc) and [web](https://example.invalid/#x)',
  );
  assert.deepEqual(
    md.map((l) => l.target),
    ['docs/format.md#62-x86-tsc'],
  );
  assert.equal(problemOf(md[0], read), null);
});

test('every docs link in the code, the samples and the pages resolves', () => {
  const files = walk('', []).filter((f) => f !== 'docs/links.test.ts'); // this file's examples are broken on purpose
  const links = files.flatMap((f) => linksIn(f, readFileSync(path.join(ROOT, f), 'utf8')));
  // The citations were turned into links: there are many, and the check is not vacuous.
  assert.ok(links.filter((l) => l.target.includes('#')).length >= 100, `only ${links.length} links found`);
  assert.deepEqual(
    links.map((l) => problemOf(l, readRepo)).filter((p) => p !== null),
    [],
  );
});
