// node --test reporter that counts leaf tests and writes `{passed, failed, skipped}` as JSON to
// the file named by HVTIMER_TEST_SUMMARY (the test orchestrator prints it per layer).
import { writeFileSync } from 'node:fs';

export default async function* summaryReporter(source) {
  let passed = 0,
    failed = 0,
    skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  if (process.env.HVTIMER_TEST_SUMMARY)
    writeFileSync(process.env.HVTIMER_TEST_SUMMARY, JSON.stringify({ passed, failed, skipped }));
  yield '';
}
