import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One real Redis per run (REDIS_URL, testcontainers or a local redis-server): see packages/test-support.
    // And one real PostgreSQL per run for the event log's routes.
    globalSetup: [
      '@ripio-webhooks/test-support/global-setup',
      '@ripio-webhooks/test-support/global-setup-postgres',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
