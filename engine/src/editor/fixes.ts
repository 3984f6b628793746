// Quick fixes where the fix is mechanical, computed from a diagnostic's code and line and the model
// state (rules may also attach fixes of their own; these cover the codes whose rules do not):
//   HVT011 / HVT010: replace a by-value TIMER_CNT restore with KVM_ARM_SET_COUNTER_OFFSET carrying
//                    the idempotent offset (Off1 = C1 - expected guest counter);
//   HVT013:          remove a counter write KVM ignores;
//   HVT020:          write IA32_TSC_DEADLINE after IA32_TSC;
//   HVT022:          insert KVM_KVMCLOCK_CTRL before the vCPU's first KVM_RUN.
import type { Analysis } from '../analysis';
import type { Fix } from '../rules/rule';
import type { MsrWrite, Statement } from '../syntax/ast';
import type { TraceDocument } from '../syntax/document';
import { idempotentRestore } from '../replay/restore';
import { instanceKey } from '../../../protocol/instanceKey';

export type { Fix };

const statementAt = (doc: TraceDocument, line: number): Statement | undefined => {
  const n = doc.node(line);
  return n.kind === 'statement' ? n.statement : undefined;
};

/** The line's text with the statement part replaced, keeping indentation and any comment. */
function replaceStatement(doc: TraceDocument, line: number, stmt: Statement, text: string): string {
  const old = doc.text(line);
  return old.slice(0, stmt.span.start) + text + old.slice(stmt.span.end);
}

const timeText = (doc: TraceDocument, line: number, stmt: Statement): string => doc.text(line).slice(stmt.time.span.start, stmt.time.span.end);
const indentOf = (doc: TraceDocument, line: number, stmt: Statement): string => doc.text(line).slice(0, stmt.span.start);

const isTimerCntWrite = (stmt: Statement | undefined): stmt is Statement =>
  stmt !== undefined && stmt.body.type === 'set_one_reg' && 'known' in stmt.body.reg.value && stmt.body.reg.value.known.role === 'vtimer_cnt' && stmt.result?.kind !== 'errno';

/** HVT011: the by-value write at `line` as an idempotent KVM_ARM_SET_COUNTER_OFFSET. */
export function counterOffsetFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!isTimerCntWrite(stmt) || stmt.where.vcpu === undefined || stmt.where.vm === undefined) return undefined;
  const before = analysis.stateAfter(line - 1);
  const host = before.hosts.get(stmt.where.host.value);
  if (!host || host.arch !== 'arm64') return undefined;
  const r = idempotentRestore(before, stmt, stmt.where.vcpu.value);
  if (!r || !r.counterOffsetAvailable) return undefined;
  const text = `${timeText(doc, line, stmt)} ${stmt.where.host.value}/${stmt.where.vm.value} ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}`;
  return {
    title: `Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}`,
    edits: [{ line, newText: replaceStatement(doc, line, stmt, text) }],
  };
}

/** HVT010 at a resume point whose offset came from a by-value write: fix that write. */
function resumeFix(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  const vcpu = stmt?.where.vcpu?.value;
  if (!stmt || vcpu === undefined || stmt.where.vm === undefined) return undefined;
  const inst = analysis.stateAfter(line).instances.get(instanceKey(stmt.where.host.value, stmt.where.vm.value));
  const by = inst?.vcpus.get(vcpu)?.voffsetBy;
  if (!by || by.line >= line) return undefined;
  return counterOffsetFix(analysis, by.line);
}

/** HVT013: the ignored counter write removed. */
function removeIgnoredWrite(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  if (!stmt || stmt.body.type !== 'set_one_reg') return undefined;
  return { title: 'Remove the counter write KVM ignores', edits: [{ line, newText: '', delete: true }] };
}

const isMsr = (w: MsrWrite, role: string): boolean => 'known' in w.msr.value && w.msr.value.known.role === role;
const writeText = (doc: TraceDocument, line: number, w: MsrWrite): string => doc.text(line).slice(w.msr.span.start, w.value.span.end);

/** The line's text without one `MSR=VALUE` argument (and the blank before it). */
function withoutWrite(doc: TraceDocument, line: number, w: MsrWrite): string {
  const text = doc.text(line);
  let start = w.msr.span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return text.slice(0, start) + text.slice(w.value.span.end);
}

/** HVT020: move the IA32_TSC_DEADLINE write after the IA32_TSC write. */
function deadlineAfterTscFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt || stmt.body.type !== 'set_msrs' || stmt.result !== undefined) return undefined;
  const writes = stmt.body.writes;
  const di = writes.findIndex((w) => isMsr(w, 'tsc_deadline'));
  if (di < 0) return undefined;
  const deadline = writes[di];
  const moved = writeText(doc, line, deadline);
  const title = 'Write IA32_TSC_DEADLINE after IA32_TSC';
  const ti = writes.findIndex((w, i) => i > di && isMsr(w, 'tsc'));
  if (ti >= 0) {
    // Same statement (KVM_SET_MSRS applies them left to right): move the argument after IA32_TSC.
    const tsc = writes[ti];
    const text = doc.text(line);
    const removed = withoutWrite(doc, line, deadline);
    const shift = text.length - removed.length;
    const at = tsc.value.span.end - shift;
    return { title, edits: [{ line, newText: `${removed.slice(0, at)} ${moved}${removed.slice(at)}` }] };
  }
  // A later statement of the same vCPU writes IA32_TSC: move the deadline write into it.
  const where = doc.text(line).slice(stmt.where.span.start, stmt.where.span.end);
  for (let l = line + 1; l < doc.lineCount; l++) {
    const s = statementAt(doc, l);
    if (!s) continue;
    if (doc.text(l).slice(s.where.span.start, s.where.span.end) !== where) continue;
    if (s.body.type === 'run') return undefined;
    if (s.body.type !== 'set_msrs') continue;
    const tsc = s.body.writes.find((w) => isMsr(w, 'tsc'));
    if (!tsc) continue;
    if (s.result !== undefined) return undefined;
    const target = doc.text(l);
    const edits: Fix['edits'] = [];
    edits.push(writes.length === 1 ? { line, newText: '', delete: true } : { line, newText: withoutWrite(doc, line, deadline) });
    edits.push({ line: l, newText: `${target.slice(0, tsc.value.span.end)} ${moved}${target.slice(tsc.value.span.end)}` });
    return { title, edits };
  }
  return undefined;
}

/** HVT022: KVM_KVMCLOCK_CTRL on the vCPU just before its first KVM_RUN. */
function kvmclockCtrlFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt || stmt.body.type !== 'run' || stmt.where.vcpu === undefined) return undefined;
  const where = doc.text(line).slice(stmt.where.span.start, stmt.where.span.end);
  return {
    title: `Insert KVM_KVMCLOCK_CTRL for vcpu${stmt.where.vcpu.value} before its first KVM_RUN`,
    edits: [{ line, newText: `${indentOf(doc, line, stmt)}${timeText(doc, line, stmt)} ${where} ioctl KVM_KVMCLOCK_CTRL`, insertBefore: true }],
  };
}

/** The mechanical fixes for the diagnostic `code` reported on `line`. */
export function fixesFor(analysis: Analysis, code: string, line: number): Fix[] {
  if (line < 0 || line >= analysis.doc.lineCount) return [];
  let fix: Fix | undefined;
  switch (code) {
    case 'HVT011': fix = counterOffsetFix(analysis, line); break;
    case 'HVT010': fix = resumeFix(analysis, line); break;
    case 'HVT013': fix = removeIgnoredWrite(analysis, line); break;
    case 'HVT020': fix = deadlineAfterTscFix(analysis, line); break;
    case 'HVT022': fix = kvmclockCtrlFix(analysis, line); break;
    default: fix = undefined;
  }
  return fix ? [fix] : [];
}
