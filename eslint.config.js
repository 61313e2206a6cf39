// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'stream',
  'buffer',
  'url',
  'util',
  'events',
  'zlib',
  'worker_threads',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.tsbuild/**', '**/dist/**', 'data/**', '**/drizzle/meta/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'error',
    },
  },
  {
    // The protocol/matcher leaf runs in the agent, the collector and the browser.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: '@vigil/shared is a leaf: no Node built-ins.' },
            { group: ['@vigil/agent', '@vigil/collector', '@vigil/console'], message: '@vigil/shared imports no other workspace package.' },
          ],
        },
      ],
    },
  },
  {
    files: ['agent/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'agent core talks to ports; Electron belongs in platform/electron.' },
            { group: ['../platform/*', '../../platform/*'], message: 'core depends on ports, not adapters.' },
          ],
        },
      ],
    },
  },
  {
    files: ['collector/console/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'the console runs in the browser.' },
            { group: ['@vigil/collector', '@vigil/agent'], message: 'the console imports only @vigil/shared.' },
          ],
        },
      ],
    },
  },
  {
    // The browser agent runs in Chromium: a service worker, content scripts and extension pages.
    files: ['agent/extension/src/**/*.ts'],
    ignores: ['agent/extension/src/**/*.test.ts', 'agent/extension/src/**/*-test-kit.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.serviceworker, chrome: 'readonly' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'the browser agent runs in Chromium: no Node built-ins.' },
            {
              regex: '^@vigil/(collector|console)|^@vigil/agent(?!/(outbox-sender|outbox-types|live-service)$)',
              message: 'the extension imports @vigil/shared and only the Node-free parts of the agent core (outbox-sender, outbox-types, live-service).',
            },
          ],
        },
      ],
    },
  },
  {
    // CLIs, scripts, benchmarks and test harnesses talk to a terminal.
    files: ['scripts/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', '**/cli/**/*.ts', '.ci/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
