// Whether a vCPU is being restored: its guest stopped on another instance (or this one) and it has
// not reached its resume point yet, or its instance came from a migration/restore and it never ran.
import type { RuleContext } from './rule';

export function inRestore(ctx: RuleContext, instKey: string, vcpu: number): boolean {
  const inst = ctx.instance(instKey);
  const v = inst.vcpus.get(vcpu);
  if (!v || v.running) return false;
  const stop = ctx.guest(inst.vm).stop;
  if (stop && !stop.resumed.has(vcpu)) return true;
  return inst.origin !== 'fresh' && !v.everRan;
}
