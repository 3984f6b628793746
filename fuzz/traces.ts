// Structure-aware trace generators for the fuzz suite: well-formed `.hvtrace` files (docs/format.md#3-directives-lines-starting-with-
// and #4-statements) over many hosts, VMs and vCPUs, with every statement kind, extreme frequencies (0, 1, 999,
// 2^64 - 1 Hz and kHz) and counters (0, 2^63, 2^64 - 1, negatives), times out of order, and a few
// lines damaged on purpose. The values are random, so the model meets states no sample reaches.
import { ATTRS, ATTR_GROUPS } from '../engine/src/uapi/deviceAttrs';
import { CLOCK_FLAGS, TSC_STATE_FLAGS } from '../engine/src/uapi/flags';
import { IOCTLS } from '../engine/src/uapi/ioctls';
import { MSRS } from '../engine/src/uapi/msrs';
import { REGISTERS } from '../engine/src/uapi/registers';
import { SMCCC_FUNCTIONS } from '../engine/src/uapi/smccc';
import { GUEST_REGISTERS, HYP_REGISTERS } from '../engine/src/uapi/sysregs';
import type { Random } from './random';

const FREQS = [
  '0',
  '1',
  '999',
  '1000',
  '25MHz',
  '1GHz',
  '2.345678GHz',
  '19200000',
  '18446744073709551615',
  '0x10',
  '3GHz',
  '1kHz',
];
const KHZ = ['0', '1', '999', '1000', '2000000', '3000000', '4294967295', '18446744073709551615'];
const DURATIONS = ['0ns', '1ns', '154233ns', '1.5ms', '30s', '100us', '999999999s', '18446744073709551615ns'];

/** A counter as written in a trace: decimal, hex, negative (two's complement), with separators. */
function counter(rng: Random): string {
  const v = rng.u64();
  switch (rng.int(0, 4)) {
    case 0:
      return `0x${v.toString(16).toUpperCase()}`;
    case 1:
      return v === 0n ? '0' : `-${((1n << 64n) - v).toString()}`;
    case 2:
      return rng.pick(['-1', '-500000000', '0', '1_000_000', '18446744073709551615', '-9223372036854775808']);
    default:
      return v.toString();
  }
}

/** A time in seconds with 9 decimals. */
function time(t: bigint): string {
  return `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export interface TraceShape {
  hosts: number;
  vms: number;
  vcpus: number;
  lines: number;
}

export function randomShape(rng: Random): TraceShape {
  // Mostly small worlds, sometimes many VMs or vCPUs (the scale bugs of issue #15).
  const big = rng.bool(0.1);
  return {
    hosts: rng.int(1, big ? 12 : 3),
    vms: rng.int(1, big ? 200 : 4),
    vcpus: rng.int(1, big ? 64 : 4),
    lines: rng.int(1, big ? 3000 : 120),
  };
}

/** A random trace of `shape`: directives first (mostly), then statements. */
export function randomTrace(rng: Random, shape: TraceShape = randomShape(rng)): string {
  const hosts = Array.from({ length: shape.hosts }, (_, i) => `h${i}`);
  const vms = Array.from({ length: shape.vms }, (_, i) => `vm${i}`);
  const arch = new Map(hosts.map((h) => [h, rng.pick(['arm64', 'x86_64'] as const)]));
  const out: string[] = [];
  if (rng.bool(0.8)) out.push('@hvtrace 1');
  for (const h of hosts) {
    const extra = [
      `ecv=${rng.int(0, 2)}`,
      `vhe=${rng.int(0, 1)}`,
      `tsc_scaling=${rng.int(0, 1)}`,
      `counter=${counter(rng)}@${time(BigInt(rng.int(0, 5)) * 1_000_000_000n)}`,
      `kernel=${rng.int(4, 7)}.${rng.int(0, 20)}`,
    ];
    out.push(
      `@host ${h} arch=${arch.get(h)} freq=${rng.pick(FREQS)} ${extra.filter(() => rng.bool(0.4)).join(' ')}`.trimEnd(),
    );
  }
  for (const vm of vms) {
    if (rng.bool(0.7))
      out.push(
        `@vm ${vm} vcpus=${rng.int(1, shape.vcpus)} policy=${rng.pick(['advance', 'freeze'])} pvtime=${rng.pick(['on', 'off'])}`,
      );
  }
  if (rng.bool(0.3)) out.push(`@tolerance ${rng.pick(DURATIONS)}`);
  let t = BigInt(rng.int(0, 10)) * 1_000_000_000n;
  for (let i = 0; i < shape.lines; i++) {
    t += rng.bool(0.05)
      ? -BigInt(rng.int(1, 1_000_000_000))
      : BigInt(rng.pick([0, 1, 1000, 1_000_000, 100_000_000, 5_000_000_000]));
    if (t < 0n) t = 0n;
    const host = rng.pick(hosts);
    const vm = rng.pick(vms);
    const vcpu = `vcpu${rng.int(0, shape.vcpus - 1)}`;
    out.push(statement(rng, time(t), host, vm, vcpu, hosts));
  }
  return damage(rng, out).join(rng.bool(0.1) ? '\r\n' : '\n');
}

/** One statement of any kind; about half of them on a vCPU. */
function statement(rng: Random, t: string, host: string, vm: string, vcpu: string, hosts: string[]): string {
  const at = (level: 'host' | 'vm' | 'vcpu'): string =>
    level === 'host' ? host : level === 'vm' ? `${host}/${vm}` : `${host}/${vm}/${vcpu}`;
  const result = (): string =>
    rng.bool(0.1) ? ` -> ${rng.pick(['-EINVAL', '-EEXIST', '-ENOENT', '-EFOO', '0', '1'])}` : '';
  switch (rng.int(0, 27)) {
    case 0:
      return `${t} ${at('vm')} ioctl KVM_CREATE_VCPU id=${rng.int(0, 3) === 0 ? rng.int(0, 600) : vcpu.slice(4)}${result()}`;
    case 1:
    case 2:
      return `${t} ${at('vcpu')} ioctl KVM_RUN${rng.bool(0.2) ? ` -> exit=${rng.pick(['hlt', 'mmio', 'intr'])}` : ''}`;
    case 3:
      return `${t} ${at('vcpu')} ioctl KVM_GET_ONE_REG id=${rng.pick(REGISTERS).name} -> ${counter(rng)}`;
    case 4:
      return `${t} ${at('vcpu')} ioctl KVM_SET_ONE_REG id=${rng.bool(0.8) ? rng.pick(REGISTERS).name : `0x${rng.u64().toString(16)}`} value=${counter(rng)}${result()}`;
    case 5:
      return `${t} ${at('vm')} ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${counter(rng)}${rng.bool(0.1) ? ' reserved=1' : ''}${result()}`;
    case 6: {
      const g = rng.pick(ATTR_GROUPS);
      const a = rng.pick(ATTRS.filter((x) => x.group === g.role).concat(ATTRS));
      const verb = rng.pick(['SET', 'GET', 'HAS']);
      return `${t} ${at('vcpu')} ioctl KVM_${verb}_DEVICE_ATTR group=${g.name} attr=${a.name}${verb === 'SET' ? ` value=${counter(rng)}` : verb === 'GET' ? ` -> ${counter(rng)}` : ''}${result()}`;
    }
    case 7:
      return `${t} ${at('vm')} ioctl KVM_GET_CLOCK -> clock=${rng.u64()} flags=${rng.pick(Object.keys(CLOCK_FLAGS))} realtime=${rng.u64()} host_tsc=${counter(rng)}`;
    case 8:
      return `${t} ${at('vm')} ioctl KVM_SET_CLOCK clock=${rng.u64()}${rng.bool(0.5) ? ` flags=${rng.pick(Object.keys(CLOCK_FLAGS))}` : ''}${rng.bool(0.3) ? ` realtime=${rng.u64()}` : ''}${result()}`;
    case 9:
      return `${t} ${at('vcpu')} ioctl KVM_KVMCLOCK_CTRL${result()}`;
    case 10:
      return `${t} ${at(rng.pick(['vm', 'vcpu'] as const))} ioctl KVM_SET_TSC_KHZ value=${rng.pick(KHZ)}${result()}`;
    case 11:
      return `${t} ${at(rng.pick(['vm', 'vcpu'] as const))} ioctl KVM_GET_TSC_KHZ -> ${rng.pick(KHZ)}`;
    case 12:
      return `${t} ${at('vcpu')} ioctl KVM_SET_MSRS ${Array.from({ length: rng.int(1, 4) }, () => `${rng.pick(MSRS).name}=${counter(rng)}`).join(' ')}${rng.bool(0.2) ? ` -> ${rng.int(0, 4)}` : ''}`;
    case 13: {
      const msrs = Array.from({ length: rng.int(1, 3) }, () => rng.pick(MSRS).name);
      return `${t} ${at('vcpu')} ioctl KVM_GET_MSRS ${msrs.join(' ')} -> ${msrs.map((m) => `${m}=${counter(rng)}`).join(' ')}`;
    }
    case 14:
      return `${t} ${at('vcpu')} ioctl ${rng.pick(['KVM_SET_SYSTEM_COUNTER_STATE cntvoff=' + counter(rng), 'KVM_GET_SYSTEM_COUNTER_STATE -> cntvoff=' + counter(rng)])}`;
    case 15:
      return `${t} ${at('vcpu')} ioctl KVM_SET_TSC_STATE flags=${rng.pick(Object.keys(TSC_STATE_FLAGS))} tsc=${counter(rng)}${rng.bool(0.5) ? ` nsec=${rng.u64()}` : ''}${rng.bool(0.3) ? ` tsc_adjust=${counter(rng)}` : ''}`;
    case 16:
      return `${t} ${at('vcpu')} guest read ${rng.pick(GUEST_REGISTERS)} = ${counter(rng)}${rng.bool(0.1) ? ` version=${rng.int(0, 9)}` : ''}`;
    case 17:
      return `${t} ${at('vcpu')} guest ${rng.pick(['read', 'write'])} ${rng.pick(MSRS).name} = ${counter(rng)}`;
    case 18:
      return `${t} ${at('vcpu')} guest hvc ${rng.pick(SMCCC_FUNCTIONS).name}${rng.bool(0.4) ? ` ${rng.pick(SMCCC_FUNCTIONS).name}` : ''}${rng.bool(0.5) ? ` -> ${rng.pick(['0', '-1', 'NOT_SUPPORTED', counter(rng)])}` : ''}`;
    case 19:
      return `${t} ${at('vcpu')} kvm write ${rng.pick(HYP_REGISTERS)} = ${counter(rng)}`;
    case 20:
      return `${t} ${at('vcpu')} kvm ${rng.pick([`traps cntpct=${rng.pick(['on', 'off'])}`, `trap CNTPCT_EL0 = ${counter(rng)}`, `stolen_update stolen_time=${rng.u64()}`, `write_tsc_offset prev=${counter(rng)} next=${counter(rng)}`])}`;
    case 21:
    case 22:
      return `${t} ${at('vcpu')} sched wait ${rng.pick(DURATIONS)}`;
    case 23:
      return `${t} ${at('vm')} vmm ${rng.pick(['pause', 'resume', 'snapshot', 'restore'])}`;
    case 24:
      return `${t} ${at('vm')} vmm migrate to=${rng.pick(hosts)}`;
    case 25:
      return `${t} ${at(rng.pick(['host', 'vm', 'vcpu'] as const))} vmm sample${rng.bool(0.6) ? ` counter=${counter(rng)}` : ''}${rng.bool(0.5) ? ` realtime=${rng.u64()}` : ''}`;
    case 26:
      return `${t} ${at('vm')} vmm note ${rng.string(rng.int(0, 20), ['a', ' ', '\u0001', '\u001b[2J', 'é', '<script>', '"', '&', '\u202e'])}`;
    default:
      return `${t} ${at('vcpu')} ioctl ${rng.pick(IOCTLS).name}${rng.bool(0.5) ? ' x=1' : ''}`;
  }
}

/** Damages a few lines: truncation, a swapped character, a control byte, a duplicated line, a suppression. */
function damage(rng: Random, lines: string[]): string[] {
  const out = [...lines];
  for (let k = rng.int(0, 3); k > 0 && out.length; k--) {
    const i = rng.int(0, out.length - 1);
    const l = out[i];
    switch (rng.int(0, 6)) {
      case 0:
        out[i] = l.slice(0, rng.int(0, l.length));
        break;
      case 1: {
        const p = rng.int(0, l.length);
        out[i] =
          l.slice(0, p) + rng.pick(['\t', '#', '=', '->', '\u0000', '\u00ff', ',', ' ', '\u001b']) + l.slice(p + 1);
        break;
      }
      case 2:
        out.splice(i, 0, l);
        break;
      case 3:
        out.splice(i, 0, `# hvtimer-disable-next-line ${rng.pick(['HVT010', 'HVT090,HVT091', ''])}`);
        break;
      case 4:
        out.splice(i, 0, `# hvtimer-disable ${rng.pick(['HVT001', 'HVT002', ''])}`);
        break;
      case 5:
        out[i] = `${l} # ${rng.pick(['comment', 'expect: HVT010', '\u001b]0;x\u0007'])}`;
        break;
      default:
        out.splice(i, 1);
    }
  }
  return out;
}
