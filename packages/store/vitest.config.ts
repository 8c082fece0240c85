import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One real Redis per run (REDIS_URL, testcontainers or a local redis-server): see packages/test-support.
    globalSetup: ['@ripio-webhooks/test-support/global-setup'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
