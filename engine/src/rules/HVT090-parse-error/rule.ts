// HVT090 parse-error: a line that cannot be parsed, or a directive out of place.
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT090',
    name: 'parse-error',
    defaultSeverity: 'error',
    summary: 'A line cannot be parsed; the range covers the bad token and the message says what was expected.',
    // The parser (`expected X, found Y`) and the replay (a directive out of place) word these.
    messages: { parseError: '{text}', misplaced: '{text}' },
  },
  on: {
    parseError: (e, ctx) => ctx.report({ span: e.span, messageId: 'parseError', data: { text: e.message } }),
    problem: (e, ctx) => {
      if (e.code === 'HVT090') ctx.report({ span: e.span, messageId: 'misplaced', data: { text: e.message } });
    },
  },
});
