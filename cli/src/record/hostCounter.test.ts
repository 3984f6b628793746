// Reading the host counter frequency from the kernel log lines the kernel prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frequencyFromKernelLog } from './hostCounter';

test('x86: the last refined calibration wins over the boot-time detection', () => {
  // This machine's boot log (6.18, kvmclock-provided TSC frequency) has only the `processor` line.
  assert.deepEqual(
    frequencyFromKernelLog('tsc: Fast TSC calibration using PIT\ntsc: Detected 2100.000 MHz processor\n', 'x86_64'),
    {
      hz: 2_100_000_000n,
      source: 'kernel log "tsc: Detected 2100.000 MHz processor"',
    },
  );
  // arch/x86/kernel/tsc.c prints tsc_khz / 1000 "." tsc_khz % 1000: 2099.998 MHz is 2099998 kHz.
  const log =
    'tsc: Detected 2100.000 MHz processor\nclocksource: tsc-early: mask: 0xffffffffffffffff\ntsc: Refined TSC clocksource calibration: 2099.998 MHz\n';
  assert.equal(frequencyFromKernelLog(log, 'x86_64')?.hz, 2_099_998_000n);
  // A separate `MHz TSC` line is tsc_khz when it differs from cpu_khz.
  assert.equal(
    frequencyFromKernelLog('tsc: Detected 3000.000 MHz processor\ntsc: Detected 2995.200 MHz TSC\n', 'x86_64')?.hz,
    2_995_200_000n,
  );
  assert.equal(frequencyFromKernelLog('nothing about clocks\n', 'x86_64'), undefined);
});

test('arm64: the arch_timer line (10 kHz resolution)', () => {
  // docs/reference/real-captures.md#62-arm64-vhe-host-nvhepkvm-differences-noted: `arch_timer: cp15 timer(s) running at 25.00MHz (virt).`
  assert.equal(
    frequencyFromKernelLog('arch_timer: cp15 timer(s) running at 25.00MHz (virt).\n', 'arm64')?.hz,
    25_000_000n,
  );
  assert.equal(
    frequencyFromKernelLog('arch_timer: cp15 and mmio timer(s) running at 19.20MHz (virt/phys).\n', 'arm64')?.hz,
    19_200_000n,
  );
});
