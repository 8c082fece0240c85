import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import {
  createRedis,
  openDeadLetterQueue,
  openEventsQueue,
  readQueueSnapshot,
  settleWithin,
} from '@ripio-webhooks/store';
import { createEventLogReader } from '@ripio-webhooks/event-log';
import { accessControl } from './access.js';
import { createAdminApp } from './app.js';
import { bullBoardRouter } from './bull-board.js';
import { loadEnv, processEnv, stuckThresholdsOf } from './env.js';
import { createAdminMetrics } from './metrics.js';
import { openRedriveStores } from './redrive-stores.js';
import { openAdminStores } from './stores.js';

const loaded = loadEnv(processEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const env = loaded.env;
const logger = pino({ level: env.LOG_LEVEL, base: { app: 'admin' } });

const redis = createRedis({ url: env.REDIS_URL, role: 'fail-fast', connectionName: 'ripio-admin' });
redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
const queueConnection = {
  redis,
  queuePrefix: env.QUEUE_PREFIX,
  onError: (error: Error) => logger.warn({ err: error }, 'queue error'),
};
const events = openEventsQueue(queueConnection);
const deadLetter = openDeadLetterQueue(queueConnection);
const redrives =
  env.DATABASE_URL === undefined || env.EVENT_LOG !== 'postgres'
    ? undefined
    : openRedriveStores(env.DATABASE_URL, queueConnection, logger);
const stores = {
  ...openAdminStores(
    redis,
    env.QUEUE_PREFIX,
    {
      dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
      historyLimit: env.HISTORY_LIMIT,
      entityRetentionSeconds: env.ENTITY_RETENTION_DAYS * 86_400,
    },
    stuckThresholdsOf(env.STUCK_AFTER),
  ),
  redrives,
};
const metrics = createAdminMetrics(
  () => readQueueSnapshot({ redis, queuePrefix: env.QUEUE_PREFIX }),
  (error) => logger.warn({ err: error }, 'queue gauges left out of this scrape: Redis did not answer'),
  () => stores.listHolds(),
  () => stores.countStuck(),
);

// EVENT_LOG=postgres makes DATABASE_URL required (env.ts); the schema is the archiver's to migrate.
const eventLog =
  env.EVENT_LOG === 'postgres' && env.DATABASE_URL !== undefined
    ? createEventLogReader({ databaseUrl: env.DATABASE_URL })
    : undefined;

const access = accessControl(redis, env);
const app = createAdminApp({
  access,
  trustProxy: env.TRUST_PROXY,
  stores,
  metrics,
  logger,
  ...(eventLog === undefined ? {} : { eventLog }),
  queuesDashboard: bullBoardRouter(events, deadLetter),
  ping: async () => {
    try {
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  },
});

const server = app.listen(env.ADMIN_PORT, env.ADMIN_HOST);
await once(server, 'listening');
const address = server.address() as AddressInfo;
logger.info(
  { host: address.address, port: address.port, queuePrefix: env.QUEUE_PREFIX, eventLog: env.EVENT_LOG },
  `admin listening on http://${address.address}:${address.port} (console /, dashboard /queues)`,
);

/** Once SHUTDOWN_TIMEOUT_MS has passed, the longest wait for each remaining closing step (Redis may be gone). */
const FORCED_CLOSE_STEP_MS = 2_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'admin shutting down');
  server.closeIdleConnections();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (!(await settleWithin(closed, env.SHUTDOWN_TIMEOUT_MS))) {
    logger.warn(
      { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
      'shutdown timeout: closing the connections still open',
    );
    server.closeAllConnections();
  }
  await settleWithin(
    Promise.allSettled([
      stores.close(),
      events.close(),
      deadLetter.close(),
      eventLog?.close(),
      redrives?.close(),
    ]),
    FORCED_CLOSE_STEP_MS,
  );
  // disconnect, not quit: QUIT waits for a reply that never comes while Redis is down.
  redis.disconnect();
  logger.info('admin stopped');
  // Exit explicitly: with Redis gone, BullMQ and ioredis leave handles that would keep the process alive.
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void shutdown(signal);
  });
}
