// HVT095 assumed-value: an `@host` says (with `assumed=`) that its frequency or counter was not in
// the capture it was imported from, so every number computed from it is an assumption. A new
// trace-hygiene code rather than HVT091 (a name the tool does not know) or HVT093 (the trace
// contradicts the model): users can silence exactly this one in CI (`--severity HVT095=off`).
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT095',
    name: 'assumed-value',
    defaultSeverity: 'info',
    summary: "A host's frequency or counter was not in the imported capture and is assumed (`@host … assumed=`).",
    messages: { assumed: '{text}' },
  },
  on: {
    lineNote: (e, ctx) => {
      if (e.code === 'HVT095') ctx.report({ span: e.span, messageId: 'assumed', data: { text: e.message } });
    },
  },
});
