// Writes the benchmark's arm64 trace (generate.ts `traceLines`) to a file, a line at a time, so a
// trace of any length can be made (10M lines are more text than one string holds):
//   node --import tsx bench/writeTrace.ts LINES FILE [--wrong-read LINE]
// `--wrong-read LINE` makes the guest read at or after LINE (1-based) read 1, far below the model's
// counter: a finding (HVT001 and HVT093) in an otherwise clean trace. Prints the line it changed
// and the column of the value (both 1-based).
import { closeSync, openSync, writeSync } from 'node:fs';
import { traceLines } from './generate';

export function writeTrace(
  lines: number,
  file: string,
  wrongRead?: number,
): { line: number; column: number } | undefined {
  const fd = openSync(file, 'w');
  let batch: string[] = [];
  let changed: { line: number; column: number } | undefined;
  let n = 0;
  try {
    for (let line of traceLines(lines)) {
      n++;
      if (
        wrongRead !== undefined &&
        changed === undefined &&
        n >= wrongRead &&
        / guest read CNTVCT_EL0 = \d+$/.test(line)
      ) {
        line = line.replace(/= \d+$/, '= 1');
        changed = { line: n, column: line.length };
      }
      batch.push(line);
      if (batch.length === 50_000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length) writeSync(fd, `${batch.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return changed;
}

// Run as a script (not when bundled into scale.bench.ts, whose main module this then is).
if (require.main === module && /writeTrace\.ts$/.test(process.argv[1] ?? '')) {
  const [lines, file, flag, at] = process.argv.slice(2);
  const changed = writeTrace(Number(lines), file, flag === '--wrong-read' ? Number(at) : undefined);
  if (changed !== undefined) console.log(`${changed.line} ${changed.column}`);
}
