// Trace fragments shared by the timer rule tests (HVT040–HVT045). Numbers in comments are worked
// out by hand from docs/timers.md#t2-model and docs/format.md#5-model-state–6.

/** arm64 at 25 MHz (40 ns per tick), C(t) = 25e6·t; vcpu0 created at 10 s: voffset = 250000000. */
export const ARM64_TIMER = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz',
  '@vm vm1 vcpus=2',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //  4: voffset = 250000000
  '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN', //          5
];

/** The guest arms its virtual timer for `at` s: CVAL = 25e6·at - 250000000 (written 10 ms before). */
export function armVtimerAt(at: number, cval: bigint): string[] {
  const t = (at - 0.01).toFixed(9);
  return [`${t} h/vm1/vcpu0 guest write CNTV_CVAL_EL0 = ${cval}`, `${t} h/vm1/vcpu0 guest write CNTV_CTL_EL0 = 1`];
}

/** A hardware timer delivery: an IRQ exit and the line raised. */
export const irqAt = (t: string, vcpu = 0, timer = 'vtimer'): string[] => [
  `${t} h/vm1/vcpu${vcpu} kvm exit IRQ`,
  `${t} h/vm1/vcpu${vcpu} kvm timer_irq ${timer} level=1`,
];

/** x86 at 2.5 GHz (0.4 ns per cycle); vcpu0 created at 1 s: guest TSC = 2.5e9·t - 2.5e9; LAPIC in TSC-deadline mode. */
export const X86_TIMER = [
  '@hvtrace 1',
  '@host h arch=x86_64 freq=2.5GHz',
  '@vm vm1 vcpus=1',
  '1.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //                     4
  '1.000100000 h/vm1/vcpu0 ioctl KVM_RUN', //                            5
  '1.001000000 h/vm1/vcpu0 guest write APIC_LVTT = 0x400ec', //          6: TSC-deadline, vector 0xec
];
