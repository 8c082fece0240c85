import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tarball test packs the package, installs it in a temporary project and runs tsc there.
  test: { include: ['src/**/*.test.ts'], testTimeout: 120_000 },
});
