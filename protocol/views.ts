// The data the engine's queries produce, as plain JSON-ready types: one definition shared by the
// engine (which builds them), the CLI, the language server and the client (which show them).
// Every u64 and every time in nanoseconds is a decimal string: such values do not fit a JSON number.
// Lines are 0-based. Types only: nothing here imports the engine, vscode or the LSP libraries.

// ---- the replay state (cli.md `hvtimer replay --format json`: this shape is a contract) ---------

export interface VcpuSnapshot {
  guest_counter: string;
  virtual_offset: string | null;
  physical_offset: string | null;
  physical_trap: 'unknown' | 'on' | 'off' | null;
  tsc_offset: string | null;
  stolen_ns: string | null;
}

export interface ReplaySnapshot {
  time: string;
  hosts: Record<string, { counter: string; freq: string }>;
  vms: Record<string, { host: string | null; running: boolean; vcpus: Record<string, VcpuSnapshot> }>;
}

// ---- a richer view of the state (hover, "Replay to here", the replay-state tree) --------------

/** A u64 shown three ways. `time` is the value as time at the relevant frequency (`10.000109000 s`). */
export interface ValueView { decimal: string; hex: string; time: string }

export interface VcpuView {
  id: number;
  running: boolean;
  everRan: boolean;
  /** 0-based line of KVM_CREATE_VCPU, null when the trace never created it. */
  createdLine: number | null;
  /** `CNTVCT` on arm64, `TSC` on x86_64. */
  counterName: 'CNTVCT' | 'TSC';
  /** The guest counter of §6.4, at the host's frequency (x86: the guest TSC frequency). */
  guestCounter: ValueView;
  /** The guest counter's frequency as the guest knows it (Hz). */
  guestFreq: string;
  // arm64
  cntpct: ValueView | null;
  virtualOffset: ValueView | null;
  physicalOffset: ValueView | null;
  physicalTrap: 'unknown' | 'on' | 'off' | null;
  // x86_64
  tscOffset: ValueView | null;
  tscKhz: string | null;
  tscAdjust: string | null;
  kvmclockCtrl: boolean | null;
  /** Stolen time (ns) in the vCPU's PV structure while its address is set on this instance. */
  stolenNs: string | null;
  pvAddress: string | null;
  /** 0-based lines of the statements that set each value (null: never set in the trace). */
  setBy: { virtualOffset: number | null; physicalOffset: number | null; trap: number | null; tscOffset: number | null; pvAddress: number | null };
}

export interface InstanceView {
  key: string;
  host: string;
  vm: string;
  generation: number;
  origin: 'fresh' | 'migration' | 'restore';
  originLine: number | null;
  /** This is the guest's current instance. */
  current: boolean;
  running: boolean;
  counterOffsetUsed: boolean;
  /** kvmclock in ns (x86_64, once set or observed). */
  kvmclock: ValueView | null;
  kvmclockSetLine: number | null;
  vcpus: VcpuView[];
}

export interface HostView {
  name: string;
  arch: 'arm64' | 'x86_64';
  freq: string;
  counter: ValueView;
  /** The host can offset the physical counter in hardware (ecv=2 and vhe=1). */
  cntpoff: boolean;
  kernel: string | null;
  declaredLine: number;
}

export interface GuestView {
  name: string;
  policy: 'advance' | 'freeze';
  currentInstance: string | null;
  started: boolean;
  /** The pending stop (G_before, t_pause of §6.4) while the guest has not resumed on every vCPU. */
  stop: { kind: 'pause' | 'migrate' | 'snapshot'; line: number; timeNs: string; instance: string; counters: Record<string, string> } | null;
}

export interface StateView {
  /** 0-based line of the last replayed line (-1 before the first). */
  line: number;
  /** Reference time of the last statement, seconds (`20.600100000`) and ns (decimal string). */
  time: string;
  timeNs: string;
  tolerance: string;
  hosts: HostView[];
  guests: GuestView[];
  instances: InstanceView[];
}

// ---- the timeline of a range of lines (the timeline webview) ------------------------------------

export type TimelineValue = string | number | boolean | null;

export interface TimelineEvent {
  /** 0-based line. */
  line: number;
  /** Reference time of the statement, ns (decimal string). */
  timeNs: string;
  vm: string | null;
  instance: string | null;
  vcpu: number | null;
  /** The replay event kind (`resumePoint`, `counterWrite`, `stop`, …) or `lifecycle` / `note` for VMM statements. */
  kind: string;
  /** One line for people. */
  label: string;
  /** The event's fields: u64 values as decimal strings, references as 0-based line numbers. */
  values: Record<string, TimelineValue>;
}

export interface ClockErrorSample {
  line: number;
  timeNs: string;
  vm: string;
  instance: string;
  vcpu: number;
  counterName: 'CNTVCT' | 'TSC';
  /** Guest counter, the time line's value, their signed difference (ticks), as ns at `freq`. */
  guest: string;
  expected: string;
  errorTicks: string;
  errorNs: string;
  freq: string;
}

export interface TimelineInstance {
  key: string;
  host: string;
  vm: string;
  firstLine: number;
  lastLine: number;
  vcpus: number[];
}

export interface Timeline {
  fromLine: number;
  toLine: number;
  hosts: { name: string; arch: 'arm64' | 'x86_64'; freq: string }[];
  instances: TimelineInstance[];
  events: TimelineEvent[];
  samples: ClockErrorSample[];
}
