// HVT092 out-of-order: a statement's time is earlier than the previous statement's.
import { formatDuration, formatTime } from '../../values/format';
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT092',
    name: 'out-of-order',
    defaultSeverity: 'warning',
    summary: "A statement's time is earlier than the previous statement's; it is replayed in file order.",
    messages: {
      earlierThanPrevious:
        "time {time} is {earlier} earlier than the previous statement's {previous}; replayed in file order",
    },
  },
  on: {
    outOfOrder: (e, ctx) => {
      const t = ctx.stmt!.time;
      ctx.report({
        span: t.span,
        messageId: 'earlierThanPrevious',
        data: {
          time: formatTime(t.value),
          earlier: formatDuration(e.previous.time - t.value),
          previous: formatTime(e.previous.time),
        },
        related: [{ at: e.previous.at, message: `previous statement at ${formatTime(e.previous.time)}` }],
      });
    },
  },
});
