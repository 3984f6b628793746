// Every code in the registry has a documentation page (docs/diagnostics/HVTnnn.md, linked from the
// language server's codeDescription and SARIF's helpUri), and the page's traces still do what it
// says: the first ```hvtrace block (the problematic trace) produces the code, with the message the
// page shows; the second (the corrected trace) does not. Docs can never drift from the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../../engine/src/rules/registry';
import { checkText, docsPagePath, DOCS_INDEX_PATH, type Diagnostic } from '../../engine/src/index';

const ROOT = path.resolve(__dirname, '../..');

/** The section headings of every page, in this order (the ShellCheck-style layout). */
const SECTIONS = [
  '## What it means',
  '## Why it matters',
  '## How to fix',
  '## Problematic trace',
  '## Corrected trace',
  '## Exceptions (when it does not fire)',
  '## Related codes',
];

/** The contents of every fenced block with this info string, in document order. */
function fenced(md: string, info: string): { body: string; index: number }[] {
  const re = new RegExp(`^\`\`\`${info}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return [...md.matchAll(re)].map((m) => ({ body: m[1], index: m.index ?? 0 }));
}

/** How `hvtimer check --format text` prints a diagnostic (without the file name). */
const printed = (d: Diagnostic): string =>
  `:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;

const readPage = (code: string): string => readFileSync(path.join(ROOT, docsPagePath(code)), 'utf8');

for (const rule of RULES) {
  const { code, name, defaultSeverity } = rule.meta;

  test(`${code}: ${docsPagePath(code)} exists with the heading, severity line and every section`, () => {
    assert.ok(existsSync(path.join(ROOT, docsPagePath(code))), `missing ${docsPagePath(code)}`);
    const md = readPage(code);
    const lines = md.split('\n');
    assert.equal(lines[0], `# ${code} ${name}`);
    const severity = lines.find((l) => l.startsWith('**Default severity:**'));
    assert.ok(severity, 'no "**Default severity:**" line');
    assert.ok(
      severity.startsWith(`**Default severity:** ${defaultSeverity}`),
      `severity line does not start with ${defaultSeverity}: ${severity}`,
    );
    assert.match(severity, /\*\*Catalog section:\*\* \S/);
    let last = -1;
    for (const heading of SECTIONS) {
      const at = lines.indexOf(heading);
      assert.ok(at >= 0, `missing section "${heading}"`);
      assert.ok(at > last, `section "${heading}" is out of order`);
      last = at;
    }
  });

  test(`${code}: the problematic trace produces it, with the message shown; the corrected trace does not`, () => {
    const md = readPage(code);
    const traces = fenced(md, 'hvtrace');
    assert.ok(traces.length >= 2, 'a page needs a problematic and a corrected ```hvtrace block');
    const [problematic, corrected] = traces;
    const problemSection = md.indexOf('## Problematic trace');
    const correctedSection = md.indexOf('## Corrected trace');
    assert.ok(
      problematic.index > problemSection && problematic.index < correctedSection,
      'the first trace is not under "Problematic trace"',
    );
    assert.ok(corrected.index > correctedSection, 'the second trace is not under "Corrected trace"');

    const found = checkText(problematic.body).filter((d) => d.code === code);
    assert.ok(found.length > 0, `the problematic trace does not produce ${code}`);
    // The CLI output pasted under the problematic trace: one line per finding of this code.
    const output = fenced(md, 'text').find((b) => b.index > problematic.index && b.index < correctedSection);
    assert.ok(output, 'no ```text block with the message between the two traces');
    const shown = output.body.split('\n').filter((l) => new RegExp(`^\\S+:\\d+:\\d+: \\w+ ${code} `).test(l));
    assert.deepEqual(
      shown.map((l) => l.slice(l.indexOf(':'))),
      found.map(printed),
      'the message on the page is not what the engine reports now (re-run hvtimer check on the problematic trace and paste its output)',
    );

    const stillThere = checkText(corrected.body)
      .filter((d) => d.code === code)
      .map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(stillThere, [], `the corrected trace still produces ${code}`);
  });

  test(`${code}: the related-code links point at pages that exist`, () => {
    const md = readPage(code);
    const links = [...md.matchAll(/\]\((HVT\d{3})\.md\)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, 'no related codes');
    for (const target of links)
      assert.ok(
        RULES.some((r) => r.meta.code === target),
        `${code} links to ${target}, which is not in the registry`,
      );
    for (const m of md.matchAll(/\]\((\.\.\/\.\.\/sample-traces\/[^)]+)\)/g)) {
      assert.ok(
        existsSync(path.join(ROOT, 'docs/diagnostics', m[1])),
        `${code} links to ${m[1]}, which does not exist`,
      );
    }
  });
}

test(`${DOCS_INDEX_PATH} lists every code with its name, default severity and page, and nothing else`, () => {
  const md = readFileSync(path.join(ROOT, DOCS_INDEX_PATH), 'utf8');
  const rows = md.split('\n').filter((l) => /^\| \[HVT\d{3}\]/.test(l));
  const listed = rows.map((l) => l.match(/^\| \[(HVT\d{3})\]\((HVT\d{3})\.md\)/));
  assert.deepEqual(listed.map((m) => m?.[1]).sort(), RULES.map((r) => r.meta.code).sort());
  for (const rule of RULES) {
    const row = rows.find((l) => l.startsWith(`| [${rule.meta.code}](${rule.meta.code}.md)`));
    assert.ok(row, `${rule.meta.code} is not in the index`);
    const cells = row.split('|').map((c) => c.trim());
    assert.equal(cells[2], rule.meta.name, `${rule.meta.code}: name`);
    assert.ok(cells[3].startsWith(rule.meta.defaultSeverity), `${rule.meta.code}: default severity ${cells[3]}`);
    assert.ok(cells[4].length > 0, `${rule.meta.code}: summary`);
  }
  for (const group of [
    '## Guest time',
    '## Offsets and traps',
    '## x86 restore (HVT020–023)',
    '## Stolen time',
    '## Trace hygiene',
  ]) {
    assert.ok(md.includes(`\n${group}\n`), `index group "${group}" is missing`);
  }
});
