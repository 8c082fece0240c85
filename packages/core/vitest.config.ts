import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The flow tests walk every ordering of every flow (thousands of sequences): CPU-bound, slow on a busy machine.
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
