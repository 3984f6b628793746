// Every event of docs/reference/real-captures.md#1-upstream-kernel-tracepoints-relevant-to-guest-time that bears on time, mapped by its family. Each fixture body is
// written by hand from the TP_printk quoted above it (arch/x86/kvm/trace.h, arch/arm64/kvm/
// trace_arm.h, trace_handle_exit.h, include/trace/events/{kvm,sched,timer}.h) or copied from a
// genuine line the reference quotes (marked "genuine").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCaptures } from './index';

/** A tracefs line ("%16s-%-7d [%03d] flags %5lu.%06lu: event: body"). */
const tf = (comm: string, pid: number, time: string, event: string, body: string, cpu = 0): string =>
  `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] d..1. ${time.padStart(12)}: ${event}: ${body}`;
const V0 = (time: string, event: string, body: string): string => tf('CPU 0/KVM', 4107, time, event, body);
const V1 = (time: string, event: string, body: string): string => tf('CPU 1/KVM', 4108, time, event, body, 1);

/** The statement lines of a converted capture (after the header and its blank line). */
function statements(lines: string[], freq?: bigint): string[] {
  const r = importCaptures([{ name: 'fixture.txt', text: lines.join('\n') }], { freq });
  if (!r.ok) assert.fail(r.error);
  const out = r.value.text.split('\n');
  return out.slice(out.indexOf('') + 1).filter((l) => l !== '');
}

// ---- x86 TSC and kvmclock ---------------------------------------------------------------------

test('kvm_write_tsc_offset "vcpu=%u prev=%llu next=%llu": a negative offset printed as u64 stays that u64 (genuine)', () => {
  assert.deepEqual(
    statements([
      '           a.out-20024 [001] d... 2323301.154551: kvm_write_tsc_offset: vcpu=0 prev=0 next=18439928704022336791',
    ]),
    ['2323301.154551000 host/vm/vcpu0 kvm write_tsc_offset prev=0 next=18439928704022336791'],
  );
  // trace-cmd -R raw fields: vcpu_id, previous_tsc_offset, next_tsc_offset
  assert.deepEqual(
    statements([
      V1('5.000000', 'kvm_write_tsc_offset', 'vcpu_id=1 previous_tsc_offset=0 next_tsc_offset=18446743973709551616'),
    ]),
    ['5.000000000 host/vm/vcpu1 kvm write_tsc_offset prev=0 next=18446743973709551616'],
  );
});

test('kvm_track_tsc "vcpu_id %u masterclock %u offsetmatched %u nr_online %u hostclock %s" and kvm_update_master_clock "masterclock %d hostclock %s offsetmatched %u" (genuine)', () => {
  assert.deepEqual(
    statements([
      '           a.out-20024 [001] .... 2323301.154555: kvm_track_tsc: vcpu_id 0 masterclock 0 offsetmatched 0 nr_online 1 hostclock tsc',
      '           a.out-20024 [001] .... 2323301.154569: kvm_update_master_clock: masterclock 1 hostclock tsc offsetmatched 1',
    ]),
    [
      '2323301.154555000 host/vm/vcpu0 kvm track_tsc masterclock=0 offsetmatched=0 nr_online=1 hostclock=tsc',
      '2323301.154569000 host/vm kvm update_master_clock masterclock=1 hostclock=tsc offsetmatched=1',
    ],
  );
  // raw: host_clock is VDSO_CLOCKMODE_TSC (1)
  assert.deepEqual(
    statements([
      V0(
        '6.000000',
        'kvm_track_tsc',
        'vcpu_id=0 nr_vcpus_matched_tsc=1 online_vcpus=2 use_master_clock=1 host_clock=1',
      ),
    ]),
    ['6.000000000 host/vm/vcpu0 kvm track_tsc masterclock=1 offsetmatched=1 nr_online=2 hostclock=tsc'],
  );
});

test('kvm_pvclock_update "vcpu_id %u, pvclock { version %u, tsc_timestamp 0x%llx, system_time 0x%llx, tsc_to_system_mul 0x%x, tsc_shift %d, flags 0x%x }"', () => {
  const body =
    'vcpu_id 1, pvclock { version 4, tsc_timestamp 0x2f1b6bd8e4, system_time 0x1bf08eb000, tsc_to_system_mul 0xa6aaaaab, tsc_shift -1, flags 0x1 }';
  assert.deepEqual(statements([V1('7.000000', 'kvm_pvclock_update', body)]), [
    '7.000000000 host/vm/vcpu1 kvm pvclock_update version=4 tsc_timestamp=0x2f1b6bd8e4 system_time=0x1bf08eb000 tsc_to_system_mul=0xa6aaaaab tsc_shift=-1 flags=0x1',
  ]);
});

test("the frequency comes from a pvclock's multiplier when nothing else gives it", () => {
  // kvm_get_time_scale(10^9, 3·10^9): 3e9 > 2·1e9, so shift -1 and 1.5e9; mul = 1e9 · 2^32 / 1.5e9 = 0xaaaaaaaa.
  // Back: Hz = 2^32 · 10^9 · 2^1 / 0xaaaaaaaa = 8589934592e9 / 2863311530 = 3000000000.4 → 3 GHz to the kHz.
  const r = importCaptures([
    {
      name: 'f',
      text: V1(
        '7.000000',
        'kvm_pvclock_update',
        'vcpu_id 1, pvclock { version 4, tsc_timestamp 0x2f1b6bd8e4, system_time 0x1bf08eb000, tsc_to_system_mul 0xaaaaaaaa, tsc_shift -1, flags 0x1 }',
      ),
    },
  ]);
  assert.ok(r.ok);
  assert.match(r.value.text, /^@host host arch=x86_64 freq=3GHz$/m);
});

// ---- x86 LAPIC timer --------------------------------------------------------------------------

test('kvm_msr "msr_%s %x = 0x%llx%s": the timer MSRs are guest writes of the timer registers (genuine shape)', () => {
  assert.deepEqual(
    statements([
      V0('8.000000', 'kvm_msr', 'msr_write 6e0 = 0x1f3c0a8f40'),
      V0('8.000001', 'kvm_msr', 'msr_write 832 = 0x400ec'),
      V0('8.000002', 'kvm_msr', 'msr_write 838 = 0x1e848'),
      V0('8.000003', 'kvm_msr', 'msr_write 83e = 0xb'),
      V0('8.000004', 'kvm_msr', 'msr_write 6e0 = 0x0 (#GP)'),
      V0('8.000005', 'kvm_msr', 'msr_write 4b564d03 = 0x7ffa8041'),
      V0('8.000006', 'kvm_msr', 'msr_write 10 = 0x1000'),
    ]),
    [
      '8.000000000 host/vm/vcpu0 guest write IA32_TSC_DEADLINE = 0x1f3c0a8f40',
      '8.000001000 host/vm/vcpu0 guest write APIC_LVTT = 0x400ec',
      '8.000002000 host/vm/vcpu0 guest write APIC_TMICT = 0x1e848',
      '8.000003000 host/vm/vcpu0 guest write APIC_TDCR = 0xb',
      '8.000004000 host/vm vmm note kvm_msr: msr_write 6e0 = 0x0 (GP)',
      '8.000005000 host/vm/vcpu0 guest write MSR_KVM_STEAL_TIME = 0x7ffa8041',
      // The guest's IA32_TSC is absolute: without the host counter it stays a note (kvm_write_tsc_offset carries its effect).
      '8.000006000 host/vm vmm note kvm_msr: msr_write 10 = 0x1000',
    ],
  );
});

test('kvm_apic "apic_%s %s = 0x%x", kvm_hv_timer_state "vcpu_id %x hv_timer %x", kvm_wait_lapic_expire "vcpu %u: delta %lld (%s)"', () => {
  assert.deepEqual(
    statements([
      V0('9.000000', 'kvm_apic', 'apic_write APIC_TMICT = 0x1e848'),
      V0('9.000001', 'kvm_apic', 'apic_read APIC_TMCCT = 0x1000'),
      tf('CPU 17/KVM', 4200, '9.000002', 'kvm_hv_timer_state', 'vcpu_id 11 hv_timer 1'), // hex: vCPU 17
      V0('9.000003', 'kvm_wait_lapic_expire', 'vcpu 0: delta -1523 (early)'),
      V0('9.000004', 'kvm_wait_lapic_expire', 'vcpu 0: delta 880 (late)'),
    ]),
    [
      '9.000000000 host/vm/vcpu0 guest write APIC_TMICT = 0x1e848',
      '9.000002000 host/vm/vcpu17 kvm hv_timer in_use=1',
      '9.000003000 host/vm/vcpu0 kvm wait_lapic_expire delta=-1523',
      '9.000004000 host/vm/vcpu0 kvm wait_lapic_expire delta=880',
    ],
  );
});

test('kvm_apic_accept_irq "apicid %x vec %u (%s|%s)": the LVTT vector is the timer interrupt; apic_timer_fn expiry by hrtimer address', () => {
  assert.deepEqual(
    statements([
      V1('10.000000', 'kvm_apic_accept_irq', 'apicid 1 vec 236 (Fixed|edge)'), // Linux LOCAL_TIMER_VECTOR before any LVTT write
      V1('10.000001', 'kvm_msr', 'msr_write 832 = 0x400d1'), // a guest whose timer vector is 0xd1 = 209
      V1('10.000002', 'kvm_apic_accept_irq', 'apicid 1 vec 236 (Fixed|edge)'),
      V1('10.000003', 'kvm_apic_accept_irq', 'apicid 1 vec 209 (Fixed|edge)'),
      // "hrtimer=%p function=%ps expires=%llu softexpires=%llu mode=%s" / "hrtimer=%p function=%ps now=%llu"
      V1(
        '10.000004',
        'hrtimer_start',
        'hrtimer=000000008f1c2a33 function=apic_timer_fn expires=10000500000 softexpires=10000500000 mode=ABS|HARD',
      ),
      tf(
        '<idle>',
        0,
        '10.000500',
        'hrtimer_expire_entry',
        'hrtimer=000000008f1c2a33 function=apic_timer_fn now=10000500120',
        1,
      ),
    ]),
    [
      '10.000000000 host/vm/vcpu1 kvm timer_irq lapic level=1',
      '10.000001000 host/vm/vcpu1 guest write APIC_LVTT = 0x400d1',
      '10.000003000 host/vm/vcpu1 kvm timer_irq lapic level=1',
      '10.000500000 host/vm/vcpu1 kvm timer_expire lapic',
    ],
  );
});

// ---- entries and exits ------------------------------------------------------------------------

test('x86 kvm_entry / kvm_exit in every printk variant; the first entry and each after a userspace exit is a KVM_RUN', () => {
  assert.deepEqual(
    statements([
      V0('11.000000', 'kvm_entry', 'vcpu 0'), // ≤ v5.9
      V0(
        '11.000001',
        'kvm_exit',
        'vcpu 0 reason HLT rip 0xffffffff81a3f5e6 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
      ),
      V0('11.000002', 'kvm_entry', 'vcpu 0, rip 0xffffffff8108aca7'), // v5.10 … v6.13 (genuine)
      V0('11.000003', 'kvm_exit', 'reason EXTERNAL_INTERRUPT rip 0xffffffff81000149 info 0 800000ec'), // ≤4.x / plugin
      V0('11.000004', 'kvm_entry', 'vcpu 0, rip 0xffffffff8108aca7[immediate exit]'),
      V0(
        '11.000005',
        'kvm_exit',
        'vcpu 0 reason PREEMPTION_TIMER rip 0xffffffff81000170 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000 requests 0x0000000000000000',
      ),
      V0('11.000006', 'kvm_userspace_exit', 'reason KVM_EXIT_IO (2)'), // genuine
      V0('11.000007', 'kvm_entry', 'vcpu 0, rip 0xffffffff8108aca7 intr_info 0x00000000 error_code 0x00000000'), // v6.14
      V0(
        '11.000008',
        'kvm_exit',
        'vcpu_id=0 exit_reason=12 isa=1 guest_rip=0xffffffff81a3f5e6 info1=0x0 info2=0x0 intr_info=0x0 error_code=0x0',
      ), // raw: 12 = HLT
      V0('11.000009', 'kvm_exit', 'reason hlt rip 0xffffffff81a3f5e6 info 0 0'), // SVM, lower case
    ]),
    [
      '11.000000000 host/vm/vcpu0 ioctl KVM_RUN',
      '11.000000000 host/vm/vcpu0 kvm entry',
      '11.000001000 host/vm/vcpu0 kvm exit HLT',
      '11.000002000 host/vm/vcpu0 kvm entry',
      '11.000003000 host/vm/vcpu0 kvm exit EXTERNAL_INTERRUPT',
      '11.000004000 host/vm/vcpu0 kvm entry',
      '11.000005000 host/vm/vcpu0 kvm exit PREEMPTION_TIMER',
      '11.000007000 host/vm/vcpu0 ioctl KVM_RUN',
      '11.000007000 host/vm/vcpu0 kvm entry',
      '11.000008000 host/vm/vcpu0 kvm exit HLT',
      '11.000009000 host/vm/vcpu0 kvm exit hlt',
    ],
  );
});

test('arm64 kvm_entry "PC: 0x%016lx" / kvm_exit "%s: HSR_EC: 0x%04x (%s), PC: 0x%016lx": the vCPU comes from the thread', () => {
  assert.deepEqual(
    statements([
      V1('12.000000', 'kvm_entry', 'PC: 0xffff800080012340'),
      V1('12.000001', 'kvm_exit', 'TRAP: HSR_EC: 0x0001 (WFx), PC: 0xffff800080a1b2c4'),
      V1('12.000002', 'kvm_exit', 'IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0xffff87259e30'), // genuine (old %08lx kernel)
      V1('12.000003', 'kvm_exit', 'TRAP: ESR_EC: 0x0018 (SYS64), PC: 0xffff800080a1c000'), // the proposed ESR_EC spelling
      V1('12.000004', 'kvm_exit', 'ret=2 esr_ec=0x16 vcpu_pc=0xffff8000800a1000'), // raw: TRAP, HVC64
    ]),
    [
      '12.000000000 host/vm/vcpu1 ioctl KVM_RUN',
      '12.000000000 host/vm/vcpu1 kvm entry',
      '12.000001000 host/vm/vcpu1 kvm exit WFx',
      '12.000002000 host/vm/vcpu1 kvm exit IRQ',
      '12.000003000 host/vm/vcpu1 kvm exit SYS64',
      '12.000004000 host/vm/vcpu1 kvm exit HVC64',
    ],
  );
});

// ---- arm64 timer ------------------------------------------------------------------------------

test('kvm_timer_save_state "   CTL: %#08lx CVAL: %#16llx arch_timer_ctx_index: %d", restore, update_irq, hrtimer_expire; kernel vs glibc %#x', () => {
  assert.deepEqual(
    statements([
      V0('13.000000', 'kvm_timer_save_state', '   CTL: 0x000001 CVAL:       0x1dd13590 arch_timer_ctx_index: 1'),
      V0('13.000001', 'kvm_timer_restore_state', 'CTL: 0x000000 CVAL:              0x0 arch_timer_ctx_index: 0'), // kernel: %#x of 0 is 0x0
      V0('13.000002', 'kvm_timer_restore_state', 'CTL: 00000000 CVAL:                0 arch_timer_ctx_index: 0'), // libtraceevent (glibc): 0
      // "VCPU: %ld, IRQ %d, level %d": IRQ 27 vtimer, 30 ptimer
      V0('13.000003', 'kvm_timer_update_irq', 'VCPU: 0, IRQ 27, level 1'),
      V0('13.000004', 'kvm_timer_update_irq', 'VCPU: 0, IRQ 30, level 0'),
      V0('13.000005', 'kvm_timer_hrtimer_expire', 'arch_timer_ctx_index: 0'),
      V0('13.000006', 'kvm_timer_emulate', 'arch_timer_ctx_index: 0 (should_fire: 1)'),
    ]),
    [
      '13.000000000 host/vm/vcpu0 kvm timer_state vtimer ctl=0x1 cval=0x1dd13590',
      '13.000001000 host/vm/vcpu0 kvm timer_state ptimer ctl=0x0 cval=0x0',
      '13.000002000 host/vm/vcpu0 kvm timer_state ptimer ctl=0x0 cval=0x0',
      '13.000003000 host/vm/vcpu0 kvm timer_irq vtimer level=1',
      '13.000004000 host/vm/vcpu0 kvm timer_irq ptimer level=0',
      '13.000005000 host/vm/vcpu0 kvm timer_expire ptimer',
    ],
  );
});

test('kvm_sys_access "PC: %lx %s (%d,%d,%d,%d,%d) %s": a trapped CNTPCT read shows the trap; kvm_hvc_arm64 PV-time calls', () => {
  assert.deepEqual(
    statements([
      V0('14.000000', 'kvm_sys_access', 'PC: ffff800080a1c000 CNTPCT_EL0 (3,3,14,0,1) read'),
      V0('14.000001', 'kvm_sys_access', 'PC: ffff800080a1c000 CNTPCT_EL0 (3,3,14,0,1) read'),
      V0('14.000002', 'kvm_sys_access', 'PC: ffff800080a1c010 CNTP_CVAL_EL0 (3,3,14,2,2) write'),
      // "HVC at 0x%016lx (r0: 0x%016lx, imm: 0x%lx)"
      V0('14.000003', 'kvm_hvc_arm64', 'HVC at 0xffff8000800a1000 (r0: 0x00000000c5000020, imm: 0x0)'),
      V0('14.000004', 'kvm_hvc_arm64', 'HVC at 0xffff8000800a1010 (r0: 0x00000000c5000021, imm: 0x0)'),
      V0('14.000005', 'kvm_hvc_arm64', 'HVC at 0xffff8000800a1020 (r0: 0x0000000084000001, imm: 0x0)'),
    ]),
    [
      '14.000000000 host/vm/vcpu0 kvm traps cntpct=on',
      '14.000002000 host/vm vmm note kvm_sys_access: PC: ffff800080a1c010 CNTP_CVAL_EL0 (3,3,14,2,2) write',
      '14.000003000 host/vm/vcpu0 guest hvc PV_TIME_FEATURES PV_TIME_ST',
      '14.000004000 host/vm/vcpu0 guest hvc PV_TIME_ST',
      '14.000005000 host/vm vmm note kvm_hvc_arm64: HVC at 0xffff8000800a1020 (r0: 0x0000000084000001, imm: 0x0)',
    ],
  );
});

// ---- scheduler --------------------------------------------------------------------------------

test('sched_stat_wait "comm=%s pid=%d delay=%Lu [ns]" with schedstats: the kernel\'s delays', () => {
  assert.deepEqual(
    statements([
      V0('15.000000', 'kvm_entry', 'vcpu 0'),
      tf('stress', 900, '15.000400', 'sched_stat_wait', 'comm=CPU 0/KVM pid=4107 delay=154233 [ns]'),
      tf(
        'stress',
        900,
        '15.000401',
        'sched_switch',
        'prev_comm=stress prev_pid=900 prev_prio=120 prev_state=R+ ==> next_comm=CPU 0/KVM next_pid=4107 next_prio=120',
      ),
    ]),
    [
      '15.000000000 host/vm/vcpu0 ioctl KVM_RUN',
      '15.000000000 host/vm/vcpu0 kvm entry',
      '15.000400000 host/vm/vcpu0 sched wait 154233ns',
    ],
  );
});

test('run-queue waits derived without schedstats: wakeup → switch in, and a preemption (prev_state=R+) → switch in', () => {
  assert.deepEqual(
    statements([
      // "comm=%s pid=%d prio=%d target_cpu=%03d"; the thread is named only by the events about it
      tf('<idle>', 0, '16.000100', 'sched_wakeup', 'comm=CPU 1/KVM pid=4108 prio=120 target_cpu=001', 1),
      // kernel form: 16.000350 − 16.000100 = 250 µs waited
      tf(
        'stress',
        900,
        '16.000350',
        'sched_switch',
        'prev_comm=stress prev_pid=900 prev_prio=120 prev_state=R ==> next_comm=CPU 1/KVM next_pid=4108 next_prio=120',
        1,
      ),
      // plugin form "%s:%d [%d] %s ==> %s:%d [%d]": preempted at 16.001000, back at 16.001250: 250 µs
      tf('<...>', 4108, '16.001000', 'sched_switch', 'CPU 1/KVM:4108 [120] R+ ==> stress:900 [120]', 1),
      tf('stress', 900, '16.001250', 'sched_switch', 'stress:900 [120] S ==> CPU 1/KVM:4108 [120]', 1),
      // asleep (S) is not a wait: switched out at 16.002, woken at 16.010, in at 16.010004: 4 µs
      tf(
        '<...>',
        4108,
        '16.002000',
        'sched_switch',
        'prev_comm=CPU 1/KVM prev_pid=4108 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120',
        1,
      ),
      tf('<idle>', 0, '16.010000', 'sched_wakeup', 'CPU 1/KVM:4108 [120] success=1 CPU:001', 1),
      tf('<idle>', 0, '16.010004', 'sched_switch', 'swapper/1:0 [120] R ==> CPU 1/KVM:4108 [120]', 1),
      // other threads' scheduling is ignored
      tf('<idle>', 0, '16.020000', 'sched_switch', 'swapper/2:0 [120] R ==> kworker/2:1:77 [120]', 2),
    ]),
    [
      '16.000350000 host/vm/vcpu1 sched wait 250000ns',
      '16.001250000 host/vm/vcpu1 sched wait 250000ns',
      '16.010004000 host/vm/vcpu1 sched wait 4000ns',
    ],
  );
});

test('vCPU threads of Firecracker, Cloud Hypervisor and crosvm, and a <...> thread known from a kvm_entry', () => {
  assert.deepEqual(
    statements([
      tf('fc_vcpu 2', 501, '17.000000', 'kvm_timer_update_irq', 'VCPU: 2, IRQ 27, level 1'),
      tf('fc_vcpu 2', 501, '17.000001', 'kvm_timer_hrtimer_expire', 'arch_timer_ctx_index: 1'),
      tf('vcpu3', 502, '17.000002', 'kvm_timer_hrtimer_expire', 'arch_timer_ctx_index: 1'),
      tf('crosvm_vcpu4', 503, '17.000003', 'kvm_timer_hrtimer_expire', 'arch_timer_ctx_index: 1'),
      tf(
        '<...>',
        504,
        '17.000004',
        'kvm_exit',
        'vcpu 5 reason HLT rip 0xffffffff81a3f5e6 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
      ),
      tf('<...>', 504, '17.000005', 'kvm_msr', 'msr_write 6e0 = 0x10'),
    ]),
    [
      '17.000000000 host/vm/vcpu2 kvm timer_irq vtimer level=1',
      '17.000001000 host/vm/vcpu2 kvm timer_expire vtimer',
      '17.000002000 host/vm/vcpu3 kvm timer_expire vtimer',
      '17.000003000 host/vm/vcpu4 kvm timer_expire vtimer',
      '17.000004000 host/vm/vcpu5 kvm exit HLT',
      '17.000005000 host/vm/vcpu5 guest write IA32_TSC_DEADLINE = 0x10',
    ],
  );
});

// ---- trace_marker -----------------------------------------------------------------------------

test('trace_marker "hvtrace: STATEMENT" is that statement at the marker\'s time; @host markers set the header; QEMU run state', () => {
  const r = importCaptures([
    {
      name: 'm.txt',
      text: [
        tf(
          'qemu-system-x86',
          4100,
          '18.000000',
          'tracing_mark_write',
          'hvtrace: @host src arch=x86_64 freq=2.9GHz kernel=6.8',
        ),
        tf(
          'qemu-system-x86',
          4100,
          '18.000001',
          'tracing_mark_write',
          'hvtrace: src/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0',
        ),
        // trace-cmd prints the marker as the ftrace `print` event: "%ps: %s"
        `${'qemu-system-x86'.padStart(16)}-4100  [000] ..... 18.000002: print:                tracing_mark_write: hvtrace: 99.5 anyhost/vm1 vmm pause`,
        // QEMU's ftrace backend: the VM's first start is not a resume (no pause before it)
        tf('qemu-system-x86', 4100, '18.000003', 'tracing_mark_write', 'vm_state_notify running 1 reason 9 (running)'),
        tf('qemu-system-x86', 4100, '18.000004', 'tracing_mark_write', 'something else'),
        tf('qemu-system-x86', 4100, '18.000005', 'tracing_mark_write', 'hvtrace: @vm vm1 policy=freeze'),
      ].join('\n'),
    },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.value.text.split('\n'), [
    '@hvtrace 1',
    '# from m.txt: tracefs, 6 events, clock not recorded, host src',
    "# freq= from the capture's @host marker",
    '@host src arch=x86_64 freq=2.9GHz kernel=6.8',
    '@vm vm1 policy=freeze',
    '',
    '18.000001000 src/vm1/vcpu0 ioctl KVM_SET_MSRS IA32_TSC=0',
    '18.000002000 src/vm1 vmm pause',
    '18.000004000 src/vm1 vmm note tracing_mark_write: something else',
    '',
  ]);
});

test('hvtimer-sample cnt= markers give the counter reference and a vmm sample', () => {
  const r = importCaptures(
    [
      {
        name: 's.txt',
        text: [
          tf('probe', 77, '100.000000', 'tracing_mark_write', 'hvtimer-sample cnt=2500000000 mono=100000000000'),
          tf('probe', 77, '101.000000', 'tracing_mark_write', 'hvtimer-sample cnt=2525000000 mono=101000000000'),
          V0('101.000001', 'kvm_timer_save_state', '   CTL: 0x000001 CVAL:       0x1dd13590 arch_timer_ctx_index: 1'),
        ].join('\n'),
      },
    ],
    { freq: 25_000_000n },
  );
  assert.ok(r.ok);
  assert.match(r.value.text, /^@host host arch=arm64 freq=25MHz counter=2500000000@100\.000000000$/m);
  assert.match(r.value.text, /^101\.000000000 host vmm sample counter=2525000000$/m);
});

test('uprobe events without a registered decoder are notes (the extension point for the recorder)', () => {
  // uprobe-recording.md: "ioctl: (0x7fd0d951bd30) fd=3 req=0xae01 a0=0x0 a1=0x0 v=0x0 arr={0x0,0x0,0x0,0x0}"
  assert.deepEqual(
    statements([
      'python3-14098 [000] DBZff 4256.405387: ioctl: (0x7fd0d951bd30) fd=3 req=0xae01 a0=0x0 a1=0x0 v=0x0 arr={0x0,0x0,0x0,0x0}',
    ]),
    [
      '4256.405387000 host/vm vmm note ioctl: (0x7fd0d951bd30) fd=3 req=0xae01 a0=0x0 a1=0x0 v=0x0 arr={0x0,0x0,0x0,0x0}',
    ],
  );
});

test('hvtimer-sample tid= schedstat= markers: run_delay growth of a vCPU thread is a sched wait when there are no scheduler events', () => {
  // /proc/PID/task/TID/schedstat "%llu %llu %lu": run_delay 1000000 → 1154233 ns: 154233 ns waited.
  assert.deepEqual(
    statements([
      tf(
        'CPU 0/KVM',
        4107,
        '19.000000',
        'kvm_exit',
        'vcpu 0 reason HLT rip 0xffffffff81a3f5e6 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
      ),
      tf('sampler', 77, '19.100000', 'tracing_mark_write', 'hvtimer-sample tid=4107 schedstat=5000000 1000000 12'),
      tf('sampler', 77, '19.200000', 'tracing_mark_write', 'hvtimer-sample tid=4107 schedstat=9000000 1154233 15'),
    ]),
    ['19.000000000 host/vm/vcpu0 kvm exit HLT', '19.200000000 host/vm/vcpu0 sched wait 154233ns'],
  );
});
