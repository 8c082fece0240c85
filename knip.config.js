// knip: unused files, exports and dependencies (`pnpm lint:unused`), tests included as entry points.
// One run only, without `--production`: tests live beside the code they test, so a module's tested surface is its
// API, and an export that only its test imports is not dead code.
// Package sources map to their dist/ through tsconfig.build.json, hence `--tsConfig tsconfig.build.json`.
// vitest test files and vitest.config.ts come from knip's vitest plugin; package.json `exports` and `bin` are entry
// points of their package (with includeEntryExports, an index.ts export that nothing imports is reported).

export default {
  $schema: 'https://unpkg.com/knip@6/schema.json',
  includeEntryExports: true,
  // A type exported because an exported signature of the same file names it is part of that signature.
  ignoreExportsUsedInFile: { interface: true, type: true },
  workspaces: {
    '.': {
      // run-postgres.mjs runs as its own process (start-local/postgres.mjs starts it by path).
      entry: ['scripts/*.mjs', 'scripts/start-local/run-postgres.mjs'],
      project: ['scripts/**/*.mjs'],
    },
    'apps/admin': {
      // console.ts is the console page's script, compiled to dist/console/ and loaded by the page.
      entry: ['src/main.ts!', 'console/console.ts!'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!', 'console/**/*.ts!'],
      // Not imported: the admin's tests start the receiver and the worker from their dist/ (turbo builds them first).
      ignoreDependencies: ['@ripio-webhooks/receiver', '@ripio-webhooks/worker'],
    },
    'apps/archiver': {
      entry: ['src/main.ts!', 'src/vitest-context.test-helpers.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/event-log': {
      entry: ['src/vitest-context.test-helpers.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'apps/receiver': {
      entry: ['src/main.ts!'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'apps/worker': {
      // src/index.ts (package.json `exports`, so already an entry) is the handler API an operator's
      // HANDLERS_MODULE imports: defineHandlers, UnrecoverableEventError, the forward headers and signature, their
      // types. Public though nothing in the repository imports it, so its exports are not reported.
      entry: ['src/main.ts!'],
      includeEntryExports: false,
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/schemas': {
      // write-fixtures.ts regenerates fixtures/ (`pnpm --filter @ripio-webhooks/schemas fixtures`).
      entry: ['scripts/*.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!', 'scripts/*.ts'],
    },
    'packages/store': {
      // Imported by nobody: it brings test-support's `ProvidedContext` augmentation into the type program.
      entry: ['src/vitest-context.test-helpers.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/core': {
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/cli': {
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    // Test-only package: nothing ships, so no "!" patterns.
    'packages/test-support': {
      project: ['src/**/*.ts'],
    },
    bench: {
      // Each server under src/servers/ runs as its own process (bench/src/servers.ts starts dist/servers/<id>.js).
      entry: ['src/run.ts!', 'src/memory.ts!', 'src/event-log-bench.ts!', 'src/servers/*.ts!'],
      project: ['src/**/*.ts!'],
    },
    'tests/e2e': {
      // The ledger handlers module the e2e stack's workers load by path (HANDLERS_MODULE).
      entry: ['src/fixtures/*.mjs'],
      project: ['src/**/*.{ts,mjs}'],
      // Not imported: the stack runs the archiver's dist/main.js.
      ignoreDependencies: ['@ripio-webhooks/archiver'],
    },
    'tests/deploy': {
      project: ['src/**/*.ts'],
      // Not imported: the tests run the apps' and the CLI's dist/main.js (turbo builds them first).
      ignoreDependencies: [
        '@ripio-webhooks/admin',
        '@ripio-webhooks/archiver',
        '@ripio-webhooks/cli',
        '@ripio-webhooks/receiver',
        '@ripio-webhooks/worker',
      ],
    },
  },
};
