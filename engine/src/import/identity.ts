// Which vCPU a thread runs (docs/reference/real-captures.md#6-recommendation-which-real-captures-are-sufficient-per-architecture: events without a vCPU id are attributed by
// thread). Sources, best first: an event fired in the vCPU thread that names its vCPU (x86
// kvm_entry/kvm_exit `vcpu N`, arm64 kvm_get_timer_map `VCPU: N`, a marker's WHERE), then the
// VMM's thread names: QEMU `CPU n/KVM` (accel/kvm/kvm-accel-ops.c, only with
// `-name …,debug-threads=on`), Firecracker `fc_vcpu n`, Cloud Hypervisor `vcpuN`, crosvm
// `crosvm_vcpuN`, kvmtool `kvm-vcpu-N`. Names come from each event's comm column and from the
// comms that sched events print for other threads (`next_comm=CPU 1/KVM next_pid=…`).

const NAME_PATTERNS: RegExp[] = [
  /^CPU (\d+)\/KVM$/, // QEMU
  /^fc_vcpu (\d+)$/, // Firecracker
  /^vcpu(\d+)$/, // Cloud Hypervisor
  /^crosvm_vcpu(\d+)$/, // crosvm
  /^kvm-vcpu-(\d+)$/, // kvmtool
];

/** The vCPU index a VMM thread name says, if it is one of the known vCPU thread names. */
export function vcpuFromThreadName(comm: string): number | undefined {
  for (const re of NAME_PATTERNS) {
    const m = re.exec(comm);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export class ThreadIdentity {
  /** pid -> vCPU learned from events fired in that thread that name their vCPU. */
  private readonly byEvent = new Map<number, number>();
  /** pid -> vCPU from the thread's name. */
  private readonly byName = new Map<number, number>();

  /** A thread name seen for `pid` (ignored: `<...>`, `<idle>`, names of other threads). */
  name(pid: number, comm: string): void {
    const v = vcpuFromThreadName(comm.trim());
    if (v !== undefined && !this.byName.has(pid)) this.byName.set(pid, v);
  }

  /** An event in thread `pid` that names the vCPU it runs. The first evidence wins. */
  learn(pid: number, vcpu: number): void {
    if (!this.byEvent.has(pid)) this.byEvent.set(pid, vcpu);
  }

  /** A thread seen entering or leaving the guest: certainly a vCPU thread, of a vCPU yet unknown. */
  private readonly guestThreads = new Set<number>();
  /** The only vCPU id the capture names, if it names exactly one. */
  private soleVcpu?: number;

  guestThread(pid: number): void {
    this.guestThreads.add(pid);
  }

  /** The vCPU ids the capture's events name: with exactly one, an unnamed guest thread runs it. */
  vcpusNamed(ids: ReadonlySet<number>): void {
    this.soleVcpu = ids.size === 1 ? [...ids][0] : undefined;
  }

  vcpuOf(pid: number): number | undefined {
    return this.byEvent.get(pid) ?? this.byName.get(pid) ?? (this.guestThreads.has(pid) ? this.soleVcpu : undefined);
  }

  /** Whether `pid` is known to be a vCPU thread. */
  isVcpu(pid: number): boolean {
    return this.vcpuOf(pid) !== undefined;
  }
}
