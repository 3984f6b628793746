// The syntax tree of one .hvtrace line. Spans are columns within the line (0-based, end
// exclusive) so a parsed line does not depend on where it sits in the document; the line number
// is the line's index in the document.
import type { Arch, AttrGroupInfo, AttrInfo } from '../uapi/deviceAttrs';
import type { IoctlInfo } from '../uapi/ioctls';
import type { MsrInfo } from '../uapi/msrs';
import type { RegisterInfo } from '../uapi/registers';
import type { SmcccFunction } from '../uapi/smccc';
import type { GuestRegister, HypRegister } from '../uapi/sysregs';
import type { Actor } from '../../../protocol/views';
import type { TimerName } from '../uapi/timers';

export interface Span {
  start: number;
  end: number;
}
export interface Tok<T> {
  value: T;
  span: Span;
}

/** The actors of docs/format.md#4-statements: one list, shared with the protocol (protocol/views.ts). */
export { ACTORS, type Actor } from '../../../protocol/views';

/** A `key=value` or positional word, as written. */
export interface Arg {
  key?: Tok<string>;
  value: Tok<string>;
  span: Span;
}

/** A context-free finding about a line that is not a parse error (unknown name, proposed API). */
export interface Note {
  code: 'HVT091' | 'HVT094' | 'HVT095';
  span: Span;
  message: string;
}

export interface ParseError {
  span: Span;
  message: string;
}

export interface Suppression {
  kind: 'next-line' | 'rest-of-file';
  codes: Tok<string>[];
}

export interface Comment {
  span: Span;
  text: string;
  suppression?: Suppression;
}

// ---- directives -----------------------------------------------------------------------------

export type HostAssumption = 'freq' | 'counter';
export interface KernelVersion {
  major: number;
  minor: number;
}
export interface HostDirective {
  type: 'host';
  name: Tok<string>;
  arch: Tok<Arch>;
  freq: Tok<bigint>;
  ecv?: Tok<number>;
  vhe?: Tok<boolean>;
  tscScaling?: Tok<boolean>;
  /** `assumed=freq[,counter]`: values an importer did not find in the capture (HVT095). */
  assumed?: Tok<HostAssumption[]>;
  counter?: { value: Tok<bigint>; time: Tok<bigint>; span: Span };
  kernel?: Tok<KernelVersion>;
}
export interface VmDirective {
  type: 'vm';
  name: Tok<string>;
  vcpus?: Tok<number>;
  policy?: Tok<'advance' | 'freeze'>;
  pvtime?: Tok<boolean>;
}
export type Directive = { type: 'hvtrace'; version: Tok<number> } | HostDirective | VmDirective | ToleranceDirective;

/**
 * `@tolerance [DURATION] [timer_early=D] [timer_late=D] [timer_lost=D] [timer_storm=N]`: at least
 * one of them (docs/timers.md#t2-model for the timer_* durations; timer_storm, the HVT043 count per second,
 * is an hvtimer extension).
 */
export interface ToleranceDirective {
  type: 'tolerance';
  duration?: Tok<bigint>;
  timerEarly?: Tok<bigint>;
  timerLate?: Tok<bigint>;
  timerLost?: Tok<bigint>;
  timerStorm?: Tok<number>;
}

export interface DirectiveLine {
  kind: 'directive';
  span: Span;
  keyword: Tok<string>;
  args: Arg[];
  directive: Directive;
  notes: Note[];
}

// ---- statements -----------------------------------------------------------------------------

export interface Where {
  span: Span;
  host: Tok<string>;
  vm?: Tok<string>;
  vcpu?: Tok<number>;
}

export type Result =
  | { kind: 'errno'; span: Span; errno: Tok<string> }
  | { kind: 'value'; span: Span; value: Tok<string> }
  | { kind: 'named'; span: Span; entries: Arg[] };

/** A register operand: a known register, or an unknown id kept for display. */
export type RegRef = { known: RegisterInfo } | { unknown: bigint | string };
export type MsrRef = { known: MsrInfo } | { unknown: bigint | string };
/** Attribute groups and attributes given as numbers are decoded with the host's arch at replay. */
export type AttrGroupRef = { known: AttrGroupInfo } | { num: bigint } | { unknown: string };
export type AttrRef = { known: AttrInfo } | { num: bigint } | { unknown: string };
export type SmcccRef = { known: SmcccFunction } | { id: bigint } | { unknown: string };
/** An SMCCC return: a value (possibly given by its return-code name). */
export interface SmcccRet {
  value: bigint;
  name?: string;
}

export interface MsrWrite {
  msr: Tok<MsrRef>;
  value: Tok<bigint>;
}

export type Body =
  // ioctl
  | { type: 'create_vcpu'; id: Tok<number> }
  | { type: 'create_vm'; fd?: Tok<bigint> }
  | { type: 'run'; exit?: Tok<string> }
  | { type: 'get_one_reg'; reg: Tok<RegRef>; value?: Tok<bigint> }
  | { type: 'set_one_reg'; reg: Tok<RegRef>; value: Tok<bigint> }
  | { type: 'set_counter_offset'; offset: Tok<bigint>; reserved?: Tok<bigint> }
  | {
      type: 'device_attr';
      verb: 'set' | 'get' | 'has';
      group: Tok<AttrGroupRef>;
      attr: Tok<AttrRef>;
      value?: Tok<bigint>;
    }
  | { type: 'get_clock'; clock?: Tok<bigint>; flags?: Tok<bigint>; realtime?: Tok<bigint>; hostTsc?: Tok<bigint> }
  | { type: 'set_clock'; clock: Tok<bigint>; flags?: Tok<bigint>; realtime?: Tok<bigint> }
  | { type: 'kvmclock_ctrl' }
  /** `tsc_adjust` = CPUID.7.0:EBX bit 1; the other `KEY=VALUE`s are kept as written, not interpreted. */
  | { type: 'set_cpuid2'; tscAdjust?: Tok<boolean>; entries: Arg[] }
  | { type: 'set_tsc_khz'; khz: Tok<bigint> }
  | { type: 'get_tsc_khz'; khz?: Tok<bigint> }
  | { type: 'set_msrs'; writes: MsrWrite[]; processed?: Tok<bigint> }
  | { type: 'get_msrs'; msrs: Tok<MsrRef>[]; values: MsrWrite[] }
  | { type: 'get_system_counter_state'; cntvoff?: Tok<bigint> }
  | { type: 'set_system_counter_state'; cntvoff: Tok<bigint> }
  | { type: 'get_tsc_state'; flags?: Tok<bigint>; nsec?: Tok<bigint>; tsc?: Tok<bigint>; tscAdjust?: Tok<bigint> }
  // x86 LAPIC timer registers restored / saved (a reduced struct kvm_lapic_state, docs/timers.md#t1-statements)
  | ({ type: 'set_lapic' } & LapicTimerRegs)
  | ({ type: 'get_lapic' } & Partial<LapicTimerRegs>)
  | { type: 'set_tsc_state'; flags: Tok<bigint>; nsec?: Tok<bigint>; tsc: Tok<bigint>; tscAdjust?: Tok<bigint> }
  | { type: 'other_ioctl'; ioctl?: IoctlInfo; name: string }
  // guest
  | { type: 'guest_read'; reg: Tok<GuestRegister | MsrRef>; value: Tok<bigint>; version?: Tok<bigint> }
  | { type: 'guest_write'; reg: Tok<GuestRegister | MsrRef>; value: Tok<bigint> }
  | { type: 'hvc'; fn: Tok<SmcccRef>; args: Tok<SmcccRef>[]; ret?: Tok<SmcccRet> }
  // kvm
  | { type: 'kvm_write'; reg: Tok<HypRegister>; value: Tok<bigint> }
  | { type: 'kvm_traps'; on: Tok<boolean> }
  | { type: 'kvm_trap_read'; reg: Tok<string>; value: Tok<bigint> }
  | { type: 'stolen_update'; ns: Tok<bigint> }
  | { type: 'write_tsc_offset'; prev: Tok<bigint>; next: Tok<bigint> }
  // kvm: statements imported from captures (docs/format-capture-statements.md, captureStatements.ts)
  | CaptureBody
  // kvm: timers (docs/timers.md#t1-statements)
  | { type: 'timer_state'; timer: Tok<TimerName>; ctl: Tok<bigint>; cval: Tok<bigint> }
  | { type: 'timer_irq'; timer: Tok<TimerName>; level: Tok<boolean> }
  | { type: 'timer_expire'; timer: Tok<TimerName> }
  /** Guest TSC − deadline at entry, in guest cycles, signed (not taken mod 2^64). */
  | { type: 'wait_lapic_expire'; delta: Tok<bigint> }
  | { type: 'hv_timer'; inUse: Tok<boolean> }
  | { type: 'kvm_entry' }
  | { type: 'kvm_exit'; reason: Tok<string> }
  // sched
  | { type: 'sched_wait'; duration: Tok<bigint> }
  // vmm
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'snapshot' }
  | { type: 'restore' }
  | { type: 'migrate'; to: Tok<string> }
  | { type: 'sample'; realtime?: Tok<bigint>; counter?: Tok<bigint> }
  | { type: 'note'; text: Tok<string> }
  // a recognised actor with an operation the tool does not model (reported as HVT091)
  | { type: 'unknown_op'; name: string };

export type BodyType = Body['type'];

/** x86 tracepoints kvm_track_tsc, kvm_update_master_clock, kvm_pvclock_update, with the kernel's field names. */
export type CaptureBody =
  | {
      type: 'track_tsc';
      offsetmatched: Tok<number>;
      nrOnline: Tok<number>;
      masterclock: Tok<boolean>;
      hostclock?: Tok<string>;
    }
  | { type: 'update_master_clock'; masterclock: Tok<boolean>; offsetmatched: Tok<boolean>; hostclock?: Tok<string> }
  | {
      type: 'pvclock_update';
      version?: Tok<bigint>;
      tscTimestamp: Tok<bigint>;
      systemTime: Tok<bigint>;
      tscToSystemMul: Tok<bigint>;
      tscShift: Tok<number>;
      flags?: Tok<bigint>;
    };
/** LVTT is required in KVM_SET_LAPIC; TMICT, TMCCT and TDCR default to 0. */
export interface LapicTimerRegs {
  lvtt: Tok<bigint>;
  tmict?: Tok<bigint>;
  tmcct?: Tok<bigint>;
  tdcr?: Tok<bigint>;
}

export interface Statement {
  span: Span;
  time: Tok<bigint>;
  where: Where;
  actor: Tok<Actor>;
  /** The operation word as written; `value` is the canonical name (hex ioctl codes decoded). */
  op: Tok<string>;
  args: Arg[];
  result?: Result;
  /**
   * `took=DURATION` on an ioctl: the ioctl's own latency as the recorder measured it (ns). TIME is
   * when it was issued, so a value it returns may have been read anywhere in [TIME, TIME + took].
   */
  took?: Tok<bigint>;
  body: Body;
  notes: Note[];
}

export interface StatementLine {
  kind: 'statement';
  statement: Statement;
}
export interface ErrorLine {
  kind: 'error';
  error: ParseError;
}
export interface EmptyLine {
  kind: 'empty';
}

export type LineNode = (StatementLine | DirectiveLine | ErrorLine | EmptyLine) & { comment?: Comment };
