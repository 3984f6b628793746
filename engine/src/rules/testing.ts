// Helpers for rule tests: run a trace and pick out findings.
import { Analysis, type AnalysisOptions, type Diagnostic } from '../analysis';
import type { Fix } from './rule';

/** Diagnostics of a trace given as lines (joined with newlines). */
export function check(lines: string[], options: AnalysisOptions = {}): Diagnostic[] {
  return new Analysis(lines.join('\n'), options).diagnostics();
}

/** Findings of one code. */
export const only = (diags: Diagnostic[], code: string): Diagnostic[] => diags.filter((d) => d.code === code);

/** `CODE@line` (1-based) for every finding, in order: compact and easy to compare. */
export const codesAt = (diags: Diagnostic[]): string[] => diags.map((d) => `${d.code}@${d.range.start.line + 1}`);

/** A standard arm64 world: src counter 0 at t=0, dst 5000000000 at t=0, both 25 MHz, no CNTPOFF. */
export const ARM64_HEADER = [
  '@hvtrace 1',
  '@host src arch=arm64 freq=25MHz ecv=0 vhe=1',
  '@host dst arch=arm64 freq=25MHz ecv=0 vhe=1 counter=5000000000@0.0',
  '@vm vm1 vcpus=2 policy=advance',
];

/** Applies a fix's whole-line edits to a text, from the bottom up so line numbers stay valid (what the editor does). */
export function applyFix(text: string, fix: Fix): string {
  const lines = text.split(/\r?\n/);
  const edits = [...fix.edits].sort(
    (a, b) => b.line - a.line || Number(b.insertBefore ?? false) - Number(a.insertBefore ?? false),
  );
  for (const e of edits) {
    if (e.insertBefore) lines.splice(e.line, 0, e.newText);
    else if (e.delete) lines.splice(e.line, 1);
    else lines[e.line] = e.newText;
  }
  return lines.join('\n');
}
