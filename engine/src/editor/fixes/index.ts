// Quick fixes where the fix is mechanical, computed from a diagnostic's code and line and the model
// state (rules may also attach fixes of their own: HVT042, HVT045). Which code gets which fix, and
// which have none and why, is listed in docs/diagnostics/README.md ("Quick fixes"). A fix is a set of
// whole-line edits; the language server turns it into a WorkspaceEdit the user applies.
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';
import { counterOffsetFix, resumeFix, sameOffsetFix, tscOffsetFix, undoneRestoreFix } from './restoreByOffset';
import { deadlineAfterTscFix, kvmclockCtrlFix, pvAddressFix, setClockBeforeRunFix } from './restoreOrder';
import { timerShiftFixes } from './timerCause';
import { declareHostFix, decimalCommaFix, removeIgnoredWrite, timeOrderFix } from './traceHygiene';
import { statementAt } from './lines';

export type { Fix };
export { counterOffsetFix } from './restoreByOffset';
export { disableLineFix } from './disable';
export { fixAll, type FixAllResult } from './fixAll';

type FixFinder = (analysis: Analysis, line: number) => Fix | Fix[] | undefined;

/** HVT011 / HVT023 on a by-value restore: arm64 TIMER_CNT or x86 IA32_TSC, whichever the line is. */
const byOffset: FixFinder = (a, line) => counterOffsetFix(a, line) ?? tscOffsetFix(a, line);

/** HVT001: at a resume point, the restore that set the offset; on a vCPU creation, the restore it undid. */
const backwardTime: FixFinder = (a, line) =>
  statementAt(a.doc, line)?.body.type === 'create_vcpu' ? undoneRestoreFix(a, line) : resumeFix(a, line);

const FIXES: Readonly<Record<string, FixFinder>> = {
  HVT001: backwardTime,
  HVT002: sameOffsetFix,
  HVT010: resumeFix,
  HVT011: byOffset,
  HVT012: counterOffsetFix,
  HVT013: removeIgnoredWrite,
  HVT014: undoneRestoreFix,
  HVT020: deadlineAfterTscFix,
  HVT021: setClockBeforeRunFix,
  HVT022: kvmclockCtrlFix,
  HVT023: tscOffsetFix,
  HVT033: pvAddressFix,
  HVT044: timerShiftFixes,
  HVT090: decimalCommaFix,
  HVT091: declareHostFix,
  HVT092: timeOrderFix,
};

/** The codes that have a mechanical fix here (rules attach theirs for HVT042 and HVT045). */
export const FIXABLE_CODES: readonly string[] = [...Object.keys(FIXES), 'HVT042', 'HVT045'].sort();

const key = (f: Fix): string => JSON.stringify(f.edits);

/** The mechanical fixes for the diagnostic `code` reported on `line` (without duplicates). */
export function fixesFor(analysis: Analysis, code: string, line: number): Fix[] {
  if (line < 0 || line >= analysis.doc.lineCount || !Object.hasOwn(FIXES, code)) return [];
  const found = FIXES[code](analysis, line);
  const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
  const seen = new Set<string>();
  return list.filter((f) => !seen.has(key(f)) && seen.add(key(f)));
}
