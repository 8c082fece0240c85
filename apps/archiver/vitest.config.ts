import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // A real Redis per run (see packages/test-support); the tests start their own PostgreSQL, which they kill.
    globalSetup: ['@ripio-webhooks/test-support/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
