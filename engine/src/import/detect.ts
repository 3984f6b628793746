// Whether a document is a kernel capture the editor should convert in memory (rather than a
// .hvtrace): by its name (`.ftrace`, `.trace`, `.dat.txt`, `trace_pipe` …) or by its first lines
// (the tracefs header `# tracer:`, trace-cmd's `cpus=N`, or event lines of the tools' shapes).
import { detectLayout, readLine } from './readers';

const NAME = /(?:\.ftrace|\.trace|\.dat\.txt|(?:^|[\\/])trace_pipe(?:\.txt)?|\.perf\.txt|\.trace\.txt)$/i;

export function looksLikeCapture(text: string, name?: string): boolean {
  if (name !== undefined && NAME.test(name)) return true;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 200);
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined || /^\s*@hvtrace\b/.test(first)) return false;
  if (/^# tracer:/.test(first) || /^\s*(?:\S+:\s+)?cpus=\d+\s*$/.test(first) || /^version = \d+/.test(first))
    return true;
  const layout = detectLayout(lines);
  let events = 0,
    other = 0;
  for (const [i, l] of lines.entries()) {
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    if (readLine(l, layout, 0, i).kind === 'event') events++;
    else other++;
  }
  return events >= 2 && events >= other;
}
