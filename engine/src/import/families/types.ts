// The interface of a mapping module: one module per event family turns decoded events into
// .hvtrace statements (or says it has nothing to say). The registry (registry.ts) lists them.
import type { TraceEvent } from '../event';

/** What became of an event: statements (or evidence for a later one), nothing of interest, or a `vmm note`. */
export type MapOutcome = 'used' | 'ignored' | 'note';

/** Where a statement acts: a vCPU, the capture's VM, or the host. */
export type At = { vcpu: number } | 'vm' | 'host';

export interface MapContext {
  readonly arch: 'x86_64' | 'arm64';
  /** The vCPU the event's thread runs (thread names, events that name their vCPU). */
  threadVcpu(ev: TraceEvent): number | undefined;
  /** The vCPU thread `pid` runs, for events about other threads (sched_switch's next_pid). */
  vcpuOfThread(pid: number): number | undefined;
  /** The capture's host and VM names (for statements the VMM wrote with their own WHERE). */
  readonly host: string;
  readonly vm: string;
  /** Writes a whole statement without its TIME (`WHERE ACTOR OPERATION …`) at the event's time. */
  emitStatement(ev: TraceEvent, text: string): void;
  /** Adds a directive (`@vm …`, `@tolerance …`) to the generated header. */
  directive(ev: TraceEvent, text: string): void;
  /** Writes `ACTOR OPERATION [ARGS]` at the event's time. */
  emit(ev: TraceEvent, at: At, text: string): void;
  /** The WHERE `emit` would write for an event of `ev`'s thread at `at`. */
  where(ev: TraceEvent, at: At): string;
  /**
   * Writes a whole statement without its TIME at an earlier event's time and place: before what
   * that event and the events after it produced. A decoder that learns a call's values only at its
   * return puts the call where KVM acted (docs/format.md#62-x86-tsc item 6); a guest write goes before the
   * kvm_write_tsc_offset it caused, which the kernel traced first. `src` is the capture line the
   * statement stands for (default the anchor).
   */
  emitStatementAt(anchor: TraceEvent, text: string, src?: TraceEvent): void;
  /**
   * The VM the events of thread `pid` belong to from now on (a capture with several VMs: the uprobe
   * decoder knows which VM each ioctl's fd is); `emit` writes their WHERE with it.
   */
  setThreadVm(pid: number, vm: string): void;
  /** Thread `pid` runs this vCPU from now on (its KVM_RUN on the vCPU's fd): threadVcpu says so. */
  setThreadVcpu(pid: number, vcpu: number): void;
  /** The events of `from`'s thread strictly between `from` and `to` (what the kernel did inside a call). */
  threadEventsBetween(from: TraceEvent, to: TraceEvent): readonly TraceEvent[];
  /** The event of `ev`'s thread just before it, if any. */
  previousThreadEvent(ev: TraceEvent): TraceEvent | undefined;
  /** The time on the reference clock (ns) at which the host counter read `value`, when the counter is known. */
  timeOfCounter(value: bigint): bigint | undefined;
  /** Per-file state of a family (derivations that span events); created on first use. */
  state<T>(key: string, init: () => T): T;
  /** The event's time on the reference clock (ns). */
  timeOf(ev: TraceEvent): bigint;
  /** Whether the file holds any event of this name (for choices made per capture). */
  has(name: string): boolean;
  /** Whether the VMM's own records (markers, uprobes) carry KVM_RUN: then kvm_entry does not stand in for it. */
  readonly vmmReportsRuns: boolean;
  /**
   * Whether the host counter is known at each event (counter-clock stamps, or a `counter=` from
   * the capture): only then can absolute guest counter values (a guest RDMSR of the TSC) be
   * compared with the model.
   */
  readonly hostCounterKnown: boolean;
}

export interface EventMapper {
  /** The family's name, for summaries. */
  readonly family: string;
  /** Event names this module maps (without the trace system). */
  readonly events: readonly string[];
  /** Events the module recognises by shape rather than name (uprobe events are named by whoever defined them). */
  handles?(ev: TraceEvent): boolean;
  /** Whether `body` decodes completely for event `name` (rejoining wrapped lines tries candidates with it). */
  decodes(name: string, body: string): boolean;
  /** The vCPU the event says its own thread runs (identity evidence), if any. */
  threadVcpu?(ev: TraceEvent): number | undefined;
  /** The vCPU the event names, whichever thread fired it (which vCPUs the capture has). */
  namedVcpu?(ev: TraceEvent): number | undefined;
  map(ev: TraceEvent, ctx: MapContext): MapOutcome;
  /** Called once after the file's last event (calls the capture ended inside, deferred statements). */
  finish?(ctx: MapContext): void;
}
