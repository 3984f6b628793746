// The timer part of the model state (docs/timers.md#t2-model): per VM instance and vCPU, each guest timer's
// control and compare value, the deadline it makes in reference time and the deadline being watched
// for delivery. Plain data (Maps, plain objects, bigints), so a checkpoint is a structuredClone.
import type { Ref } from '../state';
import type { TimerName } from '../../uapi/timers';

/** One delivery (docs/timers.md#t2-model "Delivery") and how it was judged. */
export interface DeliveryRecord {
  at: Ref;
  time: bigint;
  /** Reference ns after the deadline (after run-queue waits); undefined when it came before it. */
  latenessNs?: bigint;
  /** Reference ns before the deadline (the guest counter was below the compare value). */
  earlyNs?: bigint;
  verdict: 'early' | 'on-time' | 'late';
}

/**
 * A deadline being watched: from the statement that armed it until a delivery closes it. `from` is
 * when lateness and loss count from: t_d, or later when the timer became armable again or the vCPU
 * only resumed after t_d (docs/timers.md#t2-model "Deadlines while not running").
 */
export interface Episode {
  cmp: bigint;
  /** t_d: reference time (ns) at which the guest counter of the timer reaches `cmp`. */
  deadline: bigint;
  from: bigint;
  armedAt: Ref;
  /** The reference time has reached `from` (the blocked state below was taken then). */
  passed: boolean;
  /** The vCPU was blocked (last exit WFx/HLT, no entry since) when `from` came. */
  blocked: boolean;
  /** Guest entries at or after `from` (the first few, for related information). */
  entries: { time: bigint; at: Ref }[];
  /** The timer is disabled or masked for now (T3 HVT041/HVT042: nothing is judged meanwhile). */
  suspended: boolean;
  delivered: boolean;
  /** Lost (HVT042) was determined for it. */
  lost: boolean;
  /** One-shot / periodic LAPIC timers: the compare value is a reference time, not a counter. */
  byTime: boolean;
}

export interface TimerState {
  name: TimerName;
  /** arm64 CTL without ISTATUS, x86 LVTT; undefined while unknown (a vCPU the trace did not create). */
  ctl?: bigint;
  /** arm64 CVAL; x86 TSC deadline D (0 = none). Undefined while unknown. */
  cmp?: bigint;
  /** The last statement that set the compare value or made the timer armable (HVT042's location). */
  armedAt?: Ref;
  /** t_d while the compare value is set (armable or masked), else undefined. */
  deadline?: bigint;
  /** x86: the vCPU's TSC offset and scaling when the deadline was converted to host time. */
  armedOffset?: [bigint, bigint, boolean];
  episode?: Episode;
  // x86 LAPIC timer (docs/reference/kvm-timers.md#2-x86-the-local-apic-timer-in-kvm-archx86kvmlapicc)
  tmict: bigint;
  tdcr: bigint;
  /** One-shot / periodic: the next expiry as reference time, and the period (ns). */
  target?: bigint;
  periodNs?: bigint;
  /** The trace stated LVTT (KVM_SET_LAPIC, KVM_GET_LAPIC, an LVTT write); false = only KVM's reset value is known. */
  lvttKnown: boolean;
  /** A deadline write found LVTT unknown and was taken as TSC-deadline mode (the trace may omit its LAPIC setup). */
  lvttAssumedBy?: Ref;
  /** The last non-zero IA32_TSC_DEADLINE written through KVM_SET_MSRS since creation or KVM_SET_LAPIC (HVT045). */
  hostDeadline?: { at: Ref; value: bigint };
  // delivery edges (docs/timers.md#t2-model "Delivery")
  /** The last `kvm timer_irq` level of this timer on this instance (a new instance starts low). */
  lineHigh: boolean;
  /** Since the last level=1 there was a timer_expire or an `exit IRQ`: KVM re-raised the line. */
  reRaised: boolean;
  /** The compare value of the last delivery, while the guest neither re-armed nor masked since (HVT043). */
  refireCmp?: bigint;
  lastDelivery?: DeliveryRecord;
}

export interface VcpuTimers {
  inst: string;
  vcpu: number;
  vm: string;
  timers: Partial<Record<TimerName, TimerState>>;
  /** Entered the guest since the instance last stopped (KVM_RUN or `kvm entry`). */
  running: boolean;
  /** In guest mode: after a `kvm entry` (or KVM_RUN), before a `kvm exit`. */
  inGuest: boolean;
  lastExit?: { time: bigint; reason: string; at: Ref };
  lastEntry?: { time: bigint; at: Ref };
  /** A LAPIC delivery since the last entry that a `kvm wait_lapic_expire` will refer to. */
  lapicDelivered?: { early: boolean; late: boolean };
  /** Recent `sched wait` intervals [start, end] in reference ns (the last 64). */
  waits: [bigint, bigint][];
  hvTimer?: boolean;
}

/** Tolerance overrides from `@tolerance timer_early= timer_late= timer_lost=` (ns) and `timer_storm=` (deliveries per second). */
export interface TimerTolerances {
  early?: bigint;
  late?: bigint;
  lost?: bigint;
  storm?: number;
  by?: Ref;
}

/** A lost deadline waiting for evidence that deliveries are recorded (docs/timers.md#t2-model "Evidence gating"). */
export interface PendingLost {
  inst: string;
  vcpu: number;
  evidenceKey: string;
  timer: TimerName;
  episode: Episode;
  tolNs: bigint;
  determinedAt: Ref;
  time: bigint;
}

export interface TimerModel {
  /** `${instance}|${vcpu}` -> that vCPU's timers. */
  vcpus: Map<string, VcpuTimers>;
  /** Guest vCPU timers with delivery records in the trace: `${vm}|${vcpu}|${timer}`. */
  evidence: Set<string>;
  pendingLost: PendingLost[];
  tolerances: TimerTolerances;
  /** The earliest reference time at which a watched deadline needs attention; 0n = unknown, scan. */
  nextCheck: bigint;
}

export const initialTimerModel = (): TimerModel => ({
  vcpus: new Map(),
  evidence: new Set(),
  pendingLost: [],
  tolerances: {},
  nextCheck: 0n,
});

export const vcpuKey = (inst: string, vcpu: number): string => `${inst}|${vcpu}`;
export const evidenceKey = (vm: string, vcpu: number, timer: TimerName): string => `${vm}|${vcpu}|${timer}`;
