// The kernel tracepoints `hvtimer record` enables next to its uprobes: the time-relevant KVM,
// scheduler and host-timer events of docs/reference/real-captures.md#61-x86-vmx-svm-differences-noted (x86) and §6.2 (arm64). Events this
// kernel lacks are listed in the summary, not fatal (sched_stat_* need CONFIG_SCHEDSTATS, the
// timer events change between versions).
import type { RecordArch } from './arch';

export interface TraceEvent {
  /** `system/name` under events/. */
  event: string;
  /** An event filter, e.g. to keep only time-related MSRs. */
  filter?: string;
}

const COMMON: TraceEvent[] = [
  { event: 'kvm/kvm_entry' },
  { event: 'kvm/kvm_exit' },
  { event: 'kvm/kvm_userspace_exit' },
  { event: 'kvm/kvm_vcpu_wakeup' },
];

// x86 MSRs whose guest accesses matter for time (docs/reference/real-captures.md#11-x86-archx86kvmtraceh-trace_system-kvm kvm_msr): IA32_TSC,
// IA32_TSC_ADJUST, IA32_TSC_DEADLINE, x2APIC LVTT/TMICT/TDCR, kvmclock and the other KVM PV MSRs.
const TIME_MSRS =
  'ecx == 0x10 || ecx == 0x3b || ecx == 0x6e0 || ecx == 0x832 || ecx == 0x838 || ecx == 0x83e || ecx == 0x11 || ecx == 0x12 || (ecx >= 0x4b564d00 && ecx <= 0x4b564d08)';

const X86: TraceEvent[] = [
  ...COMMON,
  { event: 'kvm/kvm_write_tsc_offset' },
  { event: 'kvm/kvm_track_tsc' },
  { event: 'kvm/kvm_update_master_clock' },
  { event: 'kvm/kvm_pvclock_update' },
  { event: 'kvm/kvm_msr', filter: TIME_MSRS },
  { event: 'kvm/kvm_apic' },
  { event: 'kvm/kvm_hv_timer_state' },
  { event: 'kvm/kvm_wait_lapic_expire' },
  { event: 'kvm/kvm_apic_accept_irq' },
  { event: 'kvm/kvm_inj_virq' },
];

const ARM64: TraceEvent[] = [
  ...COMMON,
  { event: 'kvm/kvm_wfx_arm64' },
  { event: 'kvm/kvm_hvc_arm64' },
  { event: 'kvm/kvm_sys_access' },
  { event: 'kvm/kvm_timer_save_state' },
  { event: 'kvm/kvm_timer_restore_state' },
  { event: 'kvm/kvm_timer_update_irq' },
  { event: 'kvm/kvm_timer_hrtimer_expire' },
  { event: 'kvm/kvm_timer_emulate' },
  { event: 'kvm/kvm_get_timer_map' },
  { event: 'kvm/vgic_update_irq_pending' },
  { event: 'kvm/kvm_irq_line' },
];

const HOST: TraceEvent[] = [
  { event: 'timer/hrtimer_start' },
  { event: 'timer/hrtimer_expire_entry' },
  { event: 'timer/hrtimer_cancel' },
  { event: 'sched/sched_switch' },
  { event: 'sched/sched_waking' },
  { event: 'sched/sched_wakeup' },
  { event: 'sched/sched_migrate_task' },
  { event: 'sched/sched_stat_wait' },
  { event: 'sched/sched_stat_runtime' },
];

export function traceEventsFor(arch: RecordArch): TraceEvent[] {
  return [...(arch === 'x86_64' ? X86 : ARM64), ...HOST];
}
