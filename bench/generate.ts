// Synthetic traces for the benchmarks: an arm64 fleet of VMs that run, pause and migrate, with
// guest reads and scheduler waits, every value consistent with the model (so replay does real work
// on every line without drowning in findings). With `timers`, every tenth step one vCPU arms its
// virtual timer 500 µs ahead and takes the interrupt 0 to 80 µs after it (within the 100 µs late
// tolerance), with the exit and entry around it, as Linux's tick does.
export function generateTrace(lines: number, vcpus = 4, options: { timers?: boolean } = {}): string {
  const out = ['@hvtrace 1', '@host a arch=arm64 freq=25MHz ecv=2 vhe=1', '@host b arch=arm64 freq=25MHz ecv=2 vhe=1 counter=5000000000@0.0', '@vm vm1 vcpus=' + vcpus];
  let t = 1_000_000_000n; // ns
  const time = (): string => `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, '0')}`;
  const counter = (host: string): bigint => (host === 'a' ? 0n : 5_000_000_000n) + (t * 25_000_000n) / 1_000_000_000n;
  let host = 'a';
  for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1 ioctl KVM_CREATE_VCPU id=${i}`);
  let offset = counter(host);
  out.push(`${time()} ${host}/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${offset}`);
  for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1/vcpu${i} ioctl KVM_RUN`);
  let n = 0;
  while (out.length < lines) {
    t += 1_000_000n; // 1 ms per statement
    n++;
    const v = n % vcpus;
    if (n % 20_000 === 0) {
      // Migrate to the other host with an idempotent offset (no findings).
      const g = counter(host) - offset;
      out.push(`${time()} ${host}/vm1 vmm pause`, `${time()} ${host}/vm1 vmm migrate to=${host === 'a' ? 'b' : 'a'}`);
      host = host === 'a' ? 'b' : 'a';
      for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1 ioctl KVM_CREATE_VCPU id=${i}`);
      offset = counter(host) - g;
      out.push(`${time()} ${host}/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${offset}`);
      for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1/vcpu${i} ioctl KVM_RUN`);
    } else if (options.timers && n % 10 === 0) {
      // CVAL = the guest counter 500 µs from now (12500 ticks at 25 MHz); delivered 20 µs × (n / 10 mod 5) late.
      const at = (ns: bigint): string => `${(t + ns) / 1_000_000_000n}.${((t + ns) % 1_000_000_000n).toString().padStart(9, '0')}`;
      const late = 20_000n * BigInt((n / 10) % 5);
      const w = `${host}/vm1/vcpu${(n / 10) % vcpus}`;
      out.push(
        `${time()} ${w} guest write CNTV_CVAL_EL0 = ${counter(host) - offset + 12_500n}`, `${time()} ${w} guest write CNTV_CTL_EL0 = 1`,
        `${at(500_000n + late)} ${w} kvm exit IRQ`, `${at(500_000n + late)} ${w} kvm timer_irq vtimer level=1`, `${at(501_000n + late)} ${w} kvm entry`,
        `${at(502_000n + late)} ${w} guest write CNTV_CTL_EL0 = 3`, `${at(503_000n + late)} ${w} kvm timer_irq vtimer level=0`,
      );
    } else if (n % 7 === 0) {
      out.push(`${time()} ${host}/vm1/vcpu${v} sched wait 150us`);
    } else {
      out.push(`${time()} ${host}/vm1/vcpu${v} guest read CNTVCT_EL0 = ${counter(host) - offset}`);
    }
  }
  return out.slice(0, lines).join('\n');
}

/** Issue #15 item 2: a new VM on every line (`N.nnn h/vmI/vcpu0 ioctl KVM_RUN`), the state grows with the file. */
export function generateVmPerLine(lines: number): string {
  const out = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz'];
  for (let i = 0; out.length < lines; i++) out.push(`${1 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')} h/vm${i}/vcpu0 ioctl KVM_RUN`);
  return out.join('\n');
}
