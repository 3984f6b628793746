import { readFileSync } from 'node:fs';
import { Analysis } from './engine/src/analysis';
import { hoverAt } from './engine/src/editor/index';
const [file, ...lines] = process.argv.slice(2);
const a = new Analysis(readFileSync(file, 'utf8'));
for (const l of lines) { console.log(`---- line ${l}`); console.log(hoverAt(a, Number(l) - 1, 2)?.markdown); }
