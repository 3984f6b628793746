// Value parsers for operands that are names or numbers decoded through the uapi tables.
import type { AttrGroupRef, AttrRef, MsrRef, RegRef, SmcccRef, SmcccRet } from './ast';
import { parseInteger, type Parsed } from '../values/parse';
import { u64 } from '../values/u64';
import { registerById, registerByName } from '../uapi/registers';
import { msrByIndex, msrByName } from '../uapi/msrs';
import { attrByName, attrGroupByName } from '../uapi/deviceAttrs';
import { smcccById, smcccByName, SMCCC_RETURNS } from '../uapi/smccc';
import { TIMER_NAMES, type TimerName } from '../uapi/timers';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseRegRef(text: string): Parsed<RegRef> {
  const named = registerByName(text);
  if (named) return ok({ known: named });
  const n = parseInteger(text);
  if (n.ok) {
    const byId = registerById(u64(n.value));
    return ok(byId ? { known: byId } : { unknown: u64(n.value) });
  }
  return IDENT.test(text)
    ? ok({ unknown: text })
    : { ok: false, expected: 'a register name like KVM_REG_ARM_TIMER_CNT or a 64-bit id like 0x603000000013DF1A' };
}

export function parseMsrRef(text: string): Parsed<MsrRef> {
  const named = msrByName(text);
  if (named) return ok({ known: named });
  const n = parseInteger(text);
  if (n.ok && n.value >= 0n) {
    const byIndex = msrByIndex(n.value);
    return ok(byIndex ? { known: byIndex } : { unknown: n.value });
  }
  return IDENT.test(text)
    ? ok({ unknown: text })
    : { ok: false, expected: 'an MSR name like IA32_TSC or an index like 0x10' };
}

export function parseAttrGroupRef(text: string): Parsed<AttrGroupRef> {
  const named = attrGroupByName(text);
  if (named) return ok({ known: named });
  const n = parseInteger(text);
  if (n.ok && n.value >= 0n) return ok({ num: n.value });
  return IDENT.test(text)
    ? ok({ unknown: text })
    : { ok: false, expected: 'an attribute group like KVM_ARM_VCPU_PVTIME_CTRL or a number' };
}

export function parseAttrRef(text: string): Parsed<AttrRef> {
  const named = attrByName(text);
  if (named) return ok({ known: named });
  const n = parseInteger(text);
  if (n.ok && n.value >= 0n) return ok({ num: n.value });
  return IDENT.test(text)
    ? ok({ unknown: text })
    : { ok: false, expected: 'an attribute like KVM_ARM_VCPU_PVTIME_IPA or a number' };
}

export function parseSmcccRef(text: string): Parsed<SmcccRef> {
  const named = smcccByName(text);
  if (named) return ok({ known: named });
  const n = parseInteger(text);
  if (n.ok && n.value >= 0n) {
    const byId = smcccById(n.value);
    return ok(byId ? { known: byId } : { id: n.value });
  }
  return IDENT.test(text)
    ? ok({ unknown: text })
    : { ok: false, expected: 'an SMCCC function like PV_TIME_ST or an id like 0xC5000021' };
}

/** An SMCCC return: a return-code name (SUCCESS, NOT_SUPPORTED, ...) or a value (an IPA). */
export function parseSmcccRet(text: string): Parsed<SmcccRet> {
  if (Object.hasOwn(SMCCC_RETURNS, text)) return ok({ value: SMCCC_RETURNS[text], name: text });
  const n = parseInteger(text);
  if (n.ok) return ok({ value: n.value });
  return {
    ok: false,
    expected: 'an SMCCC return code (SUCCESS, NOT_SUPPORTED, NOT_REQUIRED, INVALID_PARAMETER) or a value',
  };
}

/** Flags: a number, or names from `table` joined by `|`. */
export function flagsParser(table: Readonly<Record<string, bigint>>): (text: string) => Parsed<bigint> {
  const names = Object.keys(table).join(', ');
  return (text) => {
    const n = parseInteger(text);
    if (n.ok && n.value >= 0n) return ok(n.value);
    let value = 0n;
    for (const part of text.split('|')) {
      if (!Object.hasOwn(table, part))
        return { ok: false, expected: `flags: a number or names joined by \`|\` (${names})` };
      value |= table[part];
    }
    return ok(value);
  };
}

export function parseOnOff(text: string): Parsed<boolean> {
  if (text === 'on') return ok(true);
  if (text === 'off') return ok(false);
  return { ok: false, expected: '`on` or `off`' };
}

export function parseBit(text: string): Parsed<boolean> {
  if (text === '1') return ok(true);
  if (text === '0') return ok(false);
  return { ok: false, expected: '`0` or `1`' };
}

/** A u64 count of nanoseconds (realtime=, nsec=, clock=, stolen times). */
export function parseNs(text: string): Parsed<bigint> {
  const n = parseInteger(text);
  return n.ok && n.value >= 0n
    ? ok(u64(n.value))
    : { ok: false, expected: 'nanoseconds as a non-negative integer like 50000010000' };
}

export function parseNonNegative(text: string): Parsed<bigint> {
  const n = parseInteger(text);
  return n.ok && n.value >= 0n ? ok(n.value) : { ok: false, expected: 'a non-negative integer' };
}

/** A timer of the `kvm timer_*` statements (docs/timers.md#t1-statements). */
export function parseTimerName(text: string): Parsed<TimerName> {
  return (TIMER_NAMES as readonly string[]).includes(text)
    ? ok(text as TimerName)
    : { ok: false, expected: 'a timer (vtimer, ptimer, hvtimer, hptimer, lapic)' };
}

/** An interrupt line level: `0` or `1`. */
export function parseLevel(text: string): Parsed<boolean> {
  return text === '1' ? ok(true) : text === '0' ? ok(false) : { ok: false, expected: 'a line level `0` or `1`' };
}

/** A signed 64-bit integer (kvm_wait_lapic_expire's delta is an s64), not taken mod 2^64. */
export function parseSigned64(text: string): Parsed<bigint> {
  const n = parseInteger(text);
  return n.ok && n.value >= -(1n << 63n) && n.value < 1n << 63n
    ? ok(n.value)
    : { ok: false, expected: 'a signed 64-bit count of cycles like -4000 or 250000' };
}
