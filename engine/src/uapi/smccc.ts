// SMCCC function ids and return codes used by arm64 PV time (docs/reference/kvm-time.md#41-arm64-arm-den0057a-pv-time).
export type SmcccRole =
  | 'version'
  | 'arch_features'
  | 'workaround_1'
  | 'pv_time_features'
  | 'pv_time_st'
  | 'vendor_uid'
  | 'kvm_features'
  | 'kvm_ptp';

export interface SmcccFunction {
  name: string;
  id: bigint;
  role: SmcccRole;
}

export const SMCCC_FUNCTIONS: readonly SmcccFunction[] = [
  { name: 'SMCCC_VERSION', id: 0x80000000n, role: 'version' },
  { name: 'SMCCC_ARCH_FEATURES', id: 0x80000001n, role: 'arch_features' },
  { name: 'SMCCC_ARCH_WORKAROUND_1', id: 0x80008000n, role: 'workaround_1' },
  { name: 'PV_TIME_FEATURES', id: 0xc5000020n, role: 'pv_time_features' },
  { name: 'PV_TIME_ST', id: 0xc5000021n, role: 'pv_time_st' },
  { name: 'KVM_VENDOR_HYP_CALL_UID', id: 0x8600ff01n, role: 'vendor_uid' },
  { name: 'KVM_FEATURES', id: 0x86000000n, role: 'kvm_features' },
  { name: 'KVM_PTP', id: 0x86000001n, role: 'kvm_ptp' },
];

export const SMCCC_RETURNS: Readonly<Record<string, bigint>> = {
  SUCCESS: 0n,
  NOT_SUPPORTED: -1n,
  NOT_REQUIRED: -2n,
  INVALID_PARAMETER: -3n,
};

export const smcccByName = (name: string): SmcccFunction | undefined => SMCCC_FUNCTIONS.find((f) => f.name === name);
export const smcccById = (id: bigint): SmcccFunction | undefined => SMCCC_FUNCTIONS.find((f) => f.id === id);
export function smcccReturnName(value: bigint): string | undefined {
  return Object.entries(SMCCC_RETURNS).find(([, v]) => v === value)?.[0];
}
