// ESLint flat config: typescript-eslint recommended rules for every TypeScript folder, and the
// architectural boundary that keeps the engine free of editor dependencies.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-vsix/**',
      '.cache/**',
      '.vscode-test/**',
      'test-results/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['webview/**/*.ts', 'test/webview/harness/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Browser-driving tests: their page.evaluate callbacks run in the page.
    files: ['test/webview/**/*.mjs', 'test/vscode/**/*.mjs', 'scripts/test-layers/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The engine is shared by the server, the CLI and the tests: it must not know about editors.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'vscode-*', '**/server/**', '**/client/**', '**/cli/**', '**/webview/**'],
              message: 'The engine must not depend on VS Code, LSP, or the adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // The client talks to the engine only through the language server.
    files: ['client/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**'],
              message: 'The client knows nothing of the engine; use the LSP requests in protocol/.',
            },
          ],
        },
      ],
    },
  },
);
