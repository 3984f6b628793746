// The recorder's @host marker: whether KVM can scale the guest TSC, from what /proc/cpuinfo and the
// vendor module say (markers.ts tscScalingFrom), and the directive it writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureMarker, hostDirective, tscScalingFrom } from './markers';

test('TSC scaling: kvm_pvm never, kvm_intel from the VMX flags, kvm_amd from tsc_scale and the module parameter', () => {
  assert.equal(tscScalingFrom('kvm_pvm', 'flags\t\t: fpu tsc_scale\n'), false);
  // /proc/cpuinfo of a VMX host lists the secondary controls on a "vmx flags" line.
  assert.equal(
    tscScalingFrom('kvm_intel', 'flags\t\t: fpu vmx\nvmx flags\t: vnmi preemption_timer tsc_scaling usr_wait_pause\n'),
    true,
  );
  assert.equal(tscScalingFrom('kvm_intel', 'flags\t\t: fpu vmx\nvmx flags\t: vnmi preemption_timer\n'), false);
  assert.equal(tscScalingFrom('kvm_intel', 'flags\t\t: fpu vmx\n'), undefined);
  assert.equal(tscScalingFrom('kvm_amd', 'flags\t\t: fpu svm tsc_scale\n', 'Y\n'), true);
  assert.equal(tscScalingFrom('kvm_amd', 'flags\t\t: fpu svm tsc_scale\n', 'N\n'), false);
  assert.equal(tscScalingFrom('kvm_amd', 'flags\t\t: fpu svm\n'), false);
  assert.equal(tscScalingFrom('unknown', 'flags\t\t: fpu\n'), undefined);
});

test('the @host marker says tsc_scaling when it is known, and only then', () => {
  assert.equal(
    hostDirective('x86_64', 2100000000n, 'h1', '6.18.44', false),
    'hvtrace: @host h1 arch=x86_64 freq=2100000000 tsc_scaling=0 kernel=6.18',
  );
  assert.equal(
    hostDirective('x86_64', undefined, 'h1', '6.18.44', true),
    'hvtrace: @host h1 arch=x86_64 tsc_scaling=1 kernel=6.18',
  );
  assert.equal(
    hostDirective('arm64', 25000000n, 'h1', '6.8.0'),
    'hvtrace: @host h1 arch=arm64 freq=25000000 kernel=6.8',
  );
});

test("the capture names its trace clock in the importer's own marker (two hosts' captures merge only on tai)", () => {
  assert.equal(captureMarker('tai'), 'hvtrace-capture clock=tai');
});
