import { readFileSync } from 'node:fs';
import { Analysis } from './engine/src/analysis';
import { inlayHints } from './engine/src/editor/index';
const a = new Analysis(readFileSync(process.argv[2], 'utf8'));
for (const h of inlayHints(a, 0, a.doc.lineCount - 1)) if (h.kind === 'timer') console.log(h.line + 1, h.label, '|', h.tooltip);
