// HVT002 vcpu-offset-mismatch: when a vCPU runs, the vCPUs of one VM instance have different
// counter offsets (arm64: per-vCPU writes; x86: TSCs apart by more than the tolerance).
import { signedDiff } from '../../values/u64';
import { ticksIn } from '../../values/units';
import { guestTsc, guestRate, physicalOffsetApplied } from '../../replay/clock';
import type { HostState, InstanceState, Ref, VcpuState } from '../../replay/state';
import { defineRule, type RuleContext } from '../rule';
import { ticks, instanceName } from '../describe';

interface Reading {
  v: VcpuState;
  value: bigint;
  by?: Ref;
}

/** The vCPUs reading the lowest and the highest counter at the statement's time. */
function extremes(readings: Reading[]): { low: Reading; high: Reading } | undefined {
  if (readings.length < 2) return undefined;
  let low = readings[0],
    high = readings[0];
  for (const r of readings) {
    if (signedDiff(r.value, low.value) < 0n) low = r;
    if (signedDiff(r.value, high.value) > 0n) high = r;
  }
  return low === high ? undefined : { low, high };
}

/**
 * Whether the vCPUs the check looks at all read the same counters (then `extremes` finds nothing):
 * arm64, the same virtual offset and the same physical offset among those it applies to; x86, the
 * same TSC offset and scaling (the same guest TSC at any time). A cheap test on every guest
 * statement of a million-line trace, before the full one (issue #17).
 */
function allAgree(h: HostState, inst: InstanceState): boolean {
  let first: VcpuState | undefined;
  let firstPhys: VcpuState | undefined;
  for (const v of inst.vcpus.values()) {
    if (!v.created && !v.offsetKnown) continue;
    if (!first) first = v;
    if (h.arch === 'arm64') {
      if (v.voffset !== first.voffset) return false;
      if (physicalOffsetApplied(h, v)) {
        if (!firstPhys) firstPhys = v;
        else if (v.poffset !== firstPhys.poffset) return false;
      }
    } else if (
      v.tscOffset !== first.tscOffset ||
      v.scaled !== first.scaled ||
      v.virtualKhz !== first.virtualKhz ||
      v.zeroRatio !== first.zeroRatio
    ) {
      return false;
    }
  }
  return true;
}

const newEpisodes = (): Map<string, string> => new Map();

function check(instKey: string, ctx: RuleContext): void {
  const inst = ctx.instance(instKey);
  const h = ctx.host(inst.host);
  if (allAgree(h, inst)) {
    // No findings: as below with an empty signature.
    const seen = ctx.store(newEpisodes);
    if (seen.size) seen.delete(instKey);
    return;
  }
  const vcpus = [...inst.vcpus.values()].filter((v) => v.created || v.offsetKnown);
  const seen = ctx.store(newEpisodes);
  const findings: { counter: string; low: Reading; high: Reading; hz: bigint }[] = [];
  if (h.arch === 'arm64') {
    // Offsets are subtracted: the vCPU with the larger offset reads the smaller counter.
    const virt = extremes(vcpus.map((v) => ({ v, value: -v.voffset, by: v.voffsetBy })));
    if (virt) findings.push({ counter: 'CNTVCT', ...virt, hz: h.freq });
    const phys = extremes(
      vcpus.filter((v) => physicalOffsetApplied(h, v)).map((v) => ({ v, value: -v.poffset, by: v.poffsetBy })),
    );
    if (phys) findings.push({ counter: 'CNTPCT', ...phys, hz: h.freq });
  } else {
    const t = ctx.state.time;
    const tsc = extremes(vcpus.map((v) => ({ v, value: guestTsc(h, v, t), by: v.tscOffsetBy })));
    if (tsc && signedDiff(tsc.high.value, tsc.low.value) > ticksIn(ctx.state.tolerance, guestRate(h, tsc.low.v))) {
      findings.push({ counter: 'TSC', ...tsc, hz: guestRate(h, tsc.low.v) });
    }
  }
  const signature = findings
    .map((f) => `${f.counter}:${vcpus.map((v) => `${v.id}=${v.voffset}/${v.poffset}/${v.tscOffset}`).join(',')}`)
    .join(';');
  // One report per mismatch per instance: a restore on the same host is a new instance with the
  // same key, and the same offsets restored there are a new finding (issue #15 item 11b).
  if (!signature) {
    seen.delete(instKey);
    return;
  }
  const episode = `${inst.generation}|${signature}`;
  if (seen.get(instKey) === episode) return; // the same mismatch on the same instance, already reported
  seen.set(instKey, episode);
  for (const f of findings) {
    const spread = signedDiff(f.high.value, f.low.value);
    const id = h.arch === 'arm64' ? 'offsetsDiffer' : 'tscOffsetsDisagree';
    ctx.report({
      severity: h.arch === 'arm64' ? 'error' : 'warning',
      messageId: vcpus.length > 2 ? `${id}Spread` : id,
      data: {
        instance: instanceName(instKey),
        low: f.low.v.id,
        counter: f.counter,
        ticks: ticks(spread, f.hz),
        high: f.high.v.id,
        count: vcpus.length,
      },
      related: [
        ...(f.low.by ? [{ at: f.low.by, message: `vcpu${f.low.v.id}'s offset was set here` }] : []),
        ...(f.high.by ? [{ at: f.high.by, message: `vcpu${f.high.v.id}'s offset was set here` }] : []),
      ],
    });
  }
}

export default defineRule({
  meta: {
    code: 'HVT002',
    name: 'vcpu-offset-mismatch',
    defaultSeverity: 'error',
    summary: 'When a vCPU runs, the vCPUs of one VM instance have different counter offsets.',
    messages: {
      offsetsDiffer:
        'the vCPUs of {instance} have different counter offsets: vcpu{low} reads {counter} {ticks} earlier than vcpu{high}; the guest sees time go backwards when a task moves between them',
      offsetsDifferSpread:
        'the vCPUs of {instance} have different counter offsets: vcpu{low} reads {counter} {ticks} earlier than vcpu{high} (spread across {count} vCPUs); the guest sees time go backwards when a task moves between them',
      tscOffsetsDisagree:
        'the vCPUs of {instance} have TSC offsets that disagree: vcpu{low} reads {counter} {ticks} earlier than vcpu{high}; the guest sees time go backwards when a task moves between them',
      tscOffsetsDisagreeSpread:
        'the vCPUs of {instance} have TSC offsets that disagree: vcpu{low} reads {counter} {ticks} earlier than vcpu{high} (spread across {count} vCPUs); the guest sees time go backwards when a task moves between them',
    },
  },
  on: {
    run: (e, ctx) => check(e.inst, ctx),
    guestStatement: (e, ctx) => check(e.inst, ctx),
  },
});
