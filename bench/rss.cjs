// Preloaded into the processes bench/scale.bench.ts measures (`node --require bench/rss.cjs ...`):
// prints the process's peak resident set size (KiB) on stderr as it exits.
process.on('exit', () => { require('fs').writeSync(2, `\nhvtimer-bench-maxrss ${process.resourceUsage().maxRSS}\n`); });
