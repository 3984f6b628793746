// One parser per statement of docs/format.md#4-statements: which location it needs and how its arguments
// and result are read into a typed Body.
import type { Actor, Body, MsrRef, MsrWrite, Note, RegRef, Span, Tok } from './ast';
import { ArgReader, ParseFailure, expectedFound, parseTok } from './context';
import {
  flagsParser,
  parseAttrGroupRef,
  parseAttrRef,
  parseBit,
  parseMsrRef,
  parseNonNegative,
  parseNs,
  parseOnOff,
  parseRegRef,
  parseSmcccRef,
  parseSmcccRet,
} from './operands';
import { parseCounter, parseDuration, parseName, parseSmallInteger } from '../values/parse';
import { CLOCK_FLAGS, TSC_STATE_FLAGS } from '../uapi/flags';
import { GUEST_REGISTERS, HYP_REGISTERS, type GuestRegister, type HypRegister } from '../uapi/sysregs';
import { CAPTURE_KVM_OPS } from './captureStatements';
import { LAPIC_IOCTL_OPS, TIMER_KVM_OPS, checkTimerWrite } from './timerParsers';

/** Which part of `HOST/VM/vcpuN` a statement acts on. */
export type Level = 'vcpu' | 'vm' | 'vm_or_vcpu' | 'host_or_vm' | 'any';

export interface OpSpec {
  level: Level;
  proposed?: boolean;
  /** The same `key=` may appear more than once (KVM_SET_MSRS writes, applied left to right). */
  repeatedKeys?: boolean;
  /**
   * The arguments and result as a pattern (`id=REG value=VALUE`, `[flags=CLOCK_FLAGS]`, `-> VALUE`;
   * syntax/signatures.ts reads it): completion and signature help come from here, and a test parses
   * a statement built from every pattern, so it stays what `parse` accepts.
   */
  sig: string;
  /** One line: what the statement records. */
  doc: string;
  parse(r: ArgReader): Body;
}

export const COUNTER = 'a counter value like 250000225 or 0x2540BE400';
const NS = 'nanoseconds like 50000010000';

/** `REG = VALUE` or `REG=VALUE` at the start of the arguments. */
function assignment(r: ArgReader, what: string): { reg: Tok<string>; value: Tok<string> } {
  const [a, b, c] = r.args;
  if (a?.key) {
    r.take(a);
    return { reg: a.key, value: a.value };
  }
  if (a && b && !b.key && b.value.value === '=' && c && !c.key) {
    r.take(a, b, c);
    return { reg: a.value, value: c.value };
  }
  const at: Span = a ? (b ? b.span : { start: a.span.end, end: a.span.end }) : { start: r.end, end: r.end };
  throw new ParseFailure(at, `expected \`${what} = VALUE\``);
}

function guestRegister(tok: Tok<string>, notes: Note[]): Tok<GuestRegister | MsrRef> {
  if ((GUEST_REGISTERS as readonly string[]).includes(tok.value))
    return { value: tok.value as GuestRegister, span: tok.span };
  const msr = parseTok(tok, parseMsrRef);
  if ('unknown' in msr.value && typeof msr.value.unknown === 'string')
    notes.push({ code: 'HVT091', span: tok.span, message: `unknown register \`${tok.value}\`` });
  return msr;
}

function msrOperand(tok: Tok<string>, notes: Note[]): Tok<MsrRef> {
  const msr = parseTok(tok, parseMsrRef);
  if ('unknown' in msr.value && typeof msr.value.unknown === 'string')
    notes.push({ code: 'HVT091', span: tok.span, message: `unknown MSR \`${tok.value}\`` });
  return msr;
}

/** A register id operand; an identifier that names no known register is noted (HVT091). */
function regOperand(r: ArgReader): Tok<RegRef> {
  const reg = r.required('id', parseRegRef, 'a register like `id=KVM_REG_ARM_TIMER_CNT`');
  if ('unknown' in reg.value && typeof reg.value.unknown === 'string')
    r.notes.push({ code: 'HVT091', span: reg.span, message: `unknown register \`${reg.value.unknown}\`` });
  return reg;
}

function msrWrites(r: ArgReader, entries: ReturnType<ArgReader['takeKeyed']>): MsrWrite[] {
  return entries.map((e) => ({ msr: msrOperand(e.key!, r.notes), value: parseTok(e.value, parseCounter, COUNTER) }));
}

const clockFlags = flagsParser(CLOCK_FLAGS);
const tscStateFlags = flagsParser(TSC_STATE_FLAGS);

export const IOCTL_OPS: Readonly<Record<string, OpSpec>> = {
  // KVM_CREATE_VM is issued on /dev/kvm; the statement names the VM instance it creates. Its result is the VM's fd.
  KVM_CREATE_VM: {
    level: 'vm',
    sig: '-> [FD]',
    doc: 'creates a VM instance (on /dev/kvm); x86 kvmclock starts at 0',
    parse: (r) => ({ type: 'create_vm', fd: r.resultValue(parseNonNegative, "the VM's file descriptor") }),
  },
  KVM_CREATE_VCPU: {
    level: 'vm',
    sig: 'id=VCPU',
    doc: 'creates a vCPU: its counter offset is set from the host counter (arm64: VM-wide unless KVM_ARM_SET_COUNTER_OFFSET was used)',
    parse: (r) => ({
      type: 'create_vcpu',
      id: r.required('id', (t) => parseSmallInteger(t, 'a vCPU id like 0'), 'a vCPU id like `id=0`'),
    }),
  },
  KVM_RUN: {
    level: 'vcpu',
    sig: '-> [exit=REASON]',
    doc: "enters the guest; the first after a stop is the vCPU's resume point",
    parse: (r) => ({ type: 'run', exit: r.resultNamed('exit', parseName, 'an exit reason') }),
  },
  KVM_GET_ONE_REG: {
    level: 'vcpu',
    sig: 'id=REG -> VALUE',
    doc: 'reads a register (a save records its value)',
    parse: (r) => ({ type: 'get_one_reg', reg: regOperand(r), value: r.resultValue(parseCounter, COUNTER) }),
  },
  KVM_SET_ONE_REG: {
    level: 'vcpu',
    sig: 'id=REG value=VALUE',
    doc: 'writes a register; TIMER_CNT sets the offset by value (C1 - value)',
    parse: (r) => {
      const reg = regOperand(r);
      const value = r.required('value', parseCounter, COUNTER, COUNTER);
      checkTimerWrite(reg.value, value, r.args.find((a) => a.key?.value === 'value')!.value.value);
      return { type: 'set_one_reg', reg, value };
    },
  },
  KVM_ARM_SET_COUNTER_OFFSET: {
    level: 'vm',
    sig: 'counter_offset=OFFSET [reserved=VALUE]',
    doc: 'arm64, Linux 6.4+: the VM-wide offset of both counters (the idempotent restore)',
    parse: (r) => ({
      type: 'set_counter_offset',
      offset: r.required('counter_offset', parseCounter, COUNTER, COUNTER),
      reserved: r.optional('reserved', parseCounter, COUNTER),
    }),
  },
  KVM_SET_DEVICE_ATTR: {
    level: 'vcpu',
    sig: 'group=GROUP attr=ATTR value=VALUE',
    doc: 'sets a vCPU attribute (PV-time address, KVM_VCPU_TSC_OFFSET, timer IRQs)',
    parse: (r) => deviceAttr(r, 'set'),
  },
  KVM_GET_DEVICE_ATTR: {
    level: 'vcpu',
    sig: 'group=GROUP attr=ATTR -> VALUE',
    doc: 'reads a vCPU attribute',
    parse: (r) => deviceAttr(r, 'get'),
  },
  KVM_HAS_DEVICE_ATTR: {
    level: 'vcpu',
    sig: 'group=GROUP attr=ATTR',
    doc: 'probes a vCPU attribute',
    parse: (r) => deviceAttr(r, 'has'),
  },
  KVM_GET_CLOCK: {
    level: 'vm',
    sig: '-> [clock=NS] [flags=CLOCK_FLAGS] [realtime=NS] [host_tsc=VALUE]',
    doc: 'x86: saves kvmclock',
    parse: (r) => ({
      type: 'get_clock',
      clock: r.resultNamed('clock', parseNs, NS),
      flags: r.resultNamed('flags', clockFlags),
      realtime: r.resultNamed('realtime', parseNs, NS),
      hostTsc: r.resultNamed('host_tsc', parseCounter, COUNTER),
    }),
  },
  KVM_SET_CLOCK: {
    level: 'vm',
    sig: 'clock=NS [flags=CLOCK_FLAGS] [realtime=NS]',
    doc: 'x86: restores kvmclock (before the first KVM_RUN)',
    parse: (r) => ({
      type: 'set_clock',
      clock: r.required('clock', parseNs, 'kvmclock nanoseconds like `clock=1000000000`', NS),
      flags: r.optional('flags', clockFlags),
      realtime: r.optional('realtime', parseNs, NS),
    }),
  },
  KVM_KVMCLOCK_CTRL: {
    level: 'vcpu',
    sig: '',
    doc: 'x86: tells the guest it was stopped (PVCLOCK_GUEST_STOPPED)',
    parse: () => ({ type: 'kvmclock_ctrl' }),
  },
  KVM_SET_CPUID2: {
    level: 'vcpu',
    sig: '[tsc_adjust=BIT] [LEAF...]',
    doc: "x86: sets the vCPU's CPUID (tsc_adjust: CPUID.7.0:EBX bit 1)",
    parse: (r) => {
      const tscAdjust = r.optional(
        'tsc_adjust',
        parseBit,
        '`0` or `1` (whether CPUID.7.0:EBX bit 1, TSC_ADJUST, is set)',
      );
      // The rest of the CPUID is recorded as written, not interpreted (docs/format.md#41-ioctl--vmm-to-kvm).
      const entries = r.takeKeyed().filter((a) => a.key!.value !== 'tsc_adjust');
      return { type: 'set_cpuid2', tscAdjust, entries };
    },
  },
  KVM_SET_TSC_KHZ: {
    level: 'vm_or_vcpu',
    sig: 'value=KHZ',
    doc: 'x86: sets the guest TSC frequency',
    parse: (r) => ({
      type: 'set_tsc_khz',
      khz: r.required(
        'value',
        parseNonNegative,
        'a frequency in kHz like `value=2000000`',
        'a frequency in kHz like 2000000',
      ),
    }),
  },
  KVM_GET_TSC_KHZ: {
    level: 'vm_or_vcpu',
    sig: '-> KHZ',
    doc: 'x86: reads the guest TSC frequency',
    parse: (r) => ({ type: 'get_tsc_khz', khz: r.resultValue(parseNonNegative, 'a frequency in kHz like 2000000') }),
  },
  KVM_SET_MSRS: {
    level: 'vcpu',
    sig: 'MSR=VALUE...',
    doc: 'x86: host-initiated MSR writes, applied left to right (IA32_TSC goes through kvm_synchronize_tsc)',
    repeatedKeys: true,
    parse: (r) => {
      const entries = r.takeKeyed();
      const writes = msrWrites(r, entries);
      writes.forEach((w, i) => checkTimerWrite(w.msr.value, w.value, entries[i].value.value));
      if (writes.length === 0)
        throw new ParseFailure(
          { start: r.end, end: r.end },
          'KVM_SET_MSRS needs at least one `MSR=VALUE` like `IA32_TSC=0`',
        );
      // KVM_SET_MSRS returns how many MSRs it processed.
      return { type: 'set_msrs', writes, processed: r.resultValue(parseNonNegative, 'the number of MSRs written') };
    },
  },
  KVM_GET_MSRS: {
    level: 'vcpu',
    sig: 'MSR... -> MSR=VALUE...',
    doc: 'x86: reads MSRs',
    parse: (r) => {
      const msrs = r.positionals().map((t) => msrOperand(t, r.notes));
      const values = msrWrites(r, r.takeResultEntries());
      if (r.result?.kind === 'value')
        throw new ParseFailure(r.result.span, 'KVM_GET_MSRS returns named outputs: expected `-> MSR=VALUE ...`');
      return { type: 'get_msrs', msrs, values };
    },
  },
  ...LAPIC_IOCTL_OPS,
  KVM_GET_SYSTEM_COUNTER_STATE: {
    level: 'vcpu',
    sig: '-> cntvoff=OFFSET',
    doc: "proposed, never merged: reads this vCPU's virtual offset",
    proposed: true,
    parse: (r) => ({ type: 'get_system_counter_state', cntvoff: r.resultNamed('cntvoff', parseCounter, COUNTER) }),
  },
  KVM_SET_SYSTEM_COUNTER_STATE: {
    level: 'vcpu',
    sig: 'cntvoff=OFFSET',
    doc: "proposed, never merged: sets this vCPU's virtual offset",
    proposed: true,
    parse: (r) => ({
      type: 'set_system_counter_state',
      cntvoff: r.required('cntvoff', parseCounter, COUNTER, COUNTER),
    }),
  },
  KVM_GET_TSC_STATE: {
    level: 'vcpu',
    sig: '-> [flags=TSC_FLAGS] [nsec=NS] [tsc=VALUE] [tsc_adjust=VALUE]',
    doc: 'proposed, never merged: reads the TSC with a timestamp',
    proposed: true,
    parse: (r) => ({
      type: 'get_tsc_state',
      flags: r.resultNamed('flags', tscStateFlags),
      nsec: r.resultNamed('nsec', parseNs, NS),
      tsc: r.resultNamed('tsc', parseCounter, COUNTER),
      tscAdjust: r.resultNamed('tsc_adjust', parseCounter, COUNTER),
    }),
  },
  KVM_SET_TSC_STATE: {
    level: 'vcpu',
    sig: 'flags=TSC_FLAGS [nsec=NS] tsc=VALUE [tsc_adjust=VALUE]',
    doc: 'proposed, never merged: sets the TSC as of a timestamp',
    proposed: true,
    parse: (r) => ({
      type: 'set_tsc_state',
      flags: r.required('flags', tscStateFlags, 'flags like `flags=KVM_TSC_STATE_TIMESTAMP_VALID`'),
      nsec: r.optional('nsec', parseNs, NS),
      tsc: r.required('tsc', parseCounter, COUNTER, COUNTER),
      tscAdjust: r.optional('tsc_adjust', parseCounter, COUNTER),
    }),
  },
};

function deviceAttr(r: ArgReader, verb: 'set' | 'get' | 'has'): Body {
  const group = r.required('group', parseAttrGroupRef, 'an attribute group like `group=KVM_ARM_VCPU_PVTIME_CTRL`');
  const attr = r.required('attr', parseAttrRef, 'an attribute like `attr=KVM_ARM_VCPU_PVTIME_IPA`');
  if ('unknown' in group.value)
    r.notes.push({ code: 'HVT091', span: group.span, message: `unknown attribute group \`${group.value.unknown}\`` });
  if ('unknown' in attr.value)
    r.notes.push({ code: 'HVT091', span: attr.span, message: `unknown attribute \`${attr.value.unknown}\`` });
  if ('known' in group.value && 'known' in attr.value && attr.value.known.group !== group.value.known.role) {
    throw new ParseFailure(attr.span, `${attr.value.known.name} does not belong to ${group.value.known.name}`);
  }
  const value =
    verb === 'set'
      ? r.required('value', parseCounter, 'the attribute value like `value=0x40000000`', COUNTER)
      : verb === 'get'
        ? r.resultValue(parseCounter, COUNTER)
        : undefined;
  return { type: 'device_attr', verb, group, attr, value };
}

export const GUEST_OPS: Readonly<Record<string, OpSpec>> = {
  read: {
    level: 'vcpu',
    sig: 'GREG = VALUE [version=N]',
    doc: 'the guest read a counter, register or PV structure (compared with the model)',
    parse: (r) => {
      const { reg, value } = assignment(r, 'read REG');
      return {
        type: 'guest_read',
        reg: guestRegister(reg, r.notes),
        value: parseTok(value, parseCounter, COUNTER),
        version: r.optional('version', parseNonNegative, 'a version number'),
      };
    },
  },
  write: {
    level: 'vcpu',
    sig: 'GREG = VALUE',
    doc: 'the guest wrote a register (timer registers program its timers; MSR_KVM_* enable PV features)',
    parse: (r) => {
      const { reg, value } = assignment(r, 'write REG');
      const body: Body = {
        type: 'guest_write',
        reg: guestRegister(reg, r.notes),
        value: parseTok(value, parseCounter, COUNTER),
      };
      checkTimerWrite(body.reg.value, body.value, value.value);
      return body;
    },
  },
  hvc: {
    level: 'vcpu',
    sig: 'FN [FN...] -> [RET]',
    doc: 'the guest made an SMCCC call (PV time discovery, PV_TIME_ST)',
    parse: (r) => {
      const [fn, ...args] = r.positionals();
      if (!fn)
        throw new ParseFailure({ start: r.end, end: r.end }, expectedFound('an SMCCC function like PV_TIME_ST', ''));
      const fnTok = parseTok(fn, parseSmcccRef);
      if ('unknown' in fnTok.value)
        r.notes.push({ code: 'HVT091', span: fn.span, message: `unknown SMCCC function \`${fn.value}\`` });
      const argToks = args.map((a) => parseTok(a, parseSmcccRef));
      for (const a of argToks)
        if ('unknown' in a.value)
          r.notes.push({ code: 'HVT091', span: a.span, message: `unknown SMCCC function \`${a.value.unknown}\`` });
      return { type: 'hvc', fn: fnTok, args: argToks, ret: r.resultValue(parseSmcccRet) };
    },
  },
};

export const KVM_OPS: Readonly<Record<string, OpSpec>> = {
  write: {
    level: 'vcpu',
    sig: 'HYPREG = VALUE',
    doc: 'KVM wrote a hypervisor register for the vCPU',
    parse: (r) => {
      const { reg, value } = assignment(r, 'write REG');
      if (!(HYP_REGISTERS as readonly string[]).includes(reg.value)) {
        throw new ParseFailure(
          reg.span,
          expectedFound('a hypervisor register (CNTVOFF_EL2, CNTPOFF_EL2, CNTHCTL_EL2)', reg.value),
        );
      }
      return {
        type: 'kvm_write',
        reg: { value: reg.value as HypRegister, span: reg.span },
        value: parseTok(value, parseCounter, COUNTER),
      };
    },
  },
  traps: {
    level: 'vcpu',
    sig: 'cntpct=ONOFF',
    doc: "whether KVM traps the guest's CNTPCT reads",
    parse: (r) => ({ type: 'kvm_traps', on: r.required('cntpct', parseOnOff, '`cntpct=on` or `cntpct=off`') }),
  },
  trap: {
    level: 'vcpu',
    sig: 'CNTPCT_EL0 = VALUE',
    doc: 'KVM emulated a trapped CNTPCT read and returned this value',
    parse: (r) => {
      const { reg, value } = assignment(r, 'trap CNTPCT_EL0');
      if (reg.value !== 'CNTPCT_EL0' && reg.value !== 'CNTPCTSS_EL0')
        throw new ParseFailure(reg.span, expectedFound('CNTPCT_EL0', reg.value));
      return { type: 'kvm_trap_read', reg, value: parseTok(value, parseCounter, COUNTER) };
    },
  },
  stolen_update: {
    level: 'vcpu',
    sig: 'stolen_time=NS',
    doc: "KVM updated the vCPU's stolen time in guest memory",
    parse: (r) => {
      const ns = r.optional('stolen_time', parseNs, NS) ?? r.optional('steal', parseNs, NS);
      if (!ns)
        throw new ParseFailure(
          { start: r.end, end: r.end },
          'stolen_update needs `stolen_time=`: expected nanoseconds like `stolen_time=154233`',
        );
      return { type: 'stolen_update', ns };
    },
  },
  ...TIMER_KVM_OPS,
  write_tsc_offset: {
    level: 'vcpu',
    sig: 'prev=OFFSET next=OFFSET',
    doc: "KVM changed the vCPU's TSC offset (kvm_write_tsc_offset)",
    parse: (r) => ({
      type: 'write_tsc_offset',
      prev: r.required('prev', parseCounter, 'the previous offset like `prev=0`', COUNTER),
      next: r.required('next', parseCounter, 'the new offset like `next=18446744069414584320`', COUNTER),
    }),
  },
  ...CAPTURE_KVM_OPS,
};

export const SCHED_OPS: Readonly<Record<string, OpSpec>> = {
  wait: {
    level: 'vcpu',
    sig: 'DURATION',
    doc: 'the vCPU thread waited on the host run queue for this long, ending now',
    parse: (r) => {
      const [d, ...extra] = r.positionals();
      if (!d) throw new ParseFailure({ start: r.end, end: r.end }, expectedFound('a duration like 154233ns', ''));
      for (const x of extra)
        r.notes.push({ code: 'HVT091', span: x.span, message: `unexpected argument \`${x.value}\` for wait; ignored` });
      return { type: 'sched_wait', duration: parseTok(d, parseDuration) };
    },
  },
};

export const VMM_OPS: Readonly<Record<string, OpSpec>> = {
  pause: {
    level: 'vm',
    sig: '',
    doc: "the VMM stops the guest: the stop's counters are G_before of the next resume point",
    parse: () => ({ type: 'pause' }),
  },
  resume: {
    level: 'vm',
    sig: '',
    doc: 'the VMM resumes the guest on the same host',
    parse: () => ({ type: 'resume' }),
  },
  snapshot: {
    level: 'vm',
    sig: '',
    doc: 'the VMM saves a snapshot of the stopped guest',
    parse: () => ({ type: 'snapshot' }),
  },
  restore: {
    level: 'vm',
    sig: '',
    doc: 'the VMM starts restoring a snapshot (a new instance)',
    parse: () => ({ type: 'restore' }),
  },
  migrate: {
    level: 'vm',
    sig: 'to=HOST',
    doc: 'the guest leaves for another host (a new instance there)',
    parse: (r) => ({ type: 'migrate', to: r.required('to', parseName, 'the destination host like `to=dst`') }),
  },
  sample: {
    level: 'any',
    sig: '[realtime=NS] [counter=VALUE]',
    doc: 'a clock sample the VMM recorded',
    parse: (r) => ({
      type: 'sample',
      realtime: r.optional('realtime', parseNs, NS),
      counter: r.optional('counter', parseCounter, COUNTER),
    }),
  },
  // `note` is handled by the line parser: its text is the raw rest of the line (NOTE_SYNTAX).
};

/** `vmm note TEXT...` at any location, parsed by the line parser (parseLine.ts). */
export const NOTE_SYNTAX = {
  level: 'any' as Level,
  sig: 'TEXT...',
  doc: 'free text: what the VMM or the person writing the trace noted (never replayed)',
};

export const OPS_BY_ACTOR: Readonly<Record<Actor, Readonly<Record<string, OpSpec>>>> = {
  ioctl: IOCTL_OPS,
  guest: GUEST_OPS,
  kvm: KVM_OPS,
  sched: SCHED_OPS,
  vmm: VMM_OPS,
};
