// Synthetic traces for the benchmarks: an arm64 fleet of VMs that run, pause and migrate, with
// guest reads and scheduler waits, every value consistent with the model (so replay does real work
// on every line without drowning in findings). With `timers`, every tenth step one vCPU arms its
// virtual timer 500 µs ahead and takes the interrupt 0 to 80 µs after it (within the 100 µs late
// tolerance), with the exit and entry around it, as Linux's tick does.
export function generateTrace(lines: number, vcpus = 4, options: { timers?: boolean } = {}): string {
  return [...traceLines(lines, vcpus, options)].join('\n');
}

/** The lines of generateTrace one by one (a 10M-line trace is more text than one string can hold). */
export function* traceLines(lines: number, vcpus = 4, options: { timers?: boolean } = {}): Generator<string> {
  const head = [
    '@hvtrace 1',
    '@host a arch=arm64 freq=25MHz ecv=2 vhe=1',
    '@host b arch=arm64 freq=25MHz ecv=2 vhe=1 counter=5000000000@0.0',
    '@vm vm1 vcpus=' + vcpus,
  ];
  let t = 1_000_000_000n; // ns
  const time = (): string => `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, '0')}`;
  const counter = (host: string): bigint => (host === 'a' ? 0n : 5_000_000_000n) + (t * 25_000_000n) / 1_000_000_000n;
  let host = 'a';
  let emitted = 0;
  const out: string[] = [...head];
  for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1 ioctl KVM_CREATE_VCPU id=${i}`);
  let offset = counter(host);
  out.push(`${time()} ${host}/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${offset}`);
  for (let i = 0; i < vcpus; i++) out.push(`${time()} ${host}/vm1/vcpu${i} ioctl KVM_RUN`);
  let n = 0;
  while (emitted < lines) {
    for (const l of out) {
      if (emitted++ < lines) yield l;
    }
    out.length = 0;
    if (emitted >= lines) return;
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
      const at = (ns: bigint): string =>
        `${(t + ns) / 1_000_000_000n}.${((t + ns) % 1_000_000_000n).toString().padStart(9, '0')}`;
      const late = 20_000n * BigInt((n / 10) % 5);
      const w = `${host}/vm1/vcpu${(n / 10) % vcpus}`;
      out.push(
        `${time()} ${w} guest write CNTV_CVAL_EL0 = ${counter(host) - offset + 12_500n}`,
        `${time()} ${w} guest write CNTV_CTL_EL0 = 1`,
        `${at(500_000n + late)} ${w} kvm exit IRQ`,
        `${at(500_000n + late)} ${w} kvm timer_irq vtimer level=1`,
        `${at(501_000n + late)} ${w} kvm entry`,
        `${at(502_000n + late)} ${w} guest write CNTV_CTL_EL0 = 3`,
        `${at(503_000n + late)} ${w} kvm timer_irq vtimer level=0`,
      );
    } else if (n % 7 === 0) {
      out.push(`${time()} ${host}/vm1/vcpu${v} sched wait 150us`);
    } else {
      out.push(`${time()} ${host}/vm1/vcpu${v} guest read CNTVCT_EL0 = ${counter(host) - offset}`);
    }
  }
}

/** Issue #15 item 2: a new VM on every line (`N.nnn h/vmI/vcpu0 ioctl KVM_RUN`), the state grows with the file. */
export function generateVmPerLine(lines: number): string {
  const out = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz'];
  for (let i = 0; out.length < lines; i++)
    out.push(`${1 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')} h/vm${i}/vcpu0 ioctl KVM_RUN`);
  return out.join('\n');
}

const secs = (t: bigint): string => `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, '0')}`;

/**
 * An arm64 guest on its virtual timer (timers.md T2): every 8 ms each vCPU arms CVAL 2 ms ahead
 * (`guest write CNTV_CVAL_EL0`, `CNTV_CTL_EL0 = 1`) and takes the interrupt on time (`kvm exit IRQ`,
 * `kvm timer_irq vtimer level=1`, Linux's handler masks it, the line falls, `kvm entry`), between
 * guest counter reads and scheduler waits. 25 MHz host, vCPUs created at 1 s: CNTVCT = 25e6·t - 25e6.
 */
export function generateArm64TimerTrace(lines: number, vcpus = 2): string {
  const out = ['@hvtrace 1', '@host h arch=arm64 freq=25MHz ecv=2 vhe=1', `@vm vm1 vcpus=${vcpus}`];
  let t = 1_000_000_000n;
  const cntvct = (at: bigint): bigint => (at * 25_000_000n) / 1_000_000_000n - 25_000_000n;
  for (let i = 0; i < vcpus; i++) out.push(`${secs(t)} h/vm1 ioctl KVM_CREATE_VCPU id=${i}`);
  for (let i = 0; i < vcpus; i++)
    out.push(`${secs(t)} h/vm1/vcpu${i} ioctl KVM_RUN`, `${secs(t)} h/vm1/vcpu${i} kvm entry`);
  for (let n = 0; out.length < lines; n++) {
    t += 1_000_000n;
    const v = n % vcpus;
    const at = `${secs(t)} h/vm1/vcpu${v}`;
    const phase = Math.floor(n / vcpus) % 4;
    if (phase === 0)
      out.push(
        `${at} guest write CNTV_CVAL_EL0 = ${cntvct(t + 2_000_000n * BigInt(vcpus))}`,
        `${at} guest write CNTV_CTL_EL0 = 1`,
      );
    else if (phase === 2)
      out.push(
        `${at} kvm exit IRQ`,
        `${at} kvm timer_irq vtimer level=1`,
        `${at} guest write CNTV_CTL_EL0 = 3`,
        `${at} kvm timer_irq vtimer level=0`,
        `${at} kvm entry`,
      );
    else if (n % 5 === 0) out.push(`${at} sched wait 20us`);
    else out.push(`${at} guest read CNTVCT_EL0 = ${cntvct(t)}`);
  }
  return out.slice(0, lines).join('\n');
}

/**
 * An x86 guest (docs/reference/kvm-time.md#3-x86-tsc-and-kvmclock): 2.5 GHz host, vCPUs created at 1 s (guest TSC =
 * 2.5e9·t - 2.5e9), kvmclock calibrated by the first read, LAPIC TSC-deadline ticks taken on time
 * through the preemption timer (`kvm exit PREEMPTION_TIMER`, `timer_irq lapic`,
 * `wait_lapic_expire delta=0`), guest reads of the TSC and kvmclock, scheduler waits, and a pause
 * and resume on the same host every 20000 steps.
 */
export function generateX86Trace(lines: number, vcpus = 2): string {
  const out = ['@hvtrace 1', '@host h arch=x86_64 freq=2.5GHz', `@vm vm1 vcpus=${vcpus}`];
  let t = 1_000_000_000n;
  // guest TSC = 2.5e9·t - 2.5e9 = t_ns·5/2 - 2.5e9 (exact: t is a whole number of ms)
  const tsc = (at: bigint): bigint => (at * 5n) / 2n - 2_500_000_000n;
  for (let i = 0; i < vcpus; i++) out.push(`${secs(t)} h/vm1 ioctl KVM_CREATE_VCPU id=${i}`);
  t += 1_000_000n;
  for (let i = 0; i < vcpus; i++)
    out.push(
      `${secs(t)} h/vm1/vcpu${i} ioctl KVM_RUN`,
      `${secs(t)} h/vm1/vcpu${i} kvm entry`,
      `${secs(t)} h/vm1/vcpu${i} guest write APIC_LVTT = 0x400ec`,
    );
  for (let n = 1; out.length < lines; n++) {
    t += 1_000_000n;
    const v = n % vcpus;
    const at = `${secs(t)} h/vm1/vcpu${v}`;
    if (n % 20_000 === 0) {
      out.push(`${secs(t)} h/vm1 vmm pause`, `${secs(t)} h/vm1 vmm resume`);
      for (let i = 0; i < vcpus; i++)
        out.push(`${secs(t)} h/vm1/vcpu${i} ioctl KVM_RUN`, `${secs(t)} h/vm1/vcpu${i} kvm entry`);
      continue;
    }
    const phase = Math.floor(n / vcpus) % 4;
    if (phase === 0) out.push(`${at} guest write IA32_TSC_DEADLINE = ${tsc(t + 2_000_000n * BigInt(vcpus))}`);
    else if (phase === 2)
      out.push(
        `${at} kvm exit PREEMPTION_TIMER`,
        `${at} kvm timer_irq lapic level=1`,
        `${at} kvm wait_lapic_expire delta=0`,
        `${at} kvm entry`,
      );
    else if (n % 5 === 0) out.push(`${at} sched wait 20us`);
    else if (n % 3 === 0) out.push(`${at} guest read kvmclock = ${t - 1_000_000_000n}`);
    else out.push(`${at} guest read TSC = ${tsc(t)}`);
  }
  return out.slice(0, lines).join('\n');
}

/**
 * What the importer makes of an x86 kernel capture (docs/format-capture-statements.md): KVM's own
 * writes of the TSC offset and its clock tracepoints (`kvm write_tsc_offset`, `track_tsc`,
 * `update_master_clock`, `pvclock_update`), KVM_RUN with `took=`, entries and exits, notes.
 */
export function generateCaptureTrace(lines: number, vcpus = 2): string {
  const out = [
    '@hvtrace 1',
    '# from a generated capture',
    '@host h arch=x86_64 freq=2GHz counter=20000000000@10.000000000',
    `@vm vm1 vcpus=${vcpus} policy=advance`,
    '',
  ];
  let t = 10_000_000_000n;
  const offset = (1n << 64n) - 20_000_000_000n; // guest TSC 0 at 10 s
  for (let i = 0; i < vcpus; i++) {
    out.push(
      `${secs(t)} h/vm1 ioctl KVM_CREATE_VCPU id=${i}`,
      `${secs(t)} h/vm1/vcpu${i} kvm write_tsc_offset prev=0 next=${offset}`,
      `${secs(t)} h/vm1/vcpu${i} kvm track_tsc masterclock=0 offsetmatched=${i} nr_online=${i + 1} hostclock=tsc`,
    );
  }
  out.push(`${secs(t)} h/vm1 kvm update_master_clock masterclock=1 hostclock=tsc offsetmatched=1`);
  for (let n = 0; out.length < lines; n++) {
    t += 100_000n;
    const v = n % vcpus;
    const at = `${secs(t)} h/vm1/vcpu${v}`;
    switch (n % 10) {
      case 0:
        out.push(`${at} ioctl KVM_RUN took=${5 + (n % 7)}us`);
        break;
      case 1:
      case 5:
        out.push(`${at} kvm entry`);
        break;
      case 2:
        out.push(`${at} kvm exit ${n % 20 === 2 ? 'IO_INSTRUCTION' : 'HLT'}`);
        break;
      // The master clock's copy, taken when it was enabled at 10 s: guest TSC 0, kvmclock 0.
      case 3:
        out.push(
          `${at} kvm pvclock_update version=${2 * n} tsc_timestamp=0x0 system_time=0x0 tsc_to_system_mul=0x80000000 tsc_shift=0 flags=0x1`,
        );
        break;
      case 4:
        out.push(`${secs(t)} h/vm1 vmm note kvm_msr: msr_write c0000080 = 0xd01`);
        break;
      case 6:
        out.push(`${at} sched wait ${30 + (n % 11)}us # run queue`);
        break;
      default:
        out.push(`${at} kvm exit EXTERNAL_INTERRUPT`);
    }
  }
  return out.slice(0, lines).join('\n');
}
