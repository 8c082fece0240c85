import type { TestProject } from 'vitest/node';
import { obtainPostgres } from './obtain-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * vitest globalSetup: one real PostgreSQL per test run, handed to tests with `inject('postgresUrl')`; each test
 * file makes its own database with `freshDatabase`.
 * @public vitest loads it by name from the config, so no module imports it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await obtainPostgres();
  console.log(`[test-support] PostgreSQL for this run: ${postgres.source}`);
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
