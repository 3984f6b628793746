// HVT001 backward-time: a guest-visible counter goes backwards — at a resume point, through a host
// write on a running guest, or between two guest reads (same vCPU, or another vCPU of the VM).
import { signedDiff } from '../../values/u64';
import { formatDuration } from '../../values/format';
import type { Quantity } from '../../replay/events';
import type { Ref } from '../../replay/state';
import { defineRule, type RuleContext } from '../rule';
import { ticks, vcpuName } from '../describe';
import { parseInstanceKey } from '../../../../protocol/instanceKey';

/** Counters a guest can read whose going back is a finding. */
type Family = 'counter' | 'CNTPCT' | 'kvmclock';
const FAMILY: Partial<Record<Quantity, Family>> = {
  CNTVCT: 'counter',
  TSC: 'counter',
  CNTPCT: 'CNTPCT',
  kvmclock: 'kvmclock',
};
const READ_NAME: Record<string, string> = {
  CNTVCT: 'CNTVCT_EL0',
  TSC: 'the TSC',
  CNTPCT: 'CNTPCT_EL0',
  kvmclock: 'kvmclock',
};

interface Seen {
  value: bigint;
  vcpu: number;
  at: Ref;
}
interface State {
  /** Highest read per `vm|family|vcpu` and per `vm|family` (any vCPU). */
  max: Map<string, Seen>;
  /** Cross-vCPU findings already made, by `vm|family|vcpu|offsets`. */
  crossReported: Set<string>;
  lastStep?: string;
}

const vmOf = (inst: string): string => parseInstanceKey(inst).vm;

/**
 * The `max` keys of a read (`vm|family|vcpu` and `vm|family`), made once per instance, family and
 * vCPU: this runs on every guest read of a million-line trace (issue #17). A pure memo, not state.
 */
interface ReadKeys {
  vm: string;
  any: string;
  own: string[];
}
const KEYS = new Map<string, Partial<Record<Family, ReadKeys>>>();
function keysOf(inst: string, family: Family): ReadKeys {
  let byFamily = KEYS.get(inst);
  if (!byFamily) {
    if (KEYS.size >= 10_000) KEYS.clear(); // bounded, whatever the number of instances
    byFamily = {};
    KEYS.set(inst, byFamily);
  }
  let k = byFamily[family];
  if (!k) {
    const vm = vmOf(inst);
    k = { vm, any: `${vm}|${family}`, own: [] };
    byFamily[family] = k;
  }
  return k;
}
const ownKey = (k: ReadKeys, vcpu: number): string => (k.own[vcpu] ??= `${k.any}|${vcpu}`);

const newState = (): State => ({ max: new Map(), crossReported: new Set() });
const store = (ctx: RuleContext): State => ctx.store<State>(newState);

/** After a reported step back, later low reads are its consequence, not new episodes. */
function forget(s: State, vm: string, family: Family): void {
  for (const k of [...s.max.keys()]) if (k.startsWith(`${vm}|${family}|`) || k === `${vm}|${family}`) s.max.delete(k);
}

function magnitude(n: bigint, hz: bigint | undefined): string {
  return hz === undefined ? formatDuration(n < 0n ? -n : n) : ticks(n, hz);
}

export default defineRule({
  meta: {
    code: 'HVT001',
    name: 'backward-time',
    defaultSeverity: 'error',
    summary: 'A guest-visible counter (CNTVCT, CNTPCT, TSC, kvmclock) goes backwards.',
    messages: {
      resumeStepsBack:
        'guest {counter} of {vcpu} steps back by {ticks} at this resume point: it was {before} when the guest stopped and is {after} now',
      hostWriteStepsBack:
        "this host write steps the running guest's {counter} back by {size} on {vcpu} (from {before} to {after})",
      readGoesBack:
        'the guest reads {register} = {value} on {vcpu}, {size} lower than its earlier read {earlier}: time went backwards',
      readGoesBackAcrossVcpus:
        'the guest reads {register} = {value} on vcpu{vcpu}, {size} lower than vcpu{otherVcpu} read earlier ({earlier}): the counter is system-wide, so time went backwards across vCPUs',
    },
  },
  on: {
    resumePoint: (e, ctx) => {
      const back = signedDiff(e.gAfter, e.gBefore);
      if (back >= 0n) return;
      forget(store(ctx), vmOf(e.inst), 'counter');
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu)!;
      const cause = e.counterName === 'CNTVCT' ? v.voffsetBy : v.tscOffsetBy;
      ctx.report({
        messageId: 'resumeStepsBack',
        data: {
          counter: e.counterName,
          vcpu: vcpuName(e.inst, e.vcpu),
          ticks: ticks(back, e.freqBefore),
          before: e.gBefore,
          after: e.gAfter,
        },
        related: [
          { at: e.stop.at, message: `the guest stopped here (${e.stop.kind}) with ${e.counterName} = ${e.gBefore}` },
          ...(cause ? [{ at: cause, message: 'the offset in force at the resume point was set here' }] : []),
        ],
      });
    },
    guestStep: (e, ctx) => {
      const back = signedDiff(e.after, e.before);
      if (back >= 0n) return;
      const s = store(ctx);
      forget(
        s,
        vmOf(e.inst),
        e.counter === 'CNTVCT' || e.counter === 'TSC' ? 'counter' : e.counter === 'CNTPCT' ? 'CNTPCT' : 'kvmclock',
      );
      const key = `${ctx.line}|${e.counter}`;
      if (s.lastStep === key) return; // one write, one episode, however many vCPUs it moved
      s.lastStep = key;
      ctx.report({
        messageId: 'hostWriteStepsBack',
        data: {
          counter: e.counter,
          size: magnitude(back, e.hz),
          vcpu: vcpuName(e.inst, e.vcpu),
          before: e.before,
          after: e.after,
        },
      });
    },
    observation: (e, ctx) => {
      const family = FAMILY[e.quantity];
      if (e.source !== 'guest' || !family || e.inst === undefined || e.vcpu === undefined) return;
      const s = store(ctx);
      const keys = keysOf(e.inst, family);
      const { vm, any } = keys;
      const own = ownKey(keys, e.vcpu);
      const mine = s.max.get(own);
      const all = s.max.get(any);
      const name = READ_NAME[e.quantity];
      let reported = false;
      // Each difference is computed once (bigint arithmetic is most of this handler's cost, issue #17).
      const fromMine = mine ? signedDiff(e.observed, mine.value) : 0n;
      const fromAll = !all ? 0n : all === mine ? fromMine : signedDiff(e.observed, all.value);
      if (mine && fromMine < 0n) {
        reported = true;
        ctx.report({
          span: e.span,
          messageId: 'readGoesBack',
          data: {
            register: name,
            value: e.observed,
            vcpu: vcpuName(e.inst, e.vcpu),
            size: magnitude(fromMine, e.hz),
            earlier: mine.value,
          },
          related: [{ at: mine.at, message: `earlier read ${mine.value} on the same vCPU` }],
        });
        forget(s, vm, family);
      } else if (all && all.vcpu !== e.vcpu && fromAll < 0n) {
        reported = true;
        const inst = ctx.instance(e.inst);
        const offsets = [...inst.vcpus.values()]
          .map((v) => `${v.id}:${v.voffset}:${v.poffset}:${v.tscOffset}`)
          .join(',');
        const key = `${any}|${e.vcpu}|${all.vcpu}|${offsets}`;
        if (!s.crossReported.has(key)) {
          s.crossReported.add(key);
          ctx.report({
            span: e.span,
            messageId: 'readGoesBackAcrossVcpus',
            data: {
              register: name,
              value: e.observed,
              vcpu: e.vcpu,
              size: magnitude(fromAll, e.hz),
              otherVcpu: all.vcpu,
              earlier: all.value,
            },
            related: [{ at: all.at, message: `earlier read ${all.value} on vcpu${all.vcpu}` }],
          });
        }
        forget(s, vm, family);
      }
      // Only a report forgets reads: otherwise the maxima are those read above.
      const mineNow = reported ? s.max.get(own) : mine;
      const allNow = reported ? s.max.get(any) : all;
      const raiseMine = !mineNow || (mineNow === mine ? fromMine : signedDiff(e.observed, mineNow.value)) > 0n;
      const raiseAll = !allNow || (allNow === all ? fromAll : signedDiff(e.observed, allNow.value)) > 0n;
      if (!raiseMine && !raiseAll) return;
      const seen: Seen = { value: e.observed, vcpu: e.vcpu, at: ctx.ref };
      if (raiseMine) s.max.set(own, seen);
      if (raiseAll) s.max.set(any, seen);
    },
  },
});
