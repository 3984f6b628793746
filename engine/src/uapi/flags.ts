// Flag names accepted in `flags=` values, joined by `|` (kvm-time.md §3.5, §3.8).
export const CLOCK_FLAGS: Readonly<Record<string, bigint>> = {
  KVM_CLOCK_TSC_STABLE: 2n,
  KVM_CLOCK_REALTIME: 4n,
  KVM_CLOCK_HOST_TSC: 8n,
};
export const KVM_CLOCK_VALID_FLAGS = 0xEn;

export const TSC_STATE_FLAGS: Readonly<Record<string, bigint>> = {
  KVM_TSC_STATE_TIMESTAMP_VALID: 1n,
  KVM_TSC_STATE_TSC_ADJUST_VALID: 2n,
};
