import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertFtrace } from './importFtrace';
import { checkText } from '../../engine/src/index';

test('x86 trace-cmd report lines become statements; the rest become notes', () => {
  const r = convertFtrace([
    '# tracer: nop',
    '       CPU 0/KVM-4321  [002] 12345.678901: kvm_write_tsc_offset: vcpu=0 prev=0 next=18446744069414584320',
    '       CPU 1/KVM-4322  [005] 12345.678950: kvm_track_tsc:        vcpu_id 1 masterclock 1 offsetmatched 1 nr_online 2 hostclock tsc',
    '       CPU 0/KVM-4321  [002] 12345.679000: kvm_msr:              msr_write 4b564d03 = 0x7ffa8041',
    '       CPU 0/KVM-4321  [002] 12345.679200: kvm_entry:            vcpu 0, rip 0xffffffff81a3f5e6',
    '       CPU 0/KVM-4321  [002] 12345.679250: kvm_entry:            vcpu 0, rip 0xffffffff81a3f5e6',
    '       CPU 0/KVM-4321  [002] d..1. 12345.679400: sched_stat_wait:      comm=CPU 0/KVM pid=5001 delay=154233 [ns]',
    'not a trace line',
  ].join('\n'));
  assert.equal(r.text, [
    '@hvtrace 1',
    '# Converted by `hvtimer import ftrace`: set freq= to the host\'s TSC frequency (the trace does not record it).',
    '@host host arch=x86_64 freq=1GHz',
    '@vm vm',
    '12345.678901000 host/vm/vcpu0 kvm write_tsc_offset prev=0 next=18446744069414584320',
    '12345.678950000 host/vm vmm note kvm_track_tsc: vcpu_id 1 masterclock 1 offsetmatched 1 nr_online 2 hostclock tsc',
    '12345.679000000 host/vm/vcpu0 guest write MSR_KVM_STEAL_TIME = 0x7ffa8041',
    '12345.679200000 host/vm/vcpu0 ioctl KVM_RUN',
    '12345.679400000 host/vm/vcpu0 sched wait 154233ns',
    '',
  ].join('\n'));
  assert.deepEqual([r.converted, r.notes, r.skipped], [5, 1, 1]);
  assert.deepEqual(checkText(r.text), []); // the output is a valid trace the engine replays
});

test('arm64 events: HVC calls, trapped CNTPCT reads and entries', () => {
  const r = convertFtrace([
    '       CPU 0/KVM-5001  [001]   777.000123: kvm_hvc_arm64:        HVC at 0xffff80008002a1b4 (r0: 0x00000000c5000021, imm: 0x0)',
    '       CPU 0/KVM-5001  [001]   777.000823: kvm_sys_access:       PC: ffff800080123456 CNTPCT_EL0 (3,3,14,0,1) 2a5f1c3e8d read',
    '       CPU 0/KVM-5001  [001]   777.000923: kvm_entry:            PC: 0xffff800080123458',
    '       CPU 0/KVM-5001  [001]   777.001023: kvm_exit:             TRAP: HSR_EC: 0x0018 (SYS64), PC: 0xffff800080123456',
  ].join('\n'));
  assert.deepEqual(r.text.split('\n').slice(2, 8), [
    '@host host arch=arm64 freq=25MHz',
    '@vm vm',
    '777.000123000 host/vm/vcpu0 guest hvc 0xC5000021',
    '777.000823000 host/vm/vcpu0 kvm trap CNTPCT_EL0 = 0x2a5f1c3e8d',
    '777.000923000 host/vm/vcpu0 ioctl KVM_RUN',
    '777.001023000 host/vm vmm note kvm_exit: TRAP: HSR_EC: 0x0018 (SYS64), PC: 0xffff800080123456',
  ]);
});
