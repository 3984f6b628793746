// Where each code's documentation page lives, relative to the package root.
export const docsPagePath = (code: string): string => `docs/diagnostics/${code}.md`;
export const DOCS_INDEX_PATH = 'docs/diagnostics/README.md';
