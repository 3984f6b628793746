// HVT091 unknown-name: a name the tool does not know (info), or an undeclared host (error).
import { defineRule } from '../rule';

export default defineRule({
  meta: {
    code: 'HVT091',
    name: 'unknown-name',
    defaultSeverity: 'info',
    summary: 'A name the tool does not know (ioctl, register, argument), or an undeclared host.',
    messages: {
      // The parser and the replay word the names they do not know.
      unknownName: '{text}',
      undeclaredHost:
        'host `{name}` is not declared: add `@host {name} arch=… freq=…` before its first use; this statement is not replayed',
    },
  },
  on: {
    lineNote: (e, ctx) => {
      if (e.code === 'HVT091') ctx.report({ span: e.span, messageId: 'unknownName', data: { text: e.message } });
    },
    problem: (e, ctx) => {
      if (e.code === 'HVT091')
        ctx.report({ span: e.span, messageId: 'unknownName', data: { text: e.message }, severity: e.severity });
    },
    unknownHost: (e, ctx) =>
      ctx.report({ span: e.span, severity: 'error', messageId: 'undeclaredHost', data: { name: e.name } }),
  },
});
