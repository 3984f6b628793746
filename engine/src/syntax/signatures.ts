// What a statement's arguments look like, for completion and signature help. Each operation's
// `sig` in the parser tables (statementParsers.ts, timerParsers.ts, captureStatements.ts,
// directiveParsers.ts) is a one-line pattern — `id=REG value=VALUE`, `[flags=CLOCK_FLAGS]`,
// `MSR=VALUE...`, `REG = VALUE`, `-> clock=NS` — and this module reads it: which keys, which are
// optional or repeated, which placeholders, and what each placeholder is (a description, an example
// the parser accepts, and the values to offer where they can be listed). signatures.test.ts builds a
// statement from every pattern's examples and parses it, so a pattern cannot drift from its parser.
import { ATTR_GROUPS, ATTRS } from '../uapi/deviceAttrs';
import { CLOCK_FLAGS, TSC_STATE_FLAGS } from '../uapi/flags';
import { MSRS } from '../uapi/msrs';
import { REGISTERS } from '../uapi/registers';
import { SMCCC_FUNCTIONS, SMCCC_RETURNS } from '../uapi/smccc';
import { GUEST_REGISTERS, HYP_REGISTERS } from '../uapi/sysregs';
import { TIMER_NAMES } from '../uapi/timers';

export interface Placeholder {
  /** What goes there, for people. */
  doc: string;
  /** A value the parser accepts there. */
  example: string;
  /** The values to offer, where they can be listed (names from the uapi tables, enumerations). */
  values?: readonly string[];
  /** Values the completion takes from the document (declared hosts). */
  fromDocument?: 'hosts';
}

const names = (
  xs: readonly { name: string }[],
  keep: (x: { name: string; proposed?: boolean }) => boolean = () => true,
): string[] => xs.filter(keep).map((x) => x.name);

/** The placeholders the patterns use. */
export const PLACEHOLDERS: Readonly<Record<string, Placeholder>> = {
  FD: { doc: 'the file descriptor the ioctl returned', example: '12' },
  VCPU: { doc: 'the vCPU id (the N of vcpuN)', example: '0' },
  REASON: {
    doc: "the exit reason (kvm_exit's text)",
    example: 'IRQ',
    values: ['IRQ', 'WFx', 'HLT', 'PREEMPTION_TIMER', 'MSR_WRITE', 'EXTERNAL_INTERRUPT', 'MMIO', 'HYPERCALL'],
  },
  REG: {
    doc: 'a ONE_REG register: its uapi name or its 64-bit id (decoded by the uapi table: mind the TIMER_CNT/TIMER_CVAL id swap)',
    example: 'KVM_REG_ARM_TIMER_CNT',
    values: names(REGISTERS),
  },
  GREG: {
    doc: 'an architectural register or MSR the guest reads or writes',
    example: 'CNTVCT_EL0',
    values: [...GUEST_REGISTERS, ...names(MSRS)],
  },
  HYPREG: { doc: 'a hypervisor register KVM writes for the vCPU', example: 'CNTVOFF_EL2', values: HYP_REGISTERS },
  VALUE: { doc: "a u64 value, decimal or 0x hex (a negative value is its two's complement)", example: '250000225' },
  OFFSET: { doc: "a u64 counter offset (a negative offset as its two's complement)", example: '5250000025' },
  GROUP: { doc: 'a vCPU attribute group', example: 'KVM_ARM_VCPU_PVTIME_CTRL', values: names(ATTR_GROUPS) },
  ATTR: {
    doc: 'an attribute of the group',
    example: 'KVM_ARM_VCPU_PVTIME_IPA',
    values: names(ATTRS, (a) => !a.proposed),
  },
  NS: { doc: 'nanoseconds', example: '20000000000' },
  CLOCK_FLAGS: {
    doc: 'KVM_CLOCK_* flags joined by `|`, or a number',
    example: 'KVM_CLOCK_TSC_STABLE',
    values: Object.keys(CLOCK_FLAGS),
  },
  TSC_FLAGS: {
    doc: 'KVM_TSC_STATE_* flags joined by `|`, or a number',
    example: 'KVM_TSC_STATE_TIMESTAMP_VALID',
    values: Object.keys(TSC_STATE_FLAGS),
  },
  BIT: { doc: '`0` or `1`', example: '1', values: ['0', '1'] },
  ONOFF: { doc: '`on` or `off`', example: 'on', values: ['on', 'off'] },
  LEAF: { doc: 'a CPUID entry as recorded (not interpreted)', example: '0x7.0.ebx=0x2' },
  KHZ: { doc: 'a frequency in kHz', example: '2000000' },
  MSR: { doc: 'an MSR: its name or its index', example: 'IA32_TSC', values: names(MSRS) },
  LVTT: {
    doc: 'the LVT timer register: vector (bits 0–7), mask (bit 16), mode (bits 17–18: 0 one-shot, 1 periodic, 2 TSC-deadline)',
    example: '0x400ec',
    values: ['0x400ec', '0x200ec', '0xec', '0x10000'],
  },
  COUNT: { doc: 'a 32-bit LAPIC timer count (TMICT, TMCCT)', example: '1000000' },
  TDCR: {
    doc: 'the divide configuration (bits 0, 1, 3): 0xb divides by 1, 0x0 by 2, 0x3 by 16',
    example: '0xb',
    values: ['0xb', '0x0', '0x1', '0x2', '0x3', '0x8', '0x9', '0xa'],
  },
  N: { doc: 'a small count', example: '2' },
  FN: { doc: 'an SMCCC function (its name or id)', example: 'PV_TIME_ST', values: names(SMCCC_FUNCTIONS) },
  RET: {
    doc: 'the SMCCC return: a name, or the value (the stolen-time address for PV_TIME_ST)',
    example: 'SUCCESS',
    values: Object.keys(SMCCC_RETURNS),
  },
  CTL: { doc: 'the timer control: ENABLE=1, IMASK=2, ISTATUS=4', example: '0x1', values: ['0x0', '0x1', '0x3', '0x5'] },
  TIMER: {
    doc: 'the timer: arm64 vtimer, ptimer (EL1), hvtimer, hptimer (NV EL2); x86 lapic',
    example: 'vtimer',
    values: TIMER_NAMES,
  },
  SIGNED: { doc: 'a signed count of guest TSC cycles (guest TSC − deadline)', example: '-4000' },
  CLOCKSRC: { doc: 'the host clocksource as the tracepoint prints it', example: 'tsc', values: ['tsc', 'none'] },
  SHIFT: { doc: 'a signed shift (-31…31)', example: '-1' },
  DURATION: { doc: 'a duration with its unit (ns, us, µs, ms, s)', example: '154233ns' },
  HOST: { doc: 'a host declared with `@host`', example: 'dst', fromDocument: 'hosts' },
  TEXT: { doc: 'free text up to the comment', example: 'the VMM reloads the vCPUs' },
  // directives
  NAME: { doc: 'a name (letters, digits, _ and -)', example: 'vm1' },
  VERSION: { doc: 'the format version', example: '1', values: ['1'] },
  ARCH: { doc: 'the host architecture', example: 'arm64', values: ['arm64', 'x86_64'] },
  FREQ: {
    doc: 'the host counter frequency with its unit (Hz, kHz, MHz, GHz)',
    example: '25MHz',
    values: ['25MHz', '24MHz', '1GHz', '2.1GHz'],
  },
  ECV: { doc: 'FEAT_ECV level: 2 gives CNTPOFF (with VHE)', example: '2', values: ['0', '1', '2'] },
  COUNTER_AT: { doc: 'the host counter at a reference time: `VALUE@TIME`', example: '5000000000@0.0' },
  KERNEL: { doc: 'the host kernel version (older kernels lack some APIs)', example: '6.4' },
  ASSUMED: {
    doc: 'what an importer assumed: `freq`, `counter` or `freq,counter`',
    example: 'freq',
    values: ['freq', 'counter', 'freq,counter'],
  },
  VCPUS: { doc: 'the number of vCPUs', example: '2' },
  POLICY: {
    doc: 'the guest time line while stopped: advance (counts the downtime) or freeze',
    example: 'advance',
    values: ['advance', 'freeze'],
  },
  TOLERANCE: { doc: 'a duration: the largest deviation that is not a jump', example: '100us' },
  STORM: { doc: 'deliveries per second that make a storm (HVT043)', example: '2000' },
};

/** One element of a pattern. */
export interface SigParam {
  /** `key=`, absent for a positional. */
  key?: string;
  /** The key is itself a placeholder (`MSR=VALUE...`: each key is an MSR name). */
  keyPlaceholder?: string;
  /** The placeholder (`REG`), or for a literal (`=`, `CNTPCT_EL0`) the literal text. */
  name: string;
  literal: boolean;
  optional: boolean;
  repeated: boolean;
  /** After `->`. */
  result: boolean;
  /** As written in the pattern: `id=REG`, `[flags=CLOCK_FLAGS]`, `MSR=VALUE...`. */
  label: string;
}

/** Reads a pattern like `id=REG [flags=CLOCK_FLAGS] MSR=VALUE... -> clock=NS`. */
export function parseSig(sig: string): SigParam[] {
  const out: SigParam[] = [];
  let result = false;
  for (const word of sig.split(/\s+/).filter(Boolean)) {
    if (word === '->') {
      result = true;
      continue;
    }
    const optional = word.startsWith('[') && word.endsWith(']');
    const inner = optional ? word.slice(1, -1) : word;
    const repeated = inner.endsWith('...');
    const body = repeated ? inner.slice(0, -3) : inner;
    const eq = body.indexOf('=');
    if (eq > 0) {
      const key = body.slice(0, eq);
      const isPlaceholder = Object.hasOwn(PLACEHOLDERS, key);
      out.push({
        ...(isPlaceholder ? { keyPlaceholder: key } : { key }),
        name: body.slice(eq + 1),
        literal: false,
        optional,
        repeated,
        result,
        label: word,
      });
    } else {
      out.push({ name: body, literal: !Object.hasOwn(PLACEHOLDERS, body), optional, repeated, result, label: word });
    }
  }
  return out;
}

/** The pattern's text with example values: `id=KVM_REG_ARM_TIMER_CNT value=250000225` (optional ones included). */
export function exampleOf(sig: string, withOptional = true): { args: string; result: string } {
  const args: string[] = [];
  const result: string[] = [];
  for (const p of parseSig(sig)) {
    if (p.optional && !withOptional) continue;
    const value = p.literal ? p.name : PLACEHOLDERS[p.name].example;
    const key = p.keyPlaceholder ? PLACEHOLDERS[p.keyPlaceholder].example : p.key;
    (p.result ? result : args).push(key !== undefined ? `${key}=${value}` : value);
  }
  return { args: args.join(' '), result: result.join(' ') };
}
