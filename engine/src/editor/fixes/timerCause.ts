// Quick fixes for a timer shifted at a resume point (HVT044) whose cause is a restore step with a
// mechanical fix: a by-value counter restore, or a LAPIC deadline armed before the TSC it is
// compared with was restored (the order is HVT020's). A late or early delivery (HVT040, HVT041) is
// recorded evidence: no edit of the trace removes it, so those get no fix.
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';
import { timersOf } from '../../replay/timers/query';
import { instanceKey } from '../../../../protocol/instanceKey';
import { statementAt } from './lines';
import { resumeFix } from './restoreByOffset';
import { deadlineAfterTscFix } from './restoreOrder';

/** The deadline-before-IA32_TSC writes that armed the vCPU's timers, each moved after IA32_TSC. */
function armedBeforeTscFixes(analysis: Analysis, line: number): Fix[] {
  const stmt = statementAt(analysis.doc, line);
  const vcpu = stmt?.where.vcpu?.value;
  if (!stmt || vcpu === undefined || stmt.where.vm === undefined) return [];
  const timers = timersOf(analysis.stateAfter(line), instanceKey(stmt.where.host.value, stmt.where.vm.value), vcpu);
  const lines = [...new Set(timers.map((t) => t.armedAtLine).filter((l): l is number => l !== undefined && l <= line))];
  return lines.map((l) => deadlineAfterTscFix(analysis, l)).filter((f): f is Fix => f !== undefined);
}

/** HVT044: the restore that set the offset, restored idempotently; the deadline written after IA32_TSC. */
export function timerShiftFixes(analysis: Analysis, line: number): Fix[] {
  const byOffset = resumeFix(analysis, line);
  return [...(byOffset ? [byOffset] : []), ...armedBeforeTscFixes(analysis, line)];
}
