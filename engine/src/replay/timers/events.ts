// What the timer model tells the rules (HVT040–HVT045, HVT020) and the editor. Each event carries
// the numbers a message needs and the model's verdict against the tolerances of docs/timers.md#t2-model;
// rules word it and decide where it goes.
import type { Ref } from '../state';
import type { TimerName } from '../../uapi/timers';

interface At {
  inst: string;
  vcpu: number;
}

/** The guest (or the VMM restoring it) set a compare value or made a timer armable. */
export interface TimerArmed extends At {
  kind: 'timerArmed';
  timer: TimerName;
  cmp: bigint;
  /** t_d in reference ns. */
  deadline: bigint;
  at: Ref;
  /** A one-shot / periodic LAPIC timer (its compare value is a reference time). */
  byTime: boolean;
}

/** A delivery edge (docs/timers.md#t2-model "Delivery") judged against the compare value in force. */
export interface TimerDelivery extends At {
  kind: 'timerDelivery';
  timer: TimerName;
  time: bigint;
  hz: bigint;
  /** Compare value and the timer's counter at the delivery (counter absent for reference-time timers). */
  cmp?: bigint;
  counter?: bigint;
  /** Set when the counter was still below the compare value (or the time before the target). */
  early?: { ticks: bigint; ns: bigint; tolTicks: bigint; tolNs: bigint; exceeds: boolean };
  /** Set for the first delivery after the deadline it closes. */
  late?: {
    deadline: bigint;
    from: bigint;
    resumed: boolean;
    ns: bigint;
    waitNs: bigint;
    tolNs: bigint;
    blocked: boolean;
    exceeds: boolean;
  };
  /** It closes a watched deadline (the first delivery for it). */
  first: boolean;
  /** Same compare value as the previous delivery, already passed then, no re-arm or mask since. */
  refire: boolean;
  /** The deadline it closes was already judged lost. */
  lostAlready: boolean;
  armedAt?: Ref;
  periodic: boolean;
  /** A one-shot / periodic LAPIC timer: cmp is a reference time, amounts are ns (hz = 1e9). */
  byTime: boolean;
  /** The reason of the vCPU's last `kvm exit`, when it has not entered the guest since. */
  afterExit?: string;
}

/** An armable timer's deadline passed by more than the lost tolerance while the vCPU entered the guest, and nothing came. */
export interface TimerLost extends At {
  kind: 'timerLost';
  timer: TimerName;
  cmp: bigint;
  deadline: bigint;
  from: bigint;
  armedAt: Ref;
  tolNs: bigint;
  entries: Ref[];
  byTime: boolean;
  /** Reported only now because the first delivery record for this timer came here. */
  evidenceAt?: Ref;
}

/** KVM dropped an IA32_TSC_DEADLINE write: LVTT was not in TSC-deadline mode (kvm_set_lapic_tscdeadline_msr). */
export interface TimerDeadlineDropped extends At {
  kind: 'timerDeadlineDropped';
  at: Ref;
  value: bigint;
  lvtt: bigint;
  host: boolean;
  /** `mode`: LVTT was known to be in another mode; `before-set-lapic`: a later KVM_SET_LAPIC shows it was still at reset. */
  reason: 'mode' | 'before-set-lapic';
  lapicAt?: Ref;
  lvttBy?: Ref;
}

/** KVM_SET_LAPIC put LVTT in TSC-deadline mode after KVM_SET_MSRS had written a deadline (HVT045). */
export interface TimerDeadlineCleared extends At {
  kind: 'timerDeadlineCleared';
  deadlineAt: Ref;
  value: bigint;
  lvtt: bigint;
  previousLvtt: bigint;
}

/** An armed timer's fire time moved away from where it should be (HVT044). */
export interface TimerShift extends At {
  kind: 'timerShift';
  timer: TimerName;
  reason: 'resume' | 'offset-change';
  /** Signed: positive = fires later than it should. */
  shiftNs: bigint;
  shiftTicks: bigint;
  hz: bigint;
  fireAt: bigint;
  expectedAt: bigint;
  cmp: bigint;
  armedAt?: Ref;
  /** The statement that caused the offset error. */
  cause?: Ref;
  /** x86: the deadline was armed before the TSC it is compared with was restored. */
  armedBeforeOffset: boolean;
}

/** `kvm wait_lapic_expire delta=N` judged (docs/timers.md#t3-diagnostics HVT040 / HVT041 x86). */
export interface LapicExpireWait extends At {
  kind: 'lapicExpireWait';
  delta: bigint;
  hz: bigint;
  earlyTolCycles: bigint;
  lateTolCycles: bigint;
  lateTolNs: bigint;
  waitNs: bigint;
  waitCycles: bigint;
  blocked: boolean;
  /** Why a negative delta is evidence of an early interrupt; undefined = not judged early. */
  earlyContext?: 'PREEMPTION_TIMER' | 'tsc-deadline';
  early: boolean;
  late: boolean;
  /** A `kvm timer_irq lapic` since the last entry was already judged (early / late). */
  judgedByDelivery?: { early: boolean; late: boolean };
  armedAt?: Ref;
}

export type TimerEvent =
  TimerArmed | TimerDelivery | TimerLost | TimerDeadlineDropped | TimerDeadlineCleared | TimerShift | LapicExpireWait;
