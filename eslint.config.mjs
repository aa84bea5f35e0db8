// Type-aware lint with the layer boundaries of docs/ARCHITECTURE.md and the
// orchestrator determinism rules of Microsoft's "orchestrator code constraints".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkPackages = ['@azure/arm-*', '@azure/identity', '@azure/core-*', '@azure/storage-*'];
const hostPackages = ['@azure/functions', 'durable-functions', 'durable-functions/*'];
// A later `no-restricted-imports` entry replaces an earlier one for the same files, so every block for
// shared/ restates these two patterns: defined once here.
const noHostImports = {
  group: hostPackages,
  message: 'shared/ must not depend on the Functions host or durable-functions.',
};
const noSdkImports = {
  group: sdkPackages,
  message: 'Only shared/azure/ talks to the Azure SDKs; map SDK models to core types there.',
};

export default tseslint.config(
  // test/summaryReporter.js, test/globalSetup.js, scripts/*.mjs: plain JS run by jest or node untransformed,
  // outside the TypeScript project.
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '*.config.*',
      '.ci/**',
      'test/summaryReporter.js',
      'test/globalSetup.js',
      'scripts/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core is host-agnostic: no Functions host, no durable-functions; SDKs only in shared/azure.
    files: ['shared/**/*.ts'],
    ignores: ['shared/azure/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [noHostImports, noSdkImports],
        },
      ],
    },
  },
  {
    // The report model (findings, report, renderers) knows no capability, and the engine knows none
    // either: capabilities import them, never the reverse (docs/style.md 25). This is what keeps the
    // old cycle between shared/federation and shared/validation from coming back.
    files: ['shared/validation/**/*.ts', 'shared/reconcile/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noHostImports,
            noSdkImports,
            {
              group: [
                '**/federation',
                '**/federation/**',
                '**/dns',
                '**/dns/**',
                '**/privatelink',
                '**/privatelink/**',
                '**/capabilities',
                '**/capabilities/**',
              ],
              message:
                'The report model and the reconcile engine import no capability; a capability imports them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/azure/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [noHostImports],
        },
      ],
    },
  },
  {
    // Orchestrators replay: anything non-deterministic breaks the Durable Task history check.
    files: ['functions/orchestrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...sdkPackages,
                '**/shared/azure/**',
                'node:*',
                'fs',
                'http',
                'https',
                'crypto',
                'child_process',
              ],
              message: 'Orchestrators are deterministic: call an activity for I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use context.df.createTimer.' },
        { name: 'setInterval', message: 'Use context.df.createTimer.' },
        { name: 'fetch', message: 'Call an activity for I/O.' },
        { name: 'process', message: 'The orchestration input carries the config it needs.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use context.df.currentUtcDateTime (new Date(ms) from it is fine).',
        },
        { selector: "CallExpression[callee.name='Date']", message: 'Use context.df.currentUtcDateTime.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use context.df.newGuid.' },
        { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime.' },
        { object: 'crypto', property: 'randomUUID', message: 'Use context.df.newGuid.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
