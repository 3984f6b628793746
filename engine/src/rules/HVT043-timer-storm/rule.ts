// HVT043 timer-storm (docs/timers.md#t3-diagnostics): 2000 or more delivery edges of one vCPU's timer within 1 s of
// reference time while its compare value stays the same and already passed — the guest neither
// re-arms nor masks it, and KVM keeps re-raising the line (a clobbered CNTVOFF puts every CVAL in
// the past: docs/reference/kvm-timers.md#44-arm64-domain-shift-by-cntvoff-clobber-giving-an-immediate-fire-and-a-storm-25-mhz-nv). A periodic LAPIC timer moves its target each period and is not one.
import { isNvTimer } from '../../uapi/timers';
import { formatDuration } from '../../values/format';
import { NS_PER_S } from '../../values/units';
import { sub64 } from '../../values/u64';
import { STORM_EDGES } from '../../replay/timers/tolerance';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { compareName, timerOf } from '../timerWords';

const STORM_WINDOW_NS = NS_PER_S;

/** Per (instance, vCPU, timer): the times of the current run of deliveries with an unchanged, passed compare value. */
type Runs = Map<string, { times: bigint[]; reported: boolean }>;

export default defineRule({
  meta: {
    code: 'HVT043',
    name: 'timer-storm',
    defaultSeverity: 'warning',
    summary:
      '2000 or more deliveries of one timer within 1 s while its compare value stays unchanged and already passed.',
    messages: {
      storm:
        '{timer} has fired {count} times within {window} with {cmpName} {cmp} unchanged and already {passed} in the past: an interrupt storm (the guest neither re-arms nor masks the timer, and KVM keeps re-raising the line)',
    },
  },
  on: {
    timerArmed: (e, ctx) => {
      ctx.store<Runs>(() => new Map()).delete(`${e.inst}|${e.vcpu}|${e.timer}`);
    },
    timerDelivery: (e, ctx) => {
      if (isNvTimer(e.timer) || e.cmp === undefined || e.byTime) return;
      const runs = ctx.store<Runs>(() => new Map());
      const key = `${e.inst}|${e.vcpu}|${e.timer}`;
      if (e.early) {
        runs.delete(key);
        return;
      }
      let run = runs.get(key);
      if (!e.refire || !run) {
        run = { times: [], reported: false };
        runs.set(key, run);
      }
      run.times.push(e.time);
      let drop = 0;
      while (run.times[drop] < e.time - STORM_WINDOW_NS) drop++;
      if (drop > 0) run.times.splice(0, drop);
      if (run.reported || run.times.length < (ctx.state.timers.tolerances.storm ?? STORM_EDGES)) return;
      run.reported = true;
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu);
      const offsetBy = e.timer === 'vtimer' ? v?.voffsetBy : v?.poffsetBy;
      ctx.report({
        messageId: 'storm',
        data: {
          timer: timerOf(e.timer, vcpuName(e.inst, e.vcpu)),
          count: run.times.length,
          window: formatDuration(e.time - run.times[0]),
          cmpName: compareName(e.timer, false),
          cmp: e.cmp,
          passed: ticks(sub64(e.counter ?? e.cmp, e.cmp), e.hz),
        },
        related: [
          ...(e.armedAt ? [{ at: e.armedAt, message: 'the timer was armed here' }] : []),
          ...(offsetBy ? [{ at: offsetBy, message: 'the offset KVM compares it with was set here' }] : []),
        ],
      });
    },
  },
});
