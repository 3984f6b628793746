// "Fix all": apply the preferred fix of every finding (of some codes, or of every code) in passes,
// as ESLint's --fix does: each pass re-analyses the text, applies the fixes whose lines do not
// overlap, and is kept only if it reduced the findings of the codes it fixed (so a fix that does
// not remove its finding cannot loop). At most `maxPasses` passes. The result is the new text and
// the one block of lines that changed, for a single editor edit the user applies (and undoes).
import { Analysis, type AnalysisOptions, type Diagnostic } from '../../analysis';
import type { Fix } from '../../rules/rule';
import { fixesFor } from './index';

export interface FixAllOptions {
  /** Only findings of these codes; all codes when absent. */
  codes?: readonly string[];
  maxPasses?: number;
  /** The options the document is analysed with (tolerance, severity overrides). */
  analysisOptions?: AnalysisOptions;
}

export interface FixAllResult {
  /** The fixed text's lines. */
  lines: string[];
  /** What was applied, pass by pass: the code, the line it was on in that pass, the fix's title. */
  applied: { pass: number; code: string; line: number; title: string }[];
  /** The changed block: lines [start, end) of the original become `replacement`. Undefined when nothing changed. */
  change?: { start: number; end: number; replacement: string[] };
}

const preferred = (a: Analysis, d: Diagnostic): Fix | undefined =>
  d.fixes[0] ?? fixesFor(a, d.code, d.range.start.line)[0];

/** Applies whole-line edits of several fixes (on distinct lines), bottom up. */
function applyEdits(lines: string[], fixes: Fix[]): string[] {
  const out = [...lines];
  const edits = fixes
    .flatMap((f) => f.edits)
    .sort((a, b) => b.line - a.line || Number(b.insertBefore ?? false) - Number(a.insertBefore ?? false));
  for (const e of edits) {
    if (e.insertBefore) out.splice(e.line, 0, e.newText);
    else if (e.delete) out.splice(e.line, 1);
    else out[e.line] = e.newText;
  }
  return out;
}

const linesOf = (a: Analysis): string[] => Array.from({ length: a.doc.lineCount }, (_, i) => a.doc.text(i));

export function fixAll(source: Analysis, options: FixAllOptions = {}): FixAllResult {
  const wanted = options.codes ? new Set(options.codes) : undefined;
  const original = linesOf(source);
  let analysis = source;
  let lines = original;
  const applied: FixAllResult['applied'] = [];
  for (let pass = 1; pass <= (options.maxPasses ?? 10); pass++) {
    const diags = analysis.diagnostics().filter((d) => !wanted || wanted.has(d.code));
    const chosen: { fix: Fix; d: Diagnostic }[] = [];
    const touched = new Set<number>();
    const seen = new Set<string>();
    for (const d of diags) {
      const fix = preferred(analysis, d);
      if (!fix) continue;
      const k = JSON.stringify(fix.edits);
      if (seen.has(k)) continue;
      if (fix.edits.some((e) => touched.has(e.line))) continue;
      seen.add(k);
      fix.edits.forEach((e) => touched.add(e.line));
      chosen.push({ fix, d });
    }
    if (chosen.length === 0) break;
    const fixedCodes = new Set(chosen.map((c) => c.d.code));
    const count = (ds: Diagnostic[]): number => ds.filter((d) => fixedCodes.has(d.code)).length;
    const next = applyEdits(
      lines,
      chosen.map((c) => c.fix),
    );
    const nextAnalysis = new Analysis(next.join('\n'), options.analysisOptions);
    if (count(nextAnalysis.diagnostics()) >= count(diags)) break;
    for (const c of chosen) applied.push({ pass, code: c.d.code, line: c.d.range.start.line, title: c.fix.title });
    lines = next;
    analysis = nextAnalysis;
  }
  return { lines, applied, change: changedBlock(original, lines) };
}

/** The smallest block of lines that differs: common lines at the start and the end are kept. */
export function changedBlock(before: string[], after: string[]): FixAllResult['change'] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  if (start === before.length && start === after.length) return undefined;
  let end = before.length;
  let endAfter = after.length;
  while (end > start && endAfter > start && before[end - 1] === after[endAfter - 1]) {
    end--;
    endAfter--;
  }
  return { start, end, replacement: after.slice(start, endAfter) };
}
