// The values PVM fakes (the kvm_pvm vendor module of the test machine; test/kvm/FINDINGS.md "What
// PVM fakes"), as an explicit, narrow list: each entry names one kind of recorded value and says
// exactly which value PVM puts there, so that a difference from the model is explained only when
// the recorded value is that one. PVM runs the guest with the host's TSC: it keeps each vCPU's
// l1_tsc_offset at 0 and never applies KVM's offset, while KVM's common code (matching, offsets,
// masterclock, kvmclock) runs unchanged and traces the offsets it computes. Nothing here widens a
// tolerance: a value matches a fake only when it is what the model predicts with the vCPU's offset
// taken as 0 (or the exact constant PVM returns), within the comparison's own tolerance.
import type { Disagreement } from './modelCheck';

export type FakeId =
  | 'prev-zero'
  | 'get-msrs-tsc-host'
  | 'get-attr-offset-zero'
  | 'guest-rdtsc-host'
  | 'pvclock-tsc-host'
  | 'guest-tsc-adjust-delta';

export interface PvmFake {
  id: FakeId;
  /** What is faked, as the kernel records it. */
  value: string;
  /** What PVM puts there instead of KVM's value. */
  pvm: string;
  matches(d: Disagreement): boolean;
}

const signed = (x: bigint): bigint => BigInt.asIntN(64, x);
const near = (a: bigint, b: bigint, tol: bigint): boolean => {
  const d = signed(a - b);
  return d <= tol && d >= -tol;
};

/**
 * The value with the vCPU's offset taken as 0: the host TSC where the model predicts the guest's.
 * For an ioctl with took=, anywhere in the call's window.
 */
function hostInsteadOfGuest(d: Disagreement): boolean {
  if (d.observed === undefined || d.predicted === undefined || d.offset === undefined) return false;
  const lo = d.predicted - d.offset;
  const hi = (d.latest ?? d.predicted) - d.offset;
  const o = d.observed;
  return near(o, lo, d.tolerance) || near(o, hi, d.tolerance) || (signed(o - lo) >= 0n && signed(hi - o) >= 0n);
}

export const PVM_FAKES: readonly PvmFake[] = [
  {
    id: 'prev-zero',
    value: 'kvm_write_tsc_offset prev=',
    pvm: 'always 0 (l1_tsc_offset stays 0); next= is genuine',
    matches: (d) => d.what === 'prev' && d.observed === 0n,
  },
  {
    id: 'get-msrs-tsc-host',
    value: 'KVM_GET_MSRS IA32_TSC',
    pvm: 'the host TSC, not host TSC + offset (kvm_read_l1_tsc with an offset of 0)',
    matches: (d) => d.what === 'TSC' && d.source === 'ioctl' && hostInsteadOfGuest(d),
  },
  {
    id: 'get-attr-offset-zero',
    value: 'KVM_GET_DEVICE_ATTR KVM_VCPU_TSC_OFFSET',
    pvm: '0 (genuine KVM returns l1_tsc_offset)',
    matches: (d) => d.what === 'tsc_offset' && d.source === 'ioctl' && d.observed === 0n,
  },
  {
    id: 'guest-rdtsc-host',
    value: "the guest's RDTSC",
    pvm: 'the host TSC',
    matches: (d) => d.what === 'TSC' && d.source === 'guest' && hostInsteadOfGuest(d),
  },
  {
    id: 'pvclock-tsc-host',
    value: 'kvm_pvclock_update tsc_timestamp',
    pvm: 'the host TSC at the masterclock update (kvm_read_l1_tsc with an offset of 0)',
    matches: (d) => d.what === 'TSC' && d.source === 'kvm' && hostInsteadOfGuest(d),
  },
  {
    id: 'guest-tsc-adjust-delta',
    value: 'kvm_write_tsc_offset next= after a guest IA32_TSC_ADJUST write',
    pvm: 'the delta alone (0 + delta: adjust_tsc_offset_guest adds it to l1_tsc_offset, which is 0)',
    // The model moved the offset by delta = predicted - (offset before the guest write); KVM wrote delta.
    matches: (d) =>
      d.what === 'tsc_offset' &&
      d.source === 'kvm' &&
      /\bguest write IA32_TSC_ADJUST\b/.test(d.previous ?? '') &&
      d.observed !== undefined &&
      d.predicted !== undefined &&
      d.offsetBeforePrevious !== undefined &&
      near(d.observed, d.predicted - d.offsetBeforePrevious, d.tolerance),
  },
];

/**
 * PVM replaces CPUID leaf 7's EBX of KVM_SET_CPUID2 with the host's (KVM_GET_CPUID2 shows TSC_ADJUST
 * although the VMM cleared it), so KVM treats every vCPU given a CPUID as advertising TSC_ADJUST. The
 * check replays `KVM_SET_CPUID2 tsc_adjust=0` as `tsc_adjust=1` on a PVM capture, and lists each line.
 */
export const PVM_CPUID_REWRITE = /(\bioctl KVM_SET_CPUID2 (?:.* )?)tsc_adjust=0\b/;

/** The one fake that explains a difference, or undefined (a model bug, or a fake not on the list). */
export function classify(d: Disagreement): FakeId | undefined {
  const hits = PVM_FAKES.filter((f) => f.matches(d));
  return hits.length === 1 ? hits[0].id : undefined;
}
