// The keys of VM instances and vCPUs, as the WHERE column writes them (docs/format.md#4-statements) and as
// the protocol carries them: `host/vm` for a VM instance (a KVM VM on one host), `host/vm/vcpuN`
// for one of its vCPUs, and `vm/vcpuN` for a guest vCPU, which follows the guest across instances.
// Host and VM names never contain `/` (a name is letters, digits, `_`, `-`, `.`), so a key splits
// back unambiguously. Shared by the engine, the server, the client and the webview.

/** `host/vm`: a VM instance. */
export const instanceKey = (host: string, vm: string): string => `${host}/${vm}`;

/** The host and VM of an instance key (`src/vm1` → `{ host: 'src', vm: 'vm1' }`). */
export function parseInstanceKey(key: string): { host: string; vm: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { host: key, vm: '' } : { host: key.slice(0, slash), vm: key.slice(slash + 1) };
}

/** `host/vm/vcpuN`: one vCPU of an instance (the timeline's vCPU rows). */
export const vcpuKey = (instance: string, vcpu: number): string => `${instance}/vcpu${vcpu}`;

/** `vm/vcpuN`: a guest vCPU across instances (the timeline's chart series). */
export const guestVcpuKey = (vm: string, vcpu: number): string => `${vm}/vcpu${vcpu}`;

/** `host/vm/vcpuN/TIMER`: one guest timer of an instance's vCPU (the timeline's timer tracks). */
export const timerTrackKey = (vcpuRow: string, timer: string): string => `${vcpuRow}/${timer}`;

/** `vm/vcpuN/TIMER`: a guest timer across instances (the timeline's lateness series). */
export const guestTimerKey = (vm: string, vcpu: number, timer: string): string => `${guestVcpuKey(vm, vcpu)}/${timer}`;
