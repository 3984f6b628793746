// HVT094 proposed-api: a statement uses an API from the seed discussions that never merged.
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT094',
    name: 'proposed-api',
    defaultSeverity: 'info',
    summary: 'A statement uses one of the never-merged APIs from the seed discussions.',
    // The parser names the proposal and what merged instead.
    messages: { proposedApi: '{text}' },
  },
  on: {
    lineNote: (e, ctx) => {
      if (e.code === 'HVT094') ctx.report({ span: e.span, messageId: 'proposedApi', data: { text: e.message } });
    },
  },
});
