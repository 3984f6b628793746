// SARIF 2.1.0 output for code-scanning tools: one run, the rules with their help URIs.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, docsPagePath } from '../../engine/src/index';
import type { FileResult } from './check';

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** The package root: dist/cli.js lives one level below it. */
const packageRoot = (): string => path.resolve(__dirname, '..');

export function toSarif(results: FileResult[]): object {
  const rules = RULES.map((r) => ({
    id: r.meta.code,
    name: r.meta.name,
    shortDescription: { text: r.meta.summary },
    helpUri: pathToFileURL(path.join(packageRoot(), docsPagePath(r.meta.code))).href,
    defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'hvtimer', informationUri: pathToFileURL(path.join(packageRoot(), 'README.md')).href, rules },
        },
        results: results.flatMap(({ file, diagnostics }) =>
          diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: index.get(d.code),
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.split(path.sep).join('/') },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
            relatedLocations: d.related.map((r, id) => ({
              id,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation: { uri: file.split(path.sep).join('/') },
                region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 },
              },
            })),
          })),
        ),
      },
    ],
  };
}
