// The idempotent restore of a vCPU's counter (docs/reference/seeds/seed-000.txt, HVT011): what offset a restore at this
// statement should write so the guest stays on its time line, worked out with the trace's numbers,
// and how far what the trace did instead puts it off the line.
//   arm64: Off1 = Off0 - (T1-T0)*F - (C0-C1), i.e. C1 - expected guest counter
//   x86:   offset = G0 + (T1-T0)*F - scale(C1)
// With policy freeze the (T1-T0)*F term is dropped.
import { hostCounter, scaleTsc } from './clock';
import { kernelAtLeast } from './context';
import type { ModelState, StopRecord } from './state';
import type { Statement } from '../syntax/ast';
import { add64, signedDiff, sub64 } from '../values/u64';
import { ticksIn } from '../values/units';
import { instanceKey } from '../../../protocol/instanceKey';

export interface IdempotentRestore {
  arch: 'arm64' | 'x86_64';
  vm: string;
  vcpu: number;
  policy: 'advance' | 'freeze';
  stop: StopRecord;
  /** Source host and its counter at the stop (C0), destination and its counter now (C1). */
  srcHost: string;
  dstHost: string;
  t0: bigint;
  t1: bigint;
  /** Guest counter frequency as the guest knows it (F). */
  freq: bigint;
  c0: bigint;
  c1: bigint;
  /** Off0: the offset at the stop (arm64 voffset, x86 TSC offset). */
  off0: bigint;
  /** G0: the guest counter at the stop. */
  g0: bigint;
  /** (T1-T0)*F, or 0 with policy freeze. */
  elapsed: bigint;
  /** The guest counter the policy expects now. */
  expected: bigint;
  /** x86: scale(C1). */
  scaledC1: bigint;
  /** The idempotent offset (arm64 Off1, x86 TSC offset). */
  ideal: bigint;
  /** KVM_ARM_SET_COUNTER_OFFSET exists on the destination (arm64, Linux 6.4+). */
  counterOffsetAvailable: boolean;
}

/** The stop a vCPU of `vm` is being restored from: pending, not yet resumed on this vCPU. */
export function pendingStop(state: ModelState, vm: string, vcpu: number): StopRecord | undefined {
  const stop = state.guests.get(vm)?.stop;
  return stop && !stop.resumed.has(vcpu) && stop.counters.has(vcpu) && stop.offsets.has(vcpu) ? stop : undefined;
}

/**
 * The idempotent restore for `vcpu` of the statement's VM at the statement's time, from the state
 * before the statement. Undefined when the guest is not being restored (no pending stop).
 */
export function idempotentRestore(before: ModelState, stmt: Statement, vcpu: number): IdempotentRestore | undefined {
  const vm = stmt.where.vm?.value;
  if (vm === undefined) return undefined;
  const stop = pendingStop(before, vm, vcpu);
  const dst = before.hosts.get(stmt.where.host.value);
  const src = stop ? before.hosts.get(stop.host) : undefined;
  if (!stop || !dst || !src) return undefined;
  const g = before.guests.get(vm)!;
  const t0 = stop.time;
  const t1 = stmt.time.value;
  const freq = stop.freq.get(vcpu)!;
  const off0 = stop.offsets.get(vcpu)!;
  const g0 = stop.counters.get(vcpu)!;
  const c0 = hostCounter(src, t0);
  const c1 = hostCounter(dst, t1);
  const elapsed = g.policy === 'advance' ? ticksIn(t1 - t0, freq) : 0n;
  const expected = add64(g0, elapsed);
  const arch = dst.arch;
  let scaledC1 = c1;
  let ideal: bigint;
  if (arch === 'arm64') {
    ideal = sub64(sub64(off0, elapsed), sub64(c0, c1));
  } else {
    const inst = before.instances.get(instanceKey(dst.name, vm));
    const v = inst?.vcpus.get(vcpu);
    scaledC1 = v ? scaleTsc(dst, v, c1) : c1;
    ideal = sub64(expected, scaledC1);
  }
  return {
    arch,
    vm,
    vcpu,
    policy: g.policy,
    stop,
    srcHost: src.name,
    dstHost: dst.name,
    t0,
    t1,
    freq,
    c0,
    c1,
    off0,
    g0,
    elapsed,
    expected,
    scaledC1,
    ideal,
    counterOffsetAvailable: arch === 'arm64' && kernelAtLeast(dst, 6, 4),
  };
}

/**
 * How far an offset puts the guest from its time line, in guest ticks: positive = ahead.
 * (arm64: the guest counter is C - offset, so a larger offset is behind; x86: C + offset.)
 */
export function driftOf(r: IdempotentRestore, actualOffset: bigint): bigint {
  return r.arch === 'arm64' ? signedDiff(r.ideal, actualOffset) : signedDiff(actualOffset, r.ideal);
}
