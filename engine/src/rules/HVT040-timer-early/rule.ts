// HVT040 timer-early: a timer interrupt reaches the guest while its counter is still below the
// compare value by more than the early tolerance (docs/timers.md#t3-diagnostics). KVM never asserts the line before
// `CVAL <= P − O` with the offset it uses (docs/reference/kvm-timers.md#14-which-timers-the-hardware-runs-and-which-kvm-emulates-get_timer_map-at), so an early delivery means KVM's
// offset differs from the model's — or, on x86, the host timer or the preemption timer fired early.
import { isNvTimer } from '../../uapi/timers';
import { formatDuration } from '../../values/format';
import { defineRule } from '../rule';
import { ticks, vcpuName } from '../describe';
import { at, compareName, timerOf } from '../timerWords';

export default defineRule({
  meta: {
    code: 'HVT040',
    name: 'timer-early',
    defaultSeverity: 'error',
    summary:
      'A timer interrupt is delivered while the guest counter is still below the compare value by more than the tolerance.',
    messages: {
      early:
        "{timer} is delivered {early} early: the guest counter is {counter} but {cmpName} is {cmp} (tolerance {tolerance}); KVM fires only once the counter has reached it, so the offset KVM used differs from the model's",
      earlyTsc:
        '{timer} is delivered {early} early: the guest TSC is {counter} but its deadline is {cmp} (tolerance {tolerance}); {cause}',
      earlyTime: '{timer} is delivered {early} before its expiry at {target} (tolerance {tolerance})',
      earlyWait:
        'kvm_wait_lapic_expire shows {timer} {early} early (delta {delta} cycles{context}): the guest is entered with the timer interrupt before its TSC reaches the deadline (tolerance {tolerance})',
    },
  },
  on: {
    timerDelivery: (e, ctx) => {
      if (!e.early?.exceeds || isNvTimer(e.timer) || e.cmp === undefined) return;
      const timer = timerOf(e.timer, vcpuName(e.inst, e.vcpu));
      const v = ctx.instance(e.inst).vcpus.get(e.vcpu);
      const offsetBy = e.timer === 'vtimer' ? v?.voffsetBy : e.timer === 'ptimer' ? v?.poffsetBy : v?.tscOffsetBy;
      const related = [
        ...(e.armedAt ? [{ at: e.armedAt, message: 'the timer was armed here' }] : []),
        ...(offsetBy && offsetBy.line !== e.armedAt?.line
          ? [{ at: offsetBy, message: 'the offset the model compares it with was set here' }]
          : []),
      ];
      if (e.byTime) {
        ctx.report({
          messageId: 'earlyTime',
          data: {
            timer,
            early: formatDuration(e.early.ns),
            target: at(e.cmp),
            tolerance: formatDuration(e.early.tolNs),
          },
          related,
        });
        return;
      }
      ctx.report({
        messageId: e.timer === 'lapic' ? 'earlyTsc' : 'early',
        data: {
          timer,
          early: ticks(e.early.ticks, e.hz),
          counter: e.counter ?? 0n,
          cmpName: compareName(e.timer, false),
          cmp: e.cmp,
          tolerance: ticks(e.early.tolTicks, e.hz),
          cause:
            e.afterExit === 'PREEMPTION_TIMER'
              ? 'it follows a PREEMPTION_TIMER exit: the VMX preemption timer expired early (a spurious exit, as on the SKX/CLX/ICX erratum)'
              : 'the host timer fired early, or the TSC offset changed after the deadline was armed',
        },
        related,
      });
    },
    lapicExpireWait: (e, ctx) => {
      if (!e.early || e.judgedByDelivery?.early) return;
      ctx.report({
        messageId: 'earlyWait',
        data: {
          timer: timerOf('lapic', vcpuName(e.inst, e.vcpu)),
          early: ticks(-e.delta, e.hz),
          delta: e.delta,
          context: e.earlyContext === 'PREEMPTION_TIMER' ? ', after a PREEMPTION_TIMER exit' : '',
          tolerance: ticks(e.earlyTolCycles, e.hz),
        },
        related: e.armedAt ? [{ at: e.armedAt, message: 'the deadline was armed here' }] : [],
      });
    },
  },
});
