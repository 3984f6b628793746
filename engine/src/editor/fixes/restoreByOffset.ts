// Quick fixes that replace a by-value counter restore with the idempotent offset the hover works
// out (engine/src/replay/restore.ts, docs/reference/seeds/seed-000.txt):
//   arm64: the restore's TIMER_CNT writes become one KVM_ARM_SET_COUNTER_OFFSET (Linux 6.4+,
//          kvm_vm_ioctl_set_counter_offset: VM-wide, later CNT writes are ignored);
//   x86:   an IA32_TSC write becomes KVM_SET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET (Linux 5.16+,
//          Documentation/virt/kvm/devices/vcpu.rst "KVM_VCPU_TSC_CTRL"); the other MSRs of its
//          KVM_SET_MSRS stay, in a KVM_SET_MSRS after it (so a deadline is written after the offset).
// And the fixes of the findings these restores cause (HVT010, HVT001 and HVT044 at the resume
// point, HVT012, HVT014, HVT002, HVT023) point at the same edit.
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';
import type { Statement } from '../../syntax/ast';
import { kernelAtLeast } from '../../replay/context';
import { idempotentRestore } from '../../replay/restore';
import { instanceKey } from '../../../../protocol/instanceKey';
import { isMsr, lineLike, replaceStatement, statementAt, vmWhere, type Edit } from './lines';

const isCntWrite = (s: Statement | undefined, which: 'vtimer_cnt' | 'any' = 'any'): s is Statement =>
  s !== undefined &&
  s.body.type === 'set_one_reg' &&
  'known' in s.body.reg.value &&
  s.result?.kind !== 'errno' &&
  (s.body.reg.value.known.role === 'vtimer_cnt' || (which === 'any' && s.body.reg.value.known.role === 'ptimer_cnt'));

/**
 * The counter writes (TIMER_CNT, PTIMER_CNT) of the restore `line` belongs to: the writes of the
 * same VM on the same host around it, up to a KVM_RUN of that VM on that host or a stop.
 */
function restoreGroup(analysis: Analysis, line: number, stmt: Statement): number[] {
  const doc = analysis.doc;
  const vm = stmt.where.vm!.value;
  const host = stmt.where.host.value;
  const boundary = (s: Statement): boolean =>
    s.where.vm?.value === vm &&
    ((s.body.type === 'run' && s.where.host.value === host) ||
      ['pause', 'migrate', 'snapshot', 'restore', 'resume'].includes(s.body.type));
  const member = (s: Statement): boolean => s.where.vm?.value === vm && s.where.host.value === host && isCntWrite(s);
  const out = [line];
  for (let l = line - 1; l >= 0; l--) {
    const s = statementAt(doc, l);
    if (!s) continue;
    if (boundary(s)) break;
    if (member(s)) out.unshift(l);
  }
  for (let l = line + 1; l < doc.lineCount; l++) {
    const s = statementAt(doc, l);
    if (!s) continue;
    if (boundary(s)) break;
    if (member(s)) out.push(l);
  }
  return out;
}

/** arm64 (HVT011): the restore's by-value writes as one KVM_ARM_SET_COUNTER_OFFSET with the idempotent offset. */
export function counterOffsetFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!isCntWrite(stmt, 'vtimer_cnt') || stmt.where.vcpu === undefined || stmt.where.vm === undefined) return undefined;
  const group = restoreGroup(analysis, line, stmt);
  const first = group[0];
  const firstStmt = statementAt(doc, first)!;
  // The offset is VM-wide: worked out for the first write's vCPU, at the first write's time.
  const vcpu = isCntWrite(firstStmt, 'vtimer_cnt') ? firstStmt.where.vcpu!.value : stmt.where.vcpu.value;
  const at = isCntWrite(firstStmt, 'vtimer_cnt') ? first : line;
  const atStmt = statementAt(doc, at)!;
  const before = analysis.stateAfter(at - 1);
  const host = before.hosts.get(atStmt.where.host.value);
  if (!host || host.arch !== 'arm64') return undefined;
  const r = idempotentRestore(before, atStmt, vcpu);
  if (!r || !r.counterOffsetAvailable) return undefined;
  const text = `${doc.text(at).slice(atStmt.time.span.start, atStmt.time.span.end)} ${vmWhere(atStmt)} ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}`;
  const others = group.filter((l) => l !== at);
  const edits: Edit[] = [
    { line: at, newText: replaceStatement(doc, at, atStmt, text) },
    ...others.map((l): Edit => ({ line: l, newText: '', delete: true })),
  ];
  const also = others.length ? ` (replaces ${others.length + 1} counter writes)` : '';
  return {
    title: `Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=${r.ideal}${also}`,
    edits,
  };
}

/**
 * x86 (HVT011, HVT023 in a restore): the IA32_TSC write of a KVM_SET_MSRS of a vCPU being restored as
 * KVM_VCPU_TSC_OFFSET with the idempotent offset.
 */
export function tscOffsetFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt || stmt.body.type !== 'set_msrs' || stmt.where.vcpu === undefined || stmt.where.vm === undefined)
    return undefined;
  const writes = stmt.body.writes;
  // `-> N` with N < the writes: KVM stopped early; the fix would change what was written.
  if (stmt.result !== undefined && !(stmt.result.kind === 'value' && stmt.result.value.value === String(writes.length)))
    return undefined;
  const tsc = writes.find((w) => isMsr(w, 'tsc'));
  if (!tsc) return undefined;
  const before = analysis.stateAfter(line - 1);
  const host = before.hosts.get(stmt.where.host.value);
  const v = before.instances
    .get(instanceKey(stmt.where.host.value, stmt.where.vm.value))
    ?.vcpus.get(stmt.where.vcpu.value);
  if (!host || host.arch !== 'x86_64' || !v || !kernelAtLeast(host, 5, 16)) return undefined;
  // Only while the guest is being restored: outside a restore (a reset's IA32_TSC=0, HVT023) the
  // value-based offset would make the model report the deliberate step back of a running guest.
  const r = idempotentRestore(before, stmt, stmt.where.vcpu.value);
  if (!r) return undefined;
  const offset = r.ideal;
  const attr = `ioctl KVM_SET_DEVICE_ATTR group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=${offset}`;
  const edits: Edit[] = [
    {
      line,
      newText: replaceStatement(
        doc,
        line,
        stmt,
        `${doc.text(line).slice(stmt.span.start, stmt.where.span.end)} ${attr}`,
      ),
    },
  ];
  const rest = writes.filter((w) => w !== tsc);
  if (rest.length) {
    const text = doc.text(line);
    edits.push({
      line: line + 1,
      newText: lineLike(
        doc,
        line,
        stmt,
        `ioctl KVM_SET_MSRS ${rest.map((w) => text.slice(w.msr.span.start, w.value.span.end)).join(' ')}`,
      ),
      insertBefore: true,
    });
  }
  const signed = offset >= 1n << 63n ? ` (${offset - (1n << 64n)})` : '';
  return { title: `Restore the TSC idempotently: KVM_VCPU_TSC_OFFSET value=${offset}${signed}`, edits };
}

/** The by-value restore that set the offset a vCPU runs with at `line` (a resume point), fixed. */
export function resumeFix(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  const vcpu = stmt?.where.vcpu?.value;
  if (!stmt || stmt.body.type !== 'run' || vcpu === undefined || stmt.where.vm === undefined) return undefined;
  const after = analysis.stateAfter(line);
  const host = after.hosts.get(stmt.where.host.value);
  const v = after.instances.get(instanceKey(stmt.where.host.value, stmt.where.vm.value))?.vcpus.get(vcpu);
  if (!host || !v) return undefined;
  const by = host.arch === 'arm64' ? v.voffsetBy : v.tscOffsetBy;
  if (!by || by.line >= line) return undefined;
  return host.arch === 'arm64' ? counterOffsetFix(analysis, by.line) : tscOffsetFix(analysis, by.line);
}

/** HVT014 (and HVT001 on the same creation): the by-value restore the creation undoes, done with KVM_ARM_SET_COUNTER_OFFSET, which creation keeps. */
export function undoneRestoreFix(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  if (!stmt || stmt.body.type !== 'create_vcpu' || stmt.where.vm === undefined) return undefined;
  const inst = analysis.stateAfter(line - 1).instances.get(instanceKey(stmt.where.host.value, stmt.where.vm.value));
  const by = inst?.counterRestoredBy;
  return by && by.line < line ? counterOffsetFix(analysis, by.line) : undefined;
}

/** HVT002 on x86: every by-value TSC restore of the instance's vCPUs, as the one idempotent offset each. */
export function sameOffsetFix(analysis: Analysis, line: number): Fix | undefined {
  const stmt = statementAt(analysis.doc, line);
  if (!stmt || stmt.where.vm === undefined) return undefined;
  const after = analysis.stateAfter(line);
  const host = after.hosts.get(stmt.where.host.value);
  const inst = after.instances.get(instanceKey(stmt.where.host.value, stmt.where.vm.value));
  if (!host || host.arch !== 'x86_64' || !inst) return undefined;
  const fixes = [...inst.vcpus.values()]
    .map((v) => v.tscOffsetBy?.line)
    .filter((l): l is number => l !== undefined && l <= line)
    .map((l) => tscOffsetFix(analysis, l))
    .filter((f): f is Fix => f !== undefined);
  if (fixes.length === 0) return undefined;
  return {
    title: `Restore every vCPU's TSC idempotently (KVM_VCPU_TSC_OFFSET on ${fixes.length} vCPU${fixes.length === 1 ? '' : 's'})`,
    edits: fixes.flatMap((f) => f.edits),
  };
}
