import { loadTestEnv, type TestEnv } from './env.js';
import { LocalRedisServer } from './local-redis-server.js';

export interface ObtainedRedis {
  url: string;
  /** Where it came from, printed once so a reader of the test log knows which Redis ran the tests. */
  source: 'REDIS_URL' | 'testcontainers' | 'redis-server';
  stop(): Promise<void>;
}

const HOW_TO_PROVIDE = [
  'No Redis for the tests. Provide one of:',
  '  1. REDIS_URL=redis://host:port (a Redis you own; tests use unique key prefixes and never flush it)',
  '  2. a running Docker engine (testcontainers starts redis:7)',
  '  3. redis-server on PATH (apt-get install redis-server), started on a free port in a temporary directory',
].join('\n');

/**
 * Finds a real Redis for the tests, in this order: REDIS_URL; a testcontainers Redis when a Docker engine
 * answers; a local redis-server binary on a free port; otherwise a clear failure.
 */
export async function obtainRedis(env: TestEnv = loadTestEnv()): Promise<ObtainedRedis> {
  if (env.REDIS_URL !== undefined) {
    return { url: env.REDIS_URL, source: 'REDIS_URL', stop: () => Promise.resolve() };
  }
  if (env.TESTCONTAINERS === '1') {
    const container = await tryTestcontainers();
    if (container !== undefined) return container;
  }
  try {
    const server = await LocalRedisServer.start({ bin: env.REDIS_SERVER_BIN, appendonly: false });
    return { url: server.url, source: 'redis-server', stop: () => server.stop() };
  } catch (error) {
    throw new Error(`${HOW_TO_PROVIDE}\n(last attempt: ${(error as Error).message})`, { cause: error });
  }
}

async function tryTestcontainers(): Promise<ObtainedRedis | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    // Throws within milliseconds when no engine answers, so it is a cheap probe.
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7-alpine').start();
  return {
    url: container.getConnectionUrl(),
    source: 'testcontainers',
    stop: async () => void (await container.stop()),
  };
}
