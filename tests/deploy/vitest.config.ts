import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The running-apps suites start their own redis-server (LocalRedisServer), apps and Prometheus on free ports.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One suite at a time: they start several processes each, on a 2-core machine.
    fileParallelism: false,
  },
});
