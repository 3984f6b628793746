// Public surface of the hvtimer engine (parser, replay, diagnostics). No vscode / LSP imports here.
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export interface RelatedInformation { range: Range; message: string }
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedInformation[];
}

// Placeholder until the parser lands: every non-empty, non-comment line must start with a time.
export function checkText(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, line) => {
    const body = raw.replace(/#.*$/, '').trim();
    if (!body || body.startsWith('@')) return;
    const first = body.split(/\s+/)[0];
    if (!/^\d+(\.\d{1,9})?$/.test(first)) {
      const start = raw.indexOf(first);
      out.push({ code: 'HVT090', severity: 'error', message: `expected a time in seconds like 12.000000500, found \`${first}\``,
        range: { start: { line, character: start }, end: { line, character: start + first.length } }, related: [] });
    }
  });
  return out;
}
