// Guest entries and exits (docs/reference/real-captures.md#1-upstream-kernel-tracepoints-relevant-to-guest-time, Appendix A): kvm_entry → `kvm entry`,
// kvm_exit → `kvm exit REASON` (docs/timers.md#t1-statements). Unless the VMM's own records carry KVM_RUN, the
// first entry of a vCPU, and its first entry after a kvm_userspace_exit, also stand for the
// `ioctl KVM_RUN` that caused it (the resume points and stolen-time updates of the model).
import type { TraceEvent } from '../event';
import { anyU64, hexU64, rawFields, small } from '../values';
import type { EventMapper, MapContext, MapOutcome } from './types';

/** VMX_EXIT_REASONS (arch/x86/include/uapi/asm/vmx.h) by number, for raw `-R` kvm_exit events. */
const VMX_EXIT_REASONS: ReadonlyMap<number, string> = new Map([
  [0, 'EXCEPTION_NMI'],
  [1, 'EXTERNAL_INTERRUPT'],
  [2, 'TRIPLE_FAULT'],
  [3, 'INIT_SIGNAL'],
  [4, 'SIPI_SIGNAL'],
  [7, 'INTERRUPT_WINDOW'],
  [8, 'NMI_WINDOW'],
  [9, 'TASK_SWITCH'],
  [10, 'CPUID'],
  [12, 'HLT'],
  [13, 'INVD'],
  [14, 'INVLPG'],
  [15, 'RDPMC'],
  [16, 'RDTSC'],
  [18, 'VMCALL'],
  [28, 'CR_ACCESS'],
  [29, 'DR_ACCESS'],
  [30, 'IO_INSTRUCTION'],
  [31, 'MSR_READ'],
  [32, 'MSR_WRITE'],
  [33, 'INVALID_STATE'],
  [34, 'MSR_LOAD_FAIL'],
  [36, 'MWAIT_INSTRUCTION'],
  [37, 'MONITOR_TRAP_FLAG'],
  [39, 'MONITOR_INSTRUCTION'],
  [40, 'PAUSE_INSTRUCTION'],
  [41, 'MCE_DURING_VMENTRY'],
  [43, 'TPR_BELOW_THRESHOLD'],
  [44, 'APIC_ACCESS'],
  [45, 'EOI_INDUCED'],
  [46, 'GDTR_IDTR'],
  [47, 'LDTR_TR'],
  [48, 'EPT_VIOLATION'],
  [49, 'EPT_MISCONFIG'],
  [50, 'INVEPT'],
  [51, 'RDTSCP'],
  [52, 'PREEMPTION_TIMER'],
  [53, 'INVVPID'],
  [54, 'WBINVD'],
  [55, 'XSETBV'],
  [56, 'APIC_WRITE'],
  [57, 'RDRAND'],
  [58, 'INVPCID'],
  [59, 'VMFUNC'],
  [60, 'ENCLS'],
  [61, 'RDSEED'],
  [62, 'PML_FULL'],
  [63, 'XSAVES'],
  [64, 'XRSTORS'],
  [67, 'UMWAIT'],
  [68, 'TPAUSE'],
  [74, 'BUS_LOCK'],
  [75, 'NOTIFY'],
]);
/** A few SVM_EXIT_REASONS (arch/x86/include/uapi/asm/svm.h) that bear on time, for raw events. */
const SVM_EXIT_REASONS: ReadonlyMap<number, string> = new Map([
  [0x60, 'interrupt'],
  [0x61, 'nmi'],
  [0x64, 'vintr'],
  [0x72, 'cpuid'],
  [0x78, 'hlt'],
  [0x7c, 'msr'],
  [0x81, 'hypercall'],
  [0x6e, 'rdtsc'],
  [0x87, 'rdtscp'],
  [0x77, 'pause'],
  [0x400, 'npf'],
]);
/** kvm_arm_exception_type by ARM_EXCEPTION_CODE. */
const ARM_EXCEPTION_TYPES = ['IRQ', 'SERROR', 'TRAP', 'IL', 'HYP_GONE'];
/** kvm_arm_exception_class (ESR_ELx_EC_*) for the classes that bear on time; others print as hex. */
const ARM_EXCEPTION_CLASSES: ReadonlyMap<number, string> = new Map([
  [0x00, 'UNKNOWN'],
  [0x01, 'WFx'],
  [0x16, 'HVC64'],
  [0x17, 'SMC64'],
  [0x18, 'SYS64'],
  [0x20, 'IABT_LOW'],
  [0x24, 'DABT_LOW'],
]);

/** A REASON token: names keep their spelling; anything else becomes a name-safe word. */
const token = (s: string): string => s.replace(/[^\w.-]/g, '_');

export interface Exit {
  vcpu?: number;
  reason: string;
}

/**
 * x86: "vcpu %u reason %s%s%s rip 0x%lx info1 … [requests …]", older "[vcpu %u ]reason %s rip 0x%lx
 * info %llx %llx", plugin "reason %s rip 0x%llx[ func] info %llx %llx" / "reason UNKNOWN (%llu)".
 * arm64: "%s: HSR_EC: 0x%04x (%s), PC: 0x%016lx" (ESR_EC in a proposed spelling). Raw: exit_reason
 * + isa (x86) or ret + esr_ec (arm64). The reason is the VMX/SVM name, or for arm64 traps the
 * exception class (`WFx`, `SYS64`), else the exception type (`IRQ`).
 */
export function decodeExit(body: string): Exit | undefined {
  let m =
    /^vcpu (\d+) reason (\S+)(?: FAILED_VMENTRY)? rip 0x[0-9a-fA-F]+ info1 0x[0-9a-fA-F]+ info2 0x[0-9a-fA-F]+ intr_info 0x[0-9a-fA-F]+ error_code 0x[0-9a-fA-F]+(?: requests 0x[0-9a-fA-F]+)?$/.exec(
      body,
    ) ??
    /^(?:vcpu (\d+) )?reason (\S+)(?: FAILED_VMENTRY)? rip 0x[0-9a-fA-F]+(?: \S+)? info [0-9a-fA-F]+ [0-9a-fA-F]+$/.exec(
      body,
    ) ??
    /^(?:vcpu (\d+) )?reason (UNKNOWN) \(\d+\)/.exec(body);
  if (m) return { vcpu: m[1] === undefined ? undefined : small(m[1]), reason: token(m[2]) };
  m = /^(\w+): (?:HSR|ESR)_EC: (?:0x)?([0-9a-fA-F]+) \((\w+)\), PC: (?:0x)?[0-9a-fA-F]+$/.exec(body);
  if (m) return { reason: m[1] === 'TRAP' ? token(m[3]) : token(m[1]) };
  const f = rawFields(body);
  if (!f) return undefined;
  if (f.has('exit_reason')) {
    const reason = anyU64(f.get('exit_reason')!),
      isa = small(f.get('isa') ?? '1');
    if (reason === undefined) return undefined;
    const name = isa === 2 ? SVM_EXIT_REASONS.get(Number(reason)) : VMX_EXIT_REASONS.get(Number(reason & 0xffffn));
    return { vcpu: small(f.get('vcpu_id') ?? ''), reason: name ?? `0x${reason.toString(16)}` };
  }
  const ret = small(f.get('ret') ?? ''),
    ec = anyU64(f.get('esr_ec') ?? '');
  if (ret === undefined || ec === undefined) return undefined;
  const type = ARM_EXCEPTION_TYPES[ret] ?? `0x${ret.toString(16)}`;
  return { reason: type === 'TRAP' ? (ARM_EXCEPTION_CLASSES.get(Number(ec)) ?? `0x${ec.toString(16)}`) : type };
}

/**
 * x86 "vcpu %u[, rip 0x%lx[ intr_info … error_code …][[immediate exit]]]", plugin " vcpu %u rip
 * 0x%llx[ func+0xoff]"; arm64 "PC: 0x%016lx" (no vCPU id). Raw vcpu_id (x86) or vcpu_pc (arm64).
 */
export function decodeEntry(body: string): { vcpu?: number } | undefined {
  const m =
    /^\s*vcpu (\d+)(?:,? rip 0x[0-9a-fA-F]+(?: intr_info 0x[0-9a-fA-F]+ error_code 0x[0-9a-fA-F]+)?(?:\[immediate exit\])?(?: \S+)?)?$/.exec(
      body,
    );
  if (m) return { vcpu: small(m[1]) };
  if (/^PC: (?:0x)?[0-9a-fA-F]+$/.test(body)) return {};
  const f = rawFields(body);
  if (f?.has('vcpu_id')) return { vcpu: small(f.get('vcpu_id')!) };
  return f?.has('vcpu_pc') && hexU64(f.get('vcpu_pc')!.replace(/^0x/, '')) !== undefined ? {} : undefined;
}

/** kvm_userspace_exit "reason %s (%d)": the vCPU thread returns to the VMM. */
const decodeUserspaceExit = (body: string): boolean =>
  /^reason \S+ \(-?\d+\)$/.test(body) || rawFields(body)?.has('reason') === true;

interface RunState {
  needRun: Map<number, boolean>;
}
const runState = (ctx: MapContext): RunState => ctx.state<RunState>('exits', () => ({ needRun: new Map() }));

/** After a pause, restore or migration the next entry of every vCPU comes from a new KVM_RUN. */
export function vcpusLeftGuest(ctx: MapContext): void {
  runState(ctx).needRun.clear();
}

function map(ev: TraceEvent, ctx: MapContext): MapOutcome {
  switch (ev.name) {
    case 'kvm_entry': {
      const d = decodeEntry(ev.body);
      const vcpu = d?.vcpu ?? ctx.threadVcpu(ev);
      if (!d || vcpu === undefined) return 'note';
      const runs = runState(ctx);
      if (!ctx.vmmReportsRuns && runs.needRun.get(vcpu) !== false) ctx.emit(ev, { vcpu }, 'ioctl KVM_RUN');
      runs.needRun.set(vcpu, false);
      ctx.emit(ev, { vcpu }, 'kvm entry');
      return 'used';
    }
    case 'kvm_exit': {
      const d = decodeExit(ev.body);
      const vcpu = d?.vcpu ?? ctx.threadVcpu(ev);
      if (!d || vcpu === undefined) return 'note';
      ctx.emit(ev, { vcpu }, `kvm exit ${d.reason}`);
      return 'used';
    }
    case 'kvm_userspace_exit': {
      const vcpu = ctx.threadVcpu(ev);
      if (!decodeUserspaceExit(ev.body) || vcpu === undefined) return 'note';
      runState(ctx).needRun.set(vcpu, true);
      return 'used';
    }
    // WFI/WFE and halt-polling details: the exits carry what the timers model needs.
    case 'kvm_wfx_arm64':
    case 'kvm_vcpu_wakeup':
    case 'kvm_halt_poll_ns':
      return 'ignored';
    default:
      return 'note';
  }
}

export const exitsMapper: EventMapper = {
  family: 'guest entries and exits',
  events: ['kvm_entry', 'kvm_exit', 'kvm_userspace_exit', 'kvm_wfx_arm64', 'kvm_vcpu_wakeup', 'kvm_halt_poll_ns'],
  decodes: (name, body) =>
    name === 'kvm_entry'
      ? decodeEntry(body) !== undefined
      : name === 'kvm_exit'
        ? decodeExit(body) !== undefined
        : name === 'kvm_userspace_exit'
          ? decodeUserspaceExit(body)
          : true,
  threadVcpu: (ev) =>
    ev.name === 'kvm_entry'
      ? decodeEntry(ev.body)?.vcpu
      : ev.name === 'kvm_exit'
        ? decodeExit(ev.body)?.vcpu
        : undefined,
  namedVcpu: (ev) =>
    ev.name === 'kvm_entry'
      ? decodeEntry(ev.body)?.vcpu
      : ev.name === 'kvm_exit'
        ? decodeExit(ev.body)?.vcpu
        : undefined,
  map,
};
