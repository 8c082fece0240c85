// One ESLint configuration for every workspace package (type-aware through the TypeScript project service), and for
// the plain JavaScript of the repository (scripts/*.mjs, root config files, test fixtures), linted without types.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The code that ships or runs as a tool: held to the size limits below (tests are not). */
const SIZED_SOURCE = [
  'apps/*/src/**/*.ts',
  'apps/*/console/**/*.ts',
  'packages/*/src/**/*.ts',
  'packages/*/scripts/**/*.ts',
  'bench/src/**/*.ts',
  'scripts/**/*.mjs',
];

/**
 * TEMPORARY, remove entry by entry: files over the size limits that are being restructured. Each comment names what
 * the rules report there. Delete the entry when its file is split, so the limits apply to it again.
 */
const PENDING_SPLIT = [
  'apps/admin/console/console.ts', // 324 lines
  'apps/admin/src/api.ts', // apiRouter: 80 lines
  'apps/admin/src/app.ts', // createAdminApp: 76 lines
  'packages/store/src/dead-letter-store.ts', // createDeadLetterStore: 85 lines
  'packages/store/src/queue-gauges.ts', // registerQueueGauges: 71 lines
  'packages/store/src/stats.ts', // createOutcomeCounter: 84 lines
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '.tools/**',
      '.data/**',
      // The console page's browser script: served as is, checked by the admin's browser test.
      'apps/admin/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in env.ts only.' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Scripts and config files read their environment directly (they run before any app's env.ts exists).
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/vitest.config.ts',
      'tests/**',
      'bench/**',
      'scripts/**',
      '*.{js,mjs,cjs}',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.test.ts', 'tests/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // At most 250 lines a file and 60 a function, blank lines and comments included. Where splitting would make the
    // code worse (a data table, say), the file's first line turns the rule off and says why:
    //   /* eslint-disable max-lines -- <reason> */
    files: SIZED_SOURCE,
    ignores: ['**/*.test.ts', '**/*.test-helpers.ts'],
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': ['error', { max: 60 }],
    },
  },
  {
    files: PENDING_SPLIT,
    rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
  },
);
