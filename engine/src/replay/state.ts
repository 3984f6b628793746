// The model state of docs/format.md#5-model-state. Plain data (Maps, bigints, no classes), so a checkpoint is
// a structuredClone and any statement's state can be restored and queried.
import type { Arch } from '../uapi/deviceAttrs';
import type { Span } from '../syntax/ast';
import type { KvmclockTracking } from './captureClock';
import { initialTimerModel, type TimerModel } from './timers/state';

/** A statement of the trace, by line (0-based), for related information and navigation. */
export interface Ref {
  line: number;
  span: Span;
}

export type Policy = 'advance' | 'freeze';
export type TrapState = 'unknown' | 'on' | 'off';

export interface HostState {
  name: string;
  arch: Arch;
  freq: bigint;
  ecv: number;
  vhe: boolean;
  tscScaling: boolean;
  /** The host counter read `counterValue` at reference time `counterTime` (ns). */
  counterValue: bigint;
  counterTime: bigint;
  kernel?: { major: number; minor: number };
  declared: Ref;
}

export interface VcpuState {
  id: number;
  created?: Ref;
  /** Has run since the instance last stopped (or since creation). */
  running: boolean;
  everRan: boolean;
  // arm64 (docs/reference/kvm-time.md#1-arm64-generic-timer-under-kvm): offsets subtracted from the host counter.
  voffset: bigint;
  poffset: bigint;
  voffsetBy?: Ref;
  poffsetBy?: Ref;
  /** False for a vCPU the trace never created: its offset is calibrated by the first observation. */
  offsetKnown: boolean;
  trap: TrapState;
  trapBy?: Ref;
  // x86 (docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock): guest TSC = scale(host) + tscOffset.
  tscOffset: bigint;
  tscOffsetBy?: Ref;
  tscOffsetKnown: boolean;
  /** Guest TSC frequency set by KVM_SET_TSC_KHZ (kHz); undefined = the host's. */
  virtualKhz?: bigint;
  /** Whether KVM scales the TSC to virtualKhz (false: runs at the host rate). */
  scaled: boolean;
  /**
   * KVM's l1_tsc_scaling_ratio is 0: a vCPU created under a VM-wide KVM_SET_TSC_KHZ the host cannot
   * scale (set_tsc_khz() never wrote the multiplier). KVM's own computations then see
   * scale(x) = 0 (offset = V - 0), while the guest's rdtsc still counts at the host rate (docs/format.md#62-x86-tsc item 4).
   */
  zeroRatio: boolean;
  tscAdjust: bigint;
  /** KVM_SET_CPUID2 on this vCPU: whether its CPUID advertises TSC_ADJUST (undefined: no KVM_SET_CPUID2). */
  cpuidTscAdjust?: boolean;
  /** kvmclock enabled (MSR_KVM_SYSTEM_TIME(_NEW) bit 0) as last written on this vCPU; undefined: no write seen. */
  pvclock?: boolean;
  tscGeneration: number;
  kvmclockCtrl: boolean;
  // Stolen time (docs/format.md#63-stolen-time-arm64-pv-time-x86-msr_kvm_steal_time): the address lives on
  // this instance; the value lives in guest memory.
  pvAddress?: bigint;
  pvAddressBy?: Ref;
  stealMsr?: bigint;
  stealMsrBy?: Ref;
  /** The vCPU thread's run_delay on this host (ns) and KVM's baseline for the next update. */
  runDelay: bigint;
  lastSteal: bigint;
  stealVersion: bigint;
}

export type InstanceOrigin = 'fresh' | 'migration' | 'restore';

/**
 * KVM's per-VM TSC matching bookkeeping (kvm_synchronize_tsc,
 * docs/reference/kvm-time.md#33-kvm_synchronize_tsc-matching-heuristic-current-mainline-form-x1).
 */
export interface TscSync {
  lastWrite: bigint;
  lastNs: bigint;
  /** 0 until the first write (so the first vCPU never matches). */
  lastKhz: bigint;
  lastOffset: bigint;
  curOffset: bigint;
  curGeneration: number;
  /** The write that started the current generation. */
  curBy?: Ref;
  userSetTsc: boolean;
}

export interface InstanceState {
  key: string;
  host: string;
  vm: string;
  generation: number;
  origin: InstanceOrigin;
  originRef?: Ref;
  vcpus: Map<number, VcpuState>;
  /** The VM-wide arm64 offsets (Linux 6.4+ keeps one per VM; older kernels broadcast writes). */
  voffset: bigint;
  poffset: bigint;
  voffsetBy?: Ref;
  poffsetBy?: Ref;
  /** KVM_ARM_SET_COUNTER_OFFSET was used: counter writes are ignored, creation keeps offsets. */
  counterOffsetUsed: boolean;
  counterOffsetBy?: Ref;
  /** The counter was restored through a by-value write (TIMER_CNT) on this instance. */
  counterRestoredBy?: Ref;
  running: boolean;
  tsc: TscSync;
  defaultTscKhz?: bigint;
  /** Whether vCPUs created with defaultTscKhz are scaled (the host has TSC scaling). */
  defaultTscScaled?: boolean;
  /** Whether vCPUs created with defaultTscKhz get a zero scaling ratio (the host cannot scale to it). */
  defaultTscZeroRatio?: boolean;
  /** The instance has a KVM_SET_CPUID2: vCPUs without one have no CPUID, so no TSC_ADJUST (docs/format.md#62-x86-tsc item 3). */
  cpuidSeen?: boolean;
  /** The instance has a write of MSR_KVM_SYSTEM_TIME(_NEW): vCPUs without one have kvmclock disabled. */
  pvclockMsrSeen?: boolean;
  /** KVM_CREATE_VM of this instance (kvmclock reads 0 there, docs/format.md#62-x86-tsc item 5). */
  vmCreatedBy?: Ref;
  /** kvmclock reads `kvmclockBase` ns at reference time `kvmclockAt`; known once set or observed. */
  kvmclockBase: bigint;
  kvmclockAt: bigint;
  kvmclockKnown: boolean;
  clockSetBy?: Ref;
  /** This instance saved kvmclock (KVM_GET_CLOCK). */
  savedClockBy?: Ref;
  /** The source of this instance saved kvmclock (KVM_GET_CLOCK) before it stopped. */
  sourceSavedClock?: Ref;
  /** Which vCPUs had a PV-time / steal-time address on the instance the guest came from. */
  sourcePv: Map<number, Ref>;
  /** What imported clock tracepoints (kvm update_master_clock, pvclock_update) showed. */
  kvmclockTracking?: KvmclockTracking;
}

/**
 * The guest's counter and stolen time when its instance stopped
 * (docs/format.md#64-resume-points-and-the-guest-time-line: G_before, t_pause).
 */
export interface StopRecord {
  kind: 'pause' | 'migrate' | 'snapshot';
  at: Ref;
  time: bigint;
  instance: string;
  host: string;
  /** Guest counter frequency as the guest knows it, per vCPU (Hz). */
  freq: Map<number, bigint>;
  counters: Map<number, bigint>;
  /** Each vCPU's offset at the stop (arm64 voffset, x86 TSC offset): Off0 of the idempotent formula. */
  offsets: Map<number, bigint>;
  kvmclock?: bigint;
  savedClock?: Ref;
  pv: Map<number, Ref>;
  /** vCPUs that already passed their resume point for this stop. */
  resumed: Set<number>;
}

export interface GuestVcpu {
  /** Stolen time in the guest's PV structure (ns), carried with guest memory. */
  stolen: bigint;
  /** The guest called PV_TIME_ST (arm64) or enabled MSR_KVM_STEAL_TIME (x86) on this vCPU. */
  enrolled: boolean;
  /** Run delay KVM has added to the structure so far (ns), for stolen-time accounting rules. */
  folded: bigint;
  /** Reference time when the guest enrolled (for its share of elapsed time). */
  enrolledAt?: bigint;
  /** The last stolen-time value the trace showed since the guest enrolled. */
  lastObserved?: { value: bigint; time: bigint; at: Ref; folded: bigint; instance: string };
  /** A PV_TIME_ST after enrolment zeroed the structure here. */
  zeroedBy?: Ref;
}

export interface GuestState {
  name: string;
  policy: Policy;
  pvtime: boolean;
  vcpuCount?: number;
  declared?: Ref;
  current?: string;
  started: boolean;
  stop?: StopRecord;
  snapshot?: StopRecord;
  vcpus: Map<number, GuestVcpu>;
  /** The guest probed PV time (SMCCC_ARCH_FEATURES / PV_TIME_FEATURES). */
  pvDiscovered: boolean;
}

export interface ModelState {
  /** Index of the last replayed statement line, -1 before the first. */
  line: number;
  time: bigint;
  lastTime?: { time: bigint; at: Ref };
  tolerance: bigint;
  toleranceBy?: Ref;
  formatSeen: boolean;
  anyStatement: boolean;
  hosts: Map<string, HostState>;
  instances: Map<string, InstanceState>;
  guests: Map<string, GuestState>;
  /** Per-rule state (episode bookkeeping), checkpointed with the model. */
  rules: Map<string, unknown>;
  /** Guest timers (docs/timers.md#t2-model), kept beside the counters. */
  timers: TimerModel;
}

export function initialState(tolerance: bigint): ModelState {
  return {
    line: -1,
    time: 0n,
    tolerance,
    formatSeen: false,
    anyStatement: false,
    hosts: new Map(),
    instances: new Map(),
    guests: new Map(),
    rules: new Map(),
    timers: initialTimerModel(),
  };
}

export const DEFAULT_TOLERANCE_NS = 100_000n;
