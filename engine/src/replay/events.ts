// What the replay tells the rules. Each event describes something the model did or saw at the
// current statement; rules decide whether it is a finding (docs/format.md#6-replay-rules, docs/diagnostics/catalog.md).
import type { Span } from '../syntax/ast';
import type { MsrRole } from '../uapi/msrs';
import type { SmcccRole } from '../uapi/smccc';
import type { Ref, StopRecord, TrapState } from './state';
import type { TimerEvent } from './timers/events';

/** A counter or value a trace records that the model can predict. */
export type Quantity =
  | 'CNTVCT'
  | 'CNTPCT'
  | 'CNTPCT_KVM'
  | 'CNTFRQ'
  | 'TSC'
  | 'TSC_ADJUST'
  | 'TSC_KHZ'
  | 'kvmclock'
  | 'voffset'
  | 'poffset'
  | 'tsc_offset'
  | 'host_counter'
  | 'steal_msr'
  | 'pvtime_ipa';

export type ReplayEvent =
  /** A line that could not be parsed (HVT090). */
  | { kind: 'parseError'; span: Span; message: string }
  /** A context-free finding of the parser (unknown name, proposed API). */
  | { kind: 'lineNote'; code: 'HVT091' | 'HVT094' | 'HVT095'; span: Span; message: string }
  /** A problem found while replaying that belongs to a trace-hygiene code. */
  | {
      kind: 'problem';
      code: 'HVT090' | 'HVT091' | 'HVT093';
      span: Span;
      message: string;
      severity?: 'error' | 'warning' | 'info';
    }
  | { kind: 'statement' }
  | { kind: 'outOfOrder'; previous: { time: bigint; at: Ref } }
  | { kind: 'unknownHost'; name: string; span: Span }
  | { kind: 'vcpuCreated'; inst: string; vcpu: number; resetOffsets: boolean; undoesRestore?: Ref }
  /** KVM_SET_ONE_REG of TIMER_CNT / PTIMER_CNT (arm64). */
  | {
      kind: 'counterWrite';
      inst: string;
      vcpu: number;
      counter: 'virtual' | 'physical';
      value: bigint;
      impliedOffset: bigint;
      ignored: boolean;
      ignoredBecause?: Ref;
      previousOffset: bigint;
    }
  /** The guest-visible counter of a running vCPU changed because of something the host did. */
  | {
      kind: 'guestStep';
      inst: string;
      vcpu: number;
      counter: 'CNTVCT' | 'CNTPCT' | 'TSC' | 'kvmclock';
      before: bigint;
      after: bigint;
      hz?: bigint;
    }
  | { kind: 'run'; inst: string; vcpu: number; firstOnInstance: boolean }
  | {
      kind: 'resumePoint';
      inst: string;
      vcpu: number;
      stop: StopRecord;
      gBefore: bigint;
      gAfter: bigint;
      expected: bigint;
      freqBefore: bigint;
      freqAfter: bigint;
      rateAfter: bigint;
      counterName: 'CNTVCT' | 'TSC';
    }
  | { kind: 'guestStatement'; inst: string; vcpu: number }
  /**
   * `latest`: for an ioctl with `took=` (docs/format.md#62-x86-tsc item 6), the prediction at TIME + took — the value may have
   * been read anywhere between `predicted` and `latest`.
   */
  | {
      kind: 'observation';
      inst?: string;
      vcpu?: number;
      quantity: Quantity;
      observed: bigint;
      predicted: bigint;
      latest?: bigint;
      took?: bigint;
      hz?: bigint;
      source: 'guest' | 'ioctl' | 'kvm' | 'vmm';
      span: Span;
      exact?: boolean;
      untrapped?: boolean;
    }
  /** A host-initiated IA32_TSC write (KVM_SET_MSRS) or vCPU creation through kvm_synchronize_tsc. */
  | {
      kind: 'tscWrite';
      inst: string;
      vcpu: number;
      source: 'create' | 'set_msrs';
      value: bigint;
      matched: boolean;
      matchReason?: 'zero' | 'window';
      expected?: bigint;
      offset: bigint;
      willRead: bigint;
      generation: number;
      generationBy?: Ref;
    }
  | { kind: 'msrWrite'; inst: string; vcpu: number; msr: MsrRole | 'unknown'; value: bigint; host: boolean; span: Span }
  | { kind: 'trapChange'; inst: string; vcpu: number; state: TrapState }
  /** A PV-time IPA (arm64) or MSR_KVM_STEAL_TIME address (x86) being set. */
  | {
      kind: 'pvAddress';
      inst: string;
      vcpu: number;
      address: bigint;
      accepted: boolean;
      problem?: 'misaligned' | 'already-set' | 'reserved-bits';
      overlaps?: { vcpu: number; at?: Ref; address: bigint };
      previous?: Ref;
    }
  | {
      kind: 'hvc';
      inst: string;
      vcpu: number;
      fn?: SmcccRole;
      arg?: SmcccRole;
      observed?: bigint;
      predicted?: bigint;
      configured: boolean;
      discoveredBefore: boolean;
    }
  /** A reading of a vCPU's stolen time (guest read or KVM's update of the structure). */
  | {
      kind: 'stolenObserved';
      inst: string;
      vcpu: number;
      value: bigint;
      source: 'guest' | 'kvm';
      previous?: { value: bigint; time: bigint; at: Ref; folded: bigint; instance: string };
      folded: bigint;
      configured: boolean;
      zeroedBy?: Ref;
    }
  | { kind: 'stealRead'; inst: string; vcpu: number; version: bigint }
  | { kind: 'stop'; inst: string; record: StopRecord }
  | { kind: 'clockSet'; inst: string }
  /** Guest timers: arming, deliveries, losses, shifts (docs/timers.md#t2-model, replay/timers/events.ts). */
  | TimerEvent;

export type ReplayEventKind = ReplayEvent['kind'];
export type EventOf<K extends ReplayEventKind> = Extract<ReplayEvent, { kind: K }>;
