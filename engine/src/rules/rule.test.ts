// The message templates of rule metadata (ESLint-style `meta.messages` with `{name}` placeholders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessage, messageOf, type RuleMeta } from './rule';

const meta: RuleMeta = {
  code: 'HVT999',
  name: 'example',
  defaultSeverity: 'info',
  summary: 'test only',
  messages: { lags: 'guest {counter} of {vcpu} lags by {ticks} ticks' },
};

test('a template is filled from the finding data; bigints print in decimal', () => {
  assert.equal(
    messageOf(meta, {
      messageId: 'lags',
      data: { counter: 'CNTVCT', vcpu: 'vcpu0 of vm1 on dst', ticks: 18446744073709551615n },
    }),
    'guest CNTVCT of vcpu0 of vm1 on dst lags by 18446744073709551615 ticks',
  );
});

test('a placeholder without a value stays visible; an unknown id names itself', () => {
  assert.equal(formatMessage('a {b} c', {}), 'a {b} c');
  assert.equal(messageOf(meta, { messageId: 'nope' }), "HVT999: (no message 'nope')");
});
