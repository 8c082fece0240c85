import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One real Redis and one real PostgreSQL per run (the URL env vars, testcontainers, or local servers): see
    // packages/test-support.
    globalSetup: [
      '@ripio-webhooks/test-support/global-setup',
      '@ripio-webhooks/test-support/global-setup-postgres',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // *.test-d.ts are type tests, checked by tsc: the public handler types against the worker's real ones.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
