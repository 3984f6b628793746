// The report of a whole document ("Replay Trace", "Export Report"): findings and a per-VM summary,
// as data and as Markdown.
export { report } from './report';
export { reportMarkdown } from './reportMarkdown';
