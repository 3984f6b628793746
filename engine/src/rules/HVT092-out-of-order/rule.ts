// HVT092 out-of-order: a statement's time is earlier than the previous statement's.
import { formatDuration, formatTime } from '../../values/format';
import { defineRule } from '../rule';

export default defineRule({
  meta: { code: 'HVT092', name: 'out-of-order', defaultSeverity: 'warning', summary: 'A statement\'s time is earlier than the previous statement\'s; it is replayed in file order.' },
  on: {
    outOfOrder: (e, ctx) => {
      const t = ctx.stmt!.time;
      ctx.report({
        span: t.span,
        message: `time ${formatTime(t.value)} is ${formatDuration(e.previous.time - t.value)} earlier than the previous statement's ${formatTime(e.previous.time)}; replayed in file order`,
        related: [{ at: e.previous.at, message: `previous statement at ${formatTime(e.previous.time)}` }],
      });
    },
  },
});
