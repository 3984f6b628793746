// Prints a parsed statement or directive in canonical form. parseLine(print(x)) yields x again
// (up to spans), which the property tests check.
import type { AttrGroupRef, AttrRef, Body, Directive, MsrRef, RegRef, Result, SmcccRef, Statement, Where } from './ast';
import { formatTime } from '../values/format';

const int = (x: bigint): string => (x < 0n ? `-0x${(-x).toString(16)}` : `0x${x.toString(16)}`);
const dec = (x: bigint): string => x.toString();

function reg(r: RegRef): string {
  return 'known' in r ? r.known.name : typeof r.unknown === 'string' ? r.unknown : int(r.unknown);
}
function msr(r: MsrRef): string {
  return 'known' in r ? r.known.name : typeof r.unknown === 'string' ? r.unknown : int(r.unknown);
}
function group(r: AttrGroupRef): string {
  return 'known' in r ? r.known.name : 'num' in r ? dec(r.num) : r.unknown;
}
function attr(r: AttrRef): string {
  return 'known' in r ? r.known.name : 'num' in r ? dec(r.num) : r.unknown;
}
function smccc(r: SmcccRef): string {
  return 'known' in r ? r.known.name : 'id' in r ? int(r.id) : r.unknown;
}

export function printWhere(w: Where): string {
  return [w.host.value, w.vm?.value, w.vcpu !== undefined ? `vcpu${w.vcpu.value}` : undefined]
    .filter((x) => x !== undefined)
    .join('/');
}

function printBody(b: Body): { args: string[]; result?: string } {
  const kv = (k: string, v: bigint | undefined): string[] => (v === undefined ? [] : [`${k}=${int(v)}`]);
  switch (b.type) {
    case 'create_vcpu':
      return { args: [`id=${b.id.value}`] };
    case 'create_vm':
      return { args: [], result: b.fd ? dec(b.fd.value) : undefined };
    case 'run':
      return { args: [], result: b.exit ? `exit=${b.exit.value}` : undefined };
    case 'get_one_reg':
      return { args: [`id=${reg(b.reg.value)}`], result: b.value ? int(b.value.value) : undefined };
    case 'set_one_reg':
      return { args: [`id=${reg(b.reg.value)}`, `value=${int(b.value.value)}`] };
    case 'set_counter_offset':
      return { args: [`counter_offset=${int(b.offset.value)}`, ...kv('reserved', b.reserved?.value)] };
    case 'device_attr':
      return {
        args: [
          `group=${group(b.group.value)}`,
          `attr=${attr(b.attr.value)}`,
          ...(b.verb === 'set' ? kv('value', b.value?.value) : []),
        ],
        result: b.verb === 'get' && b.value ? int(b.value.value) : undefined,
      };
    case 'get_clock': {
      const outs = [
        ...kv('clock', b.clock?.value),
        ...kv('flags', b.flags?.value),
        ...kv('realtime', b.realtime?.value),
        ...kv('host_tsc', b.hostTsc?.value),
      ];
      return { args: [], result: outs.length ? outs.join(' ') : undefined };
    }
    case 'set_clock':
      return {
        args: [...kv('clock', b.clock.value), ...kv('flags', b.flags?.value), ...kv('realtime', b.realtime?.value)],
      };
    case 'kvmclock_ctrl':
      return { args: [] };
    case 'set_cpuid2':
      return {
        args: [
          ...(b.tscAdjust ? [`tsc_adjust=${b.tscAdjust.value ? 1 : 0}`] : []),
          ...b.entries.map((e) => `${e.key!.value}=${e.value.value}`),
        ],
      };
    case 'set_tsc_khz':
      return { args: [`value=${dec(b.khz.value)}`] };
    case 'get_tsc_khz':
      return { args: [], result: b.khz ? dec(b.khz.value) : undefined };
    case 'set_msrs':
      return {
        args: b.writes.map((w) => `${msr(w.msr.value)}=${int(w.value.value)}`),
        result: b.processed ? dec(b.processed.value) : undefined,
      };
    case 'get_msrs':
      return {
        args: b.msrs.map((m) => msr(m.value)),
        result: b.values.length
          ? b.values.map((w) => `${msr(w.msr.value)}=${int(w.value.value)}`).join(' ')
          : undefined,
      };
    case 'get_system_counter_state':
      return { args: [], result: b.cntvoff ? `cntvoff=${int(b.cntvoff.value)}` : undefined };
    case 'set_system_counter_state':
      return { args: [`cntvoff=${int(b.cntvoff.value)}`] };
    case 'get_tsc_state': {
      const outs = [
        ...kv('flags', b.flags?.value),
        ...kv('nsec', b.nsec?.value),
        ...kv('tsc', b.tsc?.value),
        ...kv('tsc_adjust', b.tscAdjust?.value),
      ];
      return { args: [], result: outs.length ? outs.join(' ') : undefined };
    }
    case 'set_tsc_state':
      return {
        args: [
          ...kv('flags', b.flags.value),
          ...kv('nsec', b.nsec?.value),
          ...kv('tsc', b.tsc.value),
          ...kv('tsc_adjust', b.tscAdjust?.value),
        ],
      };
    case 'other_ioctl':
    case 'unknown_op':
      return { args: [] };
    case 'guest_read':
      return {
        args: [
          typeof b.reg.value === 'string' ? b.reg.value : msr(b.reg.value),
          '=',
          int(b.value.value),
          ...(b.version ? [`version=${dec(b.version.value)}`] : []),
        ],
      };
    case 'guest_write':
      return { args: [typeof b.reg.value === 'string' ? b.reg.value : msr(b.reg.value), '=', int(b.value.value)] };
    case 'hvc':
      return {
        args: [smccc(b.fn.value), ...b.args.map((a) => smccc(a.value))],
        result: b.ret ? (b.ret.value.name ?? int(b.ret.value.value)) : undefined,
      };
    case 'kvm_write':
      return { args: [b.reg.value, '=', int(b.value.value)] };
    case 'kvm_traps':
      return { args: [`cntpct=${b.on.value ? 'on' : 'off'}`] };
    case 'kvm_trap_read':
      return { args: [b.reg.value, '=', int(b.value.value)] };
    case 'stolen_update':
      return { args: [`stolen_time=${dec(b.ns.value)}`] };
    case 'write_tsc_offset':
      return { args: [`prev=${int(b.prev.value)}`, `next=${int(b.next.value)}`] };
    case 'track_tsc':
      return {
        args: [
          `masterclock=${b.masterclock.value ? 1 : 0}`,
          `offsetmatched=${b.offsetmatched.value}`,
          `nr_online=${b.nrOnline.value}`,
          ...(b.hostclock ? [`hostclock=${b.hostclock.value}`] : []),
        ],
      };
    case 'update_master_clock':
      return {
        args: [
          `masterclock=${b.masterclock.value ? 1 : 0}`,
          ...(b.hostclock ? [`hostclock=${b.hostclock.value}`] : []),
          `offsetmatched=${b.offsetmatched.value ? 1 : 0}`,
        ],
      };
    case 'pvclock_update':
      return {
        args: [
          ...(b.version ? [`version=${dec(b.version.value)}`] : []),
          `tsc_timestamp=${int(b.tscTimestamp.value)}`,
          `system_time=${int(b.systemTime.value)}`,
          `tsc_to_system_mul=${int(b.tscToSystemMul.value)}`,
          `tsc_shift=${b.tscShift.value}`,
          ...kv('flags', b.flags?.value),
        ],
      };
    case 'set_lapic':
    case 'get_lapic': {
      const regs = [
        ...kv('lvtt', b.lvtt?.value),
        ...kv('tmict', b.tmict?.value),
        ...kv('tmcct', b.tmcct?.value),
        ...kv('tdcr', b.tdcr?.value),
      ];
      return b.type === 'set_lapic' ? { args: regs } : { args: [], result: regs.length ? regs.join(' ') : undefined };
    }
    case 'timer_state':
      return { args: [b.timer.value, `ctl=${int(b.ctl.value)}`, `cval=${int(b.cval.value)}`] };
    case 'timer_irq':
      return { args: [b.timer.value, `level=${b.level.value ? 1 : 0}`] };
    case 'timer_expire':
      return { args: [b.timer.value] };
    case 'wait_lapic_expire':
      return { args: [`delta=${dec(b.delta.value)}`] };
    case 'hv_timer':
      return { args: [`in_use=${b.inUse.value ? 1 : 0}`] };
    case 'kvm_entry':
      return { args: [] };
    case 'kvm_exit':
      return { args: [b.reason.value] };
    case 'sched_wait':
      return { args: [`${dec(b.duration.value)}ns`] };
    case 'pause':
    case 'resume':
    case 'snapshot':
    case 'restore':
      return { args: [] };
    case 'migrate':
      return { args: [`to=${b.to.value}`] };
    case 'sample':
      return { args: [...kv('realtime', b.realtime?.value), ...kv('counter', b.counter?.value)] };
    case 'note':
      return { args: b.text.value ? [b.text.value] : [] };
  }
}

function printResult(r: Result | undefined, fromBody: string | undefined): string | undefined {
  if (r?.kind === 'errno') return `-${r.errno.value}`;
  return fromBody;
}

export function printStatement(s: Statement): string {
  const { args, result } = printBody(s.body);
  const rawArgs =
    s.body.type === 'other_ioctl' || s.body.type === 'unknown_op'
      ? s.args
          .filter((a) => !(s.took && a.key?.value === 'took'))
          .map((a) => (a.key ? `${a.key.value}=${a.value.value}` : a.value.value))
      : args;
  const took = s.took ? [`took=${dec(s.took.value)}ns`] : [];
  const rawResult =
    s.body.type === 'other_ioctl' || s.body.type === 'unknown_op'
      ? s.result?.kind === 'value'
        ? s.result.value.value
        : s.result?.kind === 'named'
          ? s.result.entries.map((e) => `${e.key!.value}=${e.value.value}`).join(' ')
          : undefined
      : result;
  const res = printResult(s.result, rawResult);
  return [
    formatTime(s.time.value),
    printWhere(s.where),
    s.actor.value,
    s.op.value,
    ...rawArgs,
    ...took,
    ...(res !== undefined ? ['->', res] : []),
  ].join(' ');
}

export function printDirective(d: Directive): string {
  switch (d.type) {
    case 'hvtrace':
      return '@hvtrace 1';
    case 'tolerance':
      return [
        '@tolerance',
        d.duration ? `${d.duration.value}ns` : '',
        d.timerEarly ? `timer_early=${d.timerEarly.value}ns` : '',
        d.timerLate ? `timer_late=${d.timerLate.value}ns` : '',
        d.timerLost ? `timer_lost=${d.timerLost.value}ns` : '',
        d.timerStorm ? `timer_storm=${d.timerStorm.value}` : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'vm':
      return [
        '@vm',
        d.name.value,
        d.vcpus ? `vcpus=${d.vcpus.value}` : '',
        d.policy ? `policy=${d.policy.value}` : '',
        d.pvtime ? `pvtime=${d.pvtime.value ? 'on' : 'off'}` : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'host':
      return [
        '@host',
        d.name.value,
        `arch=${d.arch.value}`,
        `freq=${d.freq.value}`,
        d.ecv ? `ecv=${d.ecv.value}` : '',
        d.vhe ? `vhe=${d.vhe.value ? 1 : 0}` : '',
        d.tscScaling ? `tsc_scaling=${d.tscScaling.value ? 1 : 0}` : '',
        d.counter ? `counter=${int(d.counter.value.value)}@${formatTime(d.counter.time.value)}` : '',
        d.kernel ? `kernel=${d.kernel.value.major}.${d.kernel.value.minor}` : '',
        d.assumed ? `assumed=${d.assumed.value.join(',')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
  }
}
