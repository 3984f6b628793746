// Preloaded into the processes bench/scale.bench.ts measures (`node --require bench/rss.cjs ...`):
// prints the process's peak resident set size (KiB) on stderr as it exits.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload has no import
const { writeSync } = require('node:fs');
process.on('exit', () => {
  writeSync(2, `\nhvtimer-bench-maxrss ${process.resourceUsage().maxRSS}\n`);
});
