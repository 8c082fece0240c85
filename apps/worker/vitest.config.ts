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
  },
});
