import type { TestProject } from 'vitest/node';
import { obtainRedis } from './obtain-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * vitest globalSetup: one real Redis per test run, handed to tests with `inject('redisUrl')`.
 * Use it from a package's vitest.config.ts: `globalSetup: ['@ripio-webhooks/test-support/global-setup']`.
 * @public vitest loads it by name from the config, so no module imports it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await obtainRedis();
  console.log(`[test-support] Redis for this run: ${redis.source} ${redis.url}`);
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
