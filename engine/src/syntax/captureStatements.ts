// Parsers for the `kvm` statements an importer writes for x86 clock tracepoints that no v1
// statement covers (docs/format-capture-statements.md). Keys are the tracepoints' own field
// names as TP_printk prints them (arch/x86/kvm/trace.h), so a kernel developer recognises them.
import type { CaptureBody } from './ast';
import type { OpSpec } from './statementParsers';
import { parseBit } from './operands';
import { parseCounter, parseName, parseSmallInteger, type Parsed } from '../values/parse';

const COUNTER = 'a u64 like 0x1a2b3c or 1715004';

/** `tsc_shift` is a signed 8-bit value (`%d`), in practice -31…31. */
function parseShift(t: string): Parsed<number> {
  if (!/^-?[0-9]{1,3}$/.test(t)) return { ok: false, expected: 'a shift like -1 or 2' };
  const n = Number(t);
  return n >= -128 && n <= 127 ? { ok: true, value: n } : { ok: false, expected: 'a shift between -128 and 127' };
}

/** `hostclock` is printed with __print_symbolic(host_clocks): `tsc`, `none`, or the number in hex. */
const parseHostclock = (t: string): Parsed<string> => parseName(t);

const count = (t: string): Parsed<number> => parseSmallInteger(t, 'a vCPU count like 2');

export const CAPTURE_KVM_OPS: Readonly<Record<string, OpSpec>> = {
  // kvm_track_tsc: "vcpu_id %u masterclock %u offsetmatched %u nr_online %u hostclock %s"
  track_tsc: {
    level: 'vcpu',
    sig: 'offsetmatched=N nr_online=N masterclock=BIT [hostclock=CLOCKSRC]',
    doc: 'x86 capture: kvm_track_tsc',
    parse: (r): CaptureBody => ({
      type: 'track_tsc',
      offsetmatched: r.required('offsetmatched', count, 'the number of vCPUs KVM matched like `offsetmatched=1`'),
      nrOnline: r.required('nr_online', count, 'the number of online vCPUs like `nr_online=2`'),
      masterclock: r.required('masterclock', parseBit, '`masterclock=0` or `masterclock=1`'),
      hostclock: r.optional('hostclock', parseHostclock),
    }),
  },
  // kvm_update_master_clock: "masterclock %d hostclock %s offsetmatched %u"
  update_master_clock: {
    level: 'vm',
    sig: 'masterclock=BIT offsetmatched=BIT [hostclock=CLOCKSRC]',
    doc: 'x86 capture: kvm_update_master_clock',
    parse: (r): CaptureBody => ({
      type: 'update_master_clock',
      masterclock: r.required('masterclock', parseBit, '`masterclock=0` or `masterclock=1`'),
      offsetmatched: r.required('offsetmatched', parseBit, '`offsetmatched=0` or `offsetmatched=1`'),
      hostclock: r.optional('hostclock', parseHostclock),
    }),
  },
  // kvm_pvclock_update: "vcpu_id %u, pvclock { version %u, tsc_timestamp 0x%llx, system_time 0x%llx,
  // tsc_to_system_mul 0x%x, tsc_shift %d, flags 0x%x }"
  pvclock_update: {
    level: 'vcpu',
    sig: '[version=N] tsc_timestamp=VALUE system_time=VALUE tsc_to_system_mul=VALUE tsc_shift=SHIFT [flags=VALUE]',
    doc: 'x86 capture: kvm_pvclock_update',
    parse: (r): CaptureBody => ({
      type: 'pvclock_update',
      version: r.optional('version', parseCounter, COUNTER),
      tscTimestamp: r.required(
        'tsc_timestamp',
        parseCounter,
        'the guest TSC of the update like `tsc_timestamp=0x1a2b3c`',
        COUNTER,
      ),
      systemTime: r.required(
        'system_time',
        parseCounter,
        'kvmclock ns at tsc_timestamp like `system_time=0x3b9aca00`',
        COUNTER,
      ),
      tscToSystemMul: r.required(
        'tsc_to_system_mul',
        parseCounter,
        'the 32-bit multiplier like `tsc_to_system_mul=0xa0000000`',
        COUNTER,
      ),
      tscShift: r.required('tsc_shift', parseShift, 'the shift like `tsc_shift=-1`'),
      flags: r.optional('flags', parseCounter, COUNTER),
    }),
  },
};
