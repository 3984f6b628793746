// Engine benchmarks: full check, an edit near the end, a state query, and memory, on large traces.
// Targets are in bench/targets.json; the run fails when one is missed. `npm run bench`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from '../engine/src/analysis';
import { generateTrace } from './generate';

interface Targets { [name: string]: { max: number; unit: string } }
const targets: Targets = JSON.parse(readFileSync(path.join(__dirname, 'targets.json'), 'utf8'));

function time<T>(f: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = f();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Median of `runs` timings (the first run warms the JIT and is discarded). */
function median(runs: number, f: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i <= runs; i++) ms.push(time(f).ms);
  return ms.slice(1).sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const results: { name: string; value: number; unit: string }[] = [];
const record = (name: string, value: number, unit: string): void => { results.push({ name, value, unit }); };

for (const lines of [100_000, 1_000_000]) {
  const text = generateTrace(lines);
  const label = `${lines / 1000}k`;
  const full = median(lines > 100_000 ? 1 : 3, () => {
    const d = new Analysis(text).diagnostics();
    if (d.length !== 0) throw new Error(`the generated trace should be clean, got ${d[0].code}: ${d[0].message}`);
  });
  record(`check ${label} lines`, full, 'ms');
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const a = new Analysis(text);
  a.diagnostics();
  global.gc?.();
  record(`heap of an analysed ${label}-line document`, (process.memoryUsage().heapUsed - before) / 2 ** 20, 'MiB');
  const last = a.doc.lineCount - 2;
  const original = a.doc.text(last);
  let flip = false;
  record(`edit near the end of ${label} lines + diagnostics`, median(9, () => {
    flip = !flip;
    a.edit({ start: { line: last, character: 0 }, end: { line: last, character: a.doc.text(last).length }, text: flip ? `# ${original}` : original });
    a.diagnostics();
  }), 'ms');
  record(`state after a line in the middle of ${label} lines`, median(9, () => a.stateAfter(Math.floor(lines / 2) + 777)), 'ms');
}

let failed = 0;
for (const r of results) {
  const target = targets[r.name];
  const verdict = target ? (r.value <= target.max ? 'ok  ' : 'MISS') : '    ';
  if (target && r.value > target.max) failed++;
  console.log(`${verdict} ${r.name.padEnd(52)} ${r.value.toFixed(1).padStart(9)} ${r.unit}${target ? `  (target ≤ ${target.max} ${target.unit})` : ''}`);
}
process.exitCode = failed ? 1 : 0;
