// Flag names accepted in `flags=` values, joined by `|`
// (docs/reference/kvm-time.md#35-kvm_get_clock--kvm_set_clock,
// docs/reference/kvm-time.md#38-never-merged-kvm_getset_tsc_state-maxim-levitsky-v2-2020-12-03-x6).
export const CLOCK_FLAGS: Readonly<Record<string, bigint>> = {
  KVM_CLOCK_TSC_STABLE: 2n,
  KVM_CLOCK_REALTIME: 4n,
  KVM_CLOCK_HOST_TSC: 8n,
};
export const KVM_CLOCK_VALID_FLAGS = 0xen;

export const TSC_STATE_FLAGS: Readonly<Record<string, bigint>> = {
  KVM_TSC_STATE_TIMESTAMP_VALID: 1n,
  KVM_TSC_STATE_TSC_ADJUST_VALID: 2n,
};
