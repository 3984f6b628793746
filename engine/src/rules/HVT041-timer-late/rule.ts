// HVT041 timer-late: the first delivery after a timer's deadline comes later than the late
// tolerance, after the time the vCPU spent waiting on the host run queue is taken off (timers.md
// T3); on x86 also `kvm wait_lapic_expire` with a delta above the late tolerance in cycles.
// Only traces that record deliveries can show a late one: a delivery is its own evidence.
import { isNvTimer } from '../../uapi/timers';
import { formatDuration } from '../../values/format';
import { ticksIn } from '../../values/units';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { amount, at, compareName, timerOf } from '../timerWords';

export default defineRule({
  meta: {
    code: 'HVT041',
    name: 'timer-late',
    defaultSeverity: 'warning',
    summary: "The first delivery after a timer's deadline comes later than the tolerance (run-queue waits excluded).",
    messages: {
      late: '{timer} is delivered {late} late: {deadline}{resumed}{waits} (tolerance {tolerance}{blocked})',
      lateWait:
        'kvm_wait_lapic_expire shows {timer} {late} late (delta {delta} cycles){waits} (tolerance {tolerance}{blocked})',
    },
  },
  on: {
    timerDelivery: (e, ctx) => {
      const l = e.late;
      if (!l?.exceeds || isNvTimer(e.timer) || e.cmp === undefined) return;
      const byTime = e.byTime;
      const lateNs = l.ns - l.waitNs;
      ctx.report({
        messageId: 'late',
        data: {
          timer: timerOf(e.timer, vcpuName(e.inst, e.vcpu)),
          late: amount(lateNs, e.hz, byTime),
          deadline: byTime
            ? `it expired at ${at(l.deadline)}`
            : `its ${compareName(e.timer, false)} ${e.cmp} was reached at ${at(l.deadline)}`,
          resumed: l.resumed ? `, and the vCPU only ran again at ${at(l.from)}` : '',
          waits:
            l.waitNs > 0n
              ? `, not counting ${formatDuration(l.waitNs)} the vCPU waited on the host run queue (${formatDuration(l.ns)} in all)`
              : '',
          tolerance: formatDuration(l.tolNs),
          blocked: l.blocked ? ', the vCPU was blocked in WFx/HLT' : '',
        },
        related: e.armedAt ? [{ at: e.armedAt, message: 'the timer was armed here' }] : [],
      });
    },
    lapicExpireWait: (e, ctx) => {
      if (!e.late || e.judgedByDelivery?.late) return;
      ctx.report({
        messageId: 'lateWait',
        data: {
          timer: timerOf('lapic', vcpuName(e.inst, e.vcpu)),
          late: ticks(e.delta - e.waitCycles, e.hz),
          delta: e.delta,
          waits:
            e.waitNs > 0n
              ? `, not counting ${formatDuration(e.waitNs)} (${e.waitCycles} cycles) the vCPU waited on the host run queue`
              : '',
          tolerance: ticks(ticksIn(e.lateTolNs, e.hz), e.hz),
          blocked: e.blocked ? ', the vCPU was halted' : '',
        },
        related: e.armedAt ? [{ at: e.armedAt, message: 'the deadline was armed here' }] : [],
      });
    },
  },
});
