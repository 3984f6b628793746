// Quick fixes that put a restore's steps in the order a rule names, or add the step it lacks:
//   HVT020: IA32_TSC_DEADLINE written after IA32_TSC (KVM compares the deadline with the TSC as it
//           is when the deadline is written: kvm_set_lapic_tscdeadline_msr);
//   HVT021: KVM_SET_CLOCK before the instance's first KVM_RUN (Cloud Hypervisor PR #7932 order);
//   HVT022: KVM_KVMCLOCK_CTRL before the vCPU's first KVM_RUN;
//   HVT033: the source's PV-time address set on the destination before the vCPU's first KVM_RUN.
// (HVT045's "IA32_TSC_DEADLINE after KVM_SET_LAPIC" is attached by its rule.)
import type { Analysis } from '../../analysis';
import type { Fix } from '../../rules/rule';
import { instanceKey } from '../../../../protocol/instanceKey';
import {
  findStatement,
  isMsr,
  lineLike,
  sameVm,
  statementAt,
  whereText,
  withoutWrite,
  writeText,
  type Edit,
} from './lines';

/** HVT020: move the IA32_TSC_DEADLINE write after the IA32_TSC write. */
export function deadlineAfterTscFix(analysis: Analysis, line: number): Fix | undefined {
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
  const where = whereText(doc, line, stmt);
  for (let l = line + 1; l < doc.lineCount; l++) {
    const s = statementAt(doc, l);
    if (!s) continue;
    if (whereText(doc, l, s) !== where) continue;
    if (s.body.type === 'run') return undefined;
    if (s.body.type !== 'set_msrs') continue;
    const tsc = s.body.writes.find((w) => isMsr(w, 'tsc'));
    if (!tsc) continue;
    if (s.result !== undefined) return undefined;
    const target = doc.text(l);
    const edits: Edit[] = [];
    edits.push(
      writes.length === 1 ? { line, newText: '', delete: true } : { line, newText: withoutWrite(doc, line, deadline) },
    );
    edits.push({
      line: l,
      newText: `${target.slice(0, tsc.value.span.end)} ${moved}${target.slice(tsc.value.span.end)}`,
    });
    return { title, edits };
  }
  return undefined;
}

/**
 * HVT021 on a KVM_RUN: the instance's KVM_SET_CLOCK, when it comes later, moved before this first
 * KVM_RUN (at its time); when it never comes, inserted there with the clock the source saved,
 * advanced by the downtime under policy advance (the guest's kvmclock keeps pace) or as saved under
 * policy freeze.
 */
export function setClockBeforeRunFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const run = statementAt(doc, line);
  if (!run || run.body.type !== 'run' || run.where.vm === undefined) return undefined;
  const vm = `${run.where.host.value}/${run.where.vm.value}`;
  const later = findStatement(
    doc,
    line + 1,
    doc.lineCount,
    (s) => s.body.type === 'set_clock' && sameVm(s, run) && s.where.vcpu === undefined,
    (s) => sameVm(s, run) && (s.body.type === 'pause' || s.body.type === 'migrate' || s.body.type === 'snapshot'),
  );
  if (later !== undefined) {
    const s = statementAt(doc, later)!;
    const text = lineLike(doc, line, run, doc.text(later).slice(s.actor.span.start, s.span.end), vm);
    return {
      title: 'Restore kvmclock (KVM_SET_CLOCK) before the first KVM_RUN',
      edits: [
        { line: later, newText: '', delete: true },
        { line, newText: text, insertBefore: true },
      ],
    };
  }
  const before = analysis.stateAfter(line - 1);
  const inst = before.instances.get(instanceKey(run.where.host.value, run.where.vm.value));
  const g = before.guests.get(run.where.vm.value);
  const saved = inst?.sourceSavedClock ? statementAt(doc, inst.sourceSavedClock.line) : undefined;
  if (!saved || saved.body.type !== 'get_clock' || !saved.body.clock || !g) return undefined;
  // The clock was saved at the source's KVM_GET_CLOCK; under policy advance kvmclock runs on through the downtime.
  const clock = saved.body.clock.value + (g.policy === 'advance' ? run.time.value - saved.time.value : 0n);
  const text = lineLike(doc, line, run, `ioctl KVM_SET_CLOCK clock=${clock}`, vm);
  return {
    title: `Restore kvmclock before the first KVM_RUN: KVM_SET_CLOCK clock=${clock}`,
    edits: [{ line, newText: text, insertBefore: true }],
  };
}

/** HVT022: KVM_KVMCLOCK_CTRL on the vCPU just before its first KVM_RUN. */
export function kvmclockCtrlFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const stmt = statementAt(doc, line);
  if (!stmt || stmt.body.type !== 'run' || stmt.where.vcpu === undefined) return undefined;
  return {
    title: `Insert KVM_KVMCLOCK_CTRL for vcpu${stmt.where.vcpu.value} before its first KVM_RUN`,
    edits: [{ line, newText: lineLike(doc, line, stmt, 'ioctl KVM_KVMCLOCK_CTRL'), insertBefore: true }],
  };
}

/** HVT033 on a destination's first KVM_RUN: set the address the vCPU had on the source, before it runs. */
export function pvAddressFix(analysis: Analysis, line: number): Fix | undefined {
  const doc = analysis.doc;
  const run = statementAt(doc, line);
  if (!run || run.body.type !== 'run' || run.where.vcpu === undefined || run.where.vm === undefined) return undefined;
  const inst = analysis.stateAfter(line - 1).instances.get(instanceKey(run.where.host.value, run.where.vm.value));
  const src = inst?.sourcePv.get(run.where.vcpu.value);
  const s = src ? statementAt(doc, src.line) : undefined;
  if (!s) return undefined;
  let rest: string | undefined;
  if (s.body.type === 'device_attr' && s.body.value) {
    rest = doc.text(src!.line).slice(s.actor.span.start, s.span.end);
  } else if (s.body.type === 'set_msrs' || s.body.type === 'guest_write') {
    // x86 MSR_KVM_STEAL_TIME: written by the guest on the source; the VMM restores it with KVM_SET_MSRS.
    const w = s.body.type === 'set_msrs' ? s.body.writes.find((x) => isMsr(x, 'kvm_steal_time')) : undefined;
    const value = w ? w.value.value : s.body.type === 'guest_write' ? s.body.value.value : undefined;
    if (value !== undefined) rest = `ioctl KVM_SET_MSRS MSR_KVM_STEAL_TIME=0x${value.toString(16)}`;
  }
  if (!rest) return undefined;
  return {
    title: `Set vcpu${run.where.vcpu.value}'s stolen-time address on the destination before it runs (as on line ${src!.line + 1})`,
    edits: [{ line, newText: lineLike(doc, line, run, rest), insertBefore: true }],
  };
}
