// HVT015 frequency-mismatch: the guest resumes on a counter that runs at a different rate than the
// one it knows (arm64 has no scaling; x86 beyond 250 ppm without KVM_SET_TSC_KHZ scaling).
import { abs } from '../../values/u64';
import { formatFrequency } from '../../values/format';
import { defineRule } from '../rule';
import { instanceName } from '../describe';

/** `10x`, `1.000300x` */
function ratio(after: bigint, before: bigint): string {
  const scaled = (after * 1_000_000n) / before;
  const int = scaled / 1_000_000n;
  const frac = (scaled % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${int}${frac ? `.${frac}` : ''}x`;
}

export default defineRule({
  meta: {
    code: 'HVT015',
    name: 'frequency-mismatch',
    defaultSeverity: 'error',
    summary: 'The guest moves to a host whose counter frequency differs from the one the guest knows.',
    messages: {
      arm64CannotScale:
        'the guest knows a {known} counter but resumes on {instance} where it runs at {rate} (arm64 KVM cannot scale the counter): guest time now runs at {ratio} the real rate',
      tscKhzNotRestored:
        "the guest knows a {known} counter but resumes on {instance} where it runs at {rate} (no KVM_SET_TSC_KHZ restored the guest's frequency): guest time now runs at {ratio} the real rate",
      hostCannotScaleTsc:
        'the guest knows a {known} counter but resumes on {instance} where it runs at {rate} (host {host} cannot scale the TSC (tsc_scaling=0)): guest time now runs at {ratio} the real rate',
    },
  },
  on: {
    resumePoint: (e, ctx) => {
      const h = ctx.host(ctx.instance(e.inst).host);
      const mismatch =
        h.arch === 'arm64'
          ? e.rateAfter !== e.freqBefore
          : abs(e.rateAfter - e.freqBefore) * 1_000_000n > e.freqBefore * 250n;
      if (!mismatch) return;
      const seen = ctx.store(() => new Set<string>());
      const key = `${e.inst}|${e.stop.at.line}`;
      if (seen.has(key)) return; // one finding per resumed instance
      seen.add(key);
      ctx.report({
        messageId: h.arch === 'arm64' ? 'arm64CannotScale' : h.tscScaling ? 'tscKhzNotRestored' : 'hostCannotScaleTsc',
        data: {
          known: formatFrequency(e.freqBefore),
          instance: instanceName(e.inst),
          rate: formatFrequency(e.rateAfter),
          host: h.name,
          ratio: ratio(e.rateAfter, e.freqBefore),
        },
        related: [{ at: e.stop.at, message: `the guest stopped here on a ${formatFrequency(e.freqBefore)} counter` }],
      });
    },
  },
});
