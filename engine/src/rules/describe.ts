// Shared wording for rule messages: where things are, and numbers in ticks and in time.
import { formatFrequency, ticksAsDuration } from '../values/format';
import { abs } from '../values/u64';
import { parseInstanceKey } from '../../../protocol/instanceKey';

/** `vcpu1 of vm1 on src` */
export function vcpuName(instKey: string, vcpu: number): string {
  const { host, vm } = parseInstanceKey(instKey);
  return `vcpu${vcpu} of ${vm} on ${host}`;
}

/** `vm1 on src` */
export function instanceName(instKey: string): string {
  const { host, vm } = parseInstanceKey(instKey);
  return `${vm} on ${host}`;
}

/** `14999750 ticks (599.99 ms at 25 MHz)`; the magnitude of a signed difference. */
export function ticks(n: bigint, hz: bigint): string {
  const a = abs(n);
  return `${a} tick${a === 1n ? '' : 's'} (${ticksAsDuration(a, hz)} at ${formatFrequency(hz)})`;
}
