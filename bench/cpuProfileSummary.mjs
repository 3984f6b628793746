// Sums a V8 CPU profile (`node --cpu-prof`) for issue #17's per-line work: the self time of the
// top functions (name and bundle line) and the inclusive time of the check's phases (parse,
// replay, rules), each as a share of the whole run. Shares hold up on a busy machine where
// absolute times do not.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/cli.js check FILE --format json > /dev/null
//   node bench/cpuProfileSummary.mjs /tmp/prof [top]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, topArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/cpuProfileSummary.mjs DIR_OF_CPUPROFILE [top]');
  process.exit(2);
}
const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort()
  .at(-1);
if (!file) {
  console.error(`no .cpuprofile in ${dir}`);
  process.exit(2);
}
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

/** Sampled ms per node id. */
const selfMs = new Map();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
const pct = (ms) => `${((100 * ms) / total).toFixed(1).padStart(5)}%`;

const self = new Map();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (selfMs.get(n.id) ?? 0));
}
console.log(`total ${total.toFixed(0)} ms sampled`);
console.log('self time:');
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  console.log(`${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${key}`);

// The phases of engine/src/streamCheck.ts: a sample counts for each phase on its stack.
const PHASES = {
  'parse (parseLine)': 'parseLine',
  'replay + rules (RuleRunner.replayLine)': 'replayLine',
  'rules only (RuleRunner dispatch)': 'dispatch',
  'the whole streamed check (ByteLines.push)': 'push',
};
const phaseMs = Object.fromEntries(Object.keys(PHASES).map((k) => [k, 0]));
for (const [id, ms] of selfMs) {
  const names = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) names.add(byId.get(at).callFrame.functionName);
  for (const [label, fn] of Object.entries(PHASES)) if (names.has(fn)) phaseMs[label] += ms;
}
const gc = [...self].filter(([k]) => k.startsWith('(garbage collector)')).reduce((a, [, ms]) => a + ms, 0);
console.log('phases (inclusive):');
for (const [label, ms] of Object.entries(phaseMs)) console.log(`${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${label}`);
console.log(`${gc.toFixed(0).padStart(7)} ms ${pct(gc)}  garbage collection`);
