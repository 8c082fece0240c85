import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One real Redis per run (REDIS_URL, testcontainers or a local redis-server): see packages/test-support.
    globalSetup: ['@ripio-webhooks/test-support/global-setup'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // *.test-d.ts are type tests, checked by tsc: the public handler types against the worker's real ones.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
