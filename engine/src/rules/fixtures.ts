// Trace fragments shared by rule tests. Numbers in comments are worked out by hand from
// docs/format.md#3-directives-lines-starting-with- and docs/format.md#6-replay-rules.
import { ARM64_HEADER } from './testing';

/** docs/format.md#7-example, lines 1–16. src: C(t) = 25e6·t; dst: C(t) = 5e9 + 25e6·t. */
export const SPEC_EXAMPLE = [
  ...ARM64_HEADER, //                                                                    1-4
  '',
  '10.000000000 src/vm1 ioctl KVM_CREATE_VCPU id=0', //                                  6: voffset 250000000
  '10.000001000 src/vm1 ioctl KVM_CREATE_VCPU id=1', //                                  7: voffset 250000025
  '10.000100000 src/vm1/vcpu0 ioctl KVM_RUN', //                                         8
  '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 = 49999975', //                      9
  '20.000000000 src/vm1 vmm pause', //                                                   10: G_before 249999975
  '20.000010000 src/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=KVM_REG_ARM_TIMER_CNT -> 250000225', // 11
  '20.000020000 src/vm1 vmm migrate to=dst', //                                          12
  '20.500000000 dst/vm1 ioctl KVM_CREATE_VCPU id=0', //                                  13
  '20.500001000 dst/vm1 ioctl KVM_CREATE_VCPU id=1', //                                  14
];

/** The by-value restore and resume of docs/format.md#7-example (lines 15–16). */
export const SPEC_EXAMPLE_RESTORE = [
  '20.600000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=250000225', // 15: offset 5264999775
  '20.600100000 dst/vm1/vcpu0 ioctl KVM_RUN     # HVT010: guest lags the reference clock by 0.6 s', // 16: G_after 250002725
];

/** x86 migration s -> d (both 2 GHz TSC): guest TSC on s = 2e9·t - 2e10; G_before at the pause = 2e10. */
export const X86_MIGRATION = [
  '@hvtrace 1',
  '@host s arch=x86_64 freq=2GHz',
  '@host d arch=x86_64 freq=2GHz counter=1000000000000@0.0',
  '@vm vm1',
  '10.000000000 s/vm1 ioctl KVM_CREATE_VCPU id=0', //  5
  '10.000100000 s/vm1/vcpu0 ioctl KVM_RUN', //         6
  '20.000000000 s/vm1 vmm pause', //                   7
  '20.000010000 s/vm1 vmm migrate to=d', //            8
  '20.500000000 d/vm1 ioctl KVM_CREATE_VCPU id=0', //  9
];

const PVTIME_IPA = 'group=KVM_ARM_VCPU_PVTIME_CTRL attr=KVM_ARM_VCPU_PVTIME_IPA';

/** arm64 PV time as Linux's steal_time selftest sets it up: IPAs 0x40000000 + 64·i, then discovery. */
export const PVTIME_SETUP = [
  '@hvtrace 1',
  '@host h arch=arm64 freq=25MHz ecv=2 vhe=1',
  '@vm vm1 vcpus=2 pvtime=on',
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=0', //                                          4
  '10.000000000 h/vm1 ioctl KVM_CREATE_VCPU id=1', //                                          5
  `10.000005000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000001 -> -EINVAL`, // 6: misaligned, rejected
  `10.000010000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000`, //           7
  `10.000015000 h/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000000 -> -EEXIST`, //  8: twice, rejected
  `10.000020000 h/vm1/vcpu1 ioctl KVM_SET_DEVICE_ATTR ${PVTIME_IPA} value=0x40000040`, //           9
  '10.000100000 h/vm1/vcpu0 ioctl KVM_RUN', //                                                 10
  '10.000200000 h/vm1/vcpu0 guest hvc SMCCC_ARCH_FEATURES PV_TIME_FEATURES -> SUCCESS', //     11
  '10.000300000 h/vm1/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST -> SUCCESS', //              12
  '10.000400000 h/vm1/vcpu0 guest hvc PV_TIME_ST -> 0x40000000', //                            13: zeroed, last_steal = 0
];

export { PVTIME_IPA };
