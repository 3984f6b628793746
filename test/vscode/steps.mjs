// Runs a UI scenario as named steps with pass/fail counts. Steps build on each other, so after a
// failure the rest are reported as failed (not run) rather than each waiting out its timeout.
import { screenshot } from './browser.mjs';

/**
 * steps: [{ name, run: async () => void }]; `page` (or a function returning it) is screenshot on a
 * failure. Returns { passed, failed, results: [{ name, ok, error, ms }] }.
 */
export async function runSteps(prefix, steps, { page, log = console.log } = {}) {
  const results = [];
  let broken;
  for (const step of steps) {
    if (broken) {
      results.push({ name: step.name, ok: false, error: `not run: "${broken}" failed` });
      log(`  FAIL ${step.name} (not run: "${broken}" failed)`);
      continue;
    }
    const started = Date.now();
    try {
      await step.run();
      results.push({ name: step.name, ok: true, ms: Date.now() - started });
      log(`  ok   ${step.name} (${Date.now() - started} ms)`);
    } catch (err) {
      broken = step.name;
      const message = stripAnsi(String(err?.message ?? err)); // playwright colours its call logs
      const current = typeof page === 'function' ? page() : page;
      const shot = current ? await screenshot(current, `${prefix}-${step.name}`) : undefined;
      results.push({ name: step.name, ok: false, error: message, ms: Date.now() - started });
      log(
        `  FAIL ${step.name} (${Date.now() - started} ms)\n       ${message.split('\n').join('\n       ')}${shot ? `\n       screenshot: ${shot}` : ''}`,
      );
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

const ESC = String.fromCharCode(27);
const stripAnsi = (text) =>
  text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');
