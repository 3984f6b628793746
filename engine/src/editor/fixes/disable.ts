// "Disable HVTnnn for this line": a `# hvtimer-disable-next-line HVTnnn` comment above the line
// (docs/format.md#1-lines), with the line's indentation; when the line above already is such a
// comment, the code is added to it instead of stacking a second one.
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';

const NEXT_LINE_ONLY = /^([ \t]*)#[ \t]*hvtimer-disable-next-line\b(.*)$/;

export function disableLineFix(analysis: Analysis, code: string, line: number): Fix | undefined {
  const doc = analysis.doc;
  if (line < 0 || line >= doc.lineCount) return undefined;
  const title = `Disable ${code} for this line`;
  const above = line > 0 ? doc.node(line - 1) : undefined;
  const s = above?.kind === 'empty' ? above.comment?.suppression : undefined;
  if (s?.kind === 'next-line' && s.codes.length > 0) {
    if (s.codes.some((c) => c.value === code)) return undefined;
    const text = doc.text(line - 1);
    const last = s.codes[s.codes.length - 1];
    if (!NEXT_LINE_ONLY.test(text)) return undefined;
    return {
      title,
      edits: [{ line: line - 1, newText: `${text.slice(0, last.span.end)},${code}${text.slice(last.span.end)}` }],
    };
  }
  const indent = /^[ \t]*/.exec(doc.text(line))![0];
  return { title, edits: [{ line, newText: `${indent}# hvtimer-disable-next-line ${code}`, insertBefore: true }] };
}
