// hvtimer command-line tool (see ../shared/spec/cli.md). Placeholder: `check FILE...`.
import { readFileSync } from 'node:fs';
import { checkText } from '../../engine/src/index';

const [command, ...files] = process.argv.slice(2);
if (command !== 'check' || files.length === 0) {
  process.stderr.write('usage: hvtimer check FILE...\n');
  process.exit(2);
}
let errors = 0;
for (const file of files) {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    process.stderr.write(`hvtimer: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    process.exit(2);
  }
  for (const d of checkText(text)) {
    if (d.severity === 'error') errors++;
    process.stdout.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}\n`);
  }
}
process.exit(errors ? 1 : 0);
