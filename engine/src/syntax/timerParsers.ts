// Parsers of the timer statements of docs/timers.md#t1-statements (the LAPIC ioctls and the `kvm timer_*`,
// `wait_lapic_expire`, `hv_timer`, `entry`, `exit` operations) and the checks of values written to
// timer registers: bad CTL bits and invalid LAPIC register values are parse errors (HVT090).
import type { LapicTimerRegs, MsrRef, RegRef, Tok } from './ast';
import { ArgReader, ParseFailure, expectedFound, parseTok } from './context';
import { parseBit, parseLevel, parseNonNegative, parseSigned64, parseTimerName } from './operands';
import type { OpSpec } from './statementParsers';
import { parseCounter, parseName } from '../values/parse';
import type { GuestRegister } from '../uapi/sysregs';
import {
  CTL_VALID_BITS,
  LAPIC_REGISTERS,
  TIMER_REGISTERS,
  lapicValueProblem,
  type LapicRegister,
  type TimerName,
} from '../uapi/timers';

const COUNTER = 'a counter value like 250000225 or 0x2540BE400';

const CTL_EXPECTED = 'CTL bits ENABLE=1, IMASK=2, ISTATUS=4 (a value from 0 to 7)';

/** A CNT*_CTL value with bits other than ENABLE, IMASK and ISTATUS. */
function checkCtl(value: Tok<bigint>, text: string): void {
  if (value.value > CTL_VALID_BITS) throw new ParseFailure(value.span, expectedFound(CTL_EXPECTED, text));
}

function checkLapic(reg: LapicRegister, value: Tok<bigint>, text: string): void {
  const problem = lapicValueProblem(reg, value.value);
  if (problem) throw new ParseFailure(value.span, expectedFound(problem, text));
}

const X2APIC_TIMER: Readonly<Record<string, LapicRegister>> = {
  x2apic_lvtt: 'lvtt',
  x2apic_tmict: 'tmict',
  x2apic_tmcct: 'tmcct',
  x2apic_tdcr: 'tdcr',
};

/** Checks the value written to a timer register (guest write, KVM_SET_MSRS, KVM_SET_ONE_REG). */
export function checkTimerWrite(reg: GuestRegister | MsrRef | RegRef, value: Tok<bigint>, text: string): void {
  if (typeof reg === 'string') {
    if (TIMER_REGISTERS[reg]?.field === 'ctl') checkCtl(value, text);
    const lapic = LAPIC_REGISTERS[reg];
    if (lapic) checkLapic(lapic, value, text);
    return;
  }
  if (!('known' in reg)) return;
  const role = reg.known.role;
  if (role === 'vtimer_ctl' || role === 'ptimer_ctl') checkCtl(value, text);
  else if (Object.hasOwn(X2APIC_TIMER, role)) checkLapic(X2APIC_TIMER[role], value, text);
}

/** The timer operand of `kvm timer_* TIMER ...`: exactly one positional. */
function timerOperand(r: ArgReader, allowed: readonly TimerName[] | undefined): Tok<TimerName> {
  const [t, ...extra] = r.positionals();
  if (!t)
    throw new ParseFailure(
      { start: r.end, end: r.end },
      expectedFound('a timer (vtimer, ptimer, hvtimer, hptimer, lapic)', ''),
    );
  const timer = parseTok(t, parseTimerName);
  if (allowed && !allowed.includes(timer.value))
    throw new ParseFailure(t.span, expectedFound(`an arm64 timer (${allowed.join(', ')})`, t.value));
  for (const x of extra)
    r.notes.push({
      code: 'HVT091',
      span: x.span,
      message: `unexpected argument \`${x.value}\` for ${r.opName}; ignored`,
    });
  return timer;
}

const REG32 = 'a 32-bit register value like 0x400ec';

/** A LAPIC register from `key=` (or from the result entries of KVM_GET_LAPIC), checked. */
function lapicReg(r: ArgReader, reg: LapicRegister, from: 'args' | 'result'): Tok<bigint> | undefined {
  const tok = from === 'args' ? r.optional(reg, parseNonNegative, REG32) : r.resultNamed(reg, parseNonNegative, REG32);
  if (!tok) return undefined;
  const written = from === 'args' ? r.args : r.result?.kind === 'named' ? r.result.entries : [];
  checkLapic(reg, tok, written.find((a) => a.key?.value === reg)?.value.value ?? String(tok.value));
  return tok;
}

function lapicRegs(r: ArgReader, from: 'args' | 'result'): Partial<LapicTimerRegs> {
  const out: Partial<LapicTimerRegs> = {};
  for (const reg of ['lvtt', 'tmict', 'tmcct', 'tdcr'] as const) {
    const tok = lapicReg(r, reg, from);
    if (tok) out[reg] = tok;
  }
  return out;
}

export const LAPIC_IOCTL_OPS: Readonly<Record<string, OpSpec>> = {
  KVM_SET_LAPIC: {
    level: 'vcpu',
    sig: 'lvtt=LVTT [tmict=COUNT] [tmcct=COUNT] [tdcr=TDCR]',
    doc: 'x86: restores the LAPIC timer registers; entering TSC-deadline mode clears the deadline',
    parse: (r) => {
      const regs = lapicRegs(r, 'args');
      if (!regs.lvtt)
        throw new ParseFailure(
          { start: r.end, end: r.end },
          'KVM_SET_LAPIC needs `lvtt=`: expected the LVT timer register like `lvtt=0x400ec`',
        );
      return { type: 'set_lapic', ...regs, lvtt: regs.lvtt };
    },
  },
  KVM_GET_LAPIC: {
    level: 'vcpu',
    sig: '-> [lvtt=LVTT] [tmict=COUNT] [tmcct=COUNT] [tdcr=TDCR]',
    doc: 'x86: saves the LAPIC timer registers',
    parse: (r) => {
      if (r.result?.kind === 'value')
        throw new ParseFailure(
          r.result.span,
          'KVM_GET_LAPIC returns named outputs: expected `-> lvtt=VALUE tmict=VALUE tmcct=VALUE tdcr=VALUE`',
        );
      return { type: 'get_lapic', ...lapicRegs(r, 'result') };
    },
  },
};

export const TIMER_KVM_OPS: Readonly<Record<string, OpSpec>> = {
  timer_state: {
    level: 'vcpu',
    sig: 'TIMER ctl=CTL cval=VALUE',
    doc: 'KVM saved or loaded the timer (kvm_timer_save_state / kvm_timer_restore_state)',
    parse: (r) => {
      const timer = timerOperand(r, ['vtimer', 'ptimer', 'hvtimer', 'hptimer']);
      const ctl = r.required('ctl', parseCounter, 'the timer control like `ctl=0x1`', CTL_EXPECTED);
      checkCtl(ctl, r.args.find((a) => a.key?.value === 'ctl')!.value.value);
      return {
        type: 'timer_state',
        timer,
        ctl,
        cval: r.required('cval', parseCounter, 'the compare value like `cval=7500000000`', COUNTER),
      };
    },
  },
  timer_irq: {
    level: 'vcpu',
    sig: 'TIMER level=BIT',
    doc: "KVM set the timer's interrupt line (kvm_timer_update_irq; lapic: an injection)",
    parse: (r) => {
      const timer = timerOperand(r, undefined);
      const level = r.required('level', parseLevel, '`level=0` or `level=1`');
      // kvm_apic_accept_irq is an injection, not a line level (docs/timers.md#t1-statements).
      if (timer.value === 'lapic' && !level.value)
        throw new ParseFailure(level.span, expectedFound('`level=1` (a LAPIC timer record is an injection)', '0'));
      return { type: 'timer_irq', timer, level };
    },
  },
  timer_expire: {
    level: 'vcpu',
    sig: 'TIMER',
    doc: "KVM's software timer for the guest timer ran out (kvm_timer_hrtimer_expire)",
    parse: (r) => ({ type: 'timer_expire', timer: timerOperand(r, undefined) }),
  },
  wait_lapic_expire: {
    level: 'vcpu',
    sig: 'delta=SIGNED',
    doc: 'x86: at guest entry with the timer pending, guest TSC minus the deadline',
    parse: (r) => ({
      type: 'wait_lapic_expire',
      delta: r.required('delta', parseSigned64, 'guest TSC minus the deadline in cycles like `delta=-4000`'),
    }),
  },
  hv_timer: {
    level: 'vcpu',
    sig: 'in_use=BIT',
    doc: 'x86: the VMX preemption timer (1) or a host hrtimer (0) carries the deadline',
    parse: (r) => ({ type: 'hv_timer', inUse: r.required('in_use', parseBit, '`in_use=0` or `in_use=1`') }),
  },
  entry: {
    level: 'vcpu',
    sig: '',
    doc: 'the vCPU entered guest mode (kvm_entry)',
    parse: () => ({ type: 'kvm_entry' }),
  },
  exit: {
    level: 'vcpu',
    sig: 'REASON',
    doc: 'the vCPU left guest mode (kvm_exit) for this reason',
    parse: (r) => {
      const [reason, ...extra] = r.positionals();
      if (!reason)
        throw new ParseFailure(
          { start: r.end, end: r.end },
          expectedFound('an exit reason like IRQ, WFx, HLT or PREEMPTION_TIMER', ''),
        );
      for (const x of extra)
        r.notes.push({ code: 'HVT091', span: x.span, message: `unexpected argument \`${x.value}\` for exit; ignored` });
      return {
        type: 'kvm_exit',
        reason: parseTok(reason, parseName, 'an exit reason like IRQ, WFx, HLT or PREEMPTION_TIMER'),
      };
    },
  },
};
